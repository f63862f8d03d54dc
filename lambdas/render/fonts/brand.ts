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
import { embeddedFont } from './load';
import { loadFaces, type ScriptFaces } from './scripts';
import { TrueTypeGlyphs } from './subset';
import type { EmbeddedFont, FontSet, FontkitFont, FontVariant } from './types';

/** The theme's font files, checked by `fontFileProblem`. */
interface BrandFontFiles {
  readonly regular: Uint8Array;
  readonly bold: Uint8Array;
}

type ParsedFont = FontkitFont & { hasGlyphForCodePoint(codePoint: number): boolean };

/** Why `bytes` cannot be a theme's font, or null when it can. */
export function fontFileProblem(bytes: Uint8Array): string | null {
  const tag = String.fromCharCode(...bytes.subarray(0, 4));
  if (tag === 'OTTO') return 'is an OpenType font with PostScript (CFF) outlines; the publisher embeds TrueType outlines only: use the TTF version of the font';
  if (tag !== '\u0000\u0001\u0000\u0000' && tag !== 'true') return 'is not a TrueType or OpenType font file';
  try {
    const font = fontkit.create(bytes) as ParsedFont;
    if (!font.hasGlyphForCodePoint(0x20)) return 'has no space character';
    new TrueTypeGlyphs(bytes);
  } catch (error) {
    return `cannot be read as a font: ${(error as Error).message}`;
  }
  return null;
}

/** `noto` (loaded from `dir`) with `files` in the variants' place. */
export function withBrandFont(noto: FontSet, files: BrandFontFiles, dir: string): FontSet {
  const regular = fontkit.create(files.regular) as ParsedFont;
  const bold = fontkit.create(files.bold) as ParsedFont;
  // The brand's italics are its upright faces: a theme names regular and bold only.
  const faces = { regular: embeddedFont(regular, null, new TrueTypeGlyphs(files.regular)), bold: embeddedFont(bold, null, new TrueTypeGlyphs(files.bold)) };
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
      let needsNoto = false;
      for (const char of text) {
        const codePoint = char.codePointAt(0) as number;
        if (!covers(codePoint) && noto.covers(codePoint)) needsNoto = true;
      }
      if (needsNoto && notoLoaded === undefined) {
        notoFaces ??= loadFaces(dir, { regular: 'NotoSans-Regular', bold: 'NotoSans-Bold', language: 'und' });
        notoLoaded = await notoFaces;
      }
      await noto.prepare(text, lang);
    },
    scriptFont(codePoint, variant, lang) {
      if (noto.covers(codePoint)) return notoLoaded?.[variant] ?? null;
      return noto.scriptFont(codePoint, variant, lang);
    },
    loadedScriptFonts: () => [...(notoLoaded === undefined ? [] : new Set(Object.values(notoLoaded))), ...noto.loadedScriptFonts()],
  };
}
