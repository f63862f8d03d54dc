/** The fonts room's one entry point: what the layout and draw stages and the renderer use. */
export { isRightToLeft, leftmostBaseFirst } from './harfbuzz';
export { isInvisible, REPLACEMENT_CHARACTER } from './coverage';
export type { PunctuationSpacing } from './punctuation';
export { hanLanguage } from './scripts';
export { type BrandFace, readBrandFace, withBrandFont } from './brand';
export { DEFAULT_FONTS_DIR, loadFonts } from './load';
export { type EmbeddedFont, FontLoadError, type FontSet, type FontVariant, type GlyphRun, type ScriptFont } from './types';
