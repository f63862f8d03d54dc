/** Which code points the embedded fonts can draw. */

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
