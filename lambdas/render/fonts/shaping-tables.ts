/**
 * Shapes simple text exactly as fontkit's default features would, from the `.shaping.json`
 * that build/shaping-tables.py writes beside each TTF: glyphs, advances, the `liga` ligatures
 * and pair kerning. Warming up fontkit's OpenType machinery cost more than the rest of a cold
 * start (docs/performance.md); words made only of simple code points never need it.
 */
import { FontLoadError, type Glyph, type GlyphPosition, type ShapedRun } from './types';

/** A font's `.shaping.json` as build/shaping-tables.py writes it. */
export interface ShapingTableFile {
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


/**
 * Shapes simple text exactly as fontkit's default features would, from a `.shaping.json`.
 * The file is used as parsed, and what is derived from it is derived on first use: loading the
 * fonts is part of every cold start.
 */
export class ShapingTables {
  private readonly glyphOf = new Map<number, number>();
  private readonly complex: ReadonlySet<number>;
  private readonly glyphs = new Map<number, Glyph>();
  private readonly ligatureGlyphs = new Map<string, Glyph>();
  private readonly kerningOfPair = new Map<number, number>();
  private readonly positions = new Map<number, GlyphPosition>();
  /** Characters met so far whose glyph passes the font's ascent or descent (mayPass). */
  private readonly passing: number[] = [];
  private beyond: RegExp | null = null;

  /** `passes`: whether a glyph's ink reaches past the font's ascent or descent. */
  constructor(
    private readonly table: ShapingTableFile,
    private readonly passes: (glyph: number) => boolean = () => false,
  ) {
    for (let index = 0; index < table.cmap.length; index += 2) {
      this.glyphOf.set(table.cmap[index] as number, table.cmap[index + 1] as number);
    }
    this.complex = new Set(table.complex);
  }

  /** As fontkit's hasGlyphForCodePoint: mapped to a glyph other than .notdef. */
  hasGlyph(codePoint: number): boolean {
    return (this.glyphOf.get(codePoint) ?? 0) !== 0;
  }

  /**
   * Whether text these tables have shaped may have ink past the font's ascent or descent: it has a
   * character they do not shape (a mark, a letter the font decomposes: fontkit places their parts,
   * with offsets) or one whose glyph passes them. Each glyph is checked the first time the tables
   * give it (`passes`), so the answer is one pattern test, without shaping the text again and
   * without reading the glyphs of characters no document has used.
   */
  mayPass(text: string): boolean {
    this.beyond ??= new RegExp(`[${[...this.complex, ...this.passing].map((codePoint) => `\\u{${codePoint.toString(16)}}`).join('')}]`, 'u');
    return this.beyond.test(text);
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
      this.checkInk(id, [codePoint]);
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
      this.checkInk(id, codePoints);
    }
    return glyph;
  }

  private checkInk(glyph: number, codePoints: readonly number[]): void {
    if (!this.passes(glyph)) return;
    this.passing.push(...codePoints);
    this.beyond = null;
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
