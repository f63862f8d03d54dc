/**
 * The TrueType subsetter pdfkit embeds fonts through (`createSubset()` of the pdfkit bridge).
 */
import { FontLoadError, type InkExtent } from './types';

/**
 * The glyph outlines and metrics of a TrueType font, read once per process for subsetting.
 * fontkit's subsetter decodes every outline of every document's subset only to learn whether
 * it is composite (a third of a warm render, docs/performance.md); here each glyph is read once.
 */
export class TrueTypeGlyphs {
  /** Tables copied into every subset, as in the font. */
  readonly tables: ReadonlyMap<string, Uint8Array>;
  readonly longOffsets: boolean;
  private readonly view: DataView;
  private readonly metricCount: number;
  private readonly glyphs: TrueTypeGlyph[] = [];
  private loca: DataView | undefined;
  private glyf: DataView | undefined;

  /**
   * `outlineOf` maps the ids glyph runs use to the font's glyphs: a shaper may give one glyph
   * several ids, one for each text it stands for (harfbuzz.ts).
   */
  constructor(
    bytes: Uint8Array,
    private readonly outlineOf: (id: number) => number = (id) => id,
  ) {
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
    const outline = this.outlineOf(id);
    let glyph = this.glyphs[outline];
    if (glyph === undefined) {
      glyph = this.read(outline);
      this.glyphs[outline] = glyph;
    }
    return glyph;
  }

  /**
   * The lowest and highest ink of the glyph (ids as in `glyph`), in font units, from its outline's
   * header without reading the outline; null for a glyph without one (a space).
   */
  outlineExtent(id: number): InkExtent | null {
    const [start, end] = this.outlineSpan(this.outlineOf(id));
    if (end - start < OUTLINE_HEADER) return null;
    this.glyf ??= this.table('glyf');
    return { bottom: this.glyf.getInt16(start + 4), top: this.glyf.getInt16(start + 8) };
  }

  /** Where the glyph's outline starts and ends in the glyf table. */
  private outlineSpan(id: number): [number, number] {
    this.loca ??= this.table('loca');
    const loca = this.loca;
    return this.longOffsets ? [loca.getUint32(id * 4), loca.getUint32(id * 4 + 4)] : [loca.getUint16(id * 2) * 2, loca.getUint16(id * 2 + 2) * 2];
  }

  private read(id: number): TrueTypeGlyph {
    const [start, end] = this.outlineSpan(id);
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

/** numberOfContours, xMin, yMin, xMax, yMax: an outline without them is empty. */
const OUTLINE_HEADER = 10;
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
export class TrueTypeSubset {
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
