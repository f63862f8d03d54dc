/**
 * The font object handed to pdfkit's `doc.font()`, built over pdfkit 0.20's internals: pdfkit's
 * EmbeddedFont (pdfkit/js/font/embedded) calls `layout(text, features)` for every word it draws
 * and `createSubset()` once per document, then reads `unitsPerEm`, `ascent`, `descent`, `bbox`,
 * the name tables and `head`/`post`/`OS/2` of the fontkit font this object inherits from.
 * tests/pdfkit-bridge.test.ts pins those calls: a pdfkit upgrade that changes them fails there.
 */
import type { TrueTypeGlyphs } from './subset';
import { TrueTypeSubset } from './subset';
import { advanceOf, type FontkitFont, type GlyphRun, type ShapedRun } from './types';

/**
 * A fontkit font whose `layout` answers from `shape` (the shared cache) and whose subsets come
 * from our own TrueType subsetter. Calls with explicit features go to fontkit untouched.
 */
export function pdfkitFontOf(font: FontkitFont, shape: (text: string) => ShapedRun, glyphs: TrueTypeGlyphs): unknown {
  // pdfkit scales the positions of the run it gets in place, by 1000 / unitsPerEm. For a
  // 1000-unit font (Noto Sans) that is the identity and runs can be shared as they are;
  // otherwise it must get copies. Glyphs are only read.
  const scalesInPlace = font.unitsPerEm !== 1000;
  const pdfkitRun = (text: string): GlyphRun & { readonly advanceWidth: number } => {
    const run = shape(text);
    if (!scalesInPlace) return run;
    const positions = run.positions.map((position) => ({ ...position }));
    return {
      glyphs: run.glyphs,
      positions,
      // A getter, as on fontkit's GlyphRun, so that it follows pdfkit's scaling.
      get advanceWidth() {
        return advanceOf(positions);
      },
    };
  };
  return Object.create(font, {
    layout: {
      value(text: string, features?: unknown) {
        return features === undefined ? pdfkitRun(text) : font.layout(text, features);
      },
    },
    createSubset: { value: () => new TrueTypeSubset(glyphs) },
  });
}
