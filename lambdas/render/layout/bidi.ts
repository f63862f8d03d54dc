/**
 * The Unicode bidirectional algorithm (UAX #9, bidi-js), loaded by the first document with
 * right-to-left text or in a right-to-left language; nothing here runs for the others.
 */
import type { Direction } from './text';

type Bidi = ReturnType<typeof import('bidi-js').default>;

let loading: Promise<Bidi> | undefined;
let loaded: Bidi | null = null;

export function loadBidi(): Promise<Bidi> {
  loading ??= import('bidi-js').then(({ default: factory }) => (loaded = factory()));
  return loading;
}

/** The algorithm, once loadBidi() has resolved; the layout is synchronous. */
function bidi(): Bidi {
  if (loaded === null) throw new Error('bidi-js used before loadBidi() resolved');
  return loaded;
}

/** Hebrew, Arabic and the other right-to-left blocks. */
const RIGHT_TO_LEFT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;

export function hasRightToLeft(text: string): boolean {
  return RIGHT_TO_LEFT.test(text);
}

const directions = new Map<string, Direction>();

/** A language's writing direction (ar, he, fa, ur… are right to left); left to right for a tag Intl cannot read. */
export function directionOf(lang: string): Direction {
  let direction = directions.get(lang);
  if (direction === undefined) {
    try {
      direction = (new Intl.Locale(lang) as Intl.Locale & { textInfo?: { direction?: string } }).textInfo?.direction === 'rtl' ? 'rtl' : 'ltr';
    } catch {
      direction = 'ltr';
    }
    directions.set(lang, direction);
  }
  return direction;
}

/**
 * The direction of a paragraph that nothing around it gives one (UAX #9 P2/P3): its first strong
 * character's, isolates skipped; left to right with none, or with no right-to-left character
 * (the algorithm is then not needed, nor loaded).
 */
export function firstStrongDirection(text: string): Direction {
  if (!hasRightToLeft(text)) return 'ltr';
  return bidi().getEmbeddingLevels(text).paragraphs[0]?.level === 1 ? 'rtl' : 'ltr';
}

/** UTF-16 units `start` to `end` of a paragraph set as one directional isolate (UAX #9 LRI/RLI … PDI). */
export interface Isolate {
  readonly start: number;
  readonly end: number;
  readonly direction: Direction;
}

/**
 * The stretches of the joined `pieces` in a left-to-right language in a right-to-left paragraph
 * (an English label or date on a Persian page), or marked to be isolated left to right (an
 * address), each a left-to-right isolate; consecutive pieces (a bold word inside the label) are
 * one isolate. A right-to-left run in a left-to-right paragraph is not isolated, as Chromium does
 * not isolate a `<span lang>`: that would move the neutrals at its edges, and its extraction does
 * not depend on its levels (extraction.ts).
 */
export function isolatesOf(
  pieces: readonly { readonly text: string; readonly lang?: string | undefined; readonly isolate?: Direction | undefined }[],
  direction: Direction,
): Isolate[] {
  if (direction === 'ltr') return [];
  const isolates: Isolate[] = [];
  let start = 0;
  for (const piece of pieces) {
    const end = start + piece.text.length;
    const own: Direction = piece.isolate ?? (piece.lang === undefined ? direction : directionOf(piece.lang));
    const last = isolates.at(-1);
    if (own === direction || end === start) {
      // Nothing to isolate.
    } else if (last !== undefined && last.end === start && last.direction === own) isolates[isolates.length - 1] = { ...last, end };
    else isolates.push({ start, end, direction: own });
    start = end;
  }
  return isolates;
}

const LRI = '\u2066';
const RLI = '\u2067';
const PDI = '\u2069';

/**
 * Embedding levels of each UTF-16 unit of a paragraph (even: left to right). Left-to-right text
 * without a right-to-left character is level 0 throughout, without the algorithm (not loaded then).
 * `isolates` are set as UAX #9 isolates: the algorithm sees LRI/RLI … PDI around each (never drawn),
 * so "28 February 2022" in a right-to-left paragraph stays one left-to-right run, its "28" first,
 * and the neutrals at its ends ("Source:") belong to it, not to the paragraph.
 */
export function embeddingLevels(text: string, direction: Direction, isolates: readonly Isolate[] = []): Uint8Array {
  if (direction === 'ltr' && !hasRightToLeft(text)) return new Uint8Array(text.length);
  if (isolates.length === 0) return bidi().getEmbeddingLevels(text, direction).levels;
  const opening = new Map(isolates.map((isolate) => [isolate.start, isolate.direction === 'ltr' ? LRI : RLI]));
  const closing = new Set(isolates.map((isolate) => isolate.end));
  const at = new Uint32Array(text.length);
  let marked = '';
  for (let index = 0; index < text.length; index++) {
    if (closing.has(index)) marked += PDI;
    marked += opening.get(index) ?? '';
    at[index] = marked.length;
    marked += text[index] as string;
  }
  const levels = bidi().getEmbeddingLevels(marked, direction).levels;
  return Uint8Array.from(at, (index) => levels[index] ?? 0);
}

/** The UAX #9 bidirectional class of a character: `L`, `R`, `AL`, `EN`, `CS`, `ON`… */
export function bidiClass(char: string): string {
  return bidi().getBidiCharTypeName(char);
}

/** Characters a right-to-left run shows mirrored: ( → ), « → ». */
export function mirrored(char: string): string {
  return bidi().getMirroredCharacter(char) ?? char;
}

/**
 * UAX #9 rule L2 on a line's items in logical order: from the highest level down to the lowest
 * odd one, every maximal sequence at that level or above is reversed. Returns the visual order.
 */
export function visualOrder<T extends { readonly level: number }>(items: readonly T[]): T[] {
  const order = [...items];
  const levels = items.map((item) => item.level);
  const highest = Math.max(0, ...levels);
  const lowestOdd = Math.min(...levels.filter((level) => level % 2 === 1), highest + 1);
  for (let level = highest; level >= lowestOdd && level > 0; level--) {
    for (let start = 0; start < order.length; start++) {
      if ((order[start] as T).level < level) continue;
      let end = start;
      while (end + 1 < order.length && (order[end + 1] as T).level >= level) end++;
      order.splice(start, end - start + 1, ...order.slice(start, end + 1).reverse());
      start = end;
    }
  }
  return order;
}
