import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureAccuracy, readDispatchCases } from '../bench/dispatch-accuracy';
import { parseSource } from '../lambdas/render/parse';
import { dateMentions, nearestYear, weekdayMentions } from '../lambdas/render/parse/dispatch/calendar';
import { datelineOf, titleCase } from '../lambdas/render/parse/dispatch/dateline';
import { factsOf } from '../lambdas/render/parse/dispatch/facts';
import { keyPointsOf } from '../lambdas/render/parse/dispatch/key-points';
import { mentionsOf, People, splitTitle } from '../lambdas/render/parse/dispatch/parties';
import { isStatement, quotedSpans } from '../lambdas/render/parse/dispatch/quotes';
import { speakerPhraseOf } from '../lambdas/render/parse/dispatch/speakers';
import { chronological, entriesOf } from '../lambdas/render/parse/dispatch/timeline';
import { MAX_TITLE_LENGTH, titleOf } from '../lambdas/render/parse/dispatch/title';
import { sentencesOf } from '../lambdas/render/sentences';
import type { ParsedDocument } from '../lambdas/render/types';
import { validateDocument } from '../lambdas/render/validate';

const dispatches = new URL('./fixtures/dispatches/', import.meta.url).pathname;
const seedPath = new URL('../content/depeche-afp-2022-02-28.txt', import.meta.url).pathname;
const MODIFIED_AT = new Date('2022-03-01T09:15:00Z');

function parseText(name: string, text: string): Promise<ParsedDocument> {
  return parseSource({ name, bytes: new TextEncoder().encode(text), modifiedAt: MODIFIED_AT });
}

function sentenceTexts(text: string): string[] {
  return sentencesOf(text).map((span) => text.slice(span.start, span.end));
}

/** 1-based line and column of the first occurrence of `needle`, read independently of the parser. */
function positionIn(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  expect(offset, `"${needle}" in the text`).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: Array.from(before[before.length - 1] as string).length + 1 };
}

describe('sentences (shared by the dispatch reader and layout)', () => {
  it('does not end a sentence after an honorific, an initial or inside quotation marks', () => {
    expect(sentenceTexts('Il a appelé M. Poutine. J. Biden a répondu «Non. Jamais.» hier. Fin.')).toEqual([
      'Il a appelé M. Poutine.',
      'J. Biden a répondu «Non. Jamais.» hier.',
      'Fin.',
    ]);
  });

  it('keeps closing quotation marks with the sentence they end, and reads straight and German quotes', () => {
    expect(sentenceTexts('“We will stay.” He left. "No. Never," she said. „Nein. Nie“, sagte er.')).toEqual([
      '“We will stay.”',
      'He left.',
      '"No. Never," she said.',
      '„Nein. Nie“, sagte er.',
    ]);
  });

  it('ignores a stray straight quote rather than reading the rest as quoted', () => {
    expect(sentenceTexts('A 3" pipe burst. The street flooded.')).toEqual(['A 3" pipe burst.', 'The street flooded.']);
  });

  it('ends Chinese and Japanese sentences at 。！？ with no space after them, not inside “ ” or 「」', () => {
    expect(sentenceTexts('国家统计局发布数据，出口量达到128.6万辆。其中对欧盟出口占比为23.4%！张晓明表示：“这是转变。不是波动。”分析人士认为？')).toEqual([
      '国家统计局发布数据，出口量达到128.6万辆。',
      '其中对欧盟出口占比为23.4%！',
      '张晓明表示：“这是转变。不是波动。”',
      '分析人士认为？',
    ]);
    // A particle after the closing mark carries the sentence on: 「…。」と述べた is one sentence.
    expect(sentenceTexts('日本銀行は決めた。総裁は「実現が見通せる。」と述べた。')).toEqual(['日本銀行は決めた。', '総裁は「実現が見通せる。」と述べた。']);
  });

  it('returns only the first `limit` sentences', () => {
    expect(sentencesOf('One. Two. Three.', 2)).toEqual([
      { start: 0, end: 4 },
      { start: 5, end: 9 },
    ]);
  });
});

describe('parse: dispatch rules', () => {
  describe('dateline', () => {
    it.each([
      ['PARIS, Feb 28 (AFP) - Text', { location: 'Paris', date: '2022-02-28', agency: 'AFP' }],
      ['Kyiv (AFP) — Text', { location: 'Kyiv', agency: 'AFP' }],
      ['PARIS, 28 février 2022 (AFP) - Text', { location: 'Paris', date: '2022-02-28', agency: 'AFP' }],
      ['BRUSSELS, June 3, 2023 (AFP) - Text', { location: 'Brussels', date: '2023-06-03', agency: 'AFP' }],
      ['LONDON, March 2 - Text', { location: 'London', date: '2022-03-02' }],
      ['NEW YORK - Text', { location: 'New York' }],
      ['KYIV, Feb 28 (AFP). Text', { location: 'Kyiv', date: '2022-02-28', agency: 'AFP' }],
      ['МОСКВА, 24 апреля (ТАСС). Text', { location: 'Москва', agency: 'ТАСС' }],
      ['КИЇВ, 16 липня (Укрінформ). Text', { location: 'Київ', agency: 'Укрінформ' }],
      ['新华社上海2月15日电 Text', { location: '上海', date: '2022-02-15', agency: '新华社', locationAt: 3, dateAt: 5 }],
      ['新华社北京2月15日电（记者 王晓）Text', { location: '北京', date: '2022-02-15', agency: '新华社' }],
      ['東京（共同）Text', { location: '東京', agency: '共同', agencyAt: 3 }],
    ])('reads %s', (paragraph, expected) => {
      const dateline = datelineOf(paragraph, { year: 2022, month: 2 });

      expect(dateline).toMatchObject(expected);
      expect(paragraph.slice(dateline?.length)).toBe('Text');
    });

    it.each([
      'Emmanuel Macron — who spoke first — agreed.',
      'PARIS, lundi soir (AFP) - Text',
      'The talks - long ones - ended.',
      'МОСКВА, 24 апреля. Text',
      'PARIS, 31 févr (AFP). Text',
      '新华社上海2月30日电 Text',
      '日本銀行（日銀）は決めた。',
    ])(
      'finds no dateline in %s',
      (paragraph) => {
        expect(datelineOf(paragraph, { year: 2022 })).toBeNull();
      },
    );

    it('writes a place typed in capitals in title case, hyphens included', () => {
      expect(titleCase('SAINT-DENIS')).toBe('Saint-Denis');
      expect(titleCase('Kyiv')).toBe('Kyiv');
    });
  });

  describe('title', () => {
    it('is the first Chinese or Japanese sentence, without its final 。', () => {
      expect(titleOf('国家统计局发布数据显示，出口量同比增长37.5%。其中对欧盟出口占比为23.4%。')).toBe('国家统计局发布数据显示，出口量同比增长37.5%');
      expect(titleOf('日本銀行は19日、政策金利を引き上げることを決めた。植田和男総裁は述べた。')).toBe('日本銀行は19日、政策金利を引き上げることを決めた');
    });

    it('keeps a headline-length sentence whole and drops the attribution at its end', () => {
      expect(titleOf('Paris et Berlin ont signé un accord sur le gaz, a annoncé l’Élysée. Suite.')).toBe('Paris et Berlin ont signé un accord sur le gaz');
    });

    it('cuts a long sentence after its longest run of whole clauses that fits, without "…"', () => {
      const lead =
        'Emmanuel Macron a échangé lundi pendant 1h30 avec Vladimir Poutine, en lui demandant l’arrêt des frappes contre les civils et la sécurisation des axes routiers en Ukraine, a annoncé l’Élysée.';

      expect(titleOf(lead)).toBe('Emmanuel Macron a échangé lundi pendant 1h30 avec Vladimir Poutine');
    });

    it('does not end on a clause that only says who said it', () => {
      const lead =
        'Britain will send 3,000 more troops to Estonia, Defence Secretary Ben Wallace said on Wednesday, as NATO allies strengthen their eastern flank.';

      expect(titleOf(lead)).toBe('Britain will send 3,000 more troops to Estonia');
    });

    it('cuts at a word, with "…", only a sentence without a clause boundary in reach', () => {
      const title = titleOf(`Le président ${'a longuement parlé '.repeat(10)}avec ses homologues.`);

      expect(title.endsWith('…')).toBe(true);
      expect(title.length).toBeLessThanOrEqual(MAX_TITLE_LENGTH);
    });
  });

  describe('quotes', () => {
    it('finds the outermost pair of « », “ ”, „ “ and straight quotes, leaving an unclosed mark as text', () => {
      const text = '«Il a dit “non”», puis "yes", puis „ja“ et «jamais';

      expect(quotedSpans(text).map((span) => text.slice(span.start, span.end))).toEqual(['«Il a dit “non”»', '"yes"', '„ja“']);
    });

    it.each([
      ['a confirmé sa volonté de s’engager', 'fr', true],
      ['Nous ne céderons pas', 'fr', true],
      ['à la demande', 'fr', false],
      ['à plusieurs reprises ces dernières heures', 'fr', false],
      ['le respect du droit international humanitaire et la protection des civils', 'fr', true],
      ['a global hunger crisis.', 'en', false],
      ['Never.', 'en', true],
      ['we will not give up', 'en', true],
    ] as const)('"%s" (%s) is a statement: %s', (text, lang, expected) => {
      expect(isStatement(text, lang)).toBe(expected);
    });
  });

  describe('speakers', () => {
    it.each([
      ['', ', a annoncé l’Élysée.', { kind: 'name', text: 'Élysée' }],
      ['', ', selon la présidence française.', { kind: 'description', text: 'la présidence française' }],
      ['', ' European Commission President Ursula von der Leyen told reporters.', { kind: 'name', text: 'European Commission President Ursula von der Leyen' }],
      ['', ' a spokesman for the agency said.', { kind: 'description', text: 'a spokesman for the agency' }],
      ['', ', a-t-il ajouté.', { kind: 'pronoun' }],
      ['', ' he said on Thursday.', { kind: 'pronoun' }],
      ['Selon M. Peskov, ', ' et rien d’autre.', { kind: 'name', text: 'M. Peskov' }],
      ['Emmanuel Macron a également demandé ', '.', { kind: 'name', text: 'Emmanuel Macron' }],
      ['Les syndicats ont salué le texte, mais la CGT a jugé le plan ', '.', { kind: 'name', text: 'CGT' }],
      ['', ' an aide repeated.', { kind: 'description', text: 'an aide' }],
    ])('reads the speaker of «…» in "%s«…»%s"', (before, after, expected) => {
      expect(speakerPhraseOf(before, after)?.phrase).toMatchObject(expected);
    });

    it.each([
      ['Au Conseil de sécurité, ', '.'],
      ['', ' à la frontière ukraino-bélarusse.'],
      ['', ' ont répété les manifestants.'],
    ])('names no speaker in "%s«…»%s"', (before, after) => {
      expect(speakerPhraseOf(before, after)).toBeNull();
    });
  });

  describe('parties', () => {
    it('folds "M. Poutine", "MM. Macron et Poutine" and "Vladimir Poutine" into one person each', () => {
      const people = new People();
      const text = 'Vladimir Poutine a reçu M. Macron. Emmanuel Macron a rappelé M. Poutine. MM. Macron et Poutine se sont parlé.';
      for (const mention of mentionsOf(text, [])) people.add(mention, (offset) => offset);

      expect(people.listed().map((person) => person.name)).toEqual(['Vladimir Poutine', 'Emmanuel Macron']);
      expect(people.lookup('M. Poutine')?.name).toBe('Vladimir Poutine');
      expect(people.lastBefore(text.indexOf('MM.'))?.name).toBe('Vladimir Poutine');
    });

    it('folds a title into the role, before or after the name, but not inside a quote', () => {
      const text =
        'La Première ministre Élisabeth Borne a reçu Laurent Berger, secrétaire général de la CFDT, et le ministre de la Santé, François Braun. «Le président Poutine a parlé», dit-on.';
      const mentions = mentionsOf(text, quotedSpans(text));

      expect(mentions.filter((mention) => mention.role).map((mention) => [mention.words.join(' '), mention.role?.text])).toEqual([
        ['Élisabeth Borne', 'Première ministre'],
        ['Laurent Berger', 'secrétaire général de la CFDT'],
        ['François Braun', 'ministre de la Santé'],
      ]);
    });

    it.each([
      ['Hungarian Prime Minister Viktor Orban', { name: ['Viktor', 'Orban'], role: 'Hungarian Prime Minister' }],
      ['UN Secretary-General Antonio Guterres', { name: ['Antonio', 'Guterres'], role: 'UN Secretary-General' }],
      ['Ursula von der Leyen', { name: ['Ursula', 'von', 'der', 'Leyen'] }],
    ])('takes "%s" apart', (run, expected) => {
      expect(splitTitle(run)).toMatchObject(expected);
    });

    it.each(['European Union', 'New York', 'General Assembly', 'World Food Programme', 'NATO', 'Le'])('does not take "%s" for a person', (run) => {
      expect(splitTitle(run)).toBeNull();
    });
  });

  describe('facts', () => {
    it('labels durations, counts, amounts and ordinals, with spelled-out numbers in digits', () => {
      const text =
        'Ils ont parlé pendant 1h30 sur ces trois points, au cinquième jour de l’offensive, d’un plan de 2 milliards d’euros pour plus d’un million de manifestants, le 24 février 2022.';

      expect(factsOf(text, 'fr').map(({ label, value }) => ({ label, value }))).toEqual([
        { label: 'Durée', value: '1h30' },
        { label: 'Points', value: '3' },
        { label: 'Jour de l’offensive', value: '5e' },
        { label: 'Montant', value: '2 milliards d’euros' },
        { label: 'Manifestants', value: 'plus d’un million' },
      ]);
    });

    it('reads English figures and leaves dates, years and unmarked spans of time out', () => {
      const text = 'About 3.2 million people fled in 2022, for two hours on March 2, and 3,000 more troops arrived after three weeks.';

      expect(factsOf(text, 'en').map(({ label, value }) => ({ label, value }))).toEqual([
        { label: 'People', value: 'About 3.2 million' },
        { label: 'Duration', value: 'two hours' },
        { label: 'Troops', value: '3,000' },
      ]);
    });
  });

  describe('timeline', () => {
    it('dates "le 24 février" in the year nearest the dispatch, and reads a weekday only against a full day', () => {
      expect(dateMentions('le 28 décembre', { year: 2023, month: 1, day: 5 }).map((mention) => mention.date)).toEqual(['2022-12-28']);
      expect(nearestYear(2, 24, { year: 2022 })).toBe(2022);
      expect(weekdayMentions('Ils se sont parlé jeudi.', { year: 2022, month: 2 })).toEqual([]);
      expect(weekdayMentions('Ils se sont parlé jeudi.', { year: 2022, month: 2, day: 28 }).map((mention) => mention.date)).toEqual(['2022-02-24']);
      expect(weekdayMentions('Ils se verront jeudi prochain.', { year: 2022, month: 2, day: 28 }).map((mention) => mention.date)).toEqual(['2022-03-03']);
      expect(weekdayMentions('They talked on Monday.', { year: 2022, month: 2, day: 28 }).map((mention) => mention.date)).toEqual(['2022-02-28']);
    });

    it('reads a weekday in the week of the dispatch: the day itself, the last one in the past, the next one in the future', () => {
      // 17 June 2026 is a Wednesday.
      const wednesday = { year: 2026, month: 6, day: 17 };
      const dayOf = (sentence: string): string[] => weekdayMentions(sentence, wednesday).map((mention) => mention.date);

      expect(dayOf('La grève a entraîné mercredi l’annulation de 1 200 vols.')).toEqual(['2026-06-17']);
      expect(dayOf('Il recevra les syndicats jeudi à 10 h.')).toEqual(['2026-06-18']);
      expect(dayOf('Le ministre reçoit les syndicats jeudi.')).toEqual(['2026-06-18']);
      expect(dayOf('Les syndicats ont appelé jeudi à la grève.')).toEqual(['2026-06-11']);
      expect(dayOf('Le ministre a également demandé lundi un audit.')).toEqual(['2026-06-15']);
      expect(dayOf('Le ministre se rendra mercredi à Orly.')).toEqual(['2026-06-17']);
      expect(dayOf('Ils se verront mercredi prochain.')).toEqual(['2026-06-24']);
      expect(dayOf('The minister said on Thursday that flights would resume.')).toEqual(['2026-06-11']);
      expect(dayOf('Talks resume on Friday.')).toEqual(['2026-06-19']);
    });

    it('gives a sentence no entry for the day a span ends ("jusqu’à jeudi", "until Friday")', () => {
      const wednesday = { year: 2026, month: 6, day: 17 };

      expect(entriesOf('La grève a entraîné mercredi des annulations jusqu’à jeudi.', 0, wednesday).map((entry) => entry.date)).toEqual(['2026-06-17']);
      expect(entriesOf('Flights were cut on Wednesday until June 19.', 0, wednesday).map((entry) => entry.date)).toEqual(['2026-06-17']);
    });

    it('makes the sentence the event, reads "jeudi 24 février" once, and puts entries in date order', () => {
      const reference = { year: 2022, month: 2, day: 28 };
      const later = entriesOf('Ils se reverront le 2 mars.', 100, reference);
      const earlier = entriesOf('Ils se sont parlé jeudi 24 février.', 0, reference);

      expect(earlier).toEqual([{ date: '2022-02-24', event: 'Ils se sont parlé jeudi 24 février', dateAt: 24, eventAt: 0 }]);
      expect(chronological([...later, ...earlier]).map((entry) => entry.date)).toEqual(['2022-02-24', '2022-03-02']);
    });
  });

  describe('key points', () => {
    it('reads an enumeration after a colon as key points, up to the end of its quotation', () => {
      const text = 'il a demandé «à ce que soient respectés : - un arrêt des frappes, - une préservation des infrastructures — une sécurisation des routes». Fin.';

      expect(keyPointsOf(text).map((point) => point.text)).toEqual([
        'Un arrêt des frappes',
        'Une préservation des infrastructures',
        'Une sécurisation des routes',
      ]);
    });

    it('does not read one dash after a colon as a list', () => {
      expect(keyPointsOf('Il a tranché : - non, et c’est tout.')).toEqual([]);
    });
  });
});

describe('parse: the seed dispatch', () => {
  const seedText = readFileSync(seedPath, 'utf8');
  let parsed: ParsedDocument;
  let data: Record<string, unknown>;
  beforeAll(async () => {
    parsed = await parseSource({ name: seedPath, bytes: readFileSync(seedPath), modifiedAt: MODIFIED_AT });
    data = parsed.data as Record<string, unknown>;
  });

  it('is titled by a clause, without "…", within the length limit', () => {
    expect(data.title).toBe('Emmanuel Macron a échangé lundi pendant 1h30 avec Vladimir Poutine');
    expect((data.title as string).length).toBeLessThanOrEqual(MAX_TITLE_LENGTH);
  });

  it('has the three demands as key points, the 1h30 call and the fifth day as facts, 24 February in the timeline', () => {
    expect(data.key_points).toEqual([
      'Un arrêt de toutes les frappes et attaques contre les civils et lieux de résidence',
      'Une préservation de toutes les infrastructures civiles',
      'Une sécurisation des axes routiers, en particulier la route du sud de Kiev',
    ]);
    expect(data.facts).toEqual([
      { label: 'Durée', value: '1h30' },
      { label: 'Jour de l’offensive', value: '5e' },
      { label: 'Points', value: '3' },
    ]);
    expect(data.timeline).toEqual([
      {
        date: '2022-02-24',
        event: 'Cet échange est le second entre MM. Macron et Poutine depuis le début, le 24 février, de l’invasion de l’Ukraine par la Russie',
      },
    ]);
  });

  it('names Macron, Poutine and Zelensky once each, and the Élysée that speaks', () => {
    expect(data.parties).toEqual([{ name: 'Emmanuel Macron' }, { name: 'Vladimir Poutine' }, { name: 'Volodymyr Zelensky' }, { name: 'Élysée' }]);
  });

  it('gives every kept quote the speaker the text names, or none, and keeps no fragment', () => {
    const quotes = data.quotes as { text: string; speaker?: string }[];

    expect(new Set(quotes.map((quote) => quote.speaker))).toEqual(new Set(['Élysée', 'Présidence française', 'Emmanuel Macron', undefined]));
    for (const quote of quotes) expect(quote.text.split(' ').length).toBeGreaterThan(3);
  });

  it('prints the summary once: the full text starts after it', () => {
    const body = (data.sections as { body: string[] }[])[0]?.body ?? [];

    expect(body).not.toContain(data.summary);
    expect(body[0]?.startsWith('Le président français a appelé M. Poutine')).toBe(true);
  });

  it('keeps where each element stands in the file, and warns that it was derived', () => {
    expect(parsed.positions.get('key_points[1]')).toEqual(positionIn(seedText, 'une préservation'));
    expect(parsed.positions.get('parties[2].name')).toEqual(positionIn(seedText, 'Volodymyr Zelensky'));
    expect(parsed.positions.get('timeline[0].date')).toEqual(positionIn(seedText, '24 février'));
    expect(parsed.positions.get('quotes[4].speaker')).toEqual(positionIn(seedText, 'la présidence française'));
    expect(parsed.positions.get('facts[0].value')).toEqual(positionIn(seedText, '1h30'));
    expect(parsed.warnings).toEqual([expect.stringMatching(/derived from a wire dispatch by rules.*7 quote\(s\), 6 with a speaker/)]);
  });
});

// Read while the tests are collected: each dispatch is a group of tests of its own.
const cases = await readDispatchCases(dispatches);

describe('parse: dispatches and the documents an editor would write for them', () => {
  const fields = ['title', 'date', 'lang', 'location', 'summary', 'sections', 'facts', 'timeline', 'key_points', 'sources'];

  it('has at least six dispatches, French and English', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
    expect(new Set(cases.map((found) => found.expected.lang))).toEqual(new Set(['fr', 'en']));
  });

  describe.each(cases)('$name', ({ derived, expected }) => {
    it.each(fields)('derives %s as expected', (field) => {
      expect(derived[field]).toEqual(expected[field]);
    });

    it('validates as an event document', () => {
      expect(() => validateDocument({ file: 'x.txt', format: 'dispatch', data: derived, positions: new Map() }, { templates: ['briefing'] })).not.toThrow();
    });
  });

  it('finds quotes with their speakers and the parties with precision and recall of 0.9 or more', () => {
    const { quotesWithSpeakers, parties } = measureAccuracy(cases);
    console.log(
      `dispatch rules on ${cases.length} dispatches: quotes with speakers P ${quotesWithSpeakers.precision.toFixed(2)} R ${quotesWithSpeakers.recall.toFixed(2)}; parties P ${parties.precision.toFixed(2)} R ${parties.recall.toFixed(2)}`,
    );

    expect(quotesWithSpeakers.expected).toBeGreaterThan(0);
    expect(quotesWithSpeakers.precision).toBeGreaterThanOrEqual(0.9);
    expect(quotesWithSpeakers.recall).toBeGreaterThanOrEqual(0.9);
    expect(parties.precision).toBeGreaterThanOrEqual(0.9);
    expect(parties.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('points at each quote and party in the file even where lines were wrapped', async () => {
    const path = join(dispatches, 'en-no-agency-no-quotes.txt');
    const text = readFileSync(path, 'utf8');
    const parsed = await parseSource({ name: path, bytes: readFileSync(path), modifiedAt: MODIFIED_AT });

    expect(parsed.positions.get('timeline[1].event')).toEqual(positionIn(text, 'Britain will'));
    expect(parsed.positions.get('parties[0].role')).toEqual(positionIn(text, 'Defence Secretary'));
    expect(parsed.positions.get('location')).toEqual(positionIn(text, 'LONDON'));
    expect(parsed.positions.get('date')).toEqual(positionIn(text, 'March 2'));
    expect(parsed.positions.get('sections[0].body[1]')).toEqual(positionIn(text, 'Wallace met'));
  });
});

describe('parse: datelines without a dash, and in Chinese and Japanese', () => {
  it('reads a TASS or Ukrinform dateline ending in a full stop, in a language without rules too', async () => {
    const text = 'date 2026-04-24\nМОСКВА, 24 апреля (ТАСС). Банк России снизил ключевую ставку до 14% годовых.\n\n«Инфляция замедляется», — заявила она.\n';
    const parsed = await parseText('ru.txt', text);

    expect(parsed.data).toMatchObject({
      title: 'Банк России снизил ключевую ставку до 14% годовых',
      summary: 'Банк России снизил ключевую ставку до 14% годовых.',
      location: 'Москва',
      sources: [{ name: 'ТАСС', date: '2026-04-24' }],
      date: '2026-04-24',
    });
    expect(parsed.positions.get('location')).toEqual(positionIn(text, 'МОСКВА'));
    expect(parsed.positions.get('sources[0].name')).toEqual(positionIn(text, 'ТАСС'));
  });

  it('takes the Xinhua and Kyodo datelines out of the title and gives location, date and agency', async () => {
    const zh = 'date 2026-10\n新华社上海10月15日电 国家统计局15日发布数据显示，出口量同比增长37.5%。其中对欧盟出口占比为23.4%。\n';
    const parsed = await parseText('zh.txt', zh);

    expect(parsed.data).toMatchObject({
      title: '国家统计局15日发布数据显示，出口量同比增长37.5%',
      summary: '国家统计局15日发布数据显示，出口量同比增长37.5%。其中对欧盟出口占比为23.4%。',
      location: '上海',
      date: '2026-10-15',
      sources: [{ name: '新华社', date: '2026-10-15' }],
    });
    expect(parsed.positions.get('location')).toEqual(positionIn(zh, '上海'));
    expect(parsed.positions.get('date')).toEqual(positionIn(zh, '10月15日'));

    const ja = await parseText('ja.txt', 'date 2026-03-19\n東京（共同）日本銀行は19日、政策金利を引き上げることを決めた。総裁は述べた。\n');
    expect(ja.data).toMatchObject({ title: '日本銀行は19日、政策金利を引き上げることを決めた', location: '東京', sources: [{ name: '共同' }] });
  });
});

describe('parse: Chinese and Japanese quotes', () => {
  it('keeps quotes of a sentence or ten characters, and leaves short ones in the text', () => {
    expect(quotedSpans('他说「结构性」。『物価目標の実現が見通せる』')).toEqual([
      { start: 2, end: 7 },
      { start: 8, end: 22 },
    ]);
    expect(isStatement('我们看到的是转变。', 'en')).toBe(true);
    expect(isStatement('物価目標の実現が見通せる', 'en')).toBe(true);
    expect(isStatement('结构性', 'en')).toBe(false);
  });

  it('names the speaker after a Chinese title or before a Japanese one, and no one otherwise', () => {
    expect(speakerPhraseOf('中国汽车工业协会副秘书长张晓明表示：', '')?.phrase).toEqual({ kind: 'person', text: '张晓明', at: 12 });
    expect(speakerPhraseOf('日本銀行の植田和男総裁は', 'と述べた。')?.phrase).toEqual({ kind: 'person', text: '植田和男', at: 5 });
    expect(speakerPhraseOf('松野官房長官は', 'と語った。')?.phrase).toMatchObject({ text: '松野' });
    expect(speakerPhraseOf('分析人士表示：', '')).toBeNull();
    expect(speakerPhraseOf('植田和男総裁は', 'という言葉を使った。')).toBeNull();
  });

  it('extracts “…” and 「…」 with their speakers from a dispatch, pointing at both in the file', async () => {
    const zh = 'date 2026-10-15\n国家统计局15日发布数据。\n\n中国汽车工业协会副秘书长张晓明表示：“我们看到的是结构性的转变，而不是周期性的波动。”\n';
    const parsed = await parseText('zh.txt', zh);

    expect(parsed.data).toMatchObject({ quotes: [{ text: '我们看到的是结构性的转变，而不是周期性的波动。', speaker: '张晓明' }] });
    expect(parsed.data).not.toHaveProperty('parties');
    expect(parsed.positions.get('quotes[0].speaker')).toEqual(positionIn(zh, '张晓明'));
    expect(parsed.positions.get('quotes[0].text')).toEqual(positionIn(zh, '我们看到'));

    const ja = await parseText('ja.txt', 'date 2026-03-19\n日本銀行は決めた。植田和男総裁は「物価目標の実現が見通せる」と述べた。\n');
    expect(ja.data).toMatchObject({ quotes: [{ text: '物価目標の実現が見通せる', speaker: '植田和男' }] });
  });
});

describe('parse: a dispatch in a language without rules', () => {
  const text = 'date 2022-02-28\n\nBundeskanzler Olaf Scholz hat am Montag mit dem Präsidenten telefoniert. Er sagte nichts.\n\nDie Bundesregierung kündigte weitere Sanktionen an, sagte ein Sprecher.\n';

  it('renders as before: title, summary and text, with a warning, and nothing else derived', async () => {
    const parsed = await parseText('de.txt', text);

    expect(parsed.data).toEqual({
      title: 'Bundeskanzler Olaf Scholz hat am Montag mit dem Präsidenten telefoniert',
      date: '2022-02-28',
      lang: 'de',
      summary: 'Bundeskanzler Olaf Scholz hat am Montag mit dem Präsidenten telefoniert. Er sagte nichts.',
      sections: [{ heading: 'Volltext', body: ['Die Bundesregierung kündigte weitere Sanktionen an, sagte ein Sprecher.'] }],
    });
    expect(parsed.warnings).toEqual([
      'de.txt: derived from a wire dispatch in "de", a language the extraction rules do not cover (they cover fr, en): only the title, summary, text, dateline and quotes were derived, not the parties, facts, timeline or key points',
    ]);
  });
});
