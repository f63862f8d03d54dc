/**
 * Symbols Noto Sans lacks (arrows, operators, shapes, dingbats) drawn from Noto Sans Math,
 * Noto Sans Symbols 2 and Noto Sans Symbols, read back with poppler as in tests/world-scripts.test.ts; the fonts read
 * only by a document that has such a symbol (docs/rendering.md, "Fonts").
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import { DEFAULT_FONTS_DIR } from '../lambdas/render/fonts';
import { textWithFonts } from './helpers/pdf';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'tests/fixtures/symbols');
/** What pdftotext writes around right-to-left text, and the marks the PDF carries for poppler (world-scripts.test.ts). */
const DIRECTION_CONTROLS = /[\u202A-\u202E\u200F]/g;
const SYMBOL_FONTS = ['NotoSansMath-Regular', 'NotoSansSymbols2-Regular', 'NotoSansSymbols-Regular', 'NotoSansSymbols-Bold'];

interface Document {
  readonly title: string;
  readonly key_points: readonly string[];
  readonly quotes: readonly { readonly text: string; readonly speaker: string }[];
  readonly parties: readonly { readonly name: string; readonly role: string; readonly country: string }[];
}

let dir: string;
let renderer: Renderer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'symbols-'));
  renderer = await createRenderer({ sourceDateEpoch: 1646006400 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const render = async (by: Renderer, path: string) => by.render({ name: path, bytes: await readFile(path), modifiedAt: new Date(0) });

describe.each(['en', 'ar'])('symbols in a %s fact sheet', (lang) => {
  const path = join(FIXTURES, `${lang}.yaml`);
  let pdf: string;
  let lines: string[];
  let warnings: readonly { readonly message: string }[];
  let bytes: Uint8Array;
  beforeAll(async () => {
    const result = await render(renderer, path);
    ({ warnings } = result);
    bytes = result.pdf;
    pdf = join(dir, `${lang}.pdf`);
    await writeFile(pdf, result.pdf);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).replace(DIRECTION_CONTROLS, '');
    lines = text.split('\n').map((line) => line.trim().replace(/^• /, ''));
  });

  it('draws every symbol (no "�", no warning) and pdftotext gives back the title, key points, table and quote exactly', async () => {
    // Prepare
    const document = parse(await readFile(path, 'utf8')) as Document;
    const expected = [
      document.title,
      ...document.key_points,
      ...document.parties.flatMap((party) => [party.name, party.role, party.country]),
      ...document.quotes.flatMap((quote) => [lang === 'ar' ? `«${quote.text}»` : `“${quote.text}”`, `— ${quote.speaker}`]),
    ];

    // Assert
    expect(warnings).toEqual([]);
    expect(lines.join('\n')).not.toContain('\uFFFD');
    expect(expected.filter((line) => !lines.includes(line))).toEqual([]);
  });

  it('embeds the symbol fonts as subsets, bold text taking the regular face of those without bold', async () => {
    // Act
    const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' });
    const drawn = await textWithFonts(bytes);

    // Assert: pdffonts's columns emb, sub and uni.
    for (const font of SYMBOL_FONTS) expect(fonts).toMatch(new RegExp(`^[A-Z]{6}\\+${font} +CID TrueType +Identity-H +yes yes yes `, 'm'));
    // The title is bold: its ≈ is Noto Sans Math's one face, the 4 after it Noto Sans Bold.
    const approximately = drawn.findIndex((piece) => piece.text.includes('≈'));
    expect(drawn[approximately]?.font).toBe('NotoSansMath-Regular');
    const after = drawn.slice(approximately + 1).find((piece) => piece.text.trim() !== '');
    expect(after?.text).toContain('4');
    expect(after?.font).toBe('NotoSans-Bold');
    // Noto Sans Symbols has a bold weight: the title's ⚖ is drawn in it.
    expect(drawn.find((piece) => piece.text.includes('⚖'))?.font).toBe('NotoSansSymbols-Bold');
  });

  it('leaves to Noto Sans the digits and signs around a symbol, and what it has itself (× ± ÷ −)', async () => {
    // Act
    const drawn = await textWithFonts(bytes);
    const fontsOf = (pattern: RegExp) => new Set(drawn.filter((piece) => pattern.test(piece.text)).map((piece) => piece.font));

    // Assert
    for (const font of fontsOf(/[0-9%×±÷−]/)) expect(font).toMatch(/^NotoSans(Arabic)?-(Regular|Bold|Italic)$/);
    expect([...fontsOf(/[✔✗☎✉⚠]/)]).toEqual(['NotoSansSymbols2-Regular']);
    expect([...fontsOf(/[→≤≠∞√∑■●]/)]).toEqual(['NotoSansMath-Regular']);
    expect([...fontsOf(/[♻⚙❶➀☺♈]/)]).toEqual(['NotoSansSymbols-Regular']);
  });
});

it('still shows an emoji as "�" with a warning, and the symbols beside it as themselves', async () => {
  // Act
  const result = await renderer.render({ name: 'emoji.yaml', bytes: Buffer.from('title: ✓ agreed 😀 ↑ 12 %\ndate: 2022-02-28\nlang: en\n'), modifiedAt: new Date(0) });
  const drawn = (await textWithFonts(result.pdf)).map((piece) => piece.text).join('');

  // Assert
  expect(result.warnings.map((warning) => warning.message)).toEqual([expect.stringMatching(/^1 character\(s\) .*"😀" \(U\+1F600\)$/)]);
  expect(drawn).toContain('✓');
  expect(drawn).toContain('\uFFFD');
  expect(drawn).toContain('↑');
});

describe('with a fonts folder holding only Noto Sans', () => {
  let fontsDir: string;
  let narrow: Renderer;
  beforeAll(async () => {
    fontsDir = await mkdtemp(join(tmpdir(), 'fonts-latin-only-'));
    for (const file of await readdir(DEFAULT_FONTS_DIR)) {
      if (/^NotoSans-/.test(file)) await copyFile(join(DEFAULT_FONTS_DIR, file), join(fontsDir, file));
    }
    narrow = await createRenderer({ fontsDir, sourceDateEpoch: 1646006400 });
  });
  afterAll(async () => {
    await rm(fontsDir, { recursive: true, force: true });
  });

  it.each([
    ['French', 'content/macron-poutine-2022-02-28.yaml'],
    ['English', 'content/macron-putin-call-en.json'],
  ])('renders the %s sample reading no symbol font, to the same bytes as with every font there', async (_, file) => {
    // Act: a missing font file fails the render, so this one reads only Noto Sans.
    const alone = await render(narrow, join(ROOT, file));
    const everyFont = await render(renderer, join(ROOT, file));

    // Assert
    expect(alone.warnings.filter((warning) => warning.message.includes('glyph'))).toEqual([]);
    expect(Buffer.from(alone.pdf).equals(Buffer.from(everyFont.pdf))).toBe(true);
  });

  it('reads Noto Sans Math for a document with a symbol, and says which file is missing', async () => {
    await expect(render(narrow, join(FIXTURES, 'en.yaml'))).rejects.toThrow(/NotoSansMath-Regular\.ttf cannot be read/);
  });
});

describe('build: symbol font subsets', () => {
  const BLOCKS: readonly (readonly [number, number])[] = [[0x2190, 0x23ff], [0x25a0, 0x27ff], [0x2900, 0x2bff]];
  // fontkit lists U+FFFF, the end of every format 4 cmap.
  const codePointsOf = (path: string): Set<number> =>
    new Set((fontkit.create(readFileSync(path)) as { characterSet: number[] }).characterSet.filter((codePoint) => codePoint !== 0xffff));

  it.each([
    ['Math', 'math', '400Regular', 'Regular'],
    ['Symbols2', 'symbols-2', '400Regular', 'Regular'],
    ['Symbols', 'symbols', '400Regular', 'Regular'],
    ['Symbols', 'symbols', '700Bold', 'Bold'],
  ])('Noto Sans %s (%s %s) keeps every symbol of the blocks that the full font has, and nothing else', (family, name, source, weight) => {
    // Act
    const full = codePointsOf(join(ROOT, `node_modules/@expo-google-fonts/noto-sans-${name}/${source}/NotoSans${family}_${source}.ttf`));
    const subset = codePointsOf(join(DEFAULT_FONTS_DIR, `NotoSans${family}-${weight}.ttf`));
    const inBlocks = (codePoint: number) => BLOCKS.some(([low, high]) => codePoint >= low && codePoint <= high);

    // Assert: nothing outside the blocks (digits and letters stay in Noto Sans), nothing of them lost.
    expect([...subset].filter((codePoint) => !inBlocks(codePoint))).toEqual([]);
    expect([...full].filter((codePoint) => inBlocks(codePoint) && !subset.has(codePoint))).toEqual([]);
  });
});
