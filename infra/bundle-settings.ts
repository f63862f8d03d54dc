/**
 * The esbuild settings of the function's bundle that matter at run time, shared by the CDK
 * construct and the benchmark's cold-start bundle so that the benchmark measures what Lambda runs.
 */

/** pdfkit's ESM build needs import.meta.url, which a CJS bundle does not define. */
export const BUNDLE_MAIN_FIELDS = ['module', 'main'];

/** Bundled CommonJS dependencies call require() for Node built-ins; ESM has no require. */
export const BUNDLE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
