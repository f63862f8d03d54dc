import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FONTS_DIR, FontLoadError, type FontSet, type FontVariant, type GlyphRun, loadFonts } from '../lambdas/render/fonts';

const VARIANTS: readonly FontVariant[] = ['regular', 'bold', 'italic', 'boldItalic'];
const FILES: Record<FontVariant, string> = {
  regular: 'NotoSans-Regular',
  bold: 'NotoSans-Bold',
  italic: 'NotoSans-Italic',
  boldItalic: 'NotoSans-BoldItalic',
};
const CONTENT = join(import.meta.dirname, '../content');

interface FontkitFont {
  layout(text: string): GlyphRun;
  hasGlyphForCodePoint(codePoint: number): boolean;
  createSubset(): Subset;
}
interface Subset {
  includeGlyph(id: number): number;
  encode(): Uint8Array;
}

/** A fontkit font of its own, so that nothing the engine did can change its answers. */
async function referenceFont(variant: FontVariant): Promise<FontkitFont> {
  return fontkit.create(await readFile(join(DEFAULT_FONTS_DIR, `${FILES[variant]}.ttf`))) as FontkitFont;
}

/** What pdfkit reads of a run: glyph ids, their advances and code points, and the positions. */
function drawn(run: GlyphRun) {
  return {
    glyphs: run.glyphs.map((glyph) => ({ id: glyph.id, advanceWidth: glyph.advanceWidth, codePoints: [...glyph.codePoints] })),
    positions: run.positions.map(({ xAdvance, yAdvance, xOffset, yOffset }) => ({ xAdvance, yAdvance, xOffset, yOffset })),
  };
}

/** Every word of the sample documents (French, English, Ukrainian), as pdfkit shapes them: with and without their trailing space. */
async function sampleWords(): Promise<string[]> {
  const files = ['macron-poutine-2022-02-28.yaml', 'macron-putin-call-en.json', 'macron-putin-call-uk.yaml', 'depeche-afp-2022-02-28.txt'];
  const words = new Set<string>();
  for (const file of files) {
    for (const word of (await readFile(join(CONTENT, file), 'utf8')).split(/[\s"]+/)) {
      if (word === '') continue;
      words.add(word);
      words.add(`${word} `);
    }
  }
  return [...words];
}

/** Pairs that Noto Sans kerns, guillemets and apostrophes, and the f-ligatures. */
const TRICKY_WORDS = [
  'AVANT', 'Tout', 'Type', 'Vœux', 'WAVE', 'LTA', 'Yves', '«Vous»', '« Vous »', 'l’Ukraine', 'd’«Avant»', 'P.-V.',
  'efficace', 'affluent', 'souffle', 'fjord', 'fi', 'ffl', 'офіційно', 'Україна', 'Гоголь', 'ТАРС', 'Київ', 'ґанок',
  'Αθήνα', 'Việt', 'Nguyễn', 'đường', '1 h 30', '28/02/2022', '№ 5', '€', '—', '…',
];

describe('fonts', () => {
  let fonts: FontSet;
  const references = new Map<FontVariant, FontkitFont>();
  beforeAll(async () => {
    fonts = await loadFonts();
    for (const variant of VARIANTS) references.set(variant, await referenceFont(variant));
  });

  it('shapes the sample words from its tables exactly as fontkit shapes them, in every variant', async () => {
    // Prepare
    const words = [...(await sampleWords()), ...TRICKY_WORDS];
    let fromTables = 0;

    for (const variant of VARIANTS) {
      const reference = references.get(variant) as FontkitFont;
      for (const word of words) {
        // Act
        const run = fonts.variants[variant].shape(word);

        // Assert: same glyphs (ligatures included), advances and kerning as fontkit's full layout.
        expect(drawn(run), `${variant} ${JSON.stringify(word)}`).toEqual(drawn(reference.layout(word)));
        if (run.shapedBy === 'tables') fromTables++;
      }
    }
    // Only the rare word with a combining mark or a composed letter may leave the tables.
    expect(fromTables / (words.length * VARIANTS.length)).toBeGreaterThan(0.98);
  });

  it('shapes plain French, English and Ukrainian words without fontkit, kerning included', () => {
    const kerned = fonts.variants.bold.shape('AVANT');
    const spaced = fonts.variants.bold.shape('A');

    for (const word of ['AVANT', 'l’Ukraine', '«Vous»', 'efficace', 'Україна', 'Гоголь', 'Nguyễn']) {
      expect(fonts.variants.regular.shape(word).shapedBy, word).toBe('tables');
    }
    expect(kerned.positions[0]?.xAdvance).toBeLessThan(spaced.positions[0]?.xAdvance as number);
  });

  it('forms the fi ligature from its table, keeping both letters for text extraction', () => {
    const run = fonts.variants.regular.shape('fin');

    expect(run.shapedBy).toBe('tables');
    expect(run.glyphs).toHaveLength(2);
    expect(run.glyphs[0]?.codePoints).toEqual([0x66, 0x69]);
  });

  it('finds ink past the ascent or descent in stacked marks and the rare glyph that has it, and none in the samples', async () => {
    // Prepare: every line of the French and Ukrainian samples; four marks above a capital and below a descender.
    const samples = (await Promise.all(['macron-poutine-2022-02-28.yaml', 'macron-putin-call-uk.yaml'].map((name) => readFile(join(CONTENT, name), 'utf8')))).join('\n').split('\n');
    const regular = fonts.variants.regular;

    for (const variant of VARIANTS) {
      // Act
      const font = fonts.variants[variant];
      const beyond = samples.filter((line) => font.widthOf(line, 10) > 0 && font.inkBeyond(line) !== null);

      // Assert
      expect(beyond, variant).toEqual([]);
    }
    const measured = (text: string) => (regular.widthOf(text, 10) > 0 ? regular.inkBeyond(text) : null);
    expect(measured('B\u030B\u0311\u030A\u0306 point')?.top).toBeGreaterThan(regular.ascent + 0.5);
    expect(measured('point g\u0323\u0331\u0324\u0329')?.bottom).toBeLessThan(regular.descent - 0.3);
    // The script small g is a letter of its own, shaped from the tables, deeper than the descent.
    expect(measured('\u210A')?.bottom).toBeLessThan(regular.descent);
  });

  it('hands words with combining marks and composed letters to fontkit', () => {
    // Prepare: a combining acute (NFD), a dot below that Noto decomposes, an invisible soft hyphen.
    const words = ['Cafe\u0301', 'Vịnh', 'ọ', 'dé\u00ADcembre'];

    for (const word of words) {
      // Act
      const run = fonts.variants.regular.shape(word);

      // Assert
      expect(run.shapedBy, word).toBe('fontkit');
      expect(drawn(run).glyphs.map((glyph) => glyph.id), word).toEqual(
        drawn((references.get('regular') as FontkitFont).layout(word)).glyphs.map((glyph) => glyph.id),
      );
    }
  });

  it('gives fontkit-shaped glyphs the code points they were shaped from, whatever was shaped or subset before', async () => {
    // Prepare: subsetting "É" asks fontkit for its component "E" without code points, and
    // shaping "ẹ" gives the "e" it decomposes into the code point of "ẹ".
    const engine = await loadFonts();
    const font = engine.variants.regular;
    const subset = (font.pdfkitFont as { createSubset(): Subset }).createSubset();
    subset.includeGlyph(font.shape('É').glyphs[0]?.id as number);
    subset.encode();
    font.shape('ẹ');

    // Act
    const run = font.shape('ẹe\u0301E\u0301');

    // Assert
    expect(run.shapedBy).toBe('fontkit');
    expect(run.glyphs.map((glyph) => glyph.codePoints)).toEqual([[0x1eb9], [], [0x65], [0x301], [0x45], [0x301]]);
  });

  it('tells which characters every font can draw, as fontkit does, asked once or again, and that an emoji is missing', () => {
    const missing: number[] = [];
    for (let codePoint = 0; codePoint <= 0xffff; codePoint++) {
      const fontkitCovers = VARIANTS.every((variant) => (references.get(variant) as FontkitFont).hasGlyphForCodePoint(codePoint));
      // The second answer comes from what the first one remembered.
      if (fonts.covers(codePoint) !== fontkitCovers || fonts.covers(codePoint) !== fontkitCovers) missing.push(codePoint);
    }

    expect(missing).toEqual([]);
    expect(fonts.covers(0x1f600)).toBe(false);
    expect(fonts.covers(0x1f600)).toBe(false);
    expect(fonts.covers('й'.codePointAt(0) as number)).toBe(true);
    expect(fonts.covers('œ'.codePointAt(0) as number)).toBe(true);
  });

  it('writes font subsets byte for byte as fontkit does, composite glyphs included', () => {
    // Prepare: accented letters are composites of a base letter and a mark.
    const text = 'Élysée, Ärger, ŒUVRE, Київ, їжак, Αθήνα, fin.';
    for (const variant of VARIANTS) {
      const ids = [...new Set(fonts.variants[variant].shape(text).glyphs.map((glyph) => glyph.id))];
      const reference = (references.get(variant) as FontkitFont).createSubset();
      const ours = (fonts.variants[variant].pdfkitFont as { createSubset(): Subset }).createSubset();

      // Act
      const mapped = ids.map((id) => [reference.includeGlyph(id), ours.includeGlyph(id)]);
      const [expected, actual] = [reference.encode(), ours.encode()];

      // Assert
      expect(mapped.every(([a, b]) => a === b)).toBe(true);
      expect(Buffer.from(actual).equals(Buffer.from(expected)), variant).toBe(true);
    }
  });

  describe('with shaping tables that do not match the fonts', () => {
    const dirs: string[] = [];
    /** A copy of the fonts directory with some shaping tables replaced (null: removed). */
    async function fontsDirWith(tables: Record<string, string | null>): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), 'fonts-test-'));
      dirs.push(dir);
      for (const name of Object.values(FILES)) {
        await copyFile(join(DEFAULT_FONTS_DIR, `${name}.ttf`), join(dir, `${name}.ttf`));
        const table = tables[name] === undefined ? await readFile(join(DEFAULT_FONTS_DIR, `${name}.shaping.json`), 'utf8') : tables[name];
        if (table !== null) await writeFile(join(dir, `${name}.shaping.json`), table);
      }
      return dir;
    }
    afterAll(async () => {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    });

    it('refuses a shaping table made from another font file, naming it and the fix', async () => {
      // Prepare: the table of the regular font beside the bold one.
      const regular = await readFile(join(DEFAULT_FONTS_DIR, 'NotoSans-Regular.shaping.json'), 'utf8');
      const dir = await fontsDirWith({ 'NotoSans-Bold': regular });

      // Act
      const loading = loadFonts(dir);

      // Assert
      await expect(loading).rejects.toThrow(FontLoadError);
      await expect(loading).rejects.toThrow(/NotoSans-Bold\.shaping\.json was made from another NotoSans-Bold\.ttf: run build\/subset-fonts\.sh --tables/);
    });

    it('refuses to start without a shaping table, naming it and the fix', async () => {
      const dir = await fontsDirWith({ 'NotoSans-Italic': null });

      const loading = loadFonts(dir);

      await expect(loading).rejects.toThrow(/NotoSans-Italic\.shaping\.json cannot be read: run build\/subset-fonts\.sh --tables/);
    });
  });

  it('gives the same PDF bytes in two fresh processes', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'fonts-test-'));
    const render = (out: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'bench/bundled-render.ts', join(CONTENT, 'macron-putin-call-uk.yaml'), out, 'templates', DEFAULT_FONTS_DIR], {
        cwd: join(import.meta.dirname, '..'),
        env: { ...process.env, SOURCE_DATE_EPOCH: '1646006400' },
        encoding: 'utf8',
      });

    try {
      // Act
      const runs = [render(join(dir, 'a.pdf')), render(join(dir, 'b.pdf'))];

      // Assert
      for (const run of runs) expect(run.status, run.stderr).toBe(0);
      const [a, b] = await Promise.all([readFile(join(dir, 'a.pdf')), readFile(join(dir, 'b.pdf'))]);
      expect(a.length).toBeGreaterThan(10_000);
      expect(a.equals(b)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
