/**
 * An SVG's labels set in the embedded fonts (with the script fonts and the "�" of any text), and
 * anchored as SVG says; its paths pass as they are. Made once per drawing, however often it is
 * placed (a logo on every page).
 */
import type { VectorDrawing } from '../types';
import type { TextSetter } from './text';
import type { PlacedDrawing, VectorShape } from './types';

/** By direction too: a right-to-left document orders a label's runs its own way. */
const placed = new WeakMap<VectorDrawing, Map<string, PlacedDrawing>>();

export function placeDrawing(drawing: VectorDrawing, setter: TextSetter): PlacedDrawing {
  let byDirection = placed.get(drawing);
  if (byDirection === undefined) placed.set(drawing, (byDirection = new Map<string, PlacedDrawing>()));
  const known = byDirection.get(setter.direction);
  if (known !== undefined) return known;
  const shapes = drawing.items.map((item): VectorShape => {
    switch (item.kind) {
      case 'path':
        return item;
      case 'text': {
        const variant = item.bold ? 'bold' : 'regular';
        const line = setter.furnitureLine(setter.fitLine(item.text, variant, item.size, Infinity), variant, item.size, item.colour);
        const start = item.x - line.width * (item.anchor === 'middle' ? 0.5 : item.anchor === 'end' ? 1 : 0);
        return { kind: 'label', matrix: item.matrix, baseline: item.y, runs: line.runs.map((run) => ({ ...run, x: run.x + start })) };
      }
      default: {
        const unknown: never = item;
        throw new Error(`unhandled vector item ${JSON.stringify(unknown)}`);
      }
    }
  });
  const result: PlacedDrawing = { viewBox: drawing.viewBox, shapes };
  byDirection.set(setter.direction, result);
  return result;
}
