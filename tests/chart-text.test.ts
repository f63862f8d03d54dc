import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';

const MODIFIED_AT = new Date('2024-01-01T09:00:00Z');

/** A one-page document with one bar chart, values 37 and 74: its axis reads 0 to 80 in steps of 20, numbers the table does not hold. */
function chartDocument(lang: string, labels: readonly string[], names: readonly string[], title = 'T', unit = 'U'): string {
  return [
    'title: Chart',
    'date: 2024-01-01',
    `lang: ${lang}`,
    'charts:',
    '  - type: bar',
    `    title: ${JSON.stringify(title)}`,
    `    unit: ${JSON.stringify(unit)}`,
    `    labels: ${JSON.stringify(labels)}`,
    '    series:',
    ...names.flatMap((name, index) => [`      - name: ${JSON.stringify(name)}`, `        values: ${JSON.stringify(labels.map((_, label) => (label % 2 === 0 ? 37 : 74) + index))}`]),
  ].join('\n');
}

interface FigureText {
  /** BaseFont (subset tag dropped) of every font the chart's text is drawn in. */
  readonly fonts: ReadonlySet<string>;
  /** Glyph ids drawn inside the chart; 0 is .notdef, the box of a character the font lacks. */
  readonly glyphs: readonly number[];
}

/** What the first Figure's marked content draws its text with (nested spans included), from the uncompressed page. */
function figureText(pdf: Buffer): FigureText {
  const dir = mkdtempSync(join(tmpdir(), 'chart-text-'));
  writeFileSync(join(dir, 'in.pdf'), pdf);
  execFileSync('qpdf', ['--qdf', '--object-streams=disable', join(dir, 'in.pdf'), join(dir, 'out.pdf')]);
  const qdf = readFileSync(join(dir, 'out.pdf'), 'latin1');
  const baseFonts = new Map([...qdf.matchAll(/\n(\d+) 0 obj\n<<\n {2}\/BaseFont \/[A-Z]{6}\+(\S+)/g)].map((match) => [match[1] as string, match[2] as string]));
  const resources = /\/Font <<([^>]*)>>/.exec(qdf)?.[1] ?? '';
  const fontOf = new Map([...resources.matchAll(/\/(F\d+) (\d+) 0 R/g)].map((match) => [match[1] as string, baseFonts.get(match[2] as string) ?? '?']));
  const start = qdf.search(/\/Figure <<[^>]*>> BDC/);
  expect(start).toBeGreaterThan(0);
  const lines = qdf.slice(start).split('\n');
  const fonts = new Set<string>();
  const glyphs: number[] = [];
  let depth = 0;
  for (const line of lines) {
    if (line.endsWith(' BDC') || line === '>> BDC') depth++;
    if (line === 'EMC' && --depth === 0) break;
    const font = /^\/(F\d+) [\d.]+ Tf$/.exec(line)?.[1];
    if (font !== undefined) fonts.add(fontOf.get(font) ?? '?');
    for (const hex of line.endsWith(' TJ') ? line.matchAll(/<([0-9a-f]+)>/g) : []) {
      for (let index = 0; index < (hex[1] as string).length; index += 4) glyphs.push(parseInt((hex[1] as string).slice(index, index + 4), 16));
    }
  }
  return { fonts, glyphs };
}

/** pdftotext wraps right-to-left lines in embedding controls (U+202B … U+202C), and marks (U+200E, U+200F) keep digits in their order: not the text's own. */
const pdftotext = (pdf: Buffer): string =>
  execFileSync('pdftotext', ['-', '-'], { input: pdf })
    .toString('utf8')
    .replace(/[\u200E\u200F\u202A-\u202E]/g, '');
const pdffonts = (pdf: Buffer): string => {
  const dir = mkdtempSync(join(tmpdir(), 'chart-fonts-'));
  writeFileSync(join(dir, 'in.pdf'), pdf);
  return execFileSync('pdffonts', [join(dir, 'in.pdf')]).toString('utf8');
};
const count = (text: string, word: string): number => text.split(word).length - 1;

describe('layout and draw: chart text in world scripts', () => {
  let renderer: Renderer;
  const render = async (yaml: string) => renderer.render({ name: 'chart.yaml', bytes: new TextEncoder().encode(yaml), modifiedAt: MODIFIED_AT });
  beforeAll(async () => {
    renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });
  });

  it.each([
    { lang: 'zh-Hans', labels: ['2022年度', '2023年度'], names: ['规模', '增速'], font: 'NotoSansSC-Regular' },
    // Egyptian Arabic writes its numbers in Arabic-Indic digits (٠ to ٨٠), right to left.
    { lang: 'ar-EG', labels: ['القاهرة', 'الرياض', 'بغداد'], names: ['صادرات', 'واردات'], font: 'NotoSansArabic-Regular' },
    { lang: 'hi', labels: ['सौर', 'बिजली', 'पवन'], names: ['क्षमता', 'लक्ष्य'], font: 'NotoSansDevanagari-Regular' },
    { lang: 'en', labels: ['Egypt', 'مصر', 'China'], names: ['Exports', 'Imports'], font: 'NotoSansArabic-Regular' },
  ])('sets the labels, legend and axis of a $lang chart in $font, read back as written', async ({ lang, labels, names, font }) => {
    // Act
    const { pdf, warnings } = await render(chartDocument(lang, labels, names));

    // Assert
    const text = pdftotext(pdf);
    const numbers = new Intl.NumberFormat(lang);
    // Each label and name twice, in the chart and in its table; the axis numbers only in the chart.
    for (const word of [...labels, ...names]) expect(count(text, word), word).toBe(2);
    for (const tick of [20, 40, 60, 80]) expect(text.split('\n').map((line) => line.trim()), numbers.format(tick)).toContain(numbers.format(tick));
    expect(text).not.toContain('\uFFFD');
    expect(pdffonts(pdf)).toContain(font);
    const figure = figureText(pdf);
    expect([...figure.fonts]).toContain(font);
    expect(figure.glyphs).not.toContain(0);
    expect(warnings).toEqual([]);
  });

  it('loads the font of the axis numbers a document holds nowhere else: Persian digits beside Latin labels', async () => {
    // Prepare: a template that prints the chart alone, no date in Persian digits beside it.
    const templatesDir = mkdtempSync(join(tmpdir(), 'chart-templates-'));
    cpSync(new URL('../templates', import.meta.url).pathname, templatesDir, { recursive: true, filter: (path) => !path.endsWith('compiled-templates.json') });
    writeFileSync(join(templatesDir, 'chart-only.hbs'), '<factsheet lang="{{@lang}}"><meta><title>{{title}}</title></meta><body>{{#each charts}}{{> chart}}{{/each}}</body></factsheet>');
    const own = await createRenderer({ templatesDir, sourceDateEpoch: 1_700_000_000 });

    // Act
    const { pdf } = await own.render({ name: 'chart.yaml', bytes: new TextEncoder().encode(`${chartDocument('fa', ['A', 'B'], ['S'])}\ntemplate: chart-only`), modifiedAt: MODIFIED_AT });

    // Assert
    const lines = pdftotext(pdf).split('\n').map((line) => line.trim());
    for (const tick of ['۲۰', '۴۰', '۶۰', '۸۰']) expect(lines).toContain(tick);
    const figure = figureText(pdf);
    expect([...figure.fonts]).toContain('NotoSansArabic-Regular');
    expect(figure.glyphs).not.toContain(0);
  });

  it('sets the labels of a theme with its own font in it, and what that font lacks in Noto', async () => {
    // Prepare: Lato (tests/fixtures/fonts), Latin only: no Cyrillic, no Han.
    const templatesDir = mkdtempSync(join(tmpdir(), 'chart-brand-'));
    cpSync(new URL('../templates', import.meta.url).pathname, templatesDir, { recursive: true, filter: (path) => !path.endsWith('compiled-templates.json') });
    cpSync(new URL('./fixtures/fonts', import.meta.url).pathname, join(templatesDir, 'fonts'), { recursive: true });
    const theme = readFileSync(join(templatesDir, 'theme.yaml'), 'utf8');
    writeFileSync(join(templatesDir, 'theme.yaml'), theme.replace('paper: A4', 'paper: A4\nfont:\n  regular: fonts/Lato_400Regular.ttf\n  bold: fonts/Lato_700Bold.ttf'));
    const branded = await createRenderer({ templatesDir, sourceDateEpoch: 1_700_000_000 });
    const labels = ['Kyiv', 'Київ', '2022年度'];

    // Act
    const { pdf, warnings } = await branded.render({ name: 'chart.yaml', bytes: new TextEncoder().encode(chartDocument('ja', labels, ['Exports', 'Імпорт'])), modifiedAt: MODIFIED_AT });

    // Assert
    const text = pdftotext(pdf);
    for (const word of [...labels, 'Exports', 'Імпорт']) expect(count(text, word), word).toBe(2);
    expect(text).not.toContain('\uFFFD');
    const figure = figureText(pdf);
    expect([...figure.fonts].sort()).toEqual(['Lato-Regular', 'NotoSans-Regular', 'NotoSansJP-Regular']);
    expect(figure.glyphs).not.toContain(0);
    expect(warnings).toEqual([]);
  });

  it('replaces what no font has in a label with "�" and warns of it', async () => {
    // Act
    const { pdf, warnings } = await render(chartDocument('en', ['مصر 🚢', 'China'], ['Exports', 'Imports']));

    // Assert
    expect(warnings.map((warning) => warning.message)).toEqual([expect.stringContaining('"🚢" (U+1F6A2)')]);
    expect(count(pdftotext(pdf), 'مصر')).toBe(2);
    const figure = figureText(pdf);
    expect([...figure.fonts].sort()).toEqual(['NotoSans-Regular', 'NotoSansArabic-Regular']);
    expect(figure.glyphs).not.toContain(0);
  });

  it.each([
    { lang: 'zh-Hans', title: '低空经济规模', unit: '亿元', caption: '低空经济规模（亿元）' },
    { lang: 'ja', title: '防衛費の推移', unit: '兆円', caption: '防衛費の推移（兆円）' },
    { lang: 'en', title: 'Trade', unit: 'billion USD', caption: 'Trade (billion USD)' },
  ])('writes the $lang caption\'s unit in the language\'s parentheses: $caption', async ({ lang, title, unit, caption }) => {
    // Act
    const { pdf } = await render(chartDocument(lang, ['A', 'B'], ['S'], title, unit));

    // Assert
    expect(pdftotext(pdf)).toContain(caption);
  });
});
