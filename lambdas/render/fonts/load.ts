/**
 * The embedded fonts, parsed once per process and shared by every document.
 *
 * pdfkit shapes every word through `font.layout()` and caches the result only inside one
 * document; most of a warm render was spent re-shaping the same words (docs/performance.md).
 * Each font here carries a shaping cache that outlives documents and also serves the layout
 * stage's measurements, so a word is shaped once per process.
 *
 * Words made only of simple code points are shaped from the precomputed tables
 * (shaping-tables.ts). A word with a combining mark, a character that the font composes or
 * decomposes (Vietnamese ẹ, ọ…), or an invisible format character still goes through fontkit's
 * full `layout()`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';
import { coverageOf } from './coverage';
import { pdfkitFontOf } from './pdfkit-bridge';
import { loadScript, type Script, type ScriptFaces, scriptsOf } from './scripts';
import { ShapingTables, type ShapingTableFile } from './shaping-tables';
import { TrueTypeGlyphs } from './subset';
import { advanceOf, type EmbeddedFont, FontLoadError, type FontSet, type FontVariant, type FontkitFont, type Glyph, type GlyphRun, inkOfRun, type InkExtent, type ShapedRun } from './types';

const FONT_FILES: Record<FontVariant, string> = {
  regular: 'NotoSans-Regular',
  bold: 'NotoSans-Bold',
  italic: 'NotoSans-Italic',
  boldItalic: 'NotoSans-BoldItalic',
};

export const DEFAULT_FONTS_DIR = fileURLToPath(new URL('../../fonts/', import.meta.url));

/** Past this many cached words per font the cache starts again, bounding a long-lived process. */
const MAX_CACHED_RUNS = 50_000;

export async function loadFonts(dir: string = DEFAULT_FONTS_DIR): Promise<FontSet> {
  const base = dir.replace(/\/?$/, '/');
  const entries = await Promise.all(
    (Object.keys(FONT_FILES) as FontVariant[]).map(async (variant) => {
      const name = FONT_FILES[variant];
      const [bytes, tableText] = await Promise.all([
        readFile(`${base}${name}.ttf`),
        readFile(`${base}${name}.shaping.json`, 'utf8').catch((error: unknown) => {
          throw new FontLoadError(`${base}${name}.shaping.json cannot be read: run build/subset-fonts.sh --tables`, { cause: error });
        }),
      ]);
      const font = fontkit.create(bytes) as FontkitFont;
      const table = JSON.parse(tableText) as ShapingTableFile;
      if (table.checkSumAdjustment !== font.head.checkSumAdjustment || table.unitsPerEm !== font.unitsPerEm) {
        throw new FontLoadError(`${base}${name}.shaping.json was made from another ${name}.ttf: run build/subset-fonts.sh --tables`);
      }
      const glyphs = new TrueTypeGlyphs(bytes);
      return [variant, font, new ShapingTables(table, (glyph) => inkPasses(font, glyphs, glyph)), glyphs] as const;
    }),
  );
  const variants = Object.fromEntries(
    entries.map(([variant, font, tables, glyphs]) => [variant, embeddedFont(font, tables, glyphs)]),
  ) as Record<FontVariant, EmbeddedFont>;
  const allTables = entries.map(([, , tables]) => tables);
  const covers = coverageOf(allTables);
  return { variants, covers, coveredBelow: NOTO_SANS_COVERS_BELOW, ...scriptFonts(base, covers) };
}

/** Noto Sans draws every letter of Latin, Greek, Cyrillic and Armenian (the blocks below Hebrew). */
const NOTO_SANS_COVERS_BELOW = 0x0590;

/** BCP 47 for "no language given": Han characters then take Simplified Chinese forms. */
const UNDETERMINED = 'und';

/** The script fonts of a FontSet: none until a document needs one, then kept for the process. */
function scriptFonts(dir: string, covers: (codePoint: number) => boolean): Pick<FontSet, 'prepare' | 'scriptFont' | 'loadedScriptFonts'> {
  const loading = new Map<Script, Promise<ScriptFaces>>();
  const loaded = new Map<Script, ScriptFaces>();
  return {
    async prepare(text, lang = UNDETERMINED) {
      const load = async (script: Script): Promise<ScriptFaces> => {
        let faces = loading.get(script);
        if (faces === undefined) loading.set(script, (faces = loadScript(dir, script)));
        const done = await faces;
        loaded.set(script, done);
        return done;
      };
      // Each character's preferred font first; a CJK character that font lacks tries the next one
      // only then, so a Japanese document reads Noto Sans SC only for a character JIS X 0208 lacks.
      const seen = new Set<number>();
      let pending: (readonly [number, readonly Script[]])[] = [];
      // Every render's whole markup comes through here: read by index, not as a string per character.
      for (let index = 0; index < text.length; index++) {
        const code = text.codePointAt(index) as number;
        if (code > 0xffff) index++;
        if (code < NOTO_SANS_COVERS_BELOW || seen.has(code) || covers(code)) continue;
        seen.add(code);
        const scripts = scriptsOf(code, lang);
        if (scripts.length > 0) pending.push([code, scripts]);
      }
      while (pending.length > 0) {
        const round = new Map<Script, Promise<ScriptFaces>>();
        for (const [, [script]] of pending) if (script !== undefined && !round.has(script)) round.set(script, load(script));
        const faces = new Map(await Promise.all([...round].map(async ([script, promise]) => [script, await promise] as const)));
        pending = pending.flatMap(([code, [script, ...rest]]) =>
          rest.length === 0 || faces.get(script as Script)?.regular.covers(code) === true ? [] : [[code, rest] as const],
        );
      }
    },
    scriptFont(codePoint, variant, lang = UNDETERMINED) {
      for (const script of scriptsOf(codePoint, lang)) {
        const font = loaded.get(script)?.[variant];
        if (font?.covers(codePoint) === true) return font;
      }
      return null;
    },
    loadedScriptFonts: () => [...new Set([...loaded.values()].flatMap((faces) => Object.values(faces)))],
  };
}

/** `tables`: null for a font without precomputed tables (a theme's own), shaped by fontkit alone. */
export function embeddedFont(font: FontkitFont, tables: ShapingTables | null, glyphs: TrueTypeGlyphs): EmbeddedFont {
  const fontkitLayout = withOwnGlyphObjects(font);
  let cache = new Map<string, ShapedRun>();
  const shape = (text: string): ShapedRun => {
    let run = cache.get(text);
    if (!run) {
      if (cache.size >= MAX_CACHED_RUNS) cache = new Map();
      run = tables?.shape(text) ?? fontkitRun(fontkitLayout.layout(text));
      cache.set(text, run);
    }
    return run;
  };
  const unitsToPoints = 1 / font.unitsPerEm;
  const outlineExtent = (id: number): InkExtent | null => glyphs.outlineExtent(id);
  return {
    pdfkitFont: pdfkitFontOf(font, shape, glyphs),
    ascent: font.ascent * unitsToPoints,
    descent: font.descent * unitsToPoints,
    shape,
    inkBeyond(text) {
      // A font without tables (a theme's own) shapes every word with fontkit: any may pass.
      if (tables !== null && !tables.mayPass(text)) return null;
      let top = font.ascent;
      let bottom = font.descent;
      forEachChunk(text, (chunk) => {
        const ink = inkOfRun(shape(chunk), outlineExtent);
        if (ink === null) return;
        top = Math.max(top, ink.top);
        bottom = Math.min(bottom, ink.bottom);
      });
      return top > font.ascent || bottom < font.descent ? { top: top * unitsToPoints, bottom: bottom * unitsToPoints } : null;
    },
    widthOf(text, size) {
      // Measuring is the layout's innermost call: the chunks are walked here without a callback.
      let units = 0;
      let start = 0;
      for (let end = chunkEnd(text, 0); end !== -1; start = end, end = chunkEnd(text, end)) units += shape(text.slice(start, end)).advanceWidth;
      return units * unitsToPoints * size;
    },
  };
}

/**
 * pdfkit shapes text in chunks that end after each space or tab; measuring the same chunks gives
 * the same widths and ink it will draw with.
 */
function forEachChunk(text: string, visit: (chunk: string) => void): void {
  let start = 0;
  for (let end = chunkEnd(text, 0); end !== -1; start = end, end = chunkEnd(text, end)) visit(text.slice(start, end));
}

/** The end of the chunk that starts at `start` (after its space or tab, or the text's end); -1 past the end. */
function chunkEnd(text: string, start: number): number {
  if (start >= text.length) return -1;
  for (let index = start; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x20 || char === 0x09) return index + 1;
  }
  return text.length;
}

/** Whether the glyph's outline reaches past the font's ascent or descent. */
function inkPasses(font: FontkitFont, glyphs: TrueTypeGlyphs, glyph: number): boolean {
  const extent = glyphs.outlineExtent(glyph);
  return extent !== null && (extent.top > font.ascent || extent.bottom < font.descent);
}

/**
 * fontkit keeps one glyph object per glyph id, with the code points of whoever asked first: the
 * subsetter asks for the components of accented glyphs with none, the decomposition of ẹ gives
 * "e" the code point of ẹ. pdfkit builds ToUnicode from those code points, so a letter could stop
 * being extractable for the rest of the process. Layout through this view gets a glyph object of
 * its own each time, with the code points it shaped.
 */
function withOwnGlyphObjects(font: FontkitFont): FontkitFont {
  return Object.create(font, {
    getGlyph: {
      value: (id: number, codePoints: readonly number[] = []): Glyph => ({ id, advanceWidth: font.getGlyph(id).advanceWidth, codePoints }),
    },
  }) as FontkitFont;
}

function fontkitRun(run: GlyphRun): ShapedRun {
  return { glyphs: run.glyphs, positions: run.positions, advanceWidth: advanceOf(run.positions), shapedBy: 'fontkit' };
}
