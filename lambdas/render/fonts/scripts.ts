/**
 * Fonts for the scripts Noto Sans does not draw (Arabic, Hebrew, Chinese), loaded with their shaper on
 * the first document that contains them: a French or English document never reads them.
 * Noto Sans has no italics for these scripts either; italic text uses the upright face.
 */
import { readFile } from 'node:fs/promises';
import * as fontkit from 'fontkit';
import { HarfBuzzShaper, loadHarfBuzz } from './harfbuzz';
import { pdfkitFontOf } from './pdfkit-bridge';
import { TrueTypeGlyphs } from './subset';
import { FontLoadError, type FontkitFont, type FontVariant, type ScriptFont, type ShapedRun } from './types';

export type Script = 'arabic' | 'hebrew' | 'han';

interface ScriptFiles {
  readonly regular: string;
  readonly bold: string;
  /** HarfBuzz language, for the font's localised forms. */
  readonly language: string;
  /** Blocks of the script: a code point outside Noto Sans and in one of these loads the script's fonts. */
  readonly ranges: readonly (readonly [number, number])[];
}

const SCRIPTS: Readonly<Record<Script, ScriptFiles>> = {
  arabic: {
    regular: 'NotoSansArabic-Regular',
    bold: 'NotoSansArabic-Bold',
    language: 'ar',
    ranges: [[0x0600, 0x06ff], [0x0750, 0x077f], [0x0870, 0x08ff], [0xfb50, 0xfdff], [0xfe70, 0xfeff]],
  },
  hebrew: {
    regular: 'NotoSansHebrew-Regular',
    bold: 'NotoSansHebrew-Bold',
    language: 'he',
    ranges: [[0x0590, 0x05ff], [0xfb1d, 0xfb4f]],
  },
  // Simplified Chinese glyph forms (GB 2312 subset): Han is unified, so Japanese, Korean and
  // Traditional Chinese text would need their own fonts chosen by language (not done yet).
  han: {
    regular: 'NotoSansSC-Regular',
    bold: 'NotoSansSC-Bold',
    language: 'zh-Hans',
    ranges: [[0x2e80, 0x2fdf], [0x3000, 0x303f], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xf900, 0xfaff], [0xff00, 0xffef]],
  },
};

/** The script whose fonts draw `codePoint`, by Unicode block; null for every other character. */
export function scriptOf(codePoint: number): Script | null {
  for (const script of Object.keys(SCRIPTS) as Script[]) {
    if (SCRIPTS[script].ranges.some(([low, high]) => codePoint >= low && codePoint <= high)) return script;
  }
  return null;
}

export type ScriptFaces = Readonly<Record<FontVariant, ScriptFont>>;

/** The regular and bold faces of a script, italics mapped to them. */
export async function loadScript(dir: string, script: Script): Promise<ScriptFaces> {
  const files = SCRIPTS[script];
  const [hb, regular, bold] = await Promise.all([loadHarfBuzz(), readFont(dir, files.regular), readFont(dir, files.bold)]);
  const faces = { regular: scriptFont(files.regular, regular, new HarfBuzzShaper(hb, regular, files.language)), bold: scriptFont(files.bold, bold, new HarfBuzzShaper(hb, bold, files.language)) };
  return { regular: faces.regular, bold: faces.bold, italic: faces.regular, boldItalic: faces.bold };
}

async function readFont(dir: string, name: string): Promise<Uint8Array> {
  const path = `${dir.replace(/\/?$/, '/')}${name}.ttf`;
  try {
    return await readFile(path);
  } catch (error) {
    throw new FontLoadError(`${path} cannot be read: run build/subset-fonts.sh`, { cause: error });
  }
}

/** Past this many cached runs per font the cache starts again, bounding a long-lived process. */
const MAX_CACHED_RUNS = 20_000;

function scriptFont(name: string, bytes: Uint8Array, shaper: HarfBuzzShaper): ScriptFont {
  const font = fontkit.create(bytes) as FontkitFont & { hasGlyphForCodePoint(codePoint: number): boolean };
  let cache = new Map<string, ShapedRun>();
  const shape = (text: string): ShapedRun => {
    let run = cache.get(text);
    if (!run) {
      if (cache.size >= MAX_CACHED_RUNS) cache = new Map();
      run = shaper.shape(text);
      cache.set(text, run);
    }
    return run;
  };
  const unitsToPoints = 1 / font.unitsPerEm;
  return {
    name,
    pdfkitFont: pdfkitFontOf(font, shape, new TrueTypeGlyphs(bytes, (id) => shaper.outlineOf(id))),
    ascent: font.ascent * unitsToPoints,
    descent: font.descent * unitsToPoints,
    shape,
    // The layout hands script fonts runs without spaces, which pdfkit draws as one chunk.
    widthOf: (text, size) => shape(text).advanceWidth * unitsToPoints * size,
    covers: (codePoint) => font.hasGlyphForCodePoint(codePoint),
    outlineOf: (id) => shaper.outlineOf(id),
  };
}
