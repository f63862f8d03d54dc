/**
 * The organisation's own font, named in the theme (docs/brand.md): it sets every character it
 * has; what it lacks falls back to Noto Sans (Latin, Greek, Cyrillic…) and then to the script
 * fonts (Arabic, Hebrew, CJK…), as in a document without a brand font.
 *
 * Noto Sans cannot stay the FontSet's variants: the layout sets a run in the variants or in one
 * script font, so here the brand font takes the variants' place and Noto Sans, shaped by
 * HarfBuzz, becomes one more script font, loaded on the first document that needs it.
 */
import * as fontkit from 'fontkit';
import { isInvisible, REPLACEMENT_CHARACTER } from './coverage';
import { embeddedFont } from './load';
import { loadFaces, type ScriptFaces } from './scripts';
import { TrueTypeGlyphs } from './subset';
import type { EmbeddedFont, FontSet, FontkitFont, FontVariant } from './types';

type ParsedFont = FontkitFont & { hasGlyphForCodePoint(codePoint: number): boolean };

/**
 * One of the theme's font files, parsed once: the theme's check reads it, and the renderer sets
 * text with that very parse (a second one cost every branded cold start its time again).
 */
export interface BrandFace {
  readonly font: ParsedFont;
  readonly glyphs: TrueTypeGlyphs;
}

export type BrandFaceReading = { readonly kind: 'face'; readonly face: BrandFace } | { readonly kind: 'refused'; readonly problem: string };

/** `bytes` as a theme's font, or why it cannot be one. */
export function readBrandFace(bytes: Uint8Array): BrandFaceReading {
  const refused = (problem: string): BrandFaceReading => ({ kind: 'refused', problem });
  const tag = String.fromCharCode(...bytes.subarray(0, 4));
  if (tag === 'OTTO') return refused('is an OpenType font with PostScript (CFF) outlines; the publisher embeds TrueType outlines only: use the TTF version of the font');
  if (tag !== '\u0000\u0001\u0000\u0000' && tag !== 'true') return refused('is not a TrueType or OpenType font file');
  try {
    const font = fontkit.create(bytes) as ParsedFont;
    if (!font.hasGlyphForCodePoint(0x20)) return refused('has no space character');
    return { kind: 'face', face: { font, glyphs: new TrueTypeGlyphs(bytes) } };
  } catch (error) {
    return refused(`cannot be read as a font: ${(error as Error).message}`);
  }
}

/** `noto` (loaded from `dir`) with the theme's faces in the variants' place. */
export function withBrandFont(noto: FontSet, brand: { readonly regular: BrandFace; readonly bold: BrandFace }, dir: string): FontSet {
  const { font: regular } = brand.regular;
  const { font: bold } = brand.bold;
  // The brand's italics are its upright faces: a theme names regular and bold only.
  const faces = { regular: embeddedFont(regular, null, brand.regular.glyphs), bold: embeddedFont(bold, null, brand.bold.glyphs) };
  const variants: Record<FontVariant, EmbeddedFont> = { regular: faces.regular, bold: faces.bold, italic: faces.regular, boldItalic: faces.bold };
  const coverage = new Map<number, boolean>();
  const covers = (codePoint: number): boolean => {
    let covered = coverage.get(codePoint);
    if (covered === undefined) coverage.set(codePoint, (covered = regular.hasGlyphForCodePoint(codePoint) && bold.hasGlyphForCodePoint(codePoint)));
    return covered;
  };
  let notoFaces: Promise<ScriptFaces> | undefined;
  let notoLoaded: ScriptFaces | undefined;
  return {
    variants,
    covers,
    coveredBelow: 0,
    async prepare(text, lang) {
      const loadNoto = async (): Promise<void> => {
        notoFaces ??= loadFaces(dir, { regular: 'NotoSans-Regular', bold: 'NotoSans-Bold', language: 'und' });
        notoLoaded = await notoFaces;
      };
      let needsNoto = false;
      let unknown = false;
      for (const char of text) {
        const codePoint = char.codePointAt(0) as number;
        // An invisible mark (the LRM before an Arabic negative number) goes with its neighbours' font.
        if (covers(codePoint) || isInvisible(codePoint)) continue;
        if (noto.covers(codePoint)) needsNoto = true;
        else unknown = true;
      }
      await Promise.all([noto.prepare(text, lang), needsNoto && notoLoaded === undefined ? loadNoto() : undefined]);
      // What no font draws shows as U+FFFD (an emoji), which the theme's font may lack too (Lato does).
      if (unknown && notoLoaded === undefined && !covers(REPLACEMENT_CHARACTER.codePointAt(0) as number)) {
        for (const char of text) {
          const codePoint = char.codePointAt(0) as number;
          if (!covers(codePoint) && !isInvisible(codePoint) && noto.scriptFont(codePoint, 'regular', lang) === null) {
            await loadNoto();
            break;
          }
        }
      }
    },
    scriptFont(codePoint, variant, lang) {
      if (noto.covers(codePoint)) return notoLoaded?.[variant] ?? null;
      return noto.scriptFont(codePoint, variant, lang);
    },
    loadedScriptFonts: () => [...(notoLoaded === undefined ? [] : new Set(Object.values(notoLoaded))), ...noto.loadedScriptFonts()],
  };
}
