/**
 * Right-to-left documents in languages without labels of their own (Persian, Urdu: English
 * labels on a right-to-left page) read back with poppler (pdftotext, the reference for
 * extraction here, docs/rendering.md) for the text in logical order and with
 * `pdftotext -bbox-layout` for where it is drawn; English marked as such in an Arabic paragraph
 * as the layout places it (poppler gives such a run back as one word, whatever its order).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createRenderer, type Renderer } from '../lambdas/render';
import { loadFonts } from '../lambdas/render/fonts';
import { loadBidi } from '../lambdas/render/layout/bidi';
import { TextSetter } from '../lambdas/render/layout/text';
import type { TextRun } from '../lambdas/render/types';
import { formatDate, resolveLanguage } from '../lambdas/render/template/i18n';

const WORLD = join(import.meta.dirname, 'fixtures/world');
/** Embedding controls pdftotext writes and the marks the PDF carries for extraction; the ZWNJ of Persian stays. */
const DIRECTION_CONTROLS = /[\u202A-\u202E\u200E\u200F]/g;
const RIGHT_MARGIN = 595.28 - 56;

interface Fixture {
  readonly title: string;
  readonly summary: string;
  readonly key_points: readonly string[];
  readonly quotes: readonly { readonly text: string; readonly speaker: string; readonly context: string }[];
  readonly sources: readonly { readonly name: string }[];
}

interface Word {
  readonly xMin: number;
  readonly xMax: number;
  readonly y: number;
  /** As poppler gives it, marks taken out: a right-to-left word comes out in the order drawn. */
  readonly text: string;
}

let dir: string;
let renderer: Renderer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rtl-fallback-'));
  renderer = await createRenderer({ sourceDateEpoch: 1646006400 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function render(name: string, bytes: Buffer): Promise<{ text: string; words: Word[] }> {
  const result = await renderer.render({ name, bytes, modifiedAt: new Date(0) });
  const pdf = join(dir, `${name.replace(/\W/g, '-')}.pdf`);
  await writeFile(pdf, result.pdf);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-f', '1', '-l', '1', pdf, '-'], { encoding: 'utf8' }).replace(DIRECTION_CONTROLS, '');
  const html = execFileSync('pdftotext', ['-bbox-layout', '-f', '1', '-l', '1', pdf, '-'], { encoding: 'utf8' });
  const words = [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]+)<\/word>/g)].map((match) => ({
    xMin: Number(match[1]),
    y: Number(match[2]),
    xMax: Number(match[3]),
    text: (match[4] as string).replace(DIRECTION_CONTROLS, ''),
  }));
  return { text, words };
}

/** The words drawn on the line at `y` (the top of Arabic words is a few points above Latin ones), right to left. */
const lineAt = (words: readonly Word[], y: number) => words.filter((word) => Math.abs(word.y - y) < 4).sort((a, b) => b.xMax - a.xMax);

describe.each([
  ['fa', '۲۸ فوریهٔ ۲۰۲۲', '۲۸', '۲۰۲۲', ['«', '»']],
  ['ur', '28 فروری، 2022', '28', '2022', ['“', '”']],
])('a %s fact sheet (English labels, right to left)', (lang, date, day, year, [open, close]) => {
  let fixture: Fixture;
  let page: { text: string; words: Word[] };
  beforeAll(async () => {
    const bytes = await readFile(join(WORLD, `${lang}.yaml`));
    fixture = parse(bytes.toString('utf8')) as Fixture;
    page = await render(`${lang}.yaml`, bytes);
  });

  it('reads back with pdftotext exactly, in logical order: its own date, the English labels, the citation’s parts in order', () => {
    const [quote] = fixture.quotes;
    const [source] = fixture.sources;
    const expected = [
      'Factsheet Publisher',
      date,
      fixture.title,
      date,
      'Summary',
      fixture.summary,
      'Key points',
      ...fixture.key_points.map((point) => `• ${point}`),
      'Quotes',
      `${open}${quote?.text}${close}`,
      `— ${quote?.speaker}، ${quote?.context}`,
      'Sources',
      source?.name,
      `Source: ${source?.name}`,
      'Page 1 / 1',
    ].join(' ');

    // Lines joined by a space: the title and the summary wrap.
    expect(page.text.split('\n').map((line) => line.trim()).filter((line) => line !== '').join(' ')).toBe(expected);
  });

  it('sets the date flush right, the day first from the right and the year last', () => {
    const dayWord = page.words.find((word) => word.text === day && word.xMax > RIGHT_MARGIN - 1);
    const line = lineAt(page.words, dayWord?.y ?? Number.NaN);

    expect(dayWord?.xMax).toBeCloseTo(RIGHT_MARGIN, 0);
    expect(line[0]?.text).toBe(day);
    expect(line.at(-1)?.text).toBe(year);
  });

  it('sets the footer’s English “Source:” flush right as one left-to-right word, the colon after it, the source to its left', () => {
    const label = page.words.find((word) => word.text === 'Source:');
    // The footer's right half: the page number is on the left.
    const line = lineAt(page.words, label?.y ?? Number.NaN).filter((word) => word.xMin > 595.28 / 2);

    expect(label?.xMax).toBeCloseTo(RIGHT_MARGIN, 0);
    expect(line[0]).toBe(label);
    // poppler cuts Arabic words at some joins, so only where the source's pieces are is checked (its text is above).
    expect(line.length).toBeGreaterThan(1);
    for (const word of line.slice(1)) expect(word.xMax).toBeLessThanOrEqual((label?.xMin ?? 0) + 0.01);
  });
});

describe('dates of a language without labels', () => {
  it.each([
    ['fa', '2022-02-28', '۲۸ فوریهٔ ۲۰۲۲'],
    ['fa', '2022-02', 'فوریهٔ ۲۰۲۲'],
    ['fa', '2022', '۲۰۲۲'],
    ['ur', '2022-02-28', '28 فروری، 2022'],
    ['sw', '2022-02-28', '28 Februari 2022'],
  ])('are %s’s own through Intl, in the Gregorian months and years the author gave (%s → %s)', (lang, raw, expected) => {
    const [year, month, day] = raw.split('-').map(Number);
    const date = { year: year as number, ...(month === undefined ? {} : { month }), ...(day === undefined ? {} : { day }), raw };

    expect(formatDate(date, resolveLanguage(lang).language)).toBe(expected);
  });
});

describe('left-to-right text marked as English in an Arabic paragraph', () => {
  const point = 'اتصل ماكرون ببوتين يوم الاثنين';
  const label = 'بحسب';

  describe('as the layout places it', () => {
    let setter: TextSetter;
    beforeAll(async () => {
      const fonts = await loadFonts();
      await fonts.prepare(point);
      await loadBidi();
      setter = new TextSetter(fonts, 'rtl', 'ar');
    });
    const style = { size: 10, lineHeight: 12, color: '#000', bold: false, italic: false, linkColor: '#000' };
    const run = (text: string, lang?: string): TextRun => ({ kind: 'text', text, bold: false, italic: false, href: null, ...(lang === undefined ? {} : { lang }) });
    const WIDTH = 1000;
    /** The line's runs from the right, as a right-to-left reader meets them; x from the left of a WIDTH-wide column. */
    const fromTheRight = (runs: readonly TextRun[]) => {
      const [line] = setter.setLines(runs, style, WIDTH, () => 1);
      return [...(line?.runs ?? [])].sort((a, b) => b.x - a.x);
    };

    it('sets a date opening the paragraph flush right as one left-to-right run: 28 February 2022, left to right', () => {
      const runs = fromTheRight([run('28 February 2022', 'en'), run(` ${point}`)]);
      const english = runs.filter((placed) => /[\dA-Za-z]/.test(placed.text));

      // Read from left to right, as the English shows.
      const shown = [...english].reverse().map((placed) => placed.text.replace(/[\u200E\u200F]/g, '').trim());
      expect(shown.join(' ')).toBe('28 February 2022');
      expect((english[0]?.x ?? 0) + (english[0]?.width ?? 0)).toBeCloseTo(WIDTH, 3);
      // Everything Arabic is to the date's left.
      const left = Math.min(...english.map((placed) => placed.x));
      for (const placed of runs.filter((other) => /[\u0600-\u06FF]/.test(other.text))) expect(placed.x + placed.width).toBeLessThanOrEqual(left + 0.01);
    });

    it('keeps the colon of an English label after it, between the label and the Arabic that follows', () => {
      const runs = fromTheRight([run(`${label} `), run('Élysée statement:', 'en'), run(' أكد بوتين استعداده')]);
      const statement = runs.find((placed) => placed.text.includes('statement'));
      const colon = runs.find((placed) => placed.text.includes(':'));

      // In its own run after "statement", or drawn right of it: either way not left of "Élysée statement".
      expect(colon === statement || (colon?.x ?? 0) >= (statement?.x ?? 0) + (statement?.width ?? 0) - 0.01).toBe(true);
    });
  });
});
