/**
 * How the function's code is bundled, shared by the CDK construct and the benchmark's bundles so
 * that the benchmark measures what Lambda runs.
 */
import { copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync, type Metafile } from 'esbuild';

/** pdfkit's ESM build needs import.meta.url, which a CJS bundle does not define. */
const BUNDLE_MAIN_FIELDS = ['module', 'main'];

/** Bundled CommonJS dependencies call require() for Node built-ins; ESM has no require. */
const BUNDLE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));
const shim = (file: string): string => join(REPOSITORY_ROOT, 'lambdas/bundle-shims', file);

/**
 * Dependencies replaced in the bundle, because a cold start paid for them and the renderer never
 * calls them (measured in docs/performance.md, "This round: cold start"):
 * - fontkit's WOFF2 decoder: 475 KB of the 1.2 MB bundle for fonts we never ship as WOFF2;
 * - pdfkit's AES, whose tables cost 12 ms to build on import, for encryption we never ask for;
 * - unicode-trie, whose five tables (fontkit's complex-script shapers, Unicode properties,
 *   line breaking) took 39 ms to inflate on import: the lazy one inflates a table on its first use;
 * - linkify-it, 11 KB of the CommonMark parser's chunk that every French sample with `**…**` reads,
 *   which markdown-it constructs but calls only with its `linkify` option, off in our preset.
 * The first two and the last throw a clear error if they are ever reached; the lazy trie answers as the real one.
 */
const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  'brotli/decompress.js': shim('brotli-decompress.js'),
  '@noble/ciphers/aes': shim('noble-aes.js'),
  'unicode-trie': shim('lazy-unicode-trie.js'),
  'linkify-it': shim('linkify-it.js'),
};

/**
 * Where the chunks go, beside the entry points: each `import()` of the source (the renderer, the
 * CommonMark parser, HarfBuzz, bidi-js, pictures, the QR code, the AWS SDK's rarer credential
 * providers) becomes a file of its own that is read and compiled only when a document needs it.
 */
export const CHUNKS_DIRECTORY = 'chunks';
/** HarfBuzz's WebAssembly, which its module reads from beside itself (`import.meta.url`). */
const HARFBUZZ_WASM = join(REPOSITORY_ROOT, 'node_modules/harfbuzzjs/dist/harfbuzz.wasm');
const HARFBUZZ_MODULE = /node_modules\/harfbuzzjs\/dist\/index\.mjs$/;

export interface FunctionBundleOptions {
  /** Output name (without extension) → source file. */
  readonly entryPoints: Readonly<Record<string, string>>;
  readonly outputDirectory: string;
  /** esbuild's target, e.g. `node22`. */
  readonly target: string;
}

/**
 * Bundles the entry points as minified ESM split into chunks at every dynamic `import()`, with
 * linked source maps, and puts HarfBuzz's WebAssembly beside the chunk that loads it. CDK's
 * NodejsFunction cannot do this (it always writes a single `--outfile`): with one file, every cold
 * start parsed the code of every script and format (docs/performance.md, "Chunks").
 * Returns esbuild's metafile, which says what each output file holds.
 */
export function bundleFunction(options: FunctionBundleOptions): Metafile {
  const { metafile } = buildSync({
    entryPoints: options.entryPoints,
    outdir: options.outputDirectory,
    entryNames: '[name]',
    chunkNames: `${CHUNKS_DIRECTORY}/[name]-[hash]`,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: options.target,
    mainFields: BUNDLE_MAIN_FIELDS,
    alias: BUNDLE_ALIASES,
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    banner: { js: BUNDLE_BANNER },
    metafile: true,
    logLevel: 'error',
  });
  const harfBuzzChunk = Object.entries(metafile.outputs).find(([, output]) => Object.keys(output.inputs).some((input) => HARFBUZZ_MODULE.test(input)));
  if (harfBuzzChunk === undefined) throw new Error('the bundle has no chunk holding harfbuzzjs: where would its WebAssembly go?');
  // esbuild names its outputs relative to the working directory.
  copyFileSync(HARFBUZZ_WASM, join(dirname(resolve(harfBuzzChunk[0])), 'harfbuzz.wasm'));
  return metafile;
}
