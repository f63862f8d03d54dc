/**
 * Complex-script shaping with HarfBuzz (harfbuzzjs, WebAssembly), loaded on the first document
 * that needs it: fontkit misplaces Arabic stacked marks and Thai sara am and does not mirror
 * brackets in right-to-left runs; HarfBuzz matches Chromium (docs/rendering.md).
 *
 * Text extraction: pdfkit keeps one ToUnicode entry per glyph of the subset, and Noto Sans
 * Arabic draws different letters with one shared skeleton glyph plus dots. Each glyph of a run
 * here therefore gets an id of its own for each text it stands for (its cluster's text, or
 * nothing for the other glyphs of a cluster); the subset resolves those ids back to outlines
 * (`outlineOf`) and gives each pair its own CID, so that its ToUnicode entry is exact.
 */
import type { HalfWidth, PunctuationSpacing } from './punctuation';
import type { Glyph, GlyphPosition, GlyphRun, ShapedRun } from './types';

type HarfBuzz = typeof import('harfbuzzjs');

let harfBuzz: Promise<HarfBuzz> | undefined;

/** The WebAssembly module, compiled once per process on first use. */
export function loadHarfBuzz(): Promise<HarfBuzz> {
  harfBuzz ??= import('harfbuzzjs');
  return harfBuzz;
}

/** Ids at or above this stand for a (glyph, text) pair; below it they are the font's own. */
const PAIR_IDS = 0x10000;
/** Right-to-left strong characters (Hebrew, Arabic, Syriac, Thaana, NKo… and RLM), Arabic-Indic digits aside. */
const STRONG_RTL = /[\u0590-\u065F\u066A-\u06EF\u06FA-\u08FF\u200F\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
/** Strong left-to-right characters: letters of the left-to-right scripts, LRM. */
const STRONG_LTR = /[\p{L}\u200E]/u;
/** Combining marks: Arabic harakat, Hebrew points. */
const MARK = /\p{M}/u;

export class HarfBuzzShaper {
  private readonly font: InstanceType<HarfBuzz['Font']>;
  private readonly pairs = new Map<string, number>();
  private readonly outlines: number[] = [];
  /** A CJK font's: its full-width punctuation side by side is narrowed (punctuation.ts); null for other scripts. */
  readonly punctuation: PunctuationSpacing | null;

  constructor(
    private readonly hb: HarfBuzz,
    bytes: Uint8Array,
    private readonly language: string,
    Spacing: typeof PunctuationSpacing | null = null,
  ) {
    const face = new hb.Face(new hb.Blob(bytes));
    this.font = new hb.Font(face);
    this.punctuation = Spacing === null ? null : new Spacing((char) => this.halfWidthOf(char), face.upem);
  }

  /** The font's glyph a subset id stands for. */
  outlineOf(id: number): number {
    return id < PAIR_IDS ? id : (this.outlines[id - PAIR_IDS] as number);
  }

  /**
   * `text` in the direction of its first strong character (U+200F RLM counts, so the layout
   * can ask for a run of brackets or digits set right to left), glyphs in visual order.
   */
  shape(text: string): ShapedRun {
    const hb = this.hb;
    const rightToLeft = isRightToLeft(text);
    const buffer = new hb.Buffer();
    buffer.addText(text);
    buffer.guessSegmentProperties();
    buffer.setDirection(rightToLeft ? hb.Direction.RTL : hb.Direction.LTR);
    buffer.setLanguage(this.language);
    buffer.setFlags(hb.BufferFlag.REMOVE_DEFAULT_IGNORABLES);
    // The marks that lose their blank half take the font's half-width forms (`halt`), each alone.
    const narrowed = this.punctuation?.narrowedIn(text) ?? [];
    if (narrowed.length === 0) hb.shape(this.font, buffer);
    else hb.shape(this.font, buffer, narrowed.map((index) => new hb.Feature('halt', 1, index, index + 1)));
    const infos = buffer.getGlyphInfos();
    const hbPositions = buffer.getGlyphPositions();
    const starts = [...new Set(infos.map((info) => info.cluster))].sort((a, b) => a - b);
    const clusterText = new Map(starts.map((start, index) => [start, text.slice(start, starts[index + 1] ?? text.length).replace(/[\u200E\u200F]/g, '')]));
    const named = new Set<number>();
    // The cluster's text goes to its first glyph with an advance (the base), the others stand for nothing.
    const bases = new Map<number, number>();
    infos.forEach((info, index) => {
      if (!bases.has(info.cluster) && (hbPositions[index]?.xAdvance ?? 0) !== 0) bases.set(info.cluster, index);
    });
    const glyphs: Glyph[] = [];
    const positions: GlyphPosition[] = [];
    let advanceWidth = 0;
    infos.forEach((info, index) => {
      const position = hbPositions[index] as (typeof hbPositions)[number];
      const base = bases.get(info.cluster) ?? infos.findIndex((other) => other.cluster === info.cluster);
      const stands = base === index && !named.has(info.cluster) ? extractionOrder(clusterText.get(info.cluster) ?? '', rightToLeft) : '';
      if (stands !== '') named.add(info.cluster);
      const advance = this.font.glyphHAdvance(info.codepoint);
      glyphs.push({ id: this.pairId(info.codepoint, stands), advanceWidth: advance, codePoints: [...stands].map((char) => char.codePointAt(0) as number) });
      // HarfBuzz's y grows upwards, as PDF's text space does, and as pdfkit expects.
      positions.push({ xAdvance: position.xAdvance, yAdvance: position.yAdvance, xOffset: position.xOffset, yOffset: position.yOffset, advanceWidth: advance });
      advanceWidth += position.xAdvance;
    });
    return { glyphs, positions, advanceWidth, shapedBy: 'harfbuzz' };
  }

  /** What `halt` does to the glyph of `char` alone: null when the font lacks the glyph or `halt` leaves it. */
  private halfWidthOf(char: string): HalfWidth | null {
    const full = this.positionOf(char, false);
    const half = this.positionOf(char, true);
    if (full === null || half === null || half.xAdvance === full.xAdvance) return null;
    return { narrowing: full.xAdvance - half.xAdvance, offset: half.xOffset - full.xOffset };
  }

  private positionOf(char: string, halfWidth: boolean): { readonly xAdvance: number; readonly xOffset: number } | null {
    const hb = this.hb;
    const buffer = new hb.Buffer();
    buffer.addText(char);
    buffer.guessSegmentProperties();
    buffer.setLanguage(this.language);
    hb.shape(this.font, buffer, halfWidth ? [new hb.Feature('halt')] : []);
    const [info] = buffer.getGlyphInfos();
    const [position] = buffer.getGlyphPositions();
    return info === undefined || info.codepoint === 0 || position === undefined ? null : position;
  }

  private pairId(glyph: number, text: string): number {
    const key = `${glyph}:${text}`;
    let id = this.pairs.get(key);
    if (id === undefined) {
      id = PAIR_IDS + this.outlines.length;
      this.outlines.push(glyph);
      this.pairs.set(key, id);
    }
    return id;
  }
}

/**
 * A cluster's text as its glyph's ToUnicode entry must hold it for poppler to give it back in
 * logical order. poppler lays a glyph's several characters out left to right across its width,
 * except when all of them are right-to-left letters (a ligature such as لا); then it lays them out
 * right to left. A right-to-left line is read from the right, so a letter with its vowel marks
 * (اً, مَّ: the marks are not right-to-left letters) came back marks first, and so did the
 * zero-width non-joiner HarfBuzz folds into the letter after it (Persian رئیس‌جمهور came back
 * رئیسج‌مهور). Such a cluster is stored in the order poppler reads it back from the right.
 */
function extractionOrder(text: string, rightToLeft: boolean): string {
  const chars = [...text];
  return rightToLeft && chars.length > 1 && chars.some((char) => MARK.test(char) || !STRONG_RTL.test(char)) ? chars.reverse().join('') : text;
}

/**
 * `run` with its first glyph that advances drawn first and the zero-advance glyphs before it
 * after it, each in the same place. HarfBuzz draws a right-to-left cluster's marks before its
 * base, and Noto Sans Arabic draws a letter's dots as marks, so a run whose leftmost letter has
 * dots starts with a dot set off to the right of the run's origin. Inside an ActualText span
 * poppler places the span's text from its first glyph drawn, and that gap after a quote mark
 * came back as a space (`" مرحبا، يا صديقي"`); draw.ts draws the runs it puts in a span in this
 * order. Only there: outside a span poppler reads each glyph where it is, and changing the order
 * of every run moved the text of right-to-left pages. A run whose base is its last glyph (one
 * letter) keeps its order: poppler ends the span's text at the last glyph drawn.
 */
export function leftmostBaseFirst<Run extends GlyphRun>(run: Run): Run {
  const base = run.positions.findIndex((position) => position.xAdvance !== 0);
  if (base <= 0 || base === run.positions.length - 1) return run;
  const advance = (run.positions[base] as GlyphPosition).xAdvance;
  const marks = run.positions.slice(0, base).map((position) => ({ ...position, xOffset: position.xOffset - advance }));
  return {
    ...run,
    glyphs: [run.glyphs[base] as Glyph, ...run.glyphs.slice(0, base), ...run.glyphs.slice(base + 1)],
    positions: [run.positions[base] as GlyphPosition, ...marks, ...run.positions.slice(base + 1)],
  };
}

/** Whether the first strong character of `text` is right to left. */
export function isRightToLeft(text: string): boolean {
  for (const char of text) {
    if (STRONG_RTL.test(char)) return true;
    if (STRONG_LTR.test(char)) return false;
  }
  return false;
}
