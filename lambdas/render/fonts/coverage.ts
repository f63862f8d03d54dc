/** Which code points the embedded fonts can draw. */

/** Shown in place of a character no embedded font has, so that nothing disappears silently. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

const UNKNOWN = 0;
const COVERED = 1;
const MISSING = 2;

/**
 * Whether every font has a glyph, remembered per code point: the layout asks for every
 * character it sets, and four table lookups each were a fifth of setting text.
 */
export function coverageOf(fonts: readonly { hasGlyph(codePoint: number): boolean }[]): (codePoint: number) => boolean {
  const basicPlane = new Uint8Array(0x10000);
  const otherPlanes = new Map<number, boolean>();
  const lookUp = (codePoint: number): boolean => fonts.every((font) => font.hasGlyph(codePoint));
  return (codePoint) => {
    if (codePoint >= 0x10000) {
      let covered = otherPlanes.get(codePoint);
      if (covered === undefined) otherPlanes.set(codePoint, (covered = lookUp(codePoint)));
      return covered;
    }
    const known = basicPlane[codePoint];
    if (known !== UNKNOWN) return known === COVERED;
    const covered = lookUp(codePoint);
    basicPlane[codePoint] = covered ? COVERED : MISSING;
    return covered;
  };
}

/**
 * Invisible format characters: bidi marks and controls (LRM, RLM, ALM, LRE…PDF, LRI…PDI), joiners
 * (ZWJ, ZWNJ), the word joiner, the soft hyphen, variation selectors, tags. They act on the
 * bidirectional algorithm or on shaping, and then every shaper here hides them, whether or not the
 * font has a glyph: fontkit (Noto Sans, a theme's font) gives them no advance and no outline,
 * HarfBuzz removes them and folds their text into a neighbour's cluster. This is fontkit's list
 * (`isDefaultIgnorable`, which HarfBuzz's contains): Unicode's Default_Ignorable_Code_Point but the
 * Hangul fillers, which Korean fonts draw as blank space, and U+180F, newer than fontkit's table.
 * So none is ever missing, whichever font draws its neighbours.
 */
export function isInvisible(codePoint: number): boolean {
  if (codePoint < 0x2000) return codePoint === 0x00ad || codePoint === 0x034f || codePoint === 0x061c || (codePoint >= 0x17b4 && codePoint <= 0x17b5) || (codePoint >= 0x180b && codePoint <= 0x180e);
  if (codePoint < 0x10000) {
    return (
      (codePoint >= 0x200b && codePoint <= 0x200f) ||
      (codePoint >= 0x202a && codePoint <= 0x202e) ||
      (codePoint >= 0x2060 && codePoint <= 0x206f) ||
      (codePoint >= 0xfe00 && codePoint <= 0xfe0f) ||
      codePoint === 0xfeff ||
      (codePoint >= 0xfff0 && codePoint <= 0xfff8)
    );
  }
  return (codePoint >= 0x1bca0 && codePoint <= 0x1bca3) || (codePoint >= 0x1d173 && codePoint <= 0x1d17a) || (codePoint >= 0xe0000 && codePoint <= 0xe0fff);
}
