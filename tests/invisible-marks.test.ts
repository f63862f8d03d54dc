/**
 * Invisible format characters (the LRM Intl puts before a negative number in Arabic, Persian and
 * Hebrew, a Persian ZWNJ, bidi controls, joiners) and emoji sequences, with Noto Sans and with a
 * theme's own font (Lato, which has none of the invisible characters and no U+FFFD). Read back with
 * poppler's pdftotext (the reference for extraction, docs/rendering.md) and, for where the minus
 * shows, the layout's runs in visual order (Chromium's `dir=rtl` table cell is the reference).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import { type FontSet, loadFonts, readBrandFace, withBrandFont, DEFAULT_FONTS_DIR, type BrandFace } from '../lambdas/render/fonts';
import { loadBidi } from '../lambdas/render/layout/bidi';
import { TextSetter } from '../lambdas/render/layout/text';
import { LATO, templatesWithFont, textRun } from './helpers/theme';

const FIXTURE_FONTS = join(import.meta.dirname, 'fixtures/fonts');
const NO_GLYPH = 'have no glyph in the embedded fonts';

const source = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text), modifiedAt: new Date('2024-01-01T00:00:00Z') });

const pdftotext = (pdf: Uint8Array): string => execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');

/** A chart whose data table has -1.25 in its first row, in `lang`. */
const chartDocument = (lang: string): string =>
  JSON.stringify({ title: 't', date: '2024-01-01', lang, charts: [{ title: 'T', unit: 'U', labels: ['0', '1'], series: [{ name: 'S', values: [-1.25, 2] }] }] });

function face(name: string): BrandFace {
  const reading = readBrandFace(readFileSync(join(FIXTURE_FONTS, name)));
  if (reading.kind !== 'face') throw new Error(reading.problem);
  return reading.face;
}

const renderers: Record<'Noto Sans' | 'Lato', Renderer> = {} as Record<'Noto Sans' | 'Lato', Renderer>;
beforeAll(async () => {
  renderers['Noto Sans'] = await createRenderer({ sourceDateEpoch: 1_700_000_000 });
  renderers.Lato = await createRenderer({ templatesDir: templatesWithFont(LATO), sourceDateEpoch: 1_700_000_000 });
});

/**
 * As pdftotext gives the cell back. The LRM comes back in Persian, whose digits Noto Sans Arabic
 * draws and whose run carries its logical text for extraction; Noto Sans's and Lato's hidden glyph
 * gives nothing back for it.
 */
const NEGATIVE = [
  { lang: 'ar', extracted: '-1.25', shown: '-1.25' },
  { lang: 'fa', extracted: '\u200E−۱٫۲۵', shown: '−۱٫۲۵' },
  { lang: 'he', extracted: '-1.25', shown: '-1.25' },
] as const;

describe.each(['Noto Sans', 'Lato'] as const)('a negative number in a right-to-left table, body font %s', (font) => {
  it.each(NEGATIVE)('$lang: pdftotext gives the cell back exactly, with no \uFFFD and no missing character', async ({ lang, extracted }) => {
    const result = await renderers[font].render(source(`neg-${lang}.json`, chartDocument(lang)));
    const lines = pdftotext(result.pdf).split('\n');

    expect(new Intl.NumberFormat(lang).format(-1.25)).toMatch(/^\u200E/);
    expect(lines).toContain(extracted);
    expect(lines.join('\n')).not.toContain('\uFFFD');
    expect(result.warnings.map((warning) => warning.message).filter((message) => message.includes(NO_GLYPH))).toEqual([]);
  });
});

describe('invisible marks as the layout places them', () => {
  let noto: FontSet;
  const faces = { regular: face('Lato_400Regular.ttf'), bold: face('Lato_700Bold.ttf') };
  beforeAll(async () => {
    noto = await loadFonts();
    await loadBidi();
  });
  /** Lato afresh for each test: it has loaded no Noto Sans yet. */
  const fontSet = (font: 'Noto Sans' | 'Lato'): FontSet => (font === 'Lato' ? withBrandFont(noto, faces, DEFAULT_FONTS_DIR) : noto);
  const style = { size: 10, lineHeight: 12, color: '#000', bold: false, italic: false, linkColor: '#000' };
  const WIDTH = 200;
  /** The runs of `text` set in one line, from the left. */
  const runsOf = (setter: TextSetter, text: string, width = WIDTH) => [...(setter.setLines([textRun(text)], style, width, () => 1)[0]?.runs ?? [])].sort((a, b) => a.x - b.x);

  // The body font draws Latin digits (`face` undefined); Persian digits are Noto Sans Arabic's, minus and LRM with them.
  const CASES = NEGATIVE.flatMap((negative) =>
    (['Noto Sans', 'Lato'] as const).flatMap((font) =>
      // A chart's numbers are formatted by the layout, after the document's text was prepared; another LRM may have been in it.
      (['before', 'not before'] as const).map((seen) => ({ ...negative, font, seen, face: negative.lang === 'fa' ? 'NotoSansArabic-Regular' : undefined })),
    ),
  );

  it.each(CASES)('$lang in $font, an LRM seen $seen: minus first from the left, flush right, in the digits\' font', async ({ lang, shown, font, seen, face: drawnIn }) => {
    const fonts = fontSet(font);
    const text = new Intl.NumberFormat(lang).format(-1.25);
    await fonts.prepare(seen === 'before' ? `${text} ${lang === 'fa' ? '۱' : '1'}` : lang === 'fa' ? '۱' : '1', lang);
    const setter = new TextSetter(fonts, 'rtl', lang);

    const runs = runsOf(setter, text);
    const last = runs.at(-1);

    expect(runs.map((run) => run.text.replace(/[\u200E\u200F]/g, '')).join('')).toBe(shown);
    expect((last?.x ?? 0) + (last?.width ?? 0)).toBeCloseTo(WIDTH, 3);
    expect(runs.map((run) => run.face)).toEqual(runs.map(() => drawnIn));
    expect(setter.missingCharacters()).toEqual([]);
  });

  it.each(['Noto Sans', 'Lato'] as const)('%s: marks and controls between Latin letters take no width, are never missing, and stay in the body font', async (font) => {
    const fonts = fontSet(font);
    const marked = 'a\u200Eb\u200Fc\u202Ad\u202Ce\u2066f\u2069g\u200Dh\u200Ci\u2060j\u00ADk\uFEFFl';
    const plain = 'abcdefghijkl';
    // Once without the marks (they may come from a chart's numbers), once with them.
    for (const prepared of [plain, marked]) {
      await fonts.prepare(prepared, 'en');
      const setter = new TextSetter(fonts, 'ltr', 'en');

      const markedRuns = runsOf(setter, marked, 1000);

      expect(markedRuns.reduce((sum, run) => sum + run.width, 0)).toBeCloseTo(setter.widthOf(plain, 'regular', style.size), 6);
      expect(markedRuns.map((run) => run.text).join('')).not.toContain('\uFFFD');
      expect(markedRuns.every((run) => run.face === undefined)).toBe(true);
      expect(setter.missingCharacters()).toEqual([]);
    }
  });

  it('in Lato, which has none of them, reads no Noto Sans for them alone', async () => {
    const fonts = fontSet('Lato');

    await fonts.prepare('Text \u200E-5, Auf\u200Clage, a\u2060b, x\u00ADy', 'en');

    expect(fonts.loadedScriptFonts().map((font) => font.name)).not.toContain('NotoSans-Regular');
  });

  it.each(['Noto Sans', 'Lato'] as const)('%s: a joiner or non-joiner inside a Persian word stays in the word, shaped with it', async (font) => {
    const fonts = fontSet(font);
    const words = ['رئیس\u200Cجمهور', 'می\u200Cشود', 'ب\u200Dب'];
    await fonts.prepare(words.join(' '), 'fa');
    const setter = new TextSetter(fonts, 'rtl', 'fa');

    for (const word of words) expect(runsOf(setter, word).map((run) => ({ text: run.text, face: run.face }))).toEqual([{ text: word, face: 'NotoSansArabic-Regular' }]);
  });
});

describe('Persian with a theme font: the zero-width non-joiner comes back', () => {
  it('as it does in Noto Sans: رئیس‌جمهور, گفت‌وگو, ریاست‌جمهوری exactly', async () => {
    const fixture = readFileSync(join(import.meta.dirname, 'fixtures/world/fa.yaml'));
    const branded = pdftotext((await renderers.Lato.render({ name: 'fa.yaml', bytes: fixture, modifiedAt: new Date(0) })).pdf);
    const plain = pdftotext((await renderers['Noto Sans'].render({ name: 'fa.yaml', bytes: fixture, modifiedAt: new Date(0) })).pdf);
    const joinedWords = (text: string): string[] => text.match(/[\u0600-\u06FF]+\u200C[\u0600-\u06FF]+/g) ?? [];

    for (const word of ['رئیس\u200Cجمهور', 'گفت\u200Cوگو', 'ریاست\u200Cجمهوری']) expect(branded).toContain(word);
    expect(branded).not.toMatch(/رئیسجمهور|گفتوگو|ریاستجمهوری/);
    expect(joinedWords(branded)).toEqual(joinedWords(plain));
  });
});

/** `"seq" (U+… U+…)`, as the warning names a sequence. */
const named = (sequence: string): string => `"${sequence}" (${[...sequence].map((char) => `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`).join(' ')})`;

const SEQUENCES = [
  { what: 'a ZWJ family', sequence: '👨\u200D👩\u200D👧' },
  { what: 'a flag', sequence: '🇫🇷' },
  { what: 'a keycap', sequence: '1\uFE0F\u20E3' },
  { what: 'a tag sequence (Scotland)', sequence: '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}' },
  { what: 'a skin tone', sequence: '👍🏽' },
] as const;

describe.each(['Noto Sans', 'Lato'] as const)('an emoji sequence, body font %s', (font) => {
  it.each(SEQUENCES)('$what is one \uFFFD in pdftotext and named once in the warning', async ({ sequence }) => {
    const result = await renderers[font].render(source('emoji.yaml', `title: Emoji\ndate: 2024-01-01\nlang: en\nsummary: "before ${sequence} after"\n`));
    const text = pdftotext(result.pdf);

    expect(text).toContain('before \uFFFD after');
    expect(text.match(/\uFFFD/g)).toHaveLength(1);
    expect(result.warnings.map((warning) => warning.message).filter((message) => message.includes(NO_GLYPH))).toEqual([
      `1 character(s) have no glyph in the embedded fonts and show as \uFFFD: ${named(sequence)}`,
    ]);
  });
});

describe('emoji sequences side by side, right to left', () => {
  it('each is one \uFFFD, named once, in an Arabic paragraph', async () => {
    const family = '👨\u200D👩\u200D👧';
    const result = await renderers['Noto Sans'].render(source('emoji-ar.yaml', `title: رموز\ndate: 2024-01-01\nlang: ar\nsummary: "عائلة ${family} علم 🇫🇷🇫🇷 مفتاح 1\uFE0F\u20E3"\n`));

    expect(pdftotext(result.pdf).match(/\uFFFD/g)).toHaveLength(4);
    expect(result.warnings.map((warning) => warning.message).filter((message) => message.includes(NO_GLYPH))).toEqual([
      `3 character(s) have no glyph in the embedded fonts and show as \uFFFD: ${named(family)}, ${named('🇫🇷')}, ${named('1\uFE0F\u20E3')}`,
    ]);
  });
});
