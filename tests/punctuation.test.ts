/**
 * The separators a fact sheet prints between pieces of content are the language's own: a
 * quote's citation, a source and its date, the footer's list of sources and its page number,
 * read back from the PDF with poppler (pdftotext) in every supported language.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import { formatDate, resolveLanguage } from '../lambdas/render/template/i18n';

/** What a reader of each language expects; the labels and the date are the packs' (tested in i18n.test.ts). */
interface Expected {
  readonly speaker: string;
  readonly context: string;
  /** Between a speaker and their role, a source and its date. */
  readonly comma: string;
  /** Between the two sources in the footer. */
  readonly list: string;
  /** Before the speaker. */
  readonly dash: string;
  /** After the footer's "Sources:". */
  readonly afterLabel: string;
  /** The footer's page number, page 1 of 1. */
  readonly page: string;
}

const western = (speaker: string, context: string, page: string): Expected => ({ speaker, context, comma: ', ', list: ', ', dash: '— ', afterLabel: ' ', page });

const LANGUAGES: Readonly<Record<string, Expected>> = {
  ar: { speaker: 'الرئاسة الفرنسية', context: 'بيان الإليزيه', comma: '، ', list: '، ', dash: '— ', afterLabel: ' ', page: 'صفحة 1 / 1' },
  he: western('נשיאות צרפת', 'הודעת האליזה', 'עמוד 1 / 1'),
  'zh-Hans': { speaker: '法国总统府', context: '爱丽舍宫声明', comma: '，', list: '、', dash: '——', afterLabel: '', page: '第1页，共1页' },
  'zh-Hant': { speaker: '法國總統府', context: '艾麗榭宮聲明', comma: '，', list: '、', dash: '——', afterLabel: '', page: '第1頁，共1頁' },
  ja: { speaker: 'フランス大統領府', context: 'エリゼ宮の声明', comma: '、', list: '、', dash: '――', afterLabel: '', page: '1 / 1 ページ' },
  ko: western('프랑스 대통령실', '엘리제궁 성명', '페이지 1 / 1'),
  hi: western('फ़्रांसीसी राष्ट्रपति कार्यालय', 'एलिसी का बयान', 'पृष्ठ 1 / 1'),
  // A space alone reads as a phrase break in Thai: two items are joined by "และ" (and), as CLDR's pair pattern.
  th: { speaker: 'ทำเนียบประธานาธิบดีฝรั่งเศส', context: 'แถลงการณ์', comma: ' ', list: 'และ', dash: '— ', afterLabel: ' ', page: 'หน้า 1 / 1' },
  ru: western('Елисейский дворец', 'заявление', 'Страница 1 / 1'),
  uk: western('Єлисейський палац', 'заява', 'Сторінка 1 / 1'),
  it: western('Eliseo', 'comunicato', 'Pagina 1 / 1'),
  pt: western('Eliseu', 'comunicado', 'Página 1 / 1'),
  pl: western('Pałac Elizejski', 'komunikat', 'Strona 1 / 1'),
  tr: western('Élysée Sarayı', 'açıklama', 'Sayfa 1 / 1'),
  nl: western('Élysée', 'verklaring', 'Pagina 1 / 1'),
  fr: western('Élysée', 'communiqué', 'Page 1 / 1'),
  en: western('Élysée', 'statement', 'Page 1 / 1'),
};

/** Embedding controls and marks pdftotext writes around right-to-left text, and the marks the PDF carries for it. */
const DIRECTION_CONTROLS = /[\u202A-\u202E\u200E\u200F]/g;
/** pdftotext gives French no-break spaces back as spaces. */
const spaced = (text: string) => text.replace(/[\u00A0\u202F]/g, ' ');

let dir: string;
let renderer: Renderer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'punctuation-'));
  renderer = await createRenderer({ sourceDateEpoch: 1646006400 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(Object.entries(LANGUAGES))('a %s fact sheet read back with poppler', (lang, expected) => {
  it('joins the citation, a source and its date, the footer’s sources and page number with the language’s own separators', async () => {
    // Prepare: a quote with speaker and context; two sources, the first dated.
    const { speaker, context } = expected;
    const source = JSON.stringify({
      title: speaker,
      date: '2022-02-28',
      lang,
      quotes: [{ text: context, speaker, context }],
      sources: [{ name: speaker, date: '2022-02-28' }, { name: context }],
    });
    const language = resolveLanguage(lang).language;

    // Act
    const result = await renderer.render({ name: `${lang}.json`, bytes: Buffer.from(source), modifiedAt: new Date(0) });
    const pdf = join(dir, `${lang}.pdf`);
    await writeFile(pdf, result.pdf);
    const lines = spaced(execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }))
      .replace(DIRECTION_CONTROLS, '')
      .split('\n')
      .map((line) => line.trim());

    // Assert
    const all = lines.join('\n');
    expect(lines, all).toContain(`${expected.dash}${speaker}${expected.comma}${context}`);
    expect(lines, all).toContain(`${speaker}${expected.comma}${formatDate({ year: 2022, month: 2, day: 28, raw: '2022-02-28' }, language)}`);
    expect(lines, all).toContain(spaced(`${language.labels.sourcesCredit}${expected.afterLabel}${speaker}${expected.list}${context}`));
    expect(lines, all).toContain(expected.page);
  });
});

describe('Polish and Thai as their publications write them, read back with poppler', () => {
  const read = async (name: string, document: Record<string, unknown>): Promise<string[]> => {
    const result = await renderer.render({ name, bytes: Buffer.from(JSON.stringify({ title: 'T', date: '2022-02-28', ...document })), modifiedAt: new Date(0) });
    const pdf = join(dir, name.replace(/\.json$/, '.pdf'));
    await writeFile(pdf, result.pdf);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).split('\n').map((line) => line.trim());
  };

  it('lists three or four Thai sources with spaces and "และ" (and) before the last, as Intl.ListFormat does', async () => {
    // Act
    const three = await read('th-three.json', { lang: 'th', sources: [{ name: 'AFP' }, { name: 'Reuters' }, { name: 'AP' }] });
    const four = await read('th-four.json', { lang: 'th', sources: [{ name: 'AFP' }, { name: 'Reuters' }, { name: 'AP' }, { name: 'BBC' }] });

    // Assert
    const thai = new Intl.ListFormat('th', { type: 'conjunction' });
    expect(thai.format(['AFP', 'Reuters', 'AP'])).toBe('AFP Reuters และAP');
    expect(three).toContain(`แหล่งที่มา: ${thai.format(['AFP', 'Reuters', 'AP'])}`);
    expect(four).toContain(`แหล่งที่มา: ${thai.format(['AFP', 'Reuters', 'AP', 'BBC'])}`);
  });

  it('keeps the comma, without "i" (and), between Polish sources, as a Polish credit line does', async () => {
    // Act
    const lines = await read('pl-sources.json', { lang: 'pl', sources: [{ name: 'PAP' }, { name: 'Reuters' }, { name: 'AFP' }] });

    // Assert
    expect(lines).toContain('Źródła: PAP, Reuters, AFP');
  });

  it('heads the Polish column of people and organisations "Uczestnik", not "Nazwa", the name of a thing', async () => {
    // Act
    const lines = await read('pl-parties.json', {
      lang: 'pl',
      parties: [
        { name: 'Emmanuel Macron', role: 'prezydent Francji' },
        { name: 'Organizacja Narodów Zjednoczonych', role: 'mediator' },
      ],
    });

    // Assert
    expect(lines).toContain('Uczestnicy');
    expect(lines).toContain('Uczestnik');
    expect(lines).not.toContain('Nazwa');
  });
});

describe('a language without labels of its own', () => {
  it.each([
    ['fa', '، '],
    ['ur', '، '],
    ['sw', ', '],
  ])('%s takes its comma from CLDR, without invisible marks (%j)', (lang, comma) => {
    const { punctuation } = resolveLanguage(lang).language;

    expect(punctuation.comma).toBe(comma);
    expect(punctuation.list).toBe(comma);
  });
});
