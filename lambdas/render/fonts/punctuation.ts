/**
 * Full-width punctuation in Chinese, Japanese and Korean set as Chromium sets it by default
 * (`text-spacing-trim: normal`, CSS Text 4: `space-start trim-adjacent allow-end`; what Chromium
 * 156 does was measured, docs/rendering.md). A full-width bracket or stop is drawn on half of its
 * em and leaves the other half blank; of two such marks side by side, one loses its blank half:
 * - an opening mark after an opening, closing or middle mark ("「（", "）「", "、「");
 * - a closing mark before a closing or middle mark ("）、", "」。", "」・").
 * A closing bracket or quotation mark at the end of a line loses it too when the line would not
 * fit otherwise (the layout's part); an opening mark at the start of a line keeps it.
 *
 * Which half is blank is the font's own data: its `halt` feature (alternate half widths) moves a
 * glyph whose ink is on the right half left, and only narrows one whose ink is on the left. So
 * the stops 、。，．：； close in Japanese and Simplified Chinese fonts (ink at the bottom left),
 * and are middle marks in Traditional Chinese, whose font centres them (`halt` moves them by a
 * quarter): they then narrow their neighbours and keep their own width, as in Chromium. The
 * Japanese colon is centred too; the Simplified Chinese one closes.
 */

/** What a mark does to its neighbours' spacing; `other` for everything else. */
export type PunctuationClass = 'open' | 'close' | 'middle' | 'other';

/** What the font's `halt` does to a glyph, in font units. */
export interface HalfWidth {
  /** How much narrower the glyph's advance becomes. */
  readonly narrowing: number;
  /** How far the glyph moves (negative: to the left). */
  readonly offset: number;
}

/** Brackets and quotation marks: opening or closing by where their font draws them. */
const BRACKETS = '（［｛〔〈《「『【〘〖〝‘“｟）］｝〕〉》」』】〙〗〟’”｠';
/** Commas, full stops, colons, semicolons: closing or middle by where their font draws them. */
const STOPS = '、。，．：；';
/** Middle dot and ideographic space: they narrow their neighbours, never themselves. */
const MIDDLE = '・\u3000';
/** Built when the first CJK font is read, with this module. */
const MARKS = new Set(BRACKETS + STOPS + MIDDLE);

/**
 * Which of two marks side by side loses its blank half: `first` (a closing mark before a closing
 * or middle mark), `second` (an opening mark after anything but `other`), or null.
 */
function narrowedOf(first: PunctuationClass, second: PunctuationClass): 'first' | 'second' | null {
  if (second === 'open' && first !== 'other') return 'second';
  if (first === 'close' && (second === 'close' || second === 'middle')) return 'first';
  return null;
}

/** The punctuation spacing of one CJK font, from its `halt` values (read once per mark). */
export class PunctuationSpacing {
  private readonly classes = new Map<string, PunctuationClass>();
  private readonly halves = new Map<string, HalfWidth | null>();

  /** `halfWidthOf`: what the font's `halt` does to the glyph of a character, null when nothing. */
  constructor(
    private readonly halfWidthOf: (char: string) => HalfWidth | null,
    private readonly unitsPerEm: number,
  ) {}

  /** Whether `char` is one of the marks whose spacing may be narrowed, in any CJK font: one set lookup. */
  isMark(char: string): boolean {
    return MARKS.has(char);
  }

  classOf(char: string): PunctuationClass {
    let found = this.classes.get(char);
    if (found === undefined) {
      found = this.classify(char);
      this.classes.set(char, found);
    }
    return found;
  }

  /**
   * How much closer, in points at `size`, `after` (drawn in the font of `next`) sets to `char`
   * (drawn in this one) when they meet on a line: the layout's part, between words it breaks.
   */
  narrowingBetween(char: string, next: PunctuationSpacing, after: string, size: number): number {
    switch (narrowedOf(this.classOf(char), next.classOf(after))) {
      case 'first':
        return this.narrowing(char, size);
      case 'second':
        return next.narrowing(after, size);
      case null:
        return 0;
    }
  }

  /** How much narrower, in points at `size`, `char` sets when it loses its blank half. */
  narrowing(char: string, size: number): number {
    return ((this.halfWidth(char)?.narrowing ?? 0) / this.unitsPerEm) * size;
  }

  /**
   * How much narrower, in points at `size`, `char` may set at the end of a line it would not fit
   * otherwise: a closing bracket or quotation mark (Chromium leaves the stops full width there).
   */
  atLineEnd(char: string, size: number): number {
    return BRACKETS.includes(char) && this.classOf(char) === 'close' ? this.narrowing(char, size) : 0;
  }

  /** The UTF-16 offsets of the marks of `text` that lose their blank half: the text's own pairs. */
  narrowedIn(text: string): number[] {
    const narrowed: number[] = [];
    let previous: PunctuationClass = 'other';
    for (let index = 0; index < text.length; index++) {
      // Every mark above is one UTF-16 unit; a surrogate half is `other`.
      const current = this.classOf(text[index] as string);
      const which = narrowedOf(previous, current);
      if (which === 'second') narrowed.push(index);
      else if (which === 'first') narrowed.push(index - 1);
      previous = current;
    }
    return narrowed;
  }

  private halfWidth(char: string): HalfWidth | null {
    let half = this.halves.get(char);
    if (half === undefined) {
      half = this.halfWidthOf(char);
      if (half !== null && half.narrowing <= 0) half = null;
      this.halves.set(char, half);
    }
    return half;
  }

  private classify(char: string): PunctuationClass {
    if (MIDDLE.includes(char)) return 'middle';
    if (!MARKS.has(char)) return 'other';
    const half = this.halfWidth(char);
    if (half === null) return 'other';
    // Ink on the right half: `halt` moves the glyph left by all it takes away.
    if (half.offset === -half.narrowing) return 'open';
    if (half.offset === 0) return 'close';
    return STOPS.includes(char) ? 'middle' : 'other';
  }
}
