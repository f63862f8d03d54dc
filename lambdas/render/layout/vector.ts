/**
 * An SVG's labels set in the embedded fonts (with the script fonts and the "�" of any text), and
 * anchored as SVG says; its paths pass as they are. Made once per drawing and kind of document
 * (see `placed`), however often it is placed (a logo on every page of every document).
 *
 * A label's direction is the picture's, never the sheet's: a picture does not mirror, so a logo
 * reads the same on an Arabic sheet as on an English one (docs/brand.md, "Labels and direction").
 */
import type { FontSet } from '../fonts';
import type { VectorDrawing, VectorItem } from '../types';
import { firstStrongDirection } from './bidi';
import type { TextSetter } from './text';
import type { PlacedDrawing, VectorShape } from './types';

/**
 * By everything a placed drawing depends on: the fonts (the organisation's), the sheet's direction
 * (a label is ordered the same on every sheet, but its extraction marks are those of the page it
 * is on: poppler reads a right-to-left page its own way) and the document's language, which
 * chooses the forms of a label's Han characters (骨 is drawn one way in Japanese, another in
 * Chinese). A logo is one drawing for the life of the process, drawn in documents of every language.
 */
const placed = new WeakMap<VectorDrawing, WeakMap<FontSet, Map<string, PlacedDrawing>>>();

export function placeDrawing(drawing: VectorDrawing, setter: TextSetter): PlacedDrawing {
  let byFonts = placed.get(drawing);
  if (byFonts === undefined) placed.set(drawing, (byFonts = new WeakMap<FontSet, Map<string, PlacedDrawing>>()));
  let bySheet = byFonts.get(setter.fonts);
  if (bySheet === undefined) byFonts.set(setter.fonts, (bySheet = new Map<string, PlacedDrawing>()));
  const key = `${setter.direction} ${setter.lang ?? ''}`;
  const known = bySheet.get(key);
  if (known !== undefined) {
    for (const item of drawing.items) if (item.kind === 'text') setter.noteUndrawable(item.text);
    return known;
  }
  const shapes = drawing.items.map((item): VectorShape => {
    switch (item.kind) {
      case 'path':
        return item;
      case 'text': {
        const variant = item.bold ? 'bold' : 'regular';
        const text = setter.fitLine(item.text, variant, item.size, Infinity);
        // Without `direction` the label's words are ordered as plain text is (its first strong
        // character), as `unicode-bidi: plaintext` orders them in a browser.
        const line = setter.furnitureLine(text, variant, item.size, item.colour, [], item.direction ?? firstStrongDirection(text));
        const start = item.x - line.width * anchorShare(item);
        return { kind: 'label', matrix: item.matrix, baseline: item.y, runs: line.runs.map((run) => ({ ...run, x: run.x + start })) };
      }
      default: {
        const unknown: never = item;
        throw new Error(`unhandled vector item ${JSON.stringify(unknown)}`);
      }
    }
  });
  const result: PlacedDrawing = { viewBox: drawing.viewBox, shapes };
  bySheet.set(key, result);
  return result;
}

/**
 * How much of the label lies left of its anchor point. `start` and `end` are read in the SVG's
 * `direction`, left to right when it gives none (CSS's initial value, as every SVG viewer reads
 * it): an Arabic name beside a dot stays beside it, whatever order its words take.
 */
function anchorShare(item: Extract<VectorItem, { kind: 'text' }>): number {
  const anchor = item.anchor ?? 'start';
  switch (anchor) {
    case 'middle':
      return 0.5;
    case 'start':
      return item.direction === 'rtl' ? 1 : 0;
    case 'end':
      return item.direction === 'rtl' ? 0 : 1;
    default: {
      const unknown: never = anchor;
      throw new Error(`unhandled text-anchor ${JSON.stringify(unknown)}`);
    }
  }
}
