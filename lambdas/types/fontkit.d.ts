// fontkit ships no type declarations; lambdas/render/fonts/types.ts declares the part it uses.
declare module 'fontkit' {
  export function create(buffer: Uint8Array, postscriptName?: string): unknown;
}
