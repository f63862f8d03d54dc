/**
 * The embedded fonts, parsed once per process and shared by every document.
 *
 * pdfkit shapes every word through `font.layout()` and caches the result only inside one
 * document; most of a warm render was spent re-shaping the same words
 * (../shared/notes/render-profile.md). Each font here carries a shaping cache that outlives
 * documents and also serves the layout stage's measurements, so a word is shaped once per process.
 *
 * Shaping itself mostly avoids fontkit: warming up its OpenType machinery cost more than the rest
 * of a cold start (docs/performance.md). Beside each TTF, build/subset-fonts.sh writes what that
 * machinery would do to "simple" text — glyphs, advances, the `liga` ligatures and pair kerning,
 * read from the font with fontTools — and words made only of simple code points are shaped from
 * those tables, to the same glyphs and positions. A word with a combining mark, a character that
 * the font composes or decomposes (Vietnamese ẹ, ọ…), or an invisible format character still goes
 * through fontkit's full `layout()`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';
import { OperatorError } from './errors';

export type FontVariant = 'regular' | 'bold' | 'italic' | 'boldItalic';

const FONT_FILES: Record<FontVariant, string> = {
  regular: 'NotoSans-Regular',
  bold: 'NotoSans-Bold',
  italic: 'NotoSans-Italic',
  boldItalic: 'NotoSans-BoldItalic',
};

export const DEFAULT_FONTS_DIR = fileURLToPath(new URL('../fonts/', import.meta.url));

/** Shown in place of a character no embedded font has, so that nothing disappears silently. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/** Past this many cached words per font the cache starts again, bounding a long-lived process. */
const MAX_CACHED_RUNS = 50_000;

interface GlyphPosition {
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
/** The shape of fontkit's GlyphRun that pdfkit reads: it embeds `glyphs` and draws `positions`. */
export interface GlyphRun {
  readonly glyphs: readonly Glyph[];
  readonly positions: readonly GlyphPosition[];
}
interface ShapedRun extends GlyphRun {
  /** In font units. */
  readonly advanceWidth: number;
  /** `tables`: the precomputed shaping tables; `fontkit`: its full OpenType layout. */
  readonly shapedBy: 'tables' | 'fontkit';
}

/** The part of a fontkit font this project relies on. */
interface FontkitFont {
  readonly unitsPerEm: number;
  readonly ascent: number;
  readonly descent: number;
  readonly head: { readonly checkSumAdjustment: number };
  layout(text: string, features?: unknown): GlyphRun;
  getGlyph(id: number, codePoints?: readonly number[]): Glyph;
}

interface EmbeddedFont {
  /** Handed to pdfkit's `doc.font()`: a fontkit font whose `layout` answers from the shared cache. */
  readonly pdfkitFont: unknown;
  readonly ascent: number;
  readonly descent: number;
  /** Width in points of `text` set at `size`, measured exactly as pdfkit will draw it. */
  widthOf(text: string, size: number): number;
  /** `text` shaped as pdfkit will draw it, from the shared cache. */
  shape(text: string): ShapedRun;
}

export interface FontSet {
  readonly variants: Readonly<Record<FontVariant, EmbeddedFont>>;
  /** True when every embedded font can draw the code point. */
  covers(codePoint: number): boolean;
}

/** A font's `.shaping.json` as build/subset-fonts.sh writes it. */
interface ShapingTableFile {
  readonly font: string;
  readonly checkSumAdjustment: number;
  readonly unitsPerEm: number;
  /** Every mapped code point and its glyph, flat: [code point, glyph, ...]. */
  readonly cmap: readonly number[];
  /** Mapped code points that only fontkit shapes correctly. */
  readonly complex: readonly number[];
  /** Advance widths of every glyph the tables can produce. */
  readonly advances: Readonly<Record<string, number>>;
  /** [first glyph, ligature glyph, other components...], in the order fontkit tries them. */
  readonly ligatures: readonly (readonly number[])[];
  /** Pair-kerning lookups, each a list of subtables; the first subtable that applies counts. */
  readonly kerning: readonly (readonly KerningSubtableFile[])[];
}
type KerningSubtableFile =
  | { readonly pairs: Readonly<Record<string, readonly number[]>> }
  | {
      readonly coverage: readonly number[];
      readonly class1: Readonly<Record<string, number>>;
      readonly class2: Readonly<Record<string, number>>;
      readonly values: Readonly<Record<string, readonly number[]>>;
    };

/** The tables' or the fonts' files cannot be used: the message says which and what to do. */
export class FontLoadError extends OperatorError {}

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
      return [variant, font, new ShapingTables(table), new TrueTypeGlyphs(bytes)] as const;
    }),
  );
  const variants = Object.fromEntries(
    entries.map(([variant, font, tables, glyphs]) => [variant, embeddedFont(font, tables, glyphs)]),
  ) as Record<FontVariant, EmbeddedFont>;
  const allTables = entries.map(([, , tables]) => tables);
  return { variants, covers: coverageOf(allTables) };
}

const UNKNOWN = 0;
const COVERED = 1;
const MISSING = 2;

/**
 * Whether every variant has a glyph, remembered per code point: the layout asks for every
 * character it sets, and four table lookups each were a fifth of setting text.
 */
function coverageOf(allTables: readonly ShapingTables[]): (codePoint: number) => boolean {
  const basicPlane = new Uint8Array(0x10000);
  const otherPlanes = new Map<number, boolean>();
  const lookUp = (codePoint: number): boolean => allTables.every((tables) => tables.hasGlyph(codePoint));
  return (codePoint) => {
    if (codePoint >= 0x10000) {
      let covered = otherPlanes.get(codePoint);
      if (covered === undefined) otherPlanes.set(codePoint, (covered = lookUp(codePoint)));
      return covered;
    }
    const known = basicPlane[codePoint];
    if (known !== UNKNOWN) return known === COVERED;
    const covered = lookUp(codePoint);
    basicPlane[codePoint] = covered ? COVERED : MISSING;
    return covered;
  };
}

/**
 * Shapes simple text exactly as fontkit's default features would, from a `.shaping.json`.
 * The file is used as parsed, and what is derived from it is derived on first use: loading the
 * fonts is part of every cold start.
 */
class ShapingTables {
  private readonly glyphOf = new Map<number, number>();
  private readonly complex: ReadonlySet<number>;
  private readonly glyphs = new Map<number, Glyph>();
  private readonly ligatureGlyphs = new Map<string, Glyph>();
  private readonly kerningOfPair = new Map<number, number>();
  private readonly positions = new Map<number, GlyphPosition>();

  constructor(private readonly table: ShapingTableFile) {
    for (let index = 0; index < table.cmap.length; index += 2) {
      this.glyphOf.set(table.cmap[index] as number, table.cmap[index + 1] as number);
    }
    this.complex = new Set(table.complex);
  }

  /** As fontkit's hasGlyphForCodePoint: mapped to a glyph other than .notdef. */
  hasGlyph(codePoint: number): boolean {
    return (this.glyphOf.get(codePoint) ?? 0) !== 0;
  }

  /** The run fontkit's layout() would give, or null when `text` is not simple. */
  shape(text: string): ShapedRun | null {
    const glyphs: Glyph[] = [];
    for (let index = 0; index < text.length; index++) {
      const codePoint = text.codePointAt(index) as number;
      if (codePoint > 0xffff) index++;
      const glyph = this.simpleGlyph(codePoint);
      if (glyph === null) return null;
      glyphs.push(glyph);
    }
    const ligated = this.table.ligatures.length > 0 ? this.ligate(glyphs) : glyphs;
    const positions: GlyphPosition[] = [];
    let advanceWidth = 0;
    for (let index = 0; index < ligated.length; index++) {
      const glyph = ligated[index] as Glyph;
      const next = ligated[index + 1];
      const xAdvance = glyph.advanceWidth + (next === undefined ? 0 : this.kerning(glyph.id, next.id));
      positions.push(this.position(xAdvance, glyph.advanceWidth));
      advanceWidth += xAdvance;
    }
    return { glyphs: ligated, positions, advanceWidth, shapedBy: 'tables' };
  }

  /**
   * One shared object for every equal position: the cache holds tens of thousands of words in a
   * long-lived process. pdfkit only reads them (for a 1000-unit font, whose runs it is handed as
   * they are) and sets `advanceWidth` to the value already there, so the key includes it.
   */
  private position(xAdvance: number, advanceWidth: number): GlyphPosition {
    const key = (xAdvance + 0x8000) * 0x10000 + advanceWidth;
    let position = this.positions.get(key);
    if (position === undefined) {
      position = { xAdvance, yAdvance: 0, xOffset: 0, yOffset: 0, advanceWidth };
      this.positions.set(key, position);
    }
    return position;
  }

  private simpleGlyph(codePoint: number): Glyph | null {
    let glyph = this.glyphs.get(codePoint);
    if (glyph === undefined) {
      const id = this.glyphOf.get(codePoint);
      if (id === undefined || this.complex.has(codePoint)) return null;
      glyph = { id, advanceWidth: this.advanceOf(id), codePoints: [codePoint] };
      this.glyphs.set(codePoint, glyph);
    }
    return glyph;
  }

  /** GSUB ligature substitution as fontkit applies it: left to right, first listed match wins. */
  private ligate(glyphs: readonly Glyph[]): Glyph[] {
    const out: Glyph[] = [];
    for (let index = 0; index < glyphs.length; index++) {
      const first = glyphs[index] as Glyph;
      const match = this.table.ligatures.find(
        ([start, , ...components]) =>
          start === first.id && components.every((component, offset) => glyphs[index + 1 + offset]?.id === component),
      );
      if (match === undefined) {
        out.push(first);
        continue;
      }
      const length = match.length - 1;
      out.push(this.ligatureGlyph(match[1] as number, glyphs.slice(index, index + length)));
      index += length - 1;
    }
    return out;
  }

  private ligatureGlyph(id: number, parts: readonly Glyph[]): Glyph {
    const codePoints = parts.flatMap((part) => part.codePoints);
    const key = `${id}:${codePoints.join(',')}`;
    let glyph = this.ligatureGlyphs.get(key);
    if (glyph === undefined) {
      glyph = { id, advanceWidth: this.advanceOf(id), codePoints };
      this.ligatureGlyphs.set(key, glyph);
    }
    return glyph;
  }

  private advanceOf(id: number): number {
    const advance = this.table.advances[id];
    if (advance === undefined) throw new FontLoadError(`${this.table.font}: its shaping table has no advance width for glyph ${id}`);
    return advance;
  }

  /** Sum over the kerning lookups of the first subtable that applies to the pair, remembered. */
  private kerning(first: number, second: number): number {
    const key = first * 0x10000 + second;
    let total = this.kerningOfPair.get(key);
    if (total === undefined) {
      total = 0;
      for (const lookup of this.table.kerning) {
        for (const subtable of lookup) {
          const value = pairAdjustment(subtable, first, second);
          if (value !== null) {
            total += value;
            break;
          }
        }
      }
      this.kerningOfPair.set(key, total);
    }
    return total;
  }
}

/** A pair-positioning subtable's advance adjustment of the first glyph, or null when it does not apply. */
function pairAdjustment(subtable: KerningSubtableFile, first: number, second: number): number | null {
  if ('pairs' in subtable) {
    const pairs = subtable.pairs[first];
    return pairs === undefined ? null : valueAfter(pairs, second);
  }
  if (!subtable.coverage.includes(first)) return null;
  // A covered first glyph always applies, with class 0 for glyphs no class lists.
  const row = subtable.values[subtable.class1[first] ?? 0];
  return row === undefined ? 0 : (valueAfter(row, subtable.class2[second] ?? 0) ?? 0);
}

/** In a flat [key, value, key, value...] list. */
function valueAfter(flat: readonly number[], key: number): number | null {
  for (let index = 0; index < flat.length; index += 2) if (flat[index] === key) return flat[index + 1] as number;
  return null;
}

function embeddedFont(font: FontkitFont, tables: ShapingTables, glyphs: TrueTypeGlyphs): EmbeddedFont {
  const fontkitLayout = withOwnGlyphObjects(font);
  let cache = new Map<string, ShapedRun>();
  const shape = (text: string): ShapedRun => {
    let run = cache.get(text);
    if (!run) {
      if (cache.size >= MAX_CACHED_RUNS) cache = new Map();
      run = tables.shape(text) ?? fontkitRun(fontkitLayout.layout(text));
      cache.set(text, run);
    }
    return run;
  };
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
  const pdfkitFont: unknown = Object.create(font, {
    layout: {
      value(text: string, features?: unknown) {
        return features === undefined ? pdfkitRun(text) : font.layout(text, features);
      },
    },
    createSubset: { value: () => new TrueTypeSubset(glyphs) },
  });
  const unitsToPoints = 1 / font.unitsPerEm;
  return {
    pdfkitFont,
    ascent: font.ascent * unitsToPoints,
    descent: font.descent * unitsToPoints,
    shape,
    widthOf(text, size) {
      // pdfkit shapes text in chunks that end after each space or tab; measuring the same
      // chunks gives the same widths it will draw with.
      let units = 0;
      let start = 0;
      for (let index = 0; index < text.length; index++) {
        const char = text.charCodeAt(index);
        if (char === 0x20 || char === 0x09) {
          units += shape(text.slice(start, index + 1)).advanceWidth;
          start = index + 1;
        }
      }
      if (start < text.length) units += shape(text.slice(start)).advanceWidth;
      return units * unitsToPoints * size;
    },
  };
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

function advanceOf(positions: readonly GlyphPosition[]): number {
  let units = 0;
  for (const position of positions) units += position.xAdvance;
  return units;
}

/**
 * The glyph outlines and metrics of a TrueType font, read once per process for subsetting.
 * fontkit's subsetter decodes every outline of every document's subset only to learn whether
 * it is composite (a third of a warm render, docs/performance.md); here each glyph is read once.
 */
class TrueTypeGlyphs {
  /** Tables copied into every subset, as in the font. */
  readonly tables: ReadonlyMap<string, Uint8Array>;
  readonly longOffsets: boolean;
  private readonly view: DataView;
  private readonly metricCount: number;
  private readonly glyphs: TrueTypeGlyph[] = [];

  constructor(bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tables = new Map<string, Uint8Array>();
    const count = this.view.getUint16(4);
    for (let index = 0; index < count; index++) {
      const entry = 12 + 16 * index;
      const tag = String.fromCharCode(...bytes.subarray(entry, entry + 4));
      const offset = this.view.getUint32(entry + 8);
      tables.set(tag, bytes.subarray(offset, offset + this.view.getUint32(entry + 12)));
    }
    this.tables = tables;
    this.longOffsets = this.table('head').getInt16(50) === 1;
    this.metricCount = this.table('hhea').getUint16(34);
  }

  glyph(id: number): TrueTypeGlyph {
    let glyph = this.glyphs[id];
    if (glyph === undefined) {
      glyph = this.read(id);
      this.glyphs[id] = glyph;
    }
    return glyph;
  }

  private read(id: number): TrueTypeGlyph {
    const loca = this.table('loca');
    const [start, end] = this.longOffsets
      ? [loca.getUint32(id * 4), loca.getUint32(id * 4 + 4)]
      : [loca.getUint16(id * 2) * 2, loca.getUint16(id * 2 + 2) * 2];
    const glyf = this.tables.get('glyf') as Uint8Array;
    const outline = glyf.subarray(start, end);
    const components: { id: number; position: number }[] = [];
    const view = new DataView(outline.buffer, outline.byteOffset, outline.byteLength);
    if (outline.length > 0 && view.getInt16(0) < 0) {
      // Composite: flags, glyph index, arguments and transform, repeated while MORE_COMPONENTS.
      let position = 10;
      for (let flags = MORE_COMPONENTS; flags & MORE_COMPONENTS; ) {
        flags = view.getUint16(position);
        components.push({ id: view.getUint16(position + 2), position: position + 2 });
        position += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
        if (flags & WE_HAVE_A_SCALE) position += 2;
        else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) position += 4;
        else if (flags & WE_HAVE_A_TWO_BY_TWO) position += 8;
      }
    }
    const hmtx = this.table('hmtx');
    const last = this.metricCount - 1;
    const advance = hmtx.getUint16(Math.min(id, last) * 4);
    const bearing = id <= last ? hmtx.getInt16(id * 4 + 2) : this.bearingAfterMetrics(hmtx, id);
    return { outline, components, advance, bearing };
  }

  private bearingAfterMetrics(hmtx: DataView, id: number): number {
    const offset = this.metricCount * 4 + (id - this.metricCount) * 2;
    return offset + 2 <= hmtx.byteLength ? hmtx.getInt16(offset) : 0;
  }

  private table(tag: string): DataView {
    const table = this.tables.get(tag);
    if (table === undefined) throw new FontLoadError(`the font has no ${tag} table, which a TrueType font needs`);
    return new DataView(table.buffer, table.byteOffset, table.byteLength);
  }
}

interface TrueTypeGlyph {
  readonly outline: Uint8Array;
  /** Glyphs a composite outline refers to, and where their index sits in it. */
  readonly components: readonly { readonly id: number; readonly position: number }[];
  readonly advance: number;
  readonly bearing: number;
}

const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/**
 * What pdfkit needs of fontkit's TTFSubset: glyphs numbered in the order they are included
 * (.notdef first), and `encode()` giving, byte for byte, the font fontkit would write: its
 * directory (tag "true", zero checksums, tables back to back) and the tables head, hhea, loca,
 * maxp, cvt, prep, glyf, hmtx and fpgm.
 */
class TrueTypeSubset {
  private readonly glyphs: number[] = [];
  private readonly mapping = new Map<number, number>();

  constructor(private readonly font: TrueTypeGlyphs) {
    this.includeGlyph(0);
  }

  includeGlyph(id: number): number {
    let subsetId = this.mapping.get(id);
    if (subsetId === undefined) {
      subsetId = this.glyphs.length;
      this.glyphs.push(id);
      this.mapping.set(id, subsetId);
    }
    return subsetId;
  }

  encode(): Uint8Array {
    const outlines: Uint8Array[] = [];
    const metrics: TrueTypeGlyph[] = [];
    // Components are included as they are met, so the list grows while it is walked.
    for (let index = 0; index < this.glyphs.length; index++) {
      const glyph = this.font.glyph(this.glyphs[index] as number);
      let outline = glyph.outline;
      if (glyph.components.length > 0) {
        outline = new Uint8Array(outline);
        const view = new DataView(outline.buffer);
        for (const component of glyph.components) view.setUint16(component.position, this.includeGlyph(component.id));
      }
      outlines.push(outline);
      metrics.push(glyph);
    }
    const original = this.font.tables;
    const hhea = patched(original.get('hhea'), (view) => view.setUint16(34, metrics.length));
    const maxp = patched(original.get('maxp'), (view) => view.setUint16(4, outlines.length));
    const loca = new DataView(new ArrayBuffer((outlines.length + 1) * (this.font.longOffsets ? 4 : 2)));
    let offset = 0;
    outlines.forEach((outline, index) => {
      setOffset(loca, index, offset, this.font.longOffsets);
      offset += outline.length;
    });
    setOffset(loca, outlines.length, offset, this.font.longOffsets);
    const hmtx = new DataView(new ArrayBuffer(metrics.length * 4));
    metrics.forEach((glyph, index) => {
      hmtx.setUint16(index * 4, glyph.advance);
      hmtx.setInt16(index * 4 + 2, glyph.bearing);
    });
    const glyf = new Uint8Array(offset);
    let position = 0;
    for (const outline of outlines) {
      glyf.set(outline, position);
      position += outline.length;
    }
    const tables: [string, Uint8Array | undefined][] = [
      ['head', original.get('head')],
      ['hhea', hhea],
      ['loca', new Uint8Array(loca.buffer)],
      ['maxp', maxp],
      ['cvt ', original.get('cvt ')],
      ['prep', original.get('prep')],
      ['glyf', glyf],
      ['hmtx', new Uint8Array(hmtx.buffer)],
      ['fpgm', original.get('fpgm')],
    ];
    return fontFile(tables.filter((entry): entry is [string, Uint8Array] => entry[1] !== undefined));
  }
}

function patched(table: Uint8Array | undefined, patch: (view: DataView) => void): Uint8Array {
  if (table === undefined) throw new FontLoadError('the font lacks a table every TrueType font has');
  const copy = new Uint8Array(table);
  patch(new DataView(copy.buffer));
  return copy;
}

function setOffset(loca: DataView, index: number, offset: number, long: boolean): void {
  if (long) loca.setUint32(index * 4, offset);
  else loca.setUint16(index * 2, offset / 2);
}

/** An sfnt file as fontkit's Directory encodes it. */
function fontFile(tables: readonly [string, Uint8Array][]): Uint8Array {
  const headerLength = 12 + 16 * tables.length;
  const file = new Uint8Array(headerLength + tables.reduce((sum, [, table]) => sum + table.length, 0));
  const view = new DataView(file.buffer);
  const powerOf2 = 2 ** Math.floor(Math.log2(tables.length));
  file.set([0x74, 0x72, 0x75, 0x65]); // "true"
  view.setUint16(4, tables.length);
  view.setUint16(6, powerOf2 * 16);
  view.setUint16(8, Math.log2(powerOf2));
  view.setUint16(10, tables.length * 16 - powerOf2 * 16);
  let offset = headerLength;
  tables.forEach(([tag, table], index) => {
    const entry = 12 + 16 * index;
    for (let char = 0; char < 4; char++) view.setUint8(entry + char, tag.charCodeAt(char));
    view.setUint32(entry + 8, offset);
    view.setUint32(entry + 12, table.length);
    file.set(table, offset);
    offset += table.length;
  });
  return file;
}
