/**
 * Stands in for brotli's decoder in the function's bundle (infra/bundle-settings.ts): fontkit
 * needs it only for WOFF2 fonts, and it was 475 KB of a 1.2 MB bundle that every cold start parses.
 */
export default function decompress() {
  throw new Error('WOFF2 fonts are not supported: give the renderer the TrueType (.ttf) files');
}
