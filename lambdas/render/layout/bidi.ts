/**
 * The Unicode bidirectional algorithm (UAX #9, bidi-js), loaded by the first document with
 * right-to-left text or in a right-to-left language; nothing here runs for the others.
 */
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

/**
 * Embedding levels of each UTF-16 unit of a paragraph (even: left to right). Left-to-right text
 * without a right-to-left character is level 0 throughout, without the algorithm (not loaded then).
 */
export function embeddingLevels(text: string, direction: 'ltr' | 'rtl'): Uint8Array {
  if (direction === 'ltr' && !hasRightToLeft(text)) return new Uint8Array(text.length);
  return bidi().getEmbeddingLevels(text, direction).levels;
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
