/**
 * The embedded fonts, parsed once per process and shared by every document.
 *
 * pdfkit shapes every word through `font.layout()` and caches the result only inside one
 * document; most of a warm render was spent re-shaping the same words
 * (../shared/notes/render-profile.md). Each font here carries a shaping cache that outlives
 * documents and also serves the layout stage's measurements, so a word is shaped once per process.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';

export type FontVariant = 'regular' | 'bold' | 'italic' | 'boldItalic';

const FONT_FILES: Record<FontVariant, string> = {
  regular: 'NotoSans-Regular.ttf',
  bold: 'NotoSans-Bold.ttf',
  italic: 'NotoSans-Italic.ttf',
  boldItalic: 'NotoSans-BoldItalic.ttf',
};

export const DEFAULT_FONTS_DIR = fileURLToPath(new URL('../fonts/', import.meta.url));

/** Shown in place of a character no embedded font has, so that nothing disappears silently. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/** Past this many cached words per font the cache starts again, bounding a long-lived process. */
const MAX_CACHED_RUNS = 50_000;

interface Position {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
  advanceWidth?: number;
}
interface Glyph {
  readonly id: number;
  readonly advanceWidth: number;
  readonly codePoints: readonly number[];
}
interface GlyphRun {
  readonly glyphs: readonly Glyph[];
  readonly positions: readonly Position[];
}
/** The part of a fontkit font this project relies on. */
interface FontkitFont {
  readonly unitsPerEm: number;
  readonly ascent: number;
  readonly descent: number;
  layout(text: string, features?: unknown): GlyphRun;
  hasGlyphForCodePoint(codePoint: number): boolean;
}

export interface EmbeddedFont {
  /** Handed to pdfkit's `doc.font()`: a fontkit font whose `layout` answers from the shared cache. */
  readonly pdfkitFont: unknown;
  readonly ascent: number;
  readonly descent: number;
  /** Width in points of `text` set at `size`, measured exactly as pdfkit will draw it. */
  widthOf(text: string, size: number): number;
}

export interface FontSet {
  readonly variants: Readonly<Record<FontVariant, EmbeddedFont>>;
  /** True when every embedded font can draw the code point. */
  covers(codePoint: number): boolean;
}

export async function loadFonts(dir: string = DEFAULT_FONTS_DIR): Promise<FontSet> {
  const entries = await Promise.all(
    (Object.keys(FONT_FILES) as FontVariant[]).map(async (variant) => {
      const bytes = await readFile(`${dir.replace(/\/?$/, '/')}${FONT_FILES[variant]}`);
      return [variant, fontkit.create(bytes) as unknown as FontkitFont] as const;
    }),
  );
  const parsed = Object.fromEntries(entries) as Record<FontVariant, FontkitFont>;
  const variants = Object.fromEntries(
    entries.map(([variant, font]) => [variant, withSharedShapingCache(font)]),
  ) as Record<FontVariant, EmbeddedFont>;
  const coverage = new Map<number, boolean>();
  return {
    variants,
    covers(codePoint) {
      let known = coverage.get(codePoint);
      if (known === undefined) {
        known = Object.values(parsed).every((font) => font.hasGlyphForCodePoint(codePoint));
        coverage.set(codePoint, known);
      }
      return known;
    },
  };
}

function withSharedShapingCache(font: FontkitFont): EmbeddedFont {
  let cache = new Map<string, GlyphRun>();
  const shape = (text: string): GlyphRun => {
    let run = cache.get(text);
    if (!run) {
      if (cache.size >= MAX_CACHED_RUNS) cache = new Map();
      run = font.layout(text);
      cache.set(text, run);
    }
    return run;
  };
  // pdfkit scales the positions of the run it gets in place, by 1000 / unitsPerEm. For a
  // 1000-unit font (Noto Sans) that is the identity and runs can be shared as they are;
  // otherwise it must get copies. Glyphs are only read.
  const scalesInPlace = font.unitsPerEm !== 1000;
  const forPdfkit = new Map<string, GlyphRun & { readonly advanceWidth: number }>();
  const pdfkitRun = (text: string): GlyphRun & { readonly advanceWidth: number } => {
    const run = shape(text);
    if (scalesInPlace) {
      const positions = run.positions.map((position) => ({ ...position }));
      return {
        glyphs: run.glyphs,
        positions,
        // A getter, as on fontkit's GlyphRun, so that it follows pdfkit's scaling.
        get advanceWidth() {
          return advanceOf({ glyphs: run.glyphs, positions });
        },
      };
    }
    let shared = forPdfkit.get(text);
    if (!shared) {
      if (forPdfkit.size >= MAX_CACHED_RUNS) forPdfkit.clear();
      shared = { glyphs: run.glyphs, positions: run.positions, advanceWidth: advanceOf(run) };
      forPdfkit.set(text, shared);
    }
    return shared;
  };
  const pdfkitFont = Object.create(font as object, {
    layout: {
      value(text: string, features?: unknown) {
        return features === undefined ? pdfkitRun(text) : font.layout(text, features);
      },
    },
  });
  const unitsToPoints = 1 / font.unitsPerEm;
  return {
    pdfkitFont,
    ascent: font.ascent * unitsToPoints,
    descent: font.descent * unitsToPoints,
    widthOf(text, size) {
      // pdfkit shapes text in chunks that end after each space or tab; measuring the same
      // chunks gives the same widths it will draw with.
      let units = 0;
      let start = 0;
      for (let index = 0; index < text.length; index++) {
        const char = text[index];
        if (char === ' ' || char === '\t') {
          units += advanceOf(shape(text.slice(start, index + 1)));
          start = index + 1;
        }
      }
      if (start < text.length) units += advanceOf(shape(text.slice(start)));
      return units * unitsToPoints * size;
    },
  };
}

function advanceOf(run: GlyphRun): number {
  let units = 0;
  for (const position of run.positions) units += position.xAdvance;
  return units;
}
