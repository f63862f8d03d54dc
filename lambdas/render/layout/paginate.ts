/**
 * The one place that decides page breaks. Slices are placed top to bottom; when one does not
 * fit, the break moves back over every slice that must stay with its successor (a heading and
 * the first lines after it, the first line of a paragraph, a quote, a list item…), unless
 * that would empty the page.
 */
import type { Slice } from './measure';

export interface PlacedSlice {
  readonly slice: Slice;
  readonly top: number;
}

export function paginate(slices: readonly Slice[], contentTop: number, contentBottom: number): PlacedSlice[][] {
  const pages: PlacedSlice[][] = [];
  let pageStart = 0;
  while (pageStart < slices.length) {
    const page: PlacedSlice[] = [];
    let y = contentTop;
    const continuation = (slices[pageStart] as Slice).continuation;
    if (continuation) {
      page.push({ slice: continuation, top: y });
      y += continuation.height;
    }
    const repeated = page.length;
    let next = pageStart;
    for (; next < slices.length; next++) {
      const slice = slices[next] as Slice;
      const top = next === pageStart ? y : y + slice.spaceBefore;
      if (next > pageStart && top + slice.height > contentBottom) break;
      page.push({ slice, top });
      y = top + slice.height;
    }
    if (next < slices.length) {
      let breakAt = next;
      while (breakAt > pageStart && (slices[breakAt - 1] as Slice).keepWithNext) breakAt--;
      // A chain that fills the whole page cannot be kept: it breaks where it overflowed.
      if (breakAt > pageStart) {
        page.length = repeated + breakAt - pageStart;
        next = breakAt;
      }
    }
    pages.push(page);
    pageStart = next;
  }
  return pages;
}
