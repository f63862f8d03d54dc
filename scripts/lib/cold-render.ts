/**
 * One render in a fresh process, as a Lambda cold start does it: load fonts and templates,
 * render, write. The benchmark bundles this file with esbuild and times new process → PDF written.
 * usage: node cold-render.mjs <document> <out.pdf> <templatesDir> <fontsDir>
 * Prints {"pages", "peakRssMb"} on standard output: the memory a function instance needs for it.
 */
import { writeFileSync } from 'node:fs';
import { createRenderer } from '../../lambdas/render';
import { loadFile } from '../../lambdas/render/load';

const [document, out, templatesDir, fontsDir] = process.argv.slice(2);
if (!document || !out || !templatesDir || !fontsDir) {
  console.error('usage: cold-render <document> <out.pdf> <templatesDir> <fontsDir>');
  process.exit(2);
}
const renderer = await createRenderer({ templatesDir, fontsDir });
const result = await renderer.render(await loadFile(document));
writeFileSync(out, result.pdf);
console.log(JSON.stringify({ pages: result.pages, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
