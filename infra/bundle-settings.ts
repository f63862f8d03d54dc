/**
 * The esbuild settings of the function's bundle that matter at run time, shared by the CDK
 * construct and the benchmark's bundles so that the benchmark measures what Lambda runs.
 */
import { fileURLToPath } from 'node:url';

/** pdfkit's ESM build needs import.meta.url, which a CJS bundle does not define. */
export const BUNDLE_MAIN_FIELDS = ['module', 'main'];

/** Bundled CommonJS dependencies call require() for Node built-ins; ESM has no require. */
export const BUNDLE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const shim = (file: string): string => fileURLToPath(new URL(`../lambdas/bundle-shims/${file}`, import.meta.url));

/**
 * Dependencies replaced in the bundle, because a cold start paid for them and the renderer never
 * calls them (measured in docs/performance.md, "This round: cold start"):
 * - fontkit's WOFF2 decoder: 475 KB of the 1.2 MB bundle for fonts we never ship as WOFF2;
 * - pdfkit's AES, whose tables cost 12 ms to build on import, for encryption we never ask for;
 * - unicode-trie, whose five tables (fontkit's complex-script shapers, Unicode properties,
 *   line breaking) took 39 ms to inflate on import: the lazy one inflates a table on its first use.
 * The first two throw a clear error if they are ever reached; the lazy trie answers as the real one.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  'brotli/decompress.js': shim('brotli-decompress.js'),
  '@noble/ciphers/aes': shim('noble-aes.js'),
  'unicode-trie': shim('lazy-unicode-trie.js'),
};
