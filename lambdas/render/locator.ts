/**
 * The one offset → line:column mapping: the parsers, the markup reader and the theme reader all
 * report positions with it, so a column means the same thing in every message.
 */
import type { SourcePosition } from './types';

/** Offsets in a decoded text to 1-based line and column, counting characters as an editor does. */
export class TextLocator {
  private readonly lineStarts: readonly number[];
  /** Offsets of characters outside the BMP, which take two UTF-16 units but one column. */
  private readonly astral: readonly number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
    this.lineStarts = starts;
    this.astral = Array.from(text.matchAll(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g), (match) => match.index);
  }

  at(offset: number): SourcePosition {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = countAtOrBefore(this.lineStarts, clamped);
    const lineStart = this.lineStarts[line - 1] as number;
    const astralBefore = countAtOrBefore(this.astral, clamped - 1) - countAtOrBefore(this.astral, lineStart - 1);
    return { line, column: clamped - lineStart - astralBefore + 1 };
  }

  /** The line that holds `offset`, without its line break, and where in it `offset` is. */
  lineAround(offset: number): { readonly text: string; readonly offsetInLine: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = countAtOrBefore(this.lineStarts, clamped);
    const start = this.lineStarts[line - 1] as number;
    const end = this.lineStarts[line] ?? this.text.length + 1;
    return { text: this.text.slice(start, end - 1), offsetInLine: clamped - start };
  }
}

/** How many of the ascending `values` are ≤ `limit`. */
function countAtOrBefore(values: readonly number[], limit: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) <= limit) low = middle + 1;
    else high = middle;
  }
  return low;
}
