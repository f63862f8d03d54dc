/**
 * Fonts for the scripts Noto Sans does not draw (Arabic, Hebrew, Devanagari, Thai, Chinese,
 * Japanese, Korean) and for the symbols its subset lacks (arrows, mathematical operators,
 * geometric shapes, dingbats), loaded with their shaper on the first document that contains
 * them: a French or English document never reads them.
 * Noto Sans has no italics for these scripts either; italic text uses the upright face.
 */
import { readFile } from 'node:fs/promises';
import * as fontkit from 'fontkit';
import { HarfBuzzShaper, loadHarfBuzz } from './harfbuzz';
import { pdfkitFontOf } from './pdfkit-bridge';
import { TrueTypeGlyphs } from './subset';
import { FontLoadError, type FontkitFont, type FontVariant, inkOfRun, type InkExtent, type ScriptFont, type ShapedRun } from './types';

/** The CJK fonts: Han is unified, so an ideograph takes the forms of the text's language. */
type HanFont = 'zh-Hans' | 'zh-Hant' | 'ja' | 'ko';
/** The symbol fonts; Math and Symbols 2 have a regular weight only, which bold text draws its symbols in too. */
type SymbolFont = 'math' | 'symbols2' | 'symbols';
export type Script = 'arabic' | 'hebrew' | 'devanagari' | 'thai' | HanFont | SymbolFont;

interface ScriptFiles {
  readonly regular: string;
  readonly bold: string;
  /** HarfBuzz language, for the font's localised forms. */
  readonly language: string;
  /** Blocks of the script's own letters: a code point outside Noto Sans and in one of these loads the script's fonts. */
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
  devanagari: {
    regular: 'NotoSansDevanagari-Regular',
    bold: 'NotoSansDevanagari-Bold',
    language: 'hi',
    ranges: [[0x0900, 0x097f], [0xa8e0, 0xa8ff], [0x1cd0, 0x1cff]],
  },
  thai: {
    regular: 'NotoSansThai-Regular',
    bold: 'NotoSansThai-Bold',
    language: 'th',
    ranges: [[0x0e00, 0x0e7f]],
  },
  // The four CJK fonts are subsets (build/subset-fonts.sh): GB 2312, Big5, JIS X 0208, KS X 1001
  // and all Hangul. Chinese has no letters of its own beyond Han; bopomofo is Taiwan's.
  'zh-Hans': { regular: 'NotoSansSC-Regular', bold: 'NotoSansSC-Bold', language: 'zh-Hans', ranges: [] },
  'zh-Hant': { regular: 'NotoSansTC-Regular', bold: 'NotoSansTC-Bold', language: 'zh-Hant', ranges: [[0x3100, 0x312f], [0x31a0, 0x31bf]] },
  // Kana, small kana, half-width katakana.
  ja: { regular: 'NotoSansJP-Regular', bold: 'NotoSansJP-Bold', language: 'ja', ranges: [[0x3040, 0x30ff], [0x31f0, 0x31ff], [0xff65, 0xff9f]] },
  // Jamo, compatibility jamo, syllables, half-width jamo.
  ko: {
    regular: 'NotoSansKR-Regular',
    bold: 'NotoSansKR-Bold',
    language: 'ko',
    ranges: [[0x1100, 0x11ff], [0x3130, 0x318f], [0xa960, 0xa97f], [0xac00, 0xd7ff], [0xffa0, 0xffdc]],
  },
  // Subsets of these blocks alone (build/subset-fonts.sh), reached through SYMBOLS.
  math: { regular: 'NotoSansMath-Regular', bold: 'NotoSansMath-Regular', language: 'und', ranges: [] },
  symbols2: { regular: 'NotoSansSymbols2-Regular', bold: 'NotoSansSymbols2-Regular', language: 'und', ranges: [] },
  symbols: { regular: 'NotoSansSymbols-Regular', bold: 'NotoSansSymbols-Bold', language: 'und', ranges: [] },
};

/**
 * Arrows, mathematical operators, miscellaneous technical, geometric shapes, miscellaneous symbols,
 * dingbats, miscellaneous mathematical symbols A and B, supplemental arrows A and B, supplemental
 * operators, miscellaneous symbols and arrows. Noto Sans Math draws most of them (every arrow,
 * operator and shape), so that most documents read one file; Noto Sans Symbols 2 what it lacks
 * (✔ ✗ ☎ ✉ ⚠), Noto Sans Symbols what both lack (♻ ⚖ ⚙ ❶ ➀). What Noto Sans has (× ± ÷ − •)
 * never comes here: it is looked up first.
 */
const SYMBOLS: readonly (readonly [number, number])[] = [[0x2190, 0x23ff], [0x25a0, 0x27ff], [0x2900, 0x2bff]];
const SYMBOL_FONTS: readonly SymbolFont[] = ['math', 'symbols2', 'symbols'];

/**
 * Ideographs, radicals, CJK punctuation, enclosed and compatibility forms, full-width forms (the
 * half-width kana and jamo among them are their scripts' own): drawn by the CJK font of the
 * text's language, whose punctuation sits where that language puts it (centred in Taiwan).
 */
const HAN: readonly (readonly [number, number])[] = [
  [0x2e80, 0x2fdf], [0x3000, 0x303f], [0x3190, 0x319f], [0x31c0, 0x31ef], [0x3200, 0x33ff], [0x3400, 0x4dbf],
  [0x4e00, 0x9fff], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff64], [0xffe0, 0xffef], [0x20000, 0x3134f],
];

const inRanges = (codePoint: number, ranges: readonly (readonly [number, number])[]): boolean =>
  ranges.some(([low, high]) => codePoint >= low && codePoint <= high);

/**
 * The scripts whose fonts may draw `codePoint` in text of language `lang`, by Unicode block, the
 * first preferred; empty for every other character. Kana is always Japanese and Hangul Korean;
 * Han follows the language. The national subsets differ (们 is not in JIS X 0208, 們 not in
 * GB 2312): a CJK character the preferred font lacks is drawn by the first other CJK font that
 * has it, in the order of `HAN_FALLBACKS`.
 */
export function scriptsOf(codePoint: number, lang: string): readonly Script[] {
  for (const script of Object.keys(SCRIPTS) as Script[]) {
    if (inRanges(codePoint, SCRIPTS[script].ranges)) return isHanFont(script) ? HAN_FALLBACKS[script] : [script];
  }
  if (inRanges(codePoint, SYMBOLS)) return SYMBOL_FONTS;
  return inRanges(codePoint, HAN) ? HAN_FALLBACKS[hanFontOf(lang) ?? 'zh-Hans'] : [];
}

/**
 * Each CJK font, then the others nearest in forms: Korean hanja and Japanese kanji are closer
 * to Traditional than to Simplified forms; Simplified Chinese lacks mostly Traditional characters.
 */
const HAN_FALLBACKS: Readonly<Record<HanFont, readonly HanFont[]>> = {
  'zh-Hans': ['zh-Hans', 'zh-Hant', 'ja', 'ko'],
  'zh-Hant': ['zh-Hant', 'zh-Hans', 'ja', 'ko'],
  ja: ['ja', 'zh-Hant', 'zh-Hans', 'ko'],
  ko: ['ko', 'zh-Hant', 'ja', 'zh-Hans'],
};

const isHanFont = (script: Script): script is HanFont => Object.hasOwn(HAN_FALLBACKS, script);

/**
 * The language whose forms Han characters take in a run of language `lang` inside a document
 * of language `documentLang`: the run's when it is written in Han itself (ja, ko, zh…), else the
 * document's (a `[Tokyo]{lang=en}` run in a Japanese sheet keeps Japanese forms for its kanji).
 */
export function hanLanguage(lang: string | undefined, documentLang: string | undefined): string | undefined {
  return lang !== undefined && hanFontOf(lang) !== null ? lang : documentLang;
}

const hanFonts = new Map<string, HanFont | null>();

/**
 * Japanese and Korean text take their own Han forms; Chinese the forms of its script (zh-TW,
 * zh-HK, yue → Traditional, as `Intl.Locale.maximize` infers it); null for a language not
 * written in Han, whose Han characters take Simplified forms, the forms most readers of Chinese
 * expect, unless the document's language says otherwise.
 */
function hanFontOf(lang: string): HanFont | null {
  let font = hanFonts.get(lang);
  if (font === undefined) {
    font = hanFontOfScript(lang);
    hanFonts.set(lang, font);
  }
  return font;
}

/** ISO 15924 scripts of the languages written in Han, and their forms. */
const HAN_FONT_OF_SCRIPT: ReadonlyMap<string, HanFont> = new Map([['Jpan', 'ja'], ['Kore', 'ko'], ['Hant', 'zh-Hant'], ['Hans', 'zh-Hans']]);

function hanFontOfScript(lang: string): HanFont | null {
  let script: string | undefined;
  try {
    script = new Intl.Locale(lang).maximize().script;
  } catch {
    return null;
  }
  return HAN_FONT_OF_SCRIPT.get(script ?? '') ?? null;
}

export type ScriptFaces = Readonly<Record<FontVariant, ScriptFont>>;

/** The regular and bold faces of a script, italics mapped to them. */
export async function loadScript(dir: string, script: Script): Promise<ScriptFaces> {
  return loadFaces(dir, SCRIPTS[script], isHanFont(script));
}

/**
 * The regular and bold fonts `files` names in `dir`, shaped by HarfBuzz in `files.language`, italics mapped to them.
 * `fullWidthPunctuation`: a CJK font, whose punctuation side by side is narrowed (punctuation.ts,
 * read with the first CJK font: no other document needs it).
 */
export async function loadFaces(
  dir: string,
  files: { readonly regular: string; readonly bold: string; readonly language: string },
  fullWidthPunctuation = false,
): Promise<ScriptFaces> {
  const oneWeight = files.bold === files.regular;
  const [hb, regular, bold, punctuation] = await Promise.all([
    loadHarfBuzz(),
    readFont(dir, files.regular),
    oneWeight ? null : readFont(dir, files.bold),
    fullWidthPunctuation ? import('./punctuation') : null,
  ]);
  const shaper = (bytes: Uint8Array): HarfBuzzShaper => new HarfBuzzShaper(hb, bytes, files.language, punctuation?.PunctuationSpacing ?? null);
  const upright = scriptFont(files.regular, regular, shaper(regular));
  // A family with one weight (the symbol fonts) is read, parsed and embedded once for all four variants.
  const heavy = bold === null ? upright : scriptFont(files.bold, bold, shaper(bold));
  return { regular: upright, bold: heavy, italic: upright, boldItalic: heavy };
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
  const glyphs = new TrueTypeGlyphs(bytes, (id) => shaper.outlineOf(id));
  const outlineExtent = (id: number): InkExtent | null => glyphs.outlineExtent(id);
  return {
    name,
    pdfkitFont: pdfkitFontOf(font, shape, glyphs),
    ascent: font.ascent * unitsToPoints,
    descent: font.descent * unitsToPoints,
    shape,
    // The layout hands script fonts runs without spaces, which pdfkit draws as one chunk.
    widthOf: (text, size) => shape(text).advanceWidth * unitsToPoints * size,
    // Script text goes through the bidirectional layout, which shapes every piece anyway.
    inkBeyond(text) {
      const ink = inkOfRun(shape(text), outlineExtent);
      if (ink === null || (ink.top <= font.ascent && ink.bottom >= font.descent)) return null;
      return { top: ink.top * unitsToPoints, bottom: ink.bottom * unitsToPoints };
    },
    covers: (codePoint) => font.hasGlyphForCodePoint(codePoint),
    outlineOf: (id) => shaper.outlineOf(id),
    punctuation: shaper.punctuation,
  };
}
