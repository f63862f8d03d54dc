import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parsePartialDate, readPartialDate } from '../lambdas/render/dates';
import { ContentError, DocumentSyntaxError, formatProblems, InputError, type Problem, UnsupportedFormatError, ValidationError } from '../lambdas/render/errors';
import { parseSource } from '../lambdas/render/parse';
import type { ParsedDocument } from '../lambdas/render/types';
import { DOCUMENT_LIMITS } from '../lambdas/render/limits';
import { MAX_MARKS_IN_FURNITURE, MAX_MARKS_PER_CHARACTER, validateDocument } from '../lambdas/render/validate';
import { STRESS_SHAPE, longDocument } from '../bench/long-document';
import { textContaining } from './helpers/matchers';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const contentDir = new URL('../content/', import.meta.url).pathname;
const TEMPLATES = ['briefing', 'brief'] as const;
const MODIFIED_AT = new Date('2022-03-01T09:15:00Z');

function parsedFile(path: string): Promise<ParsedDocument> {
  return parseSource({ name: path, bytes: readFileSync(path), modifiedAt: MODIFIED_AT });
}

function parsedYaml(text: string, name = 'doc.yaml'): Promise<ParsedDocument> {
  return parseSource({ name, bytes: new TextEncoder().encode(text), modifiedAt: MODIFIED_AT });
}

/** A parsed document as a parser would hand it over, without positions. */
function parsedData(data: unknown): ParsedDocument {
  return { file: 'data.json', format: 'json', data, positions: new Map() };
}

function problemsOf(parsed: ParsedDocument, options = {}): readonly Problem[] {
  try {
    validateDocument(parsed, { templates: TEMPLATES, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems;
  }
  throw new Error(`${parsed.file} validated, but should have been refused`);
}


describe('validate', () => {
  describe('samples', () => {
    it.each(readdirSync(contentDir, { withFileTypes: true }).filter((entry) => entry.isFile() && !entry.name.startsWith('.')).map((entry) => entry.name))('accepts content/%s without a problem, and warns only that a dispatch was derived by rules', async (name) => {
      // Prepare
      const parsed = await parsedFile(join(contentDir, name));

      // Act
      const validated = validateDocument(parsed, { templates: TEMPLATES });

      // Assert
      expect(validated.warnings).toEqual(
        parsed.format === 'dispatch' ? [expect.objectContaining({ message: expect.stringMatching(/^derived from a wire dispatch by rules \(docs\/input-limits\.md, "Wire dispatches"\)/) as string })] : [],
      );
      expect(validated.document.title).toBe((parsed.data as { title: string }).title.replace(/\s+/g, ' ').trim());
      expect(validated.document.template).toBe((parsed.data as { template?: string }).template ?? 'briefing');
    });

    it('normalises the French sample: optional lists present, body and context as paragraphs, dates parsed', async () => {
      const path = join(contentDir, 'macron-poutine-2022-02-28.yaml');
      const parsed = await parsedFile(path);
      const raw = parsed.data as { sections: { body: unknown }[]; timeline: unknown[] };

      const { document } = validateDocument(parsed, { templates: TEMPLATES });

      expect(document.date).toEqual({ year: 2022, month: 2, day: 28, raw: '2022-02-28' });
      expect(document.lang).toBe('fr');
      expect(typeof raw.sections[0]?.body).toBe('string');
      expect(document.sections[0]?.body).toHaveLength(1);
      expect(document.sections[0]?.bullets).toHaveLength(3);
      expect(document.sections[2]?.body).toEqual([
        'Emmanuel Macron a également demandé le respect du droit international humanitaire et la protection des populations civiles comme de l’acheminement de l’aide.',
        'Il s’est référé à la résolution portée par la France au Conseil de sécurité de l’ONU.',
      ]);
      expect(document.timeline.map((entry) => entry.date)).toEqual([
        { year: 2022, month: 2, day: 24, raw: '2022-02-24' },
        'jeudi 24 février',
        { year: 2022, month: 2, day: 28, raw: '2022-02-28' },
        { year: 2022, month: 2, day: 28, raw: '2022-02-28' },
      ]);
      expect(document.facts).toContainEqual({ label: 'Demandes formulées', value: '3' });
      expect(document.sources[1]).toEqual({
        name: 'Présidence de la République, communiqué',
        url: 'https://www.elysee.fr/',
        date: { year: 2022, month: 2, day: 28, raw: '2022-02-28' },
      });
      expect(raw.timeline).toHaveLength(document.timeline.length);
    });

    it('turns the seed dispatch into a French fact sheet of February 2022 with its quotes', async () => {
      const parsed = await parsedFile(join(contentDir, 'depeche-afp-2022-02-28.txt'));

      const { document } = validateDocument(parsed, { templates: TEMPLATES });

      expect(document.date).toEqual({ year: 2022, month: 2, raw: '2022-02' });
      expect(document.lang).toBe('fr');
      expect(document.title).toMatch(/^Emmanuel Macron a échangé lundi pendant 1h30 avec Vladimir Poutine/);
      expect(document.quotes).toContainEqual({ text: 'a confirmé sa volonté de s’engager', speaker: 'Élysée' });
      expect(document.timeline).toEqual([
        {
          date: { year: 2022, month: 2, day: 24, raw: '2022-02-24' },
          event: 'Cet échange est le second entre MM. Macron et Poutine depuis le début, le 24 février, de l’invasion de l’Ukraine par la Russie',
        },
      ]);
      expect(document.parties).toEqual([{ name: 'Emmanuel Macron' }, { name: 'Vladimir Poutine' }, { name: 'Volodymyr Zelensky' }, { name: 'Élysée' }]);
      expect(document.context).toEqual([]);
    });

    it('accepts the long document of the stress test (30 sections, 60 key points, 40 timeline entries)', async () => {
      const { yaml } = longDocument(STRESS_SHAPE);

      const { document } = validateDocument(await parsedYaml(yaml), { templates: TEMPLATES });

      expect(document.sections).toHaveLength(STRESS_SHAPE.sections);
      expect(document.key_points).toHaveLength(STRESS_SHAPE.keyPoints);
      expect(document.timeline).toHaveLength(STRESS_SHAPE.timeline);
    });
  });

  describe('good edge cases', () => {
    it('fills the defaults and empty lists of a minimal document', async () => {
      const { document, warnings } = validateDocument(await parsedFile(join(fixtures, 'good/UPPER.YML')), { templates: TEMPLATES });

      expect(warnings).toEqual([]);
      expect(document).toEqual({
        title: 'Extension en majuscules',
        date: { year: 2022, month: 2, day: 28, raw: '2022-02-28' },
        lang: 'en',
        template: 'briefing',
        facts: [],
        parties: [],
        key_points: [],
        sections: [],
        quotes: [],
        timeline: [],
        context: [],
        sources: [],
        tags: [],
        images: [],
        charts: [],
      });
    });

    it('accepts a year written as a number, and a date-time with its zone', async () => {
      const year = validateDocument(await parsedFile(join(fixtures, 'good/year-number.yaml')), { templates: TEMPLATES });
      const dateTime = validateDocument(await parsedFile(join(fixtures, 'good/date-time.yaml')), { templates: TEMPLATES });

      expect(year.document.date).toEqual({ year: 2022, raw: '2022' });
      expect(year.document.timeline[0]?.date).toEqual({ year: 2021, raw: '2021' });
      expect(dateTime.document.date).toEqual({ year: 2022, month: 2, day: 28, time: '14:30:00+01:00', raw: '2022-02-28T14:30:00+01:00' });
      expect(dateTime.document.sources[0]?.date).toMatchObject({ day: 28, time: '14:30' });
    });

    it('warns about unknown fields with their position and a suggestion, and still publishes', async () => {
      const path = join(fixtures, 'good/unknown-field.yaml');
      const text = readFileSync(path, 'utf8');
      const sumaryLine = text.split('\n').findIndex((line) => line.startsWith('sumary:')) + 1;

      const { document, warnings } = validateDocument(await parsedFile(path), { templates: TEMPLATES });

      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toEqual({
        path: 'sumary',
        line: sumaryLine,
        column: 1,
        message: 'unknown field, ignored (did you mean "summary"?)',
        expected: 'one of title, date, lang, template, subtitle, category, classification, location, summary, facts, parties, key_points, sections, quotes, timeline, context, sources, tags, author, images, charts, url',
      });
      expect(warnings[1]).toMatchObject({ path: 'quotes[0].speeker', message: 'unknown field, ignored (did you mean "speaker"?)' });
      expect(document.summary).toBeUndefined();
    });

    it('normalises the case of a language tag and strips quotation marks typed around a quote', async () => {
      const { document } = validateDocument(await parsedFile(join(fixtures, 'good/unknown-field.yaml')), { templates: TEMPLATES });

      expect(document.lang).toBe('pt-BR');
      expect(document.quotes[0]?.text).toBe('une citation entre guillemets typographiques');
      expect(document.timeline[0]?.date).toBe('jeudi');
    });

    it.each([
      ['tlh', 'tlh'],
      ['zh-hant-tw', 'zh-Hant-TW'],
      ['de-CH-1996', 'de-CH-1996'],
      ['es-419', 'es-419'],
      ['en-GB-x-newsroom', 'en-GB-x-newsroom'],
      ['AR', 'ar'],
      ['iw', 'he'],
      ['zh-hans-cn', 'zh-Hans-CN'],
    ])('accepts the well-formed tag %s, known or not, as %s', (lang, expected) => {
      const { document } = validateDocument(parsedData({ title: 't', date: '2022', lang }), { templates: TEMPLATES });

      expect(document.lang).toBe(expected);
    });

    it.each(['fr_FR', 'zh-yue', 'i-klingon', 'en-', '12', 'fr-FR-'])('refuses %s, which Intl.getCanonicalLocales does not take as a language tag', (lang) => {
      const problems = problemsOf(parsedData({ title: 't', date: '2022', lang }), { templates: TEMPLATES });

      expect(problems.map((problem) => [problem.path, problem.message.split(' (')[0]])).toEqual([['lang', `"${lang}" is not a language tag`]]);
    });

    it('keeps quotation marks that are part of the text', () => {
      const { document } = validateDocument(
        parsedData({ title: 't', date: '2022', quotes: [{ text: '«Oui», a-t-il dit, «sans réserve»' }] }),
        { templates: TEMPLATES },
      );

      expect(document.quotes[0]?.text).toBe('«Oui», a-t-il dit, «sans réserve»');
    });
  });

  describe('bad documents', () => {
    it('reports a missing title, pointing at the misspelled field', async () => {
      const path = join(fixtures, 'bad/missing-title.yaml');

      const problems = problemsOf(await parsedFile(path));

      expect(problems).toEqual([
        { path: 'title', line: 2, column: 1, message: 'is required (found "titel": a misspelling?)', expected: 'text' },
      ]);
    });

    it('reports every impossible date together, in file order', async () => {
      const problems = problemsOf(await parsedFile(join(fixtures, 'bad/bad-dates.yaml')));

      expect(problems).toMatchObject([
        { path: 'date', line: 2, column: 1, message: 'is not a real date: "2022-02-30": February 2022 has 28 days, not 30' },
        { path: 'timeline[1].date', line: 6, column: 5, message: 'is not a real date: "2022-13-01": there is no month 13' },
        { path: 'sources[0].date', line: 10, column: 5, message: '"28/02/2022" is not a date' },
      ]);
      expect(problems.every((problem) => problem.expected?.startsWith('YYYY, YYYY-MM, YYYY-MM-DD'))).toBe(true);
    });

    it('reports every wrong type with its path', async () => {
      const problems = problemsOf(await parsedFile(join(fixtures, 'bad/wrong-types.yaml')));

      expect(problems.map((problem) => [problem.path, problem.line, problem.message])).toEqual([
        ['quotes', 3, 'must be a list, not the text "« a confirmé sa volonté de s’engager »"'],
        ['facts[1].value', 7, 'is required'],
        ['parties[0]', 9, 'must be a mapping of fields, not the text "Emmanuel Macron"'],
        ['key_points', 10, 'must be a list, not a mapping of fields'],
        ['sections[0].bullets', 14, 'must be a list, not the text "un arrêt des frappes"'],
        ['tags[1]', 15, 'must be text, not true (yes/no)'],
      ]);
    });

    it('refuses an unknown template, listing the available ones', async () => {
      const problems = problemsOf(await parsedFile(join(fixtures, 'bad/unknown-template.yaml')));

      expect(problems).toEqual([
        {
          path: 'template',
          line: 3,
          column: 1,
          message: 'there is no template "breifing" (did you mean "briefing"?)',
          expected: `one of ${TEMPLATES.join(', ')}`,
        },
      ]);
    });

    it('refuses a malformed language tag, a URL that is not http(s), and a control character', async () => {
      const problems = problemsOf(await parsedFile(join(fixtures, 'bad/bad-fields.yaml')));

      expect(problems).toMatchObject([
        { path: 'lang', line: 3, message: '"fr_FR" is not a language tag (write fr-FR with a hyphen)' },
        { path: 'sources[0].url', line: 6, message: '"www.elysee.fr" is not a web address (did you mean "https://www.elysee.fr"?)' },
        { path: 'sources[1].url', line: 8, message: '"ftp://example.org/communique.txt" is not a web address' },
        { path: 'summary', line: 9, message: 'contains an invisible control character (U+0007) at character 26' },
      ]);
    });

    it('says what an address field accepts: https for the online version, http or https for a source', async () => {
      // Prepare: the online version takes https only, so its "expected" must not offer http.
      const message = async (yaml: string) => {
        try {
          validateDocument(await parsedYaml(`title: T\ndate: 2022\n${yaml}`), { templates: TEMPLATES });
        } catch (error) {
          return (error as ValidationError).message;
        }
        throw new Error('validated, but should have been refused');
      };

      // Act, Assert
      expect(await message('url: example.org\n')).toBe('doc.yaml:3:1: url: "example.org" is not a web address (did you mean "https://example.org"?) (expected the https:// address of the online version)');
      expect(await message('url: http://example.org\n')).toBe('doc.yaml:3:1: url: "http://example.org" is not an https address (expected the https:// address of the online version)');
      expect(await message('url: mailto:desk@example.org\n')).toBe('doc.yaml:3:1: url: "mailto:desk@example.org" is not a web address (expected the https:// address of the online version)');
      expect(await message('sources:\n  - name: AFP\n    url: example.org\n')).toBe(
        'doc.yaml:5:5: sources[0].url: "example.org" is not a web address (did you mean "https://example.org"?) (expected a full address starting with https:// or http://)',
      );
    });

    it('says that YAML read a key point or a paragraph with ": " in it as a field, and to put it in quotes', async () => {
      // Prepare: `- Price: 4,999` is a mapping { Price: "4,999" } to YAML.
      const yaml = 'title: T\ndate: 2022\nkey_points:\n  - Price: 4,999\n  - fine\nsections:\n  - heading: H\n    body:\n      - Note: 12 items\ntags:\n  - a: b\n';

      // Act
      const problems = problemsOf(await parsedYaml(yaml));

      // Assert
      expect(formatProblems('doc.yaml', problems)).toBe(
        [
          'doc.yaml:4:5: key_points[0]: was read as a field "Price" with the value "4,999", because of the ": " after "Price" (expected text: put the whole text in quotes, "Price: 4,999")',
          'doc.yaml:9:9: sections[0].body[0]: was read as a field "Note" with the value "12 items", because of the ": " after "Note" (expected text: put the whole text in quotes, "Note: 12 items")',
          'doc.yaml:11:5: tags[0]: was read as a field "a" with the value "b", because of the ": " after "a" (expected text: put the whole text in quotes, "a: b")',
        ].join('\n'),
      );
    });

    it('says that YAML read a fact, a timeline entry or another list item written `Key: value` as one field, and how to write its fields', async () => {
      // Prepare: `- Duration: 1h30` is { Duration: "1h30" } to YAML, which has neither `label:` nor `value:`.
      const yaml = [
        'title: T',
        'date: 2022',
        'facts:',
        '  - Duration: 1h30',
        '  - label: Price',
        '    value: 4,999',
        'parties:',
        '  - Emmanuel Macron: President',
        'quotes:',
        '  - Podolyak: We will continue the talks',
        'sections:',
        '  - Background: Talks began in Belarus.',
        'timeline:',
        '  - 2022-02-24: Russia launches its offensive',
        'sources:',
        '  - AFP: https://www.afp.com/',
        'images:',
        '  - kyiv.jpg: The Maidan at dusk',
        'charts:',
        '  - title: Arrivals',
        '    unit: people',
        '    labels: [Poland, Hungary]',
        '    series:',
        '      - Arrivals: [1204, 191]',
        '',
      ].join('\n');

      // Act
      const problems = problemsOf(await parsedYaml(yaml));

      // Assert
      const read = (name: string, value: string) => `was read as a field "${name}" with the value "${value}", because of the ": " after "${name}"`;
      expect(formatProblems('doc.yaml', problems)).toBe(
        [
          `doc.yaml:4:5: facts[0]: ${read('Duration', '1h30')} (expected a fact with \`label:\` and \`value:\`: "- label: Duration" and under it "value: 1h30")`,
          `doc.yaml:8:5: parties[0]: ${read('Emmanuel Macron', 'President')} (expected a party with \`name:\` (and \`role:\`, \`country:\`): "- name: Emmanuel Macron" and under it "role: President")`,
          `doc.yaml:10:5: quotes[0]: ${read('Podolyak', 'We will continue the talks')} (expected a quote with \`text:\` (and \`speaker:\`, \`context:\`): "- speaker: Podolyak" and under it "text: We will continue the talks")`,
          `doc.yaml:12:5: sections[0]: ${read('Background', 'Talks began in Belarus.')} (expected a section with \`heading:\` (and \`body:\`, \`bullets:\`, \`image:\`, \`chart:\`): "- heading: Background" and under it "body: Talks began in Belarus.")`,
          `doc.yaml:14:5: timeline[0]: ${read('2022-02-24', 'Russia launches its offensive')} (expected a timeline entry with \`date:\` and \`event:\`: "- date: 2022-02-24" and under it "event: Russia launches its offensive")`,
          `doc.yaml:16:5: sources[0]: ${read('AFP', 'https://www.afp.com/')} (expected a source with \`name:\` (and \`url:\`, \`date:\`): "- name: AFP" and under it "https://www.afp.com/" as \`url:\` or \`date:\`)`,
          `doc.yaml:18:5: images[0]: ${read('kyiv.jpg', 'The Maidan at dusk')} (expected a picture with \`src:\` and \`alt:\` (and \`caption:\`, \`credit:\`): "- src: kyiv.jpg" and under it "alt: The Maidan at dusk")`,
          `doc.yaml:24:9: charts[0].series[0]: ${read('Arrivals', '[1204, 191]')} (expected a series with \`name:\` and \`values:\`: "- name: Arrivals" and under it "values: [1204, 191]")`,
        ].join('\n'),
      );
      // A section's one picture is no list item: no dash before its first field.
      const image = problemsOf(await parsedYaml('title: T\ndate: 2022\nsections:\n  - heading: H\n    image:\n      kyiv.jpg: The Maidan\n'));
      expect(image).toMatchObject([{ path: 'sections[0].image', expected: 'a picture with `src:` and `alt:` (and `caption:`, `credit:`): "src: kyiv.jpg" and under it "alt: The Maidan"' }]);
    });

    it('still takes a fact whose field is misspelled for a misspelling, and a fact in JSON as written', async () => {
      // Prepare: `lable` is near `label`, so the item is a fact with a typo (and no value yet), not text read as a field.
      const yaml = 'title: T\ndate: 2022\nfacts:\n  - lable: Duration\n';

      // Act
      const misspelled = problemsOf(await parsedYaml(yaml));
      const json = problemsOf(parsedData({ title: 'T', date: '2022', facts: [{ Duration: '1h30' }] }));

      // Assert
      expect(misspelled).toMatchObject([
        { path: 'facts[0].label', line: 4, message: 'is required (found "lable": a misspelling?)' },
        { path: 'facts[0].value', line: 4, message: 'is required' },
      ]);
      expect(json).toEqual([
        { path: 'facts[0].label', message: 'is required', expected: 'text' },
        { path: 'facts[0].value', message: 'is required', expected: 'text' },
      ]);
    });

    it('reads an object in JSON as it was written, a mapping, not as text cut at ": "', () => {
      const problems = problemsOf(parsedData({ title: 'T', date: '2022', key_points: [{ Price: '4,999' }] }));

      expect(problems).toEqual([{ path: 'key_points[0].text', message: 'is required', expected: 'text' }]);
    });

    it('warns of a lone surrogate, naming the field and where, and prints it as \uFFFD', async () => {
      // Prepare: a JSON escape pair cut in half lost its emoji; a whole pair is fine.
      const json = '{"title": "Appel \\ud83d sans fin", "date": "2022-02-28",\n "summary": "Merci \\ud83d\\udc4d, et \\udc4d"}';

      // Act
      const validated = validateDocument(await parseSource({ name: 'halves.json', bytes: new TextEncoder().encode(json), modifiedAt: MODIFIED_AT }), { templates: TEMPLATES });

      // Assert
      expect(validated.document.title).toBe('Appel \uFFFD sans fin');
      expect(validated.document.summary).toBe('Merci 👍, et \uFFFD');
      expect(validated.warnings).toEqual([
        {
          path: 'title',
          line: 1,
          column: 2,
          message: 'contains a lone surrogate (U+D83D) at character 7, half of a character written as a \\u escape pair; it prints as \uFFFD',
          expected: 'whole characters: both halves of an escape pair (\\uD83D\\uDE00), or the character itself',
        },
        expect.objectContaining({ path: 'summary', line: 2, column: 2, message: expect.stringContaining('(U+DC4D) at character 13') as string }),
      ]);
    });

    it('keeps at most the documented number of combining marks on a letter, and warns naming the field', async () => {
      // Prepare: "Zalgo" with 40 marks above and below each letter; Vietnamese "ệ" written decomposed keeps its two.
      const pile = '\u0301\u0316\u0300\u0317\u0302\u0318'.repeat(7).slice(0, 40);
      const zalgo = Array.from('Zalgo', (letter) => `${letter}${pile}`).join('');
      const yaml = `title: "${zalgo} Tiê\u0323\u0302ng"\ndate: 2022-02-28\n`;

      // Act
      const validated = validateDocument(await parseSource({ name: 'zalgo.yaml', bytes: new TextEncoder().encode(yaml), modifiedAt: MODIFIED_AT }), { templates: TEMPLATES });

      // Assert
      // Text is put in NFC first (Z + acute is Ź), then the marks left after each letter are cut.
      const letters = Array.from('Zalgo', (letter) => Array.from(`${letter}${pile}`.normalize('NFC')));
      const dropped = letters.reduce((sum, letter) => sum + letter.length - 1 - MAX_MARKS_PER_CHARACTER, 0);
      expect(validated.document.title).toBe(`${letters.map((letter) => letter.slice(0, 1 + MAX_MARKS_PER_CHARACTER).join('')).join('')} ${'Tiê\u0323\u0302ng'.normalize('NFC')}`);
      expect(validated.warnings).toEqual([
        {
          path: 'title',
          line: 1,
          column: 1,
          message: `stacks more than ${MAX_MARKS_PER_CHARACTER} combining marks on one character (from character 2); ${dropped} marks are dropped, which would print above and over the lines around`,
          expected: `at most ${MAX_MARKS_PER_CHARACTER} accents or other combining marks on a letter`,
        },
      ]);
    });

    it('keeps fewer marks in the fields printed in the page furniture, warning where they print; Thai keeps its two', async () => {
      // Prepare: three marks below "Z" wherever it is; "ที่" is a consonant with a vowel and a tone mark above.
      const pile = '\u0316\u0317\u0318';
      const yaml = `title: "Z${pile}"\ndate: 2022-02-28\nclassification: "Z${pile} ที่"\nsources:\n  - name: "Z${pile}"\n`;

      // Act
      const validated = validateDocument(await parsedYaml(yaml), { templates: TEMPLATES });

      // Assert
      const kept = `Z${pile.slice(0, MAX_MARKS_IN_FURNITURE)}`;
      expect(validated.document.title).toBe(`Z${pile}`);
      expect(validated.document.classification).toBe(`${kept} ที่`);
      expect(validated.document.sources?.[0]?.name).toBe(kept);
      expect(validated.warnings).toEqual([
        {
          path: 'classification',
          line: 3,
          column: 1,
          message: `stacks more than ${MAX_MARKS_IN_FURNITURE} combining marks on one character (from character 2); it prints in the header band of every page, one line with room for ${MAX_MARKS_IN_FURNITURE}; 1 marks are dropped, which would print outside the header band`,
          expected: `at most ${MAX_MARKS_IN_FURNITURE} accents or other combining marks on a letter in the header band`,
        },
        expect.objectContaining({ path: 'sources[0].name', message: textContaining('it prints in the footer of every page') }),
      ]);
    });

    it('accepts a title of ten letters piled with marks, capping the marks instead of refusing its length', async () => {
      // Prepare: 10 letters with 40 marks below each, 410 characters before the marks are capped.
      const pile = '\u0316\u0317\u0318\u0319'.repeat(10);
      const yaml = `title: "${Array.from('Zalgotitle', (letter) => `${letter}${pile}`).join('')}"\ndate: 2022-02-28\n`;

      // Act
      const validated = validateDocument(await parsedYaml(yaml, 'zalgo.yaml'), { templates: TEMPLATES });

      // Assert
      expect(validated.document.title).toBe(Array.from('Zalgotitle', (letter) => `${letter}${pile.slice(0, MAX_MARKS_PER_CHARACTER)}`).join(''));
      expect(validated.warnings).toEqual([
        expect.objectContaining({ path: 'title', message: `stacks more than ${MAX_MARKS_PER_CHARACTER} combining marks on one character (from character 2); 360 marks are dropped, which would print above and over the lines around` }),
      ]);
    });

    it('refuses a title too long even with its marks capped, counting what is kept', async () => {
      // Prepare: 70 letters with 6 marks each: 490 characters, 350 once each letter keeps 4 marks.
      const yaml = `title: "${`a${'\u0316'.repeat(6)}`.repeat(70)}"\ndate: 2022-02-28\n`;

      // Act
      const problems = problemsOf(await parsedYaml(yaml));

      // Assert
      expect(problems).toEqual([
        {
          path: 'title',
          line: 1,
          column: 1,
          message: `is 350 characters long (not counting 140 combining marks past the ${MAX_MARKS_PER_CHARACTER}th on a character)`,
          expected: `at most ${DOCUMENT_LIMITS.maxTitleLength} characters`,
        },
      ]);
    });

    it('reads a megabyte of marks on one letter as the letter with four, and stops early on a megabyte of piles', async () => {
      // Prepare: one letter with 520 000 marks; 87 000 letters with 5 marks each (87 000 piles). About 1 MB each.
      const oneLetter = `title: "Z${'\u0316'.repeat(520_000)}"\ndate: 2022-02-28\n`;
      const manyPiles = `title: "${`a${'\u0316'.repeat(5)}`.repeat(87_000)}"\ndate: 2022-02-28\n`;

      // Act
      const validated = validateDocument(await parsedYaml(oneLetter), { templates: TEMPLATES });
      const problems = problemsOf(await parsedYaml(manyPiles));

      // Assert
      expect(validated.document.title).toBe(`Z${'\u0316'.repeat(MAX_MARKS_PER_CHARACTER)}`);
      expect(validated.warnings).toEqual([expect.objectContaining({ message: textContaining('; 519996 marks are dropped') })]);
      // The count stops once what is kept passes the limit: the work is bounded by it, not by the file.
      expect(problems).toEqual([
        expect.objectContaining({
          path: 'title',
          message: `is more than ${DOCUMENT_LIMITS.maxTitleLength} characters long, not counting the combining marks past the ${MAX_MARKS_PER_CHARACTER}th on a character`,
        }),
      ]);
    });

    it('refuses a title longer than the format allows', async () => {
      const problems = problemsOf(await parsedFile(join(fixtures, 'bad/title-too-long.yaml')));
      const { title } = (await parsedFile(join(fixtures, 'bad/title-too-long.yaml'))).data as { title: string };

      expect(problems).toEqual([
        {
          path: 'title',
          line: 1,
          column: 1,
          message: `is ${title.length} characters long`,
          expected: `at most ${DOCUMENT_LIMITS.maxTitleLength} characters`,
        },
      ]);
    });

    it('refuses an impossible date in a dispatch at the date token', async () => {
      const problems = problemsOf(await parsedFile(join(fixtures, 'bad/dispatch-bad-date.txt')));

      expect(problems).toMatchObject([{ path: 'date', line: 1, column: 7, message: textContaining('February 2022 has 28 days') }]);
    });

    it('refuses lists longer than the limit, and takes limits from the caller', () => {
      const tooMany = parsedData({ title: 't', date: '2022', key_points: Array.from({ length: 501 }, (_, index) => `point ${index}`) });
      const fewAllowed = parsedData({ title: 't', date: '2022', tags: ['a', 'b', 'c'] });

      expect(problemsOf(tooMany)).toEqual([
        { path: 'key_points', message: 'has 501 items, too many for a fact sheet', expected: 'at most 500 items' },
      ]);
      expect(problemsOf(fewAllowed, { limits: { maxListItems: 2 } })).toMatchObject([{ path: 'tags', expected: 'at most 2 items' }]);
    });

    it('refuses empty items and empty required text', async () => {
      const problems = problemsOf(await parsedYaml('title: "  "\ndate: 2022\nkey_points:\n  - Un point\n  -\n'));

      expect(problems).toEqual([
        { path: 'title', line: 1, column: 1, message: 'is empty', expected: 'text' },
        { path: 'key_points[1]', line: 5, column: 4, message: 'is required', expected: 'text' },
      ]);
    });

    it('lists at most the configured number of problems, then says how many more', () => {
      const parsed = parsedData({ title: 't', date: '2022', tags: Array.from({ length: 60 }, () => [1]) });

      const problems = problemsOf(parsed);

      expect(problems).toHaveLength(DOCUMENT_LIMITS.maxReportedProblems + 1);
      expect(problems[problems.length - 1]).toEqual({ message: `and ${60 - DOCUMENT_LIMITS.maxReportedProblems} more problems not listed here` });
    });

    it('refuses data that is not a mapping', () => {
      expect(problemsOf(parsedData(['title']))).toEqual([
        { message: 'must be a mapping of fields, not a list', expected: 'a mapping of fields such as `title:` and `date:`' },
      ]);
    });

    it('reports title and date missing together, and a missing template default', () => {
      const problems = problemsOf(parsedData({ lang: 'fr' }), { templates: ['brief'] });

      expect(problems.map((problem) => [problem.path, problem.message])).toEqual([
        ['title', 'is required'],
        ['date', 'is required'],
        ['template', 'there is no template "briefing"'],
      ]);
    });

    it('round-trips through YAML the problems a JSON document would have', async () => {
      const document = { title: 't', date: '2022-02-29', sources: [{ name: 'AFP', url: 'elysee' }] };
      const fromJson = problemsOf(await parsedYaml(JSON.stringify(document, null, 2), 'doc.json'));
      const fromYaml = problemsOf(await parsedYaml(stringify(document)));

      expect(fromJson.map((problem) => [problem.path, problem.message])).toEqual(fromYaml.map((problem) => [problem.path, problem.message]));
      expect(fromJson[0]).toMatchObject({ path: 'date', line: 3, column: 3, message: textContaining('February 2022 has 28 days') });
    });
  });

  describe('fixture corpus', () => {
    /** Each good fixture's title as an editor reads it in the file (NFC, without a BOM). */
    const TITLES: Readonly<Record<string, string>> = {
      'Notes.Md': 'Macron and Putin speak for an hour and a half',
      'UPPER.YML': 'Extension en majuscules',
      'bom.yaml': 'Document avec BOM, « guillemets » et œuvre',
      'crlf.yaml': 'Fins de ligne Windows',
      'date-time.yaml': 'Un horodatage complet',
      'dispatch-en.txt': 'Emmanuel Macron spoke with Vladimir Putin for an hour and a half on Monday',
      'dispatch-uk.txt': 'Коротке повідомлення',
      'front-matter.markdown': 'Front matter and body together',
      'nfd.yaml': 'Caf\u00e9 d\u00e9compos\u00e9',
      'unknown-field.yaml': 'Un champ inconnu est un avertissement',
      'utf16be-bom.json': 'UTF-16 big-endian with a byte order mark',
      'utf16le-bom.yaml': 'Документ у UTF-16 з позначкою порядку байтів',
      'year-number.yaml': 'Une année seule, écrite comme un nombre',
    };
    /** Bad fixtures the parser refuses, with the class it refuses them with: validation never sees them. */
    const PARSE_REFUSALS: Readonly<Record<string, typeof ContentError>> = {
      'alias-bomb.yaml': DocumentSyntaxError,
      'duplicate-field.json': DocumentSyntaxError,
      'empty.yaml': InputError,
      'front-matter-syntax.md': DocumentSyntaxError,
      'front-matter-unclosed.md': DocumentSyntaxError,
      'image.yaml': InputError,
      'json-syntax.json': DocumentSyntaxError,
      'json-unquoted.json': DocumentSyntaxError,
      'latin1.yaml': InputError,
      'multi-document.yaml': DocumentSyntaxError,
      'report.docx': UnsupportedFormatError,
      'top-level-list.yaml': DocumentSyntaxError,
      'two-summaries.md': DocumentSyntaxError,
      'utf16-no-bom.yaml': InputError,
      'yaml-bad-indent.yaml': DocumentSyntaxError,
      'yaml-syntax.yaml': DocumentSyntaxError,
    };
    /** Bad fixtures that parse, and that validation refuses. */
    const VALIDATION_FAILURES = [
      'bad-dates.yaml',
      'bad-fields.yaml',
      'dispatch-bad-date.txt',
      'missing-title.yaml',
      'title-too-long.yaml',
      'unknown-template.yaml',
      'wrong-types.yaml',
    ];
    const refusalOf = async (act: () => unknown): Promise<unknown> => {
      try {
        await act();
      } catch (error) {
        return error;
      }
      return null;
    };

    it('knows every fixture, so that a new one gets its expectation written down', () => {
      expect(readdirSync(join(fixtures, 'good')).sort()).toEqual(Object.keys(TITLES).sort());
      expect(readdirSync(join(fixtures, 'bad')).sort()).toEqual([...Object.keys(PARSE_REFUSALS), ...VALIDATION_FAILURES].sort());
    });

    it.each(Object.entries(TITLES))('publishes good/%s with its title', async (name, title) => {
      // Act
      const validated = validateDocument(await parsedFile(join(fixtures, 'good', name)), { templates: TEMPLATES });

      // Assert
      expect(validated.document.title).toBe(title);
    });

    const parseRefusals = Object.entries(PARSE_REFUSALS).map(([name, errorClass]) => [name, errorClass.name, errorClass] as const);
    it.each(parseRefusals)('bad/%s is refused by the parser, as a %s', async (name, _className, errorClass) => {
      // Prepare
      const path = join(fixtures, 'bad', name);

      // Act
      const refusal = await refusalOf(() => parsedFile(path));

      // Assert
      expect(refusal).toBeInstanceOf(errorClass);
      expect(refusal).not.toBeInstanceOf(ValidationError);
      expect((refusal as ContentError).file).toBe(path);
      expect((refusal as ContentError).problems).not.toEqual([]);
    });

    it.each(VALIDATION_FAILURES)('bad/%s parses, and validation refuses it naming the file', async (name) => {
      // Prepare
      const path = join(fixtures, 'bad', name);
      const parsed = await parsedFile(path);

      // Act
      const refusal = await refusalOf(() => validateDocument(parsed, { templates: TEMPLATES }));

      // Assert
      expect(refusal).toBeInstanceOf(ValidationError);
      expect((refusal as ValidationError).file).toBe(path);
      expect((refusal as ValidationError).problems).not.toEqual([]);
    });
  });

  describe('parsePartialDate', () => {
    it.each([
      ['2022', { year: 2022, raw: '2022' }],
      ['2022-02', { year: 2022, month: 2, raw: '2022-02' }],
      ['2024-02-29', { year: 2024, month: 2, day: 29, raw: '2024-02-29' }],
      ['2022-02-28T14:30', { year: 2022, month: 2, day: 28, time: '14:30', raw: '2022-02-28T14:30' }],
      ['2022-02-28T14:30:05.123Z', { year: 2022, month: 2, day: 28, time: '14:30:05.123Z', raw: '2022-02-28T14:30:05.123Z' }],
      [' 2022-02-28 ', { year: 2022, month: 2, day: 28, raw: '2022-02-28' }],
    ])('reads %j', (raw, expected) => {
      expect(parsePartialDate(raw)).toEqual(expected);
    });

    it.each([
      ['2022-13-01', 'there is no month 13'],
      ['2022-02-30', 'February 2022 has 28 days, not 30'],
      ['2023-02-29', 'February 2023 has 28 days, not 29'],
      ['1900-02-29', 'February 1900 has 28 days, not 29'],
      ['2022-04-31', 'April 2022 has 30 days, not 31'],
      ['2022-02-28T24:00', 'there is no hour 24'],
      ['2022-02-28T12:60', 'there is no minute 60'],
      ['2022-02-28T12:00+15:00', 'there is no time zone offset +15:00'],
      ['0000', 'there is no year 0000'],
      ['2022-2-28', 'is not written as a date'],
    ])('refuses %j: %s', (raw, reason) => {
      const reading = readPartialDate(raw);

      expect(parsePartialDate(raw)).toBeNull();
      expect(reading).toEqual({ kind: 'invalid', reason: textContaining(reason) });
    });

    it.each(['jeudi', '24 février', 'Thursday 24 February', ''])('tells free text %j from a date', (raw) => {
      expect(readPartialDate(raw)).toEqual({ kind: 'text' });
    });
  });
});

describe('validate: sub-bullets', () => {
  it('reads a bullet with sub-bullets as `{ text, bullets }`, each at its level, in reading order', async () => {
    // Prepare
    const yaml = [
      'title: Sanctions',
      'date: 2022-02-28',
      'key_points:',
      '  - Talks',
      '  - text: Banks',
      '    bullets:',
      '      - SWIFT',
      '      - text: reserves',
      '        bullets: [gold]',
      '  - Oligarchs',
      '',
    ].join('\n');

    // Act
    const { document, warnings } = validateDocument(await parsedYaml(yaml), { templates: TEMPLATES });

    // Assert
    expect(warnings).toEqual([]);
    expect(document.key_points).toEqual([
      { text: 'Talks', level: 0 },
      { text: 'Banks', level: 0 },
      { text: 'SWIFT', level: 1 },
      { text: 'reserves', level: 1 },
      { text: 'gold', level: 2 },
      { text: 'Oligarchs', level: 0 },
    ]);
  });

  it('shows a fourth level at the third, with a warning naming the bullet and its line:column', async () => {
    const yaml = 'title: T\ndate: 2022\nsections:\n  - heading: H\n    bullets:\n      - text: a\n        bullets:\n          - text: b\n            bullets:\n              - text: c\n                bullets: [d]\n';

    const { document, warnings } = validateDocument(await parsedYaml(yaml), { templates: TEMPLATES });

    expect(document.sections[0]?.bullets.map((item) => item.level)).toEqual([0, 1, 2, 2]);
    expect(warnings).toEqual([
      {
        path: 'sections[0].bullets[0].bullets[0].bullets[0].bullets[0]',
        line: 11,
        column: 27,
        message: 'is nested 4 levels deep; shown at the 3rd',
        expected: 'at most 3 levels of bullets',
      },
    ]);
  });

  it('refuses a bullet mapping without its text, and a sub-bullet that is not text, naming each', async () => {
    const problems = problemsOf(await parsedYaml('title: T\ndate: 2022\nkey_points:\n  - bullets: [a]\n  - text: b\n    bullets: [[x]]\n'));

    expect(problems.map((problem) => [problem.path, problem.message])).toEqual([
      ['key_points[0].text', 'is required'],
      ['key_points[1].bullets[0]', 'must be text, not a list'],
    ]);
  });
});
