/** What the fonts room hands to the layout and draw stages, and what its parts share. */
import { OperatorError } from '../errors';
import type { PunctuationSpacing } from './punctuation';

export type FontVariant = 'regular' | 'bold' | 'italic' | 'boldItalic';

export interface GlyphPosition {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
  advanceWidth?: number;
}
export interface Glyph {
  readonly id: number;
  readonly advanceWidth: number;
  readonly codePoints: readonly number[];
}
/** The shape of fontkit's GlyphRun that pdfkit reads: it embeds `glyphs` and draws `positions`. */
export interface GlyphRun {
  readonly glyphs: readonly Glyph[];
  readonly positions: readonly GlyphPosition[];
}
export interface ShapedRun extends GlyphRun {
  /** In font units. */
  readonly advanceWidth: number;
  /** `tables`: the precomputed shaping tables; `fontkit`: its full OpenType layout; `harfbuzz`: a script font's shaper. */
  readonly shapedBy: 'tables' | 'fontkit' | 'harfbuzz';
}

/** The part of a fontkit font this project relies on. */
export interface FontkitFont {
  readonly unitsPerEm: number;
  readonly ascent: number;
  readonly descent: number;
  readonly head: { readonly checkSumAdjustment: number };
  layout(text: string, features?: unknown): GlyphRun;
  getGlyph(id: number, codePoints?: readonly number[]): Glyph;
}

export interface EmbeddedFont {
  /** Handed to pdfkit's `doc.font()`: a fontkit font whose `layout` answers from the shared cache. */
  readonly pdfkitFont: unknown;
  readonly ascent: number;
  readonly descent: number;
  /** Width in points of `text` set at `size`, measured exactly as pdfkit will draw it. */
  widthOf(text: string, size: number): number;
  /** `text` shaped as pdfkit will draw it, from the shared cache. */
  shape(text: string): ShapedRun;
  /**
   * How far the ink of `text`, as drawn, reaches above and below the baseline, in em, when it
   * passes the font's ascent or descent (marks stacked on a letter); null when it stays within
   * them. `text` has been measured or shaped already (the layout measures every run it sets):
   * almost all text is then answered by one pattern test, without shaping it again.
   */
  inkBeyond(text: string): InkExtent | null;
}

/** In em from the baseline: `top` up, `bottom` down (negative below the baseline). */
export interface InkExtent {
  readonly top: number;
  readonly bottom: number;
}

export interface FontSet {
  readonly variants: Readonly<Record<FontVariant, EmbeddedFont>>;
  /** True when every variant can draw the code point. */
  covers(codePoint: number): boolean;
  /** Every code point below this is covered: the layout skips the look-up for them. */
  readonly coveredBelow: number;
  /**
   * Loads, once per process, the fonts of the scripts in `text` that Noto Sans does not draw
   * (Arabic, Hebrew, CJK…) and their shaper; resolves at once for text Noto Sans draws alone.
   * `lang` (BCP 47) chooses the CJK font for Han characters: Japanese, Korean, Traditional or
   * (for any other language, and when not given) Simplified Chinese forms.
   */
  prepare(text: string, lang?: string): Promise<void>;
  /** The loaded script font that draws `codePoint` in `variant` in text of language `lang`, or null. */
  scriptFont(codePoint: number, variant: FontVariant, lang?: string): ScriptFont | null;
  /** Every script font loaded so far, for the draw stage to register. */
  loadedScriptFonts(): readonly ScriptFont[];
}

/** A script font: shaped by HarfBuzz, drawn through the same pdfkit bridge as Noto Sans. */
export interface ScriptFont extends EmbeddedFont {
  /** The name it is registered under in each document. */
  readonly name: string;
  covers(codePoint: number): boolean;
  /** The font's glyph that a run's glyph id stands for (ids are per (glyph, text) pair). */
  outlineOf(id: number): number;
  /** A CJK font's full-width punctuation spacing, which the layout needs between the words it breaks; null for other scripts. */
  readonly punctuation: PunctuationSpacing | null;
}

/** The tables' or the fonts' files cannot be used: the message says which and what to do. */
export class FontLoadError extends OperatorError {}

const inkOfRuns = new WeakMap<ShapedRun, InkExtent | null>();

/**
 * The highest and lowest ink of a shaped run in font units, each glyph's outline box moved by its
 * offset; null for a run without ink. Once per run: runs are cached per word for the process.
 */
export function inkOfRun(run: ShapedRun, outlineExtent: (id: number) => InkExtent | null): InkExtent | null {
  let ink = inkOfRuns.get(run);
  if (ink === undefined) {
    let top = -Infinity;
    let bottom = Infinity;
    let y = 0;
    run.glyphs.forEach((glyph, index) => {
      const position = run.positions[index] as GlyphPosition;
      const extent = outlineExtent(glyph.id);
      if (extent !== null) {
        top = Math.max(top, y + position.yOffset + extent.top);
        bottom = Math.min(bottom, y + position.yOffset + extent.bottom);
      }
      y += position.yAdvance;
    });
    ink = top === -Infinity ? null : { top, bottom };
    inkOfRuns.set(run, ink);
  }
  return ink;
}

/** A run's advance in font units: the sum of its positions' advances. */
export function advanceOf(positions: readonly GlyphPosition[]): number {
  let units = 0;
  for (const position of positions) units += position.xAdvance;
  return units;
}
