/**
 * The encoder alone of the `qrcode` package: its main module also loads the PNG, SVG and terminal
 * renderers (with pngjs), which the function never uses. @types/qrcode describes only the main module.
 */
declare module 'qrcode/lib/core/qrcode.js' {
  export function create(
    text: string,
    options?: { readonly errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' },
  ): { readonly modules: { readonly size: number; readonly data: Uint8Array } };
}
