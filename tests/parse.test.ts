import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { type ContentError, DocumentSyntaxError, InputError, UnsupportedFormatError } from '../lambdas/render/errors';
import { DEFAULT_LIMITS } from '../lambdas/render/limits';
import { parseSource } from '../lambdas/render/parse';
import { ACCEPTED_EXTENSIONS } from '../lambdas/render/parse/formats';
import { detectLanguage, MAX_TITLE_LENGTH, titleOf } from '../lambdas/render/parse/dispatch';
import type { ParsedDocument, SourceFile } from '../lambdas/render/types';
import { growthRatio, LINEAR_GROWTH_BOUND } from './helpers/growth';
import { listContaining, textContaining, textMatching } from './helpers/matchers';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const contentDir = new URL('../content/', import.meta.url).pathname;
const seedPath = join(contentDir, 'depeche-afp-2022-02-28.txt');
const MODIFIED_AT = new Date('2022-03-01T09:15:00Z');

function sourceOf(name: string, content: string | Uint8Array, modifiedAt = MODIFIED_AT): SourceFile {
  return { name, bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content, modifiedAt };
}

function fixture(path: string): SourceFile {
  const full = join(fixtures, path);
  return { name: path, bytes: readFileSync(full), modifiedAt: statSync(full).mtime };
}

async function parseError(source: SourceFile, limits = {}): Promise<ContentError> {
  try {
    await parseSource(source, limits);
  } catch (error) {
    return error as ContentError;
  }
  throw new Error(`${source.name} parsed, but should have been refused`);
}

/** 1-based line and column of the first occurrence of `needle`, read independently of the parser. */
function positionIn(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  expect(offset, `"${needle}" in the fixture`).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: Array.from(before[before.length - 1] as string).length + 1 };
}

function record(parsed: ParsedDocument): Record<string, unknown> {
  return parsed.data as Record<string, unknown>;
}

describe('parse', () => {

  describe('file checks', () => {
    it.each(['report.docx', 'notes', 'factsheet.pdf'])('refuses %s, listing the accepted extensions', async (name) => {
      // Prepare
      const source = name === 'report.docx' ? fixture('bad/report.docx') : sourceOf(name, 'title: x\ndate: 2022\n');

      // Act
      const error = await parseError(source);

      // Assert
      expect(error).toBeInstanceOf(UnsupportedFormatError);
      expect(error.problems[0]?.expected).toBe(`one of ${ACCEPTED_EXTENSIONS.join(', ')}`);
      expect(error.message).toContain(name);
    });

    it('lists every encoding of the content format as accepted extensions', () => {
      expect([...ACCEPTED_EXTENSIONS].sort()).toEqual(['.json', '.markdown', '.md', '.txt', '.yaml', '.yml']);
    });

    it('refuses an empty file and a file of blank lines', async () => {
      const empty = await parseError(fixture('bad/empty.yaml'));
      const blank = await parseError(sourceOf('blank.md', '\n  \n\t\n'));

      expect(empty).toBeInstanceOf(InputError);
      expect(empty.problems[0]?.message).toBe('the file is empty');
      expect(blank).toBeInstanceOf(InputError);
      expect(blank.problems[0]?.message).toBe('the file contains only blank space');
    });

    it('leaves the size to whoever read the bytes: the limit is checked once, before reading', async () => {
      const text = `title: Une dépêche\nsummary: ${'a'.repeat(DEFAULT_LIMITS.maxBytes)}\n`;

      const parsed = await parseSource(sourceOf('big.yaml', text));

      expect(record(parsed).title).toBe('Une dépêche');
    });

    it('names a PNG uploaded as YAML', async () => {
      const error = await parseError(fixture('bad/image.yaml'));

      expect(error).toBeInstanceOf(InputError);
      expect(error.problems[0]?.message).toBe('this is a PNG image, not a text document');
    });

    it('refuses NUL bytes as binary, with their position', async () => {
      const error = await parseError(sourceOf('nul.yaml', 'title: a\ndate: 20\u000022\n'));

      expect(error).toBeInstanceOf(InputError);
      expect(error.problems[0]).toMatchObject({ line: 2, column: 9, message: textContaining('binary') });
    });

    it('refuses Latin-1 text at the first byte that is not UTF-8', async () => {
      const bytes = readFileSync(join(fixtures, 'bad/latin1.yaml'));

      const error = await parseError(fixture('bad/latin1.yaml'));

      expect(error).toBeInstanceOf(InputError);
      expect(error.problems[0]).toMatchObject({ line: 1, column: bytes.indexOf(0xe9) + 1 });
      expect(error.problems[0]?.message).toContain('byte 0xE9');
      expect(error.problems[0]?.message).toContain('Latin-1');
    });

    it('refuses UTF-16 without a byte order mark', async () => {
      const error = await parseError(fixture('bad/utf16-no-bom.yaml'));

      expect(error).toBeInstanceOf(InputError);
      expect(error.problems[0]?.message).toContain('UTF-16 without a byte order mark');
    });

    it.each([
      ['UTF-8 with a byte order mark', 'good/bom.yaml', 'Document avec BOM, « guillemets » et œuvre'],
      ['UTF-16LE with a byte order mark', 'good/utf16le-bom.yaml', 'Документ у UTF-16 з позначкою порядку байтів'],
      ['UTF-16BE with a byte order mark', 'good/utf16be-bom.json', 'UTF-16 big-endian with a byte order mark'],
      ['an upper-case extension', 'good/UPPER.YML', 'Extension en majuscules'],
    ])('reads %s', async (_, path, title) => {
      const parsed = await parseSource(fixture(path));

      expect(record(parsed).title).toBe(title);
    });

    it('reads CRLF line endings with the same positions as LF', async () => {
      const source = fixture('good/crlf.yaml');
      const raw = new TextDecoder().decode(source.bytes);
      const unix = raw.replace(/\r\n/g, '\n');

      const parsed = await parseSource(source);

      expect(raw).toContain('\r\n');
      expect(record(parsed).summary).toBe('Première ligne\ndeuxième ligne\n');
      expect(parsed.positions.get('quotes[0].speaker')).toEqual(positionIn(unix, 'speaker'));
    });

    it('composes decomposed accents (NFC), so that é is one character', async () => {
      const raw = new TextDecoder().decode(fixture('good/nfd.yaml').bytes);

      const parsed = await parseSource(fixture('good/nfd.yaml'));

      expect(raw).toContain('e\u0301');
      expect(record(parsed).title).toBe('Caf\u00e9 d\u00e9compos\u00e9');
    });
  });

  describe('YAML', () => {
    it('gives the line and column of every field path', async () => {
      const path = join(contentDir, 'macron-poutine-2022-02-28.yaml');
      const text = readFileSync(path, 'utf8');

      const parsed = await parseSource(sourceOf(path, text));

      expect(parsed.format).toBe('yaml');
      expect(parsed.positions.get('title')).toEqual(positionIn(text, 'title:'));
      expect(parsed.positions.get('quotes[2].text')).toEqual(positionIn(text, 'text: >-\n      de nouveau'));
      expect(parsed.positions.get('sections[0].bullets[1]')).toEqual(positionIn(text, 'une préservation'));
    });

    it('keeps dates as text and numbers as written', async () => {
      const parsed = await parseSource(fixture('good/year-number.yaml'));

      expect(record(parsed)).toMatchObject({ date: '2022', facts: [{ label: 'Montant', value: '1.50' }] });
    });

    it('reports a value containing ": " at its line and column, with the fix', async () => {
      const text = readFileSync(join(fixtures, 'bad/yaml-syntax.yaml'), 'utf8');

      const error = await parseError(fixture('bad/yaml-syntax.yaml'));

      expect(error).toBeInstanceOf(DocumentSyntaxError);
      expect(error.problems[0]).toMatchObject({ ...positionIn(text, 'Ukraine:'), message: 'a value is read as another `key: value` pair' });
      expect(error.problems[0]?.expected).toContain('in quotes');
    });

    it('reports bad indentation where it is', async () => {
      const error = await parseError(fixture('bad/yaml-bad-indent.yaml'));

      expect(error).toBeInstanceOf(DocumentSyntaxError);
      expect(error.problems[0]).toMatchObject({ line: 5, message: 'sequence item without - indicator' });
    });

    it('refuses an alias bomb before expanding it', async () => {
      const error = await parseError(fixture('bad/alias-bomb.yaml'));

      expect(error).toBeInstanceOf(DocumentSyntaxError);
      expect(error.problems[0]?.message).toContain(`more than ${DEFAULT_LIMITS.maxAliasCount} times`);
      expect(error.problems[0]?.message).toContain('billion laughs');
    });

    it('accepts a few aliases, and refuses one that contains itself or names no anchor', async () => {
      const few = await parseSource(sourceOf('few.yaml', 'title: &t Un titre\ndate: 2022\nsubtitle: *t\n'));
      const cycleText = 'title: x\ndate: 2022\ntags: &a [x, *a]\n';
      const cycle = await parseError(sourceOf('cycle.yaml', cycleText));
      const dangling = await parseError(sourceOf('dangling.yaml', 'title: x\ndate: 2022\nsubtitle: *nope\n'));

      expect(record(few).subtitle).toBe('Un titre');
      expect(cycle.problems[0]).toMatchObject({ ...positionIn(cycleText, '*a'), message: 'the alias *a refers to the list or mapping that contains it' });
      expect(dangling.problems[0]).toMatchObject({ line: 3, column: 11, message: 'the alias *nope refers to no anchor' });
    });

    it('refuses more than one document, pointing at the second', async () => {
      const error = await parseError(fixture('bad/multi-document.yaml'));

      expect(error).toBeInstanceOf(DocumentSyntaxError);
      expect(error.problems[0]).toMatchObject({ line: 3, column: 1, message: textContaining('2 YAML documents') });
    });

    it('refuses a top level that is not a mapping', async () => {
      const list = await parseError(fixture('bad/top-level-list.yaml'));
      const scalar = await parseError(sourceOf('scalar.yaml', 'just a sentence\n'));

      expect(list).toBeInstanceOf(DocumentSyntaxError);
      expect(list.problems[0]?.message).toBe('the YAML document is a list');
      expect(scalar.problems[0]?.message).toBe('the YAML document is a single value ("just a sentence")');
    });

    it('quotes a bounded excerpt of a 940 KB single value, in the message and in the error report', async () => {
      const value = 'Une seule très longue phrase sans deux-points '.repeat(20_500);
      const json = `"${'x'.repeat(940_000)}`;

      const yamlError = await parseError(sourceOf('one-value.yaml', `${value}\n`));
      const jsonError = await parseError(sourceOf('one-word.json', `{"title": ${json.slice(1)}}`));

      expect(Buffer.byteLength(value)).toBeGreaterThan(940_000);
      expect(yamlError.problems[0]?.message).toBe(
        `the YAML document is a single value (${JSON.stringify(value.trim()).slice(0, 60)}… (${value.trim().length + 2} characters))`,
      );
      expect(JSON.stringify(yamlError.toReport()).length).toBeLessThan(1_000);
      expect(jsonError.problems[0]?.message).toBe(`"${'x'.repeat(60)}… (940000 characters)" is not a JSON value`);
      expect(jsonError.message.length).toBeLessThan(1_000);
    });

    it('names the field that appears twice', async () => {
      const error = await parseError(sourceOf('twice.yaml', 'title: a\ndate: 2022\ntitle: b\n'));

      expect(error.problems[0]).toMatchObject({ line: 3, column: 1, message: 'the field "title" appears twice' });
    });

    it('points an unclosed quote at its opening quote, not at the end of the file', async () => {
      const text = 'title: "Appel Macron\ndate: 2022\n';

      const error = await parseError(sourceOf('quote.yaml', text));

      expect(error.problems[0]).toMatchObject({ ...positionIn(text, '"'), message: 'a quoted value is never closed' });
    });

    it.each([
      ['flow nesting', `title: x\ndate: 2022\nextra: ${'['.repeat(5000)}${']'.repeat(5000)}\n`],
      ['compact block nesting', `title: x\ndate: 2022\nextra:\n  ${'- '.repeat(5000)}x\n`],
      ['indentation', `title: x\ndate: 2022\n${Array.from({ length: 600 }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n')}\n`],
      ['nesting within the column limit', `title: x\ndate: 2022\nextra:\n${Array.from({ length: 40 }, (_, level) => `${' '.repeat(level + 1)}k${level}:`).join('\n')} x\n`],
    ])('refuses %s deeper than the limit without overflowing the stack', async (_, text) => {
      const error = await parseError(sourceOf('deep.yaml', text));

      expect(error).toBeInstanceOf(DocumentSyntaxError);
      expect(error.problems[0]?.message).toContain(`more than ${DEFAULT_LIMITS.maxDepth} levels`);
      expect(error.problems[0]?.line).toBeGreaterThanOrEqual(3);
    });

    const brackets = '[{'.repeat(150);
    it.each([
      ['double-quoted', `summary: "Voir ${brackets} \\" fin"`, `Voir ${brackets} " fin`],
      ['single-quoted', `summary: 'Voir ${brackets} '' fin'`, `Voir ${brackets} ' fin`],
      ['plain', `summary: Voir ${brackets} fin`, `Voir ${brackets} fin`],
      ['plain over two lines', `summary: Voir ${brackets}\n  ${brackets} fin`, `Voir ${brackets} ${brackets} fin`],
      ['block scalar indented 300 columns', `summary: |\n  Code:\n${' '.repeat(300)}x = 1\n  fin`, `Code:\n${' '.repeat(298)}x = 1\nfin\n`],
      ['comment', `# ${brackets}\n${' '.repeat(300)}# indented comment\nsummary: fin`, 'fin'],
    ])('reads 300 brackets or deep indentation inside a %s value as text, not as nesting', async (_, summary, expected) => {
      const text = `title: x\ndate: 2022\n${summary}\n`;

      const parsed = await parseSource(sourceOf('text.yaml', text));

      expect(record(parsed).summary).toBe(expected);
    });

    it.each([
      // The document is level 0; `fin` is one level inside the innermost list, `k32:` inside the innermost mapping.
      ['flow', (levels: number) => `extra: ${'['.repeat(levels)}fin${']'.repeat(levels)}`, DEFAULT_LIMITS.maxDepth, 'fin'],
      ['block', (levels: number) => Array.from({ length: levels }, (_, level) => `${'  '.repeat(level)}k${level}:`).join('\n') + ' fin', DEFAULT_LIMITS.maxDepth + 1, `k${DEFAULT_LIMITS.maxDepth}:`],
    ])('refuses %s nesting one level past the limit at the line and column of the first node too deep', async (_, nest, levels, deepest) => {
      const refused = `title: x\ndate: 2022\n${nest(levels)}\n`;
      const accepted = `title: x\ndate: 2022\n${nest(levels - 1)}\n`;

      const error = await parseError(sourceOf('deep.yaml', refused));
      const parsed = await parseSource(sourceOf('deep.yaml', accepted));

      expect(record(parsed).extra ?? record(parsed).k0).toBeDefined();
      expect(error.problems[0]).toEqual(expect.objectContaining({
        ...positionIn(refused, deepest),
        message: `lists and mappings are nested too deeply here (more than ${DEFAULT_LIMITS.maxDepth} levels)`,
      }));
    });
  });

  describe('JSON', () => {
    it('reads 300 brackets inside a string as text, not as nesting', async () => {
      const summary = `Voir \\" ${'[{'.repeat(150)} \\\\\\" fin`;
      const text = `{"title": "x", "date": 2022, "summary": "${summary}"}`;

      const parsed = await parseSource(sourceOf('text.json', text));

      expect(record(parsed).summary).toBe(JSON.parse(`"${summary}"`));
    });

    it.each([DEFAULT_LIMITS.maxDepth, 5000])('refuses %i nested lists at the line and column of the first one too deep', async (levels) => {
      // The document's own braces are the first level.
      const text = `{"title": "x", "date": 2022,\n "extra": ${'['.repeat(levels)}${']'.repeat(levels)}}`;
      const first = positionIn(text, '[');

      const error = await parseError(sourceOf('deep.json', text));

      expect(error.problems[0]).toEqual(expect.objectContaining({
        line: first.line,
        column: first.column + DEFAULT_LIMITS.maxDepth - 1,
        message: `lists and mappings are nested too deeply here (more than ${DEFAULT_LIMITS.maxDepth} levels)`,
      }));
    });

    it('keeps numbers as typed, as YAML does', async () => {
      const text = '{"title": "T", "date": 2022, "facts": [{"label": "a", "value": 1.50}, {"label": "b", "value": 12345678901234567890}, {"label": "c", "value": 1e3}, {"label": "d", "value": -0.0}]}';

      const parsed = await parseSource(sourceOf('numbers.json', text));

      expect(record(parsed)).toMatchObject({ date: '2022', facts: [{ value: '1.50' }, { value: '12345678901234567890' }, { value: '1e3' }, { value: '-0.0' }] });
    });

    it('reads the English sample with field positions', async () => {
      const path = join(contentDir, 'macron-putin-call-en.json');
      const text = readFileSync(path, 'utf8');

      const parsed = await parseSource(sourceOf(path, text));

      expect(parsed.format).toBe('json');
      expect(record(parsed).title).toBe((JSON.parse(text) as { title: unknown }).title);
      expect(parsed.positions.get('parties[1].name')).toEqual(positionIn(text, '"name": "Vladimir Putin"'));
    });

    it.each([
      ['bad/json-syntax.json', '"Russia",', 'a comma comes before the closing ]', 9],
      ['bad/json-unquoted.json', '2022-02-28', '2022-02-28 is not a JSON value', 0],
    ])('reports %s at the line and column of the mistake', async (path, near, message, shift) => {
      const text = readFileSync(join(fixtures, path), 'utf8');
      const at = positionIn(text, near);

      const error = await parseError(fixture(path));

      expect(error).toBeInstanceOf(DocumentSyntaxError);
      expect(error.problems[0]).toMatchObject({ line: at.line, column: at.column + shift, message });
    });

    it.each([
      ["{'title': 'x'}", 1, 2, 'single quotes are not JSON'],
      ['{"title": "x" "date": "2022"}', 1, 15, 'a comma or } is missing after a field value'],
      ['{"title": tru}', 1, 11, '"tru" is not a JSON value'],
      ['{"title": "x",\n  // note\n  "date": "2022"}', 2, 3, 'comments are not allowed in JSON'],
      ['{title: "x"}', 1, 2, 'a field name is not in double quotes'],
      ['{"title": "line\nbreak"}', 1, 16, 'a line break or control character is inside a string'],
      ['{"title": "x"', 1, 14, 'the JSON ends inside a mapping'],
      ['{"title": "\\q"}', 1, 12, 'invalid escape "\\q" in a string'],
      ['{"title": "x"} extra', 1, 16, 'there is more text after the end of the JSON document'],
      ['{"title": "never closed}', 1, 11, 'a string is never closed'],
    ])('explains %j', async (text, line, column, message) => {
      const error = await parseError(sourceOf('doc.json', text));

      expect(error).toBeInstanceOf(DocumentSyntaxError);
      expect(error.problems[0]).toMatchObject({ line, column, message });
    });

    it('refuses a field given twice, which JSON.parse would silently drop', async () => {
      const text = readFileSync(join(fixtures, 'bad/duplicate-field.json'), 'utf8');

      const error = await parseError(fixture('bad/duplicate-field.json'));

      expect(error).toBeInstanceOf(DocumentSyntaxError);
      expect(error.problems[0]).toMatchObject({ ...positionIn(text, '"title": "A second'), message: 'the field "title" appears twice' });
    });

    it('refuses a JSON list at the top level', async () => {
      const error = await parseError(sourceOf('list.json', '[{"title": "x"}]'));

      expect(error.problems[0]?.message).toBe('the JSON document is a list');
    });
  });

  describe('Markdown', () => {
    it('takes metadata from the front matter and the narrative from the body', async () => {
      const path = join(contentDir, 'macron-poutine-call.md');
      const text = readFileSync(path, 'utf8');

      const parsed = await parseSource(sourceOf(path, text));
      const data = record(parsed);

      expect(parsed.format).toBe('markdown');
      expect(data.title).toBe('Ukraine — Emmanuel Macron a parlé 1 h 30 avec Vladimir Poutine');
      expect(data.summary).toMatch(/^Au \*\*cinquième jour\*\* de l’offensive russe, Emmanuel Macron a demandé à Vladimir Poutine l’arrêt des frappes/);
      expect(data.key_points).toHaveLength(3);
      expect((data.sections as { heading: string }[]).map((section) => section.heading)).toEqual([
        'Trois demandes',
        'Droit humanitaire',
        'Le contact avec Kiev',
      ]);
      expect(data.quotes).toEqual([
        {
          text: 'Le président Poutine a confirmé sa volonté de s’engager sur ces trois points',
          speaker: 'Présidence française',
          context: 'communiqué du 28 février 2022',
        },
        {
          text: 'de nouveau salué le sens des responsabilités du président ukrainien dans la perspective des négociations qui commencent et alors même que l’Ukraine est agressée par la Russie',
          speaker: 'Élysée',
        },
      ]);
      expect(parsed.positions.get('sections[1].heading')).toEqual(positionIn(text, 'Droit humanitaire'));
      expect(parsed.positions.get('parties[2].name')).toEqual(positionIn(text, 'name: Volodymyr Zelensky'));
    });

    it('reads headings, bullets, numbered items, sub-headings and quotes', async () => {
      const parsed = await parseSource(fixture('good/Notes.Md'));
      const data = record(parsed);

      expect(data.title).toBe('Macron and Putin speak for an hour and a half');
      expect(data.summary).toBe('Emmanuel Macron asked Vladimir Putin to halt strikes on civilians, according to the *Élysée*.');
      expect(data.key_points).toEqual(['The call lasted an hour and a half.', 'It was made at the request of Volodymyr Zelensky.']);
      expect(data.sections).toEqual([
        {
          heading: 'Three demands',
          body: ['As talks began, he asked for three things.', '1. First numbered point.', '2. Second numbered point.', '**A smaller heading**'],
          bullets: ['a halt to strikes against civilians;', 'the preservation of civilian infrastructure;', 'secure roads.'],
        },
        { heading: 'Second section', body: ['Text with a [link](https://www.elysee.fr/).'] },
      ]);
      expect(data.quotes).toEqual([
        {
          text: 'President Putin confirmed his willingness to commit to these three points on the ground',
          speaker: 'French presidency',
          context: 'statement of 28 February 2022',
        },
        { text: 'A quote nobody is named for.' },
      ]);
    });

    it('appends body sections and quotes to those of the front matter, and drops a repeated title', async () => {
      const parsed = await parseSource(fixture('good/front-matter.markdown'));
      const data = record(parsed);

      expect((data.sections as { heading: string }[]).map((section) => section.heading)).toEqual(['From the front matter', 'From the body']);
      expect((data.quotes as { text: string }[]).map((quote) => quote.text)).toEqual([
        'A quote from the front matter itself',
        'A quote from the body of the document',
      ]);
      expect(parsed.positions.get('sections[1].heading')?.line).toBe(14);
    });

    it('gives front matter errors the line of the whole file', async () => {
      const text = readFileSync(join(fixtures, 'bad/front-matter-syntax.md'), 'utf8');

      const error = await parseError(fixture('bad/front-matter-syntax.md'));

      expect(error).toBeInstanceOf(DocumentSyntaxError);
      expect(error.problems[0]).toMatchObject({ ...positionIn(text, '"Président'), message: 'a quoted value is never closed' });
    });

    it('refuses front matter that is never closed', async () => {
      const error = await parseError(fixture('bad/front-matter-unclosed.md'));

      expect(error).toBeInstanceOf(DocumentSyntaxError);
      expect(error.problems[0]).toMatchObject({ line: 1, column: 1, message: 'the front matter opened by `---` on line 1 is never closed' });
    });

    it('refuses text before the first section when the front matter already has a summary', async () => {
      const error = await parseError(fixture('bad/two-summaries.md'));

      expect(error).toBeInstanceOf(DocumentSyntaxError);
      expect(error.problems[0]).toMatchObject({ line: 7, column: 1 });
      expect(error.problems[0]?.message).toContain('already has `summary:`');
    });

    it('refuses a `#` title that contradicts the front matter', async () => {
      const error = await parseError(sourceOf('titles.md', '---\ntitle: Un\ndate: 2022\n---\n\n# Deux\n'));

      expect(error.problems[0]).toMatchObject({ line: 6, column: 3, message: textContaining('two different titles') });
    });
  });

  describe('wire dispatch', () => {
    const seed = (): Promise<ParsedDocument> => parseSource(sourceOf(seedPath, readFileSync(seedPath)));
    const seedText = readFileSync(seedPath, 'utf8');
    const seedParagraphs = seedText.trim().replace(/^date \S+ /, '').split(/\n\n/);

    it('titles the seed by the first clause of its first sentence, without "…"', async () => {
      const { title } = record(await seed()) as { title: string };

      expect(title).toBe('Emmanuel Macron a échangé lundi pendant 1h30 avec Vladimir Poutine');
      expect(title.length).toBeLessThanOrEqual(MAX_TITLE_LENGTH);
    });

    it('dates the seed February 2022 and detects French', async () => {
      const parsed = await seed();

      expect(record(parsed)).toMatchObject({ date: '2022-02', lang: 'fr' });
      expect(parsed.positions.get('date')).toEqual(positionIn(seedText, '2022-02'));
    });

    it('makes the first paragraph the summary and the others, inline dashes included, the text, so no paragraph is printed twice', async () => {
      const data = record(await seed());

      expect(data.summary).toBe(seedParagraphs[0]);
      expect(data.sections).toEqual([{ heading: 'Texte de la dépêche', body: seedParagraphs.slice(1) }]);
      expect(JSON.stringify(data.sections)).toContain('sur le terrain : - un arrêt de toutes les frappes');
    });

    it('lists the statements quoted, each with the speaker the text names, and leaves fragments in the text', async () => {
      const quotes = record(await seed()).quotes as { text: string; speaker?: string }[];

      expect(quotes).toEqual([
        { text: 'a confirmé sa volonté de s’engager', speaker: 'Élysée' },
        {
          text: 'a réitéré la demande de la communauté internationale de cesser l’offensive russe contre l’Ukraine, et réaffirmé la nécessité de mettre en œuvre un cessez-le-feu immédiat',
          speaker: 'Élysée',
        },
        { text: 'Alors que les discussions commencent entre les délégations russe et ukrainienne' },
        {
          text: 'à ce que soient respectés sur le terrain : - un arrêt de toutes les frappes et attaques contre les civils et lieux de résidence, - une préservation de toutes les infrastructures civiles — une sécurisation des axes routiers, en particulier la route du sud de Kiev',
          speaker: 'Emmanuel Macron',
        },
        { text: 'Le président Poutine a confirmé sa volonté de s’engager sur ces trois points', speaker: 'Présidence française' },
        {
          text: 'le respect du droit international humanitaire et la protection des populations civiles comme de l’acheminement de l’aide, conformément à la résolution portée par la France au Conseil de sécurité de l’ONU',
          speaker: 'Emmanuel Macron',
        },
        {
          text: 'de nouveau salué le sens des responsabilités du président ukrainien dans la perspective des négociations qui commencent et alors même que l’Ukraine est agressée par la Russie',
          speaker: 'Élysée',
        },
      ]);
      expect(quotes.map((quote) => quote.text)).not.toContain('à la demande');
      expect(quotes.map((quote) => quote.text)).not.toContain('à plusieurs reprises ces dernières heures');
    });

    it('reads “ ” quotes, “…,” said X, deduplicates, and dates an undated dispatch by its file', async () => {
      const parsed = await parseSource(fixture('good/dispatch-en.txt'));
      const data = record(parsed);

      expect(data.lang).toBe('en');
      expect(data.date).toBe(statSync(join(fixtures, 'good/dispatch-en.txt')).mtime.toISOString().slice(0, 10));
      expect(data.title).toBe('Emmanuel Macron spoke with Vladimir Putin for an hour and a half on Monday');
      expect(data.quotes).toEqual([
        { text: 'confirmed his willingness to commit to these points', speaker: 'Élysée' },
        { text: 'We have asked for a halt to all strikes against civilians', speaker: 'Emmanuel Macron' },
      ]);
      expect(data.sections).toEqual([{ heading: 'Full text', body: listContaining([textMatching(/^“We have asked/)]) }]);
      // Its date is the day the file was saved, not one the text gives: "on Monday" stays unresolved.
      expect(data.timeline).toBeUndefined();
    });

    it('reads a Ukrainian dispatch with a dash before the attribution, and warns that only title, summary, text and quotes were derived', async () => {
      const parsed = await parseSource(fixture('good/dispatch-uk.txt'));
      const data = record(parsed);

      expect(data).toMatchObject({ lang: 'uk', date: '2022-02-28', title: 'Коротке повідомлення', summary: 'Коротке повідомлення.' });
      expect(data.quotes).toEqual([{ text: 'підтвердив свою готовність узяти зобов’язання', speaker: 'Макрон' }]);
      expect(data.sections).toMatchObject([{ heading: 'Повний текст' }]);
      expect(data.parties).toBeUndefined();
      expect(parsed.warnings).toEqual([expect.stringContaining('a language the extraction rules do not cover (they cover fr, en)')]);
    });

    it('reads a Russian dispatch as Russian, not Ukrainian, though the two share most short words', async () => {
      const text = 'date 2026-04-24 МОСКВА, 24 апреля (ТАСС). Банк России снизил ключевую ставку до 14% годовых, сообщила пресс-служба регулятора.\n\n«Инфляция замедляется быстрее, чем мы ожидали», — заявила председатель Банка России Эльвира Набиуллина.\n';
      const data = record(await parseSource(sourceOf('wire-ru.txt', text)));

      expect(data).toMatchObject({ lang: 'ru', date: '2026-04-24' });
      expect(data.sections).toMatchObject([{ heading: 'Полный текст' }]);
      // The Ukrainian spelling of the same lead, with the Ukrainian letters and words only.
      expect(detectLanguage('Банк Росії знизив ключову ставку до 14% річних, повідомила пресслужба регулятора.')).toBe('uk');
    });

    it('refuses a dispatch that has a date and nothing else', async () => {
      const error = await parseError(sourceOf('empty.txt', '  date 2022-02-28\n\n'));

      expect(error).toBeInstanceOf(InputError);
      expect(error.problems[0]?.message).toBe('the dispatch has a date but no text');
    });

    it('never cuts a title inside « »', () => {
      const quote = `«${'une très longue citation qui ne doit pas être coupée '.repeat(3)}»`;
      const paragraph = `Le président a déclaré lundi devant les journalistes réunis à Paris ${quote} avant de partir.`;

      const title = titleOf(paragraph);

      expect(title).toBe('Le président a déclaré lundi devant les journalistes réunis à Paris…');
    });

    it('keeps a short first sentence whole, without its final full stop, and reads past abbreviations', () => {
      expect(titleOf('M. Poutine a parlé avec MM. Macron et Scholz. Suite du texte.')).toBe('M. Poutine a parlé avec MM. Macron et Scholz');
      expect(titleOf('Pourquoi parler maintenant ? Parce que.')).toBe('Pourquoi parler maintenant ?');
    });

    it.each([
      ['fr', 'Le président a parlé avec son homologue et les délégations sont arrivées dans la ville.'],
      ['en', 'The president spoke with his counterpart and the delegations have arrived in the city.'],
      ['uk', 'Президент розмовляв зі своїм колегою, і делегації вже прибули до міста на переговори.'],
      ['de', 'Der Präsident hat mit seinem Amtskollegen gesprochen und die Delegationen sind in der Stadt.'],
      ['es', 'El presidente habló con su homólogo y las delegaciones llegaron a la ciudad para la reunión.'],
      ['ru', 'Президент поговорил со своим коллегой, и делегации уже прибыли в город на переговоры.'],
      ['en', '1234 5678'],
    ])('detects %s', (lang, text) => {
      expect(detectLanguage(text)).toBe(lang);
    });
  });

  describe('hostile input', () => {
    // These took minutes when a regular expression backtracked or a position was counted from the
    // line start each time. Four times the input must take less than twice four times as long
    // (tests/helpers/growth.ts), which quadratic code never does, however loaded the machine.
    it('reads a heading line of 200 000 spaces in linear time', async () => {
      const heading = (spaces: number) => sourceOf('spaces.md', `---\ndate: 2022\n---\n# x${' '.repeat(spaces)}y ##\n`);

      const ratio = await growthRatio(heading, (source) => parseSource(source), 50_000);
      const parsed = await parseSource(heading(200_000));

      expect(ratio).toBeLessThan(LINEAR_GROWTH_BOUND);
      expect(record(parsed).title).toBe(`x${' '.repeat(200_000)}y`);
    });

    it('reads a one-line dispatch of 18 000 quotes in linear time', async () => {
      const quotes = (count: number) => Array.from({ length: count }, (_, index) => `«nous avons parlé ${index}», selon l’Élysée, `);
      const dispatch = (count: number) => `date 2022 Emmanuel Macron a dit ${quotes(count).join('')}`;

      const ratio = await growthRatio((count) => sourceOf('quotes.txt', dispatch(count)), (source) => parseSource(source), 2_250);
      const parsed = await parseSource(sourceOf('quotes.txt', dispatch(18_000)));

      expect(ratio).toBeLessThan(LINEAR_GROWTH_BOUND);
      expect(record(parsed).quotes).toHaveLength(18_000);
      expect(parsed.positions.get('quotes[17999].text')).toEqual(positionIn(dispatch(18_000), 'nous avons parlé 17999'));
    });

    it('reads a paragraph of 500 000 full stops in linear time', async () => {
      const dots = (count: number) => sourceOf('dots.txt', '. '.repeat(count));

      const ratio = await growthRatio(dots, (source) => parseSource(source), 125_000);
      const parsed = await parseSource(dots(500_000));

      expect(ratio).toBeLessThan(LINEAR_GROWTH_BOUND);
      expect(record(parsed).title).toMatch(/^\. \. .*…$/);
    });
  });

  describe('samples', () => {
    const documents = readdirSync(contentDir, { withFileTypes: true }).filter((entry) => entry.isFile() && !entry.name.startsWith('.'));
    it.each(documents.map((entry) => entry.name))('parses content/%s into a mapping', async (name) => {
      const path = join(contentDir, name);

      const parsed = await parseSource(sourceOf(path, readFileSync(path)));

      expect(typeof parsed.data).toBe('object');
      expect(record(parsed).title).toEqual(expect.any(String));
      expect(parsed.positions.get('title')?.line).toEqual(expect.any(Number));
    });
  });
});

// Last in the file: each test here loads the engine's modules afresh, and what the file's own
// imports load lazily afterwards would come from that fresh registry (another InputError class).
describe('parse: what a format needs, in fresh modules', () => {
  it('is loaded by the parser itself: a dispatch and a Markdown file parse with nothing loaded before', async () => {
    // Prepare: no dispatch reader, no CommonMark parser loaded by anyone.
    vi.resetModules();
    const fresh = await import('../lambdas/render/parse');

    // Act
    const [dispatch, markdown] = await Promise.all([fresh.parseSource(fixture('good/dispatch-en.txt')), fresh.parseSource(fixture('good/front-matter.markdown'))]);

    // Assert
    expect(record(dispatch).title).toBe('Emmanuel Macron spoke with Vladimir Putin for an hour and a half on Monday');
    expect((record(markdown).sections as { heading: string }[]).map((section) => section.heading)).toEqual(['From the front matter', 'From the body']);
  });

  it('does not import the dispatch reader for YAML, JSON or Markdown', async () => {
    // Prepare: a fresh parser whose dispatch reader import fails.
    vi.resetModules();
    vi.doMock('../lambdas/render/parse/dispatch', () => {
      throw new Error('the dispatch reader was imported');
    });
    try {
      const fresh = await import('../lambdas/render/parse');

      // Act
      const parsed = await Promise.all(['good/year-number.yaml', 'good/front-matter.markdown'].map((path) => fresh.parseSource(fixture(path))));
      const json = await fresh.parseSource(sourceOf('doc.json', '{"title": "T", "date": "2022"}'));

      // Assert
      expect([...parsed, json].map((document) => document.format)).toEqual(['yaml', 'markdown', 'json']);
      await expect(fresh.parseSource(fixture('good/dispatch-en.txt'))).rejects.toThrow(/error when mocking a module/);
    } finally {
      vi.doUnmock('../lambdas/render/parse/dispatch');
    }
  });
});
