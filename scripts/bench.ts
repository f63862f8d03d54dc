/**
 * npm run bench [-- --json] [--file F] [--iterations N] [--no-pipeline]
 *
 * Warm: one process renders the document N times (median, p95, pages per second).
 * Cold: a fresh node process runs the esbuild bundle of scripts/lib/cold-render.ts, bundled and
 * started as Lambda bundles and starts the function (infra/fact-sheet-publisher.ts), until the
 * PDF is written. Also a generated 100-page document (in this process, and alone in a fresh
 * process for its peak RSS), and the local pipeline (uploads through the embedded S3 server).
 */
import './lib/node-notice';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { createRenderer } from '../lambdas/render';
import { loadFile } from '../lambdas/render/load';
import type { SourceFile } from '../lambdas/render/types';
import { HUNDRED_PAGE_SHAPE, longDocument } from './lib/long-document';
import { BUNDLE_BANNER, BUNDLE_MAIN_FIELDS } from '../infra/bundle-settings';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The function's NODE_OPTIONS (infra/fact-sheet-publisher.ts): a cold start pays for them too. */
const LAMBDA_NODE_OPTIONS = '--enable-source-maps';
const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    file: { type: 'string', default: join(root, 'content/macron-poutine-2022-02-28.yaml') },
    iterations: { type: 'string', default: '300' },
    'cold-runs': { type: 'string', default: '7' },
    'no-pipeline': { type: 'boolean', default: false },
  },
});
const iterations = Number(values.iterations);
if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`--iterations must be a positive whole number, not ${values.iterations}`);
const log = (line: string): void => {
  if (!values.json) console.log(line);
};

const renderer = await createRenderer();
const source = await loadFile(values.file);

log(`warm: ${iterations} renders of ${values.file}`);
const warm = await timeRenders(source, iterations, 10);
log(`  median ${warm.median.toFixed(1)} ms, p95 ${warm.p95.toFixed(1)} ms, ${warm.pages} pages, ${(warm.pages / (warm.median / 1000)).toFixed(0)} pages/s`);

const hundred = longDocument(HUNDRED_PAGE_SHAPE);
const hundredSource: SourceFile = { name: 'generated-100-pages.yaml', bytes: Buffer.from(hundred.yaml), modifiedAt: new Date(0) };
const long = await timeRenders(hundredSource, 5, 1);
log(`100-page document: median ${long.median.toFixed(0)} ms for ${long.pages} pages`);

const { cold, hundredAlone } = await freshProcesses(hundred.yaml);
log(`cold: new process → PDF written, median of ${cold.runs}: ${cold.median.toFixed(0)} ms (bare node -e 0: ${cold.bareNode.toFixed(0)} ms)`);
log(`100-page document alone in a fresh process, as in Lambda: peak RSS ${hundredAlone.peakRssMb.toFixed(0)} MB`);

const peakRssMb = process.resourceUsage().maxRSS / 1024;
log(`peak RSS of this process (tsx, ${iterations} + 6 renders): ${peakRssMb.toFixed(0)} MB`);

let pipeline: { factsheetsPerSecond: number; latencyP50Ms: number; latencyP95Ms: number } | null = null;
if (!values['no-pipeline']) {
  const { benchPipeline } = await import('./lib/bench-pipeline');
  log('local pipeline: 200 uploads through the embedded S3 server');
  pipeline = await benchPipeline({ uploads: 200, file: values.file });
  log(`  ${pipeline.factsheetsPerSecond.toFixed(1)} fact sheets/s, upload → PDF p50 ${pipeline.latencyP50Ms.toFixed(0)} ms, p95 ${pipeline.latencyP95Ms.toFixed(0)} ms`);
}

if (values.json) {
  console.log(
    JSON.stringify({
      file: values.file,
      iterations,
      pages: warm.pages,
      warmMedianMs: round(warm.median),
      warmP95Ms: round(warm.p95),
      pagesPerSecond: round(warm.pages / (warm.median / 1000)),
      coldMs: round(cold.median),
      bareNodeMs: round(cold.bareNode),
      peakRssMb: round(peakRssMb),
      hundredPages: { pages: long.pages, medianMs: round(long.median), freshProcessPeakRssMb: round(hundredAlone.peakRssMb) },
      pipeline,
    }),
  );
}

async function timeRenders(file: SourceFile, runs: number, warmup: number): Promise<{ median: number; p95: number; pages: number }> {
  let pages = 0;
  for (let i = 0; i < warmup; i++) pages = (await renderer.render(file)).pages;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    pages = (await renderer.render(file)).pages;
    times.push(performance.now() - started);
  }
  return { median: percentile(times, 50), p95: percentile(times, 95), pages };
}

/** Cold starts of the sample, and the 100-page document rendered alone, each in a new process. */
async function freshProcesses(hundredYaml: string) {
  const work = mkdtempSync(join(tmpdir(), 'factsheet-bench-'));
  try {
    const bundle = await buildColdRender(work);
    const hundredFile = join(work, hundredSource.name);
    writeFileSync(hundredFile, hundredYaml);
    return {
      cold: coldStart(bundle, values.file, Number(values['cold-runs'])),
      hundredAlone: runColdRender(bundle, hundredFile).report,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The function's bundling, as infra/fact-sheet-publisher.ts configures it (esbuild through CDK):
 * minified ESM with a linked source map, module entry points first, a require() for bundled
 * CommonJS. Only the target differs: Lambda runs Node 22, this bundle runs on this machine.
 */
async function buildColdRender(directory: string): Promise<string> {
  const bundle = join(directory, 'cold-render.mjs');
  await build({
    entryPoints: [join(root, 'scripts/lib/cold-render.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    mainFields: BUNDLE_MAIN_FIELDS,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    banner: { js: BUNDLE_BANNER },
    logLevel: 'error',
  });
  return bundle;
}

function runColdRender(bundle: string, file: string): { ms: number; report: { pages: number; peakRssMb: number } } {
  const started = performance.now();
  const child = spawnSync(process.execPath, [bundle, resolve(file), join(dirname(bundle), 'out.pdf'), join(root, 'templates'), join(root, 'lambdas/fonts')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: LAMBDA_NODE_OPTIONS },
  });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`cold render of ${file} failed: ${child.stderr.toString()}`);
  return { ms, report: JSON.parse(child.stdout.toString()) as { pages: number; peakRssMb: number } };
}

function coldStart(bundle: string, file: string, runs: number): { median: number; bareNode: number; runs: number } {
  const times: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, ['-e', '0']);
    bare.push(performance.now() - started);
    if (child.status !== 0) throw new Error(`node -e 0 failed: ${child.stderr.toString()}`);
    times.push(runColdRender(bundle, file).ms);
  }
  return { median: percentile(times, 50), bareNode: percentile(bare, 50), runs };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
