/**
 * A chart on a right-to-left sheet is mirrored whole, as a right-to-left spreadsheet draws it: read
 * back from the PDF, the bars and points from the Figure's content stream (qpdf), the labels,
 * axis numbers and legend names from pdftotext -bbox, and the data table's columns from its tags
 * (pdf.js: the structure tree and where each cell's marked content is drawn).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRenderer } from '../lambdas/render';

const SHEETS = {
  ar: { labels: ['القاهرة', 'الرياض', 'بغداد'], names: ['صادرات', 'واردات'] },
  he: { labels: ['ירושלים', 'חיפה', 'אילת'], names: ['יצוא', 'יבוא'] },
  en: { labels: ['Cairo', 'Riyadh', 'Baghdad'], names: ['Exports', 'Imports'] },
} as const;
type Lang = keyof typeof SHEETS;
/** The axis reads 0 to 80 in steps of 20: numbers that the data table does not hold. */
const VALUES = [
  [37, 74, 53],
  [41, 62, 29],
] as const;
const TICKS = ['20', '40', '60', '80'];
const SWATCH = 8;
const POINT = 3.6;

/** A bar chart, then a line chart of the same data. */
function chartDocument(lang: Lang): string {
  const { labels, names } = SHEETS[lang];
  const chart = (type: string): string[] => [
    `  - type: ${type}`,
    '    title: T',
    '    unit: U',
    `    labels: ${JSON.stringify(labels)}`,
    '    series:',
    ...names.flatMap((name, index) => [`      - name: ${JSON.stringify(name)}`, `        values: ${JSON.stringify(VALUES[index])}`]),
  ];
  return ['title: Chart', 'date: 2024-01-01', `lang: ${lang}`, 'charts:', ...chart('bar'), ...chart('line')].join('\n');
}

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly fill: string;
}

interface Figure {
  readonly rects: readonly Rect[];
  /** The x of every point of every stroked path (grid lines, a line chart's lines). */
  readonly pathXs: readonly number[];
}

/** What each Figure's marked content fills and strokes, in the order it is drawn (top-down page coordinates, as pdfkit writes them). */
function figures(pdf: Buffer): Figure[] {
  const dir = mkdtempSync(join(tmpdir(), 'chart-rtl-'));
  writeFileSync(join(dir, 'in.pdf'), pdf);
  execFileSync('qpdf', ['--qdf', '--object-streams=disable', join(dir, 'in.pdf'), join(dir, 'out.pdf')]);
  const qdf = readFileSync(join(dir, 'out.pdf'), 'latin1');
  return [...qdf.matchAll(/\/Figure <<[^>]*>> BDC\n([\s\S]*?)\nEMC/g)].map((match) => {
    const rects: Rect[] = [];
    const pathXs: number[] = [];
    let fill = '';
    for (const line of (match[1] as string).split('\n')) {
      if (line.endsWith(' scn')) fill = line;
      const rect = /^(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re$/.exec(line);
      if (rect) rects.push({ x: Number(rect[1]), y: Number(rect[2]), width: Number(rect[3]), height: Number(rect[4]), fill });
      const point = /^(-?[\d.]+) -?[\d.]+ [ml]$/.exec(line);
      if (point) pathXs.push(Number(point[1]));
    }
    return { rects, pathXs };
  });
}

/** Rectangles grouped by fill, in the order the fills first appear: one group a series. */
function bySeries(rects: readonly Rect[]): Rect[][] {
  const groups = new Map<string, Rect[]>();
  for (const rect of rects) groups.set(rect.fill, [...(groups.get(rect.fill) ?? []), rect]);
  return [...groups.values()];
}

interface Word {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly text: string;
}

/**
 * The words of page 1, left to right on each line. pdftotext -bbox cuts some Arabic words where a
 * glyph starts a new text position (القاهرة as "ةرها" and "قلا", touching): touching pieces on one
 * baseline are joined again.
 */
function words(pdf: Buffer): Word[] {
  const html = execFileSync('pdftotext', ['-bbox', '-f', '1', '-l', '1', '-', '-'], { input: pdf }).toString('utf8');
  const pieces = [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]+)<\/word>/g)]
    .map((match) => ({ xMin: Number(match[1]), yMin: Number(match[2]), xMax: Number(match[3]), text: (match[4] as string).replace(/[\u202A-\u202E\u200E\u200F]/g, '') }))
    .sort((a, b) => a.yMin - b.yMin || a.xMin - b.xMin);
  const joined: Word[] = [];
  for (const piece of pieces) {
    const last = joined.at(-1);
    if (last !== undefined && last.yMin === piece.yMin && Math.abs(piece.xMin - last.xMax) < 0.5) joined[joined.length - 1] = { ...last, xMax: piece.xMax, text: last.text + piece.text };
    else joined.push(piece);
  }
  return joined;
}

/** For each header row of a table (THead › TR), where each of its TH cells is drawn, in the order the tags list them. */
async function headerCellXs(pdf: Buffer): Promise<number[][]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  try {
    const page = await doc.getPage(1);
    const xOf = new Map<string, number>();
    let open: string | undefined;
    for (const item of (await page.getTextContent({ includeMarkedContent: true })).items as { type?: string; id?: string; str?: string; transform?: number[] }[]) {
      if (item.type === 'beginMarkedContentProps') open = item.id;
      else if (item.type === 'endMarkedContent') open = undefined;
      else if (open !== undefined && item.str && item.transform) xOf.set(open, Math.min(xOf.get(open) ?? Infinity, item.transform[4] as number));
    }
    type Node = { role?: string; type?: string; id?: string; children?: Node[] };
    const contentIds = (node: Node): string[] => (node.type === 'content' && node.id ? [node.id] : (node.children ?? []).flatMap(contentIds));
    const rows: number[][] = [];
    const walk = (node: Node, inHead: boolean): void => {
      if (inHead && node.role === 'TR') rows.push((node.children ?? []).filter((cell) => cell.role === 'TH').map((cell) => Math.min(...contentIds(cell).map((id) => xOf.get(id) ?? Infinity))));
      for (const child of node.children ?? []) walk(child, inHead || node.role === 'THead');
    };
    walk(await page.getStructTree(), false);
    return rows;
  } finally {
    await doc.destroy();
  }
}

const decreasing = (xs: readonly number[]): boolean => xs.every((x, index) => index === 0 || x < (xs[index - 1] as number));
const increasing = (xs: readonly number[]): boolean => xs.every((x, index) => index === 0 || x > (xs[index - 1] as number));

describe('layout: a chart on a right-to-left sheet is mirrored', () => {
  const sheets = {} as Record<Lang, { figures: Figure[]; words: Word[]; headers: number[][] }>;
  beforeAll(async () => {
    const renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });
    for (const lang of Object.keys(SHEETS) as Lang[]) {
      const { pdf } = await renderer.render({ name: `chart-${lang}.yaml`, bytes: new TextEncoder().encode(chartDocument(lang)), modifiedAt: new Date(0) });
      sheets[lang] = { figures: figures(pdf), words: words(pdf), headers: await headerCellXs(pdf) };
    }
  });

  /** The bar chart's parts: its plot (from its grid lines), bars and swatches by series, and its words. */
  const barChart = (lang: Lang) => {
    const { figures: [bar], words: all } = sheets[lang];
    const rects = (bar as Figure).rects;
    const plot = { left: Math.min(...(bar as Figure).pathXs), right: Math.max(...(bar as Figure).pathXs) };
    const swatches = rects.filter((rect) => rect.width === SWATCH && rect.height === SWATCH);
    const top = Math.min(...rects.map((rect) => rect.y));
    const bottom = Math.max(...rects.map((rect) => rect.y + rect.height));
    // The figure's words: the legend above the bars, the axis beside them, the labels under them.
    const inFigure = all.filter((word) => word.yMin > top - 4 && word.yMin < bottom + 20);
    const word = (text: string): Word => {
      // pdftotext -bbox writes a right-to-left word's letters in the order they show, right to left.
      const found = inFigure.find((candidate) => candidate.text === text || candidate.text === [...text].reverse().join(''));
      expect(found, `"${text}" in the chart`).toBeDefined();
      return found as Word;
    };
    return { plot, bars: bySeries(rects.filter((rect) => rect.width !== SWATCH)), swatches, word };
  };

  it.each(['ar', 'he'] as const)('puts the first category at the right on a %s sheet, each series\' bars right of the next\'s', (lang) => {
    const { bars, word } = barChart(lang);

    expect(bars).toHaveLength(2);
    for (const series of bars) expect(decreasing(series.map((bar) => bar.x)), JSON.stringify(series)).toBe(true);
    (bars[0] as Rect[]).forEach((bar, index) => expect(bar.x).toBeGreaterThan((bars[1] as Rect[])[index]?.x as number));
    // Heights as on an English sheet: the data, in category order.
    (bars[0] as Rect[]).forEach((bar, index) => expect(bar.height / ((bars[0] as Rect[])[0] as Rect).height).toBeCloseTo((VALUES[0][index] as number) / VALUES[0][0], 3));
    // Each label under its own bars, so the first label is the rightmost.
    const labels = SHEETS[lang].labels.map(word);
    expect(decreasing(labels.map((label) => label.xMin))).toBe(true);
    labels.forEach((label, index) => {
      const [first, second] = [(bars[0] as Rect[])[index] as Rect, (bars[1] as Rect[])[index] as Rect];
      expect((label.xMin + label.xMax) / 2).toBeCloseTo((second.x + first.x + first.width) / 2, 0);
    });
  });

  it.each(['ar', 'he'] as const)('writes the axis numbers right of the plot on a %s sheet, each against it', (lang) => {
    const { plot, word } = barChart(lang);
    const ticks = TICKS.map(word);

    for (const tick of ticks) expect(tick.xMin).toBeGreaterThan(plot.right);
    expect(Math.max(...ticks.map((tick) => tick.xMin)) - Math.min(...ticks.map((tick) => tick.xMin))).toBeLessThan(0.5);
    expect((ticks[0] as Word).xMin - plot.right).toBeLessThan(8);
    // The plot takes the rest of the column, from its left edge (56 pt).
    expect(plot.left).toBeCloseTo(56, 1);
  });

  it.each(['ar', 'he'] as const)('lists the legend from the right on a %s sheet, each swatch right of its name', (lang) => {
    const { plot, swatches, word } = barChart(lang);
    const names = SHEETS[lang].names.map(word);

    expect(swatches).toHaveLength(2);
    expect(decreasing(swatches.map((swatch) => swatch.x))).toBe(true);
    expect((swatches[0] as Rect).x + SWATCH).toBeCloseTo(plot.right, 1);
    names.forEach((name, index) => {
      const swatch = swatches[index] as Rect;
      expect(name.xMax).toBeLessThanOrEqual(swatch.x);
      expect(swatch.x - name.xMax).toBeLessThan(6);
    });
    // The second entry starts left of the first entry's name.
    expect((swatches[1] as Rect).x + SWATCH).toBeLessThan((names[0] as Word).xMin);
  });

  it.each(['ar', 'he'] as const)('draws a line chart\'s points from the right on a %s sheet', (lang) => {
    const line = sheets[lang].figures[1] as Figure;
    const points = bySeries(line.rects.filter((rect) => rect.width === POINT));

    expect(points).toHaveLength(2);
    for (const series of points) expect(decreasing(series.map((point) => point.x))).toBe(true);
    // The bar chart's slots: each point above the middle of its category's pair of bars.
    const bars = barChart(lang).bars;
    (points[0] as Rect[]).forEach((point, index) => {
      const [first, second] = [(bars[0] as Rect[])[index] as Rect, (bars[1] as Rect[])[index] as Rect];
      expect(point.x + POINT / 2).toBeCloseTo((second.x + first.x + first.width) / 2, 1);
    });
  });

  it.each(['ar', 'he'] as const)('tags the data table\'s columns in reading order on a %s sheet, the first at the right', (lang) => {
    const [bar, line] = sheets[lang].headers;

    for (const row of [bar, line]) {
      expect(row).toHaveLength(3);
      expect(decreasing(row as number[]), JSON.stringify(row)).toBe(true);
    }
  });

  it('keeps an English chart left to right: first category, axis, legend and table column at the left', () => {
    const { plot, bars, swatches, word } = barChart('en');
    const ticks = TICKS.map(word);
    const names = SHEETS.en.names.map(word);

    for (const series of bars) expect(increasing(series.map((bar) => bar.x))).toBe(true);
    expect(increasing(SHEETS.en.labels.map(word).map((label) => label.xMin))).toBe(true);
    for (const tick of ticks) expect(tick.xMax).toBeLessThan(plot.left);
    expect(plot.right).toBeCloseTo(595.28 - 56, 1);
    expect(increasing(swatches.map((swatch) => swatch.x))).toBe(true);
    expect((swatches[0] as Rect).x).toBeCloseTo(plot.left, 1);
    names.forEach((name, index) => expect(name.xMin).toBeGreaterThanOrEqual((swatches[index] as Rect).x + SWATCH));
    const points = bySeries((sheets.en.figures[1] as Figure).rects.filter((rect) => rect.width === POINT));
    for (const series of points) expect(increasing(series.map((point) => point.x))).toBe(true);
    for (const row of sheets.en.headers) expect(increasing(row)).toBe(true);
  });
});
