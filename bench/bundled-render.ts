/**
 * The benchmark's stand-in for the function: bundled by cli/bench.ts as Lambda bundles the
 * handler, run in a fresh process. Loads fonts and templates, renders the document once and
 * writes the PDF, as a cold start does; then renders it `repeats` more times, as a warm
 * instance does, timing each.
 * usage: node bundled-render.mjs <document> <out.pdf> <templatesDir> <fontsDir> [repeats]
 * Prints {"pages", "peakRssMb", "repeatMs", "writtenAt"} on standard output; `writtenAt` is when
 * the first PDF was written, in milliseconds since the epoch (performance.timeOrigin's clock).
 */
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { folderImages } from '../client/image-files';
import { ContentError, createRenderer, loadFile } from '../lambdas/render';

const [document, out, templatesDir, fontsDir, repeatArgument = '0'] = process.argv.slice(2);
const repeats = Number(repeatArgument);
if (!document || !out || !templatesDir || !fontsDir || !Number.isInteger(repeats) || repeats < 0) {
  console.error('usage: bundled-render <document> <out.pdf> <templatesDir> <fontsDir> [repeats]');
  process.exit(2);
}
const renderer = await createRenderer({ templatesDir, fontsDir });
const source = await loadFile(document).catch(exitWithMessage);
// Pictures beside the document, read again for every render as the function reads them from the bucket.
const options = { images: folderImages(dirname(document), document) };
const result = await renderer.render(source, options).catch(exitWithMessage);
writeFileSync(out, result.pdf);
const writtenAt = performance.timeOrigin + performance.now();

const repeatMs: number[] = [];
for (let i = 0; i < repeats; i++) {
  const started = performance.now();
  await renderer.render(source, options);
  repeatMs.push(performance.now() - started);
}
console.log(JSON.stringify({ pages: result.pages, peakRssMb: process.resourceUsage().maxRSS / 1024, repeatMs, writtenAt }));

/** A document the renderer refuses: its message is the whole story for the benchmark. */
function exitWithMessage(error: unknown): never {
  if (!(error instanceof ContentError)) throw error;
  console.error(error.message);
  process.exit(1);
}
