/**
 * npm run bench [-- --json] [--file F] [--iterations N] [--no-pipeline]
 *
 * Every render figure comes from what Lambda runs: bench/bundled-render.ts, bundled as
 * infra/fact-sheet-publisher.ts bundles the function (same esbuild settings, templates compiled
 * as at deployment), started in a fresh node process with the function's NODE_OPTIONS.
 * Warm: one such process renders the document N times (median, p95, pages per second).
 * Cold: new process → first PDF written. Also a generated 100-page document, the worst document the
 * limits accept (every list at its limit), and the local pipeline
 * (uploads through the embedded S3 server, in this process, as `npm start` runs it).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPILED_TEMPLATES_FILE, compileTemplates } from '../lambdas/render/template';
import { HUNDRED_PAGE_SHAPE, longDocument, worstDocument } from '../bench/long-document';
import { DEFAULT_LIMITS, DOCUMENT_LIMITS } from '../lambdas/render';
import { bundleFunction } from '../infra/bundle-settings';
import { parseCommand, runCommand, wholeNumber } from '../client/command';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The function's NODE_OPTIONS (infra/fact-sheet-publisher.ts): a cold start pays for them too. */
const LAMBDA_NODE_OPTIONS = '--enable-source-maps';
/** Renders left out of the warm figures: the first ones in a process compile and optimise code. */
const WARMUP_RENDERS = 10;
const USAGE = `Usage: npm run bench [-- options]
Render figures in the function's own bundle (warm, cold, 100 pages), then the local pipeline.
Options:
  --file F          the document to render (default content/macron-poutine-2022-02-28.yaml)
  --iterations N    warm renders to time (default 300)
  --cold-runs N     cold starts to time (default 7)
  --no-pipeline     leave out the 200 uploads through the local S3 server
  --json            one JSON object on standard output instead of the lines
  --debug           stack traces for unexpected errors (also DEBUG=1)`;
const { values } = parseCommand({
  invocation: 'npm run bench --',
  usage: USAGE,
  options: {
    json: { type: 'boolean', default: false },
    file: { type: 'string', default: join(root, 'content/macron-poutine-2022-02-28.yaml') },
    iterations: { type: 'string', default: '300' },
    'cold-runs': { type: 'string', default: '7' },
    'no-pipeline': { type: 'boolean', default: false },
  },
});
const log = (line: string): void => {
  if (!values.json) console.log(line);
};

await runCommand(async () => {
  const iterations = wholeNumber('--iterations', values.iterations, 1);
  const coldRuns = wholeNumber('--cold-runs', values['cold-runs'], 1);
  const file = resolve(values.file);

  const work = mkdtempSync(join(tmpdir(), 'factsheet-bench-'));
  let figures;
  try {
    const bundled = await prepareBundle(work);

    log(`warm: ${iterations} renders of ${file} in one process`);
    const warmRun = bundled.run(file, WARMUP_RENDERS + iterations);
    const warm = summarise(warmRun.repeatMs.slice(WARMUP_RENDERS));
    log(`  median ${warm.median.toFixed(1)} ms, p95 ${warm.p95.toFixed(1)} ms, ${warmRun.pages} pages, ${(warmRun.pages / (warm.median / 1000)).toFixed(0)} pages/s`);
    log(`  peak RSS of that process: ${warmRun.peakRssMb.toFixed(0)} MB`);

    const hundredFile = join(work, 'generated-100-pages.yaml');
    writeFileSync(hundredFile, longDocument(HUNDRED_PAGE_SHAPE).yaml);
    const longRun = bundled.run(hundredFile, 6);
    const long = summarise(longRun.repeatMs.slice(1));
    log(`100-page document: median ${long.median.toFixed(0)} ms for ${longRun.pages} pages`);
    const hundredAlone = bundled.run(hundredFile, 0);
    log(`100-page document alone in a fresh process, as in Lambda: peak RSS ${hundredAlone.peakRssMb.toFixed(0)} MB`);

    const worstFile = join(work, 'worst-accepted.yaml');
    writeFileSync(worstFile, worstDocument({ maxListItems: DOCUMENT_LIMITS.maxListItems, maxBytes: DEFAULT_LIMITS.maxBytes }));
    const worstRun = bundled.run(worstFile, 2);
    const worst = summarise(worstRun.repeatMs.slice(1));
    log(`worst accepted document (every list at its limit, ${DEFAULT_LIMITS.maxBytes} bytes): median ${worst.median.toFixed(0)} ms for ${worstRun.pages} pages`);

    const cold = coldStart(bundled, file, coldRuns);
    log(`cold: new process → first PDF written, median of ${cold.runs}: ${cold.median.toFixed(0)} ms (bare node -e 0, to its exit: ${cold.bareNode.toFixed(0)} ms)`);
    figures = { warm, warmRun, long, longRun, hundredAlone, worst, worstRun, cold };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  let pipeline: { factsheetsPerSecond: number; latencyP50Ms: number; latencyP95Ms: number } | null = null;
  if (!values['no-pipeline']) {
    const { benchPipeline } = await import('../bench/bench-pipeline');
    log('local pipeline: 200 uploads through the embedded S3 server');
    pipeline = await benchPipeline({ uploads: 200, file });
    log(`  ${pipeline.factsheetsPerSecond.toFixed(1)} fact sheets/s, upload → PDF p50 ${pipeline.latencyP50Ms.toFixed(0)} ms, p95 ${pipeline.latencyP95Ms.toFixed(0)} ms`);
  }

  if (values.json) {
    const { warm, warmRun, long, longRun, hundredAlone, worst, worstRun, cold } = figures;
    console.log(
      JSON.stringify({
        file,
        iterations,
        pages: warmRun.pages,
        warmMedianMs: round(warm.median),
        warmP95Ms: round(warm.p95),
        pagesPerSecond: round(warmRun.pages / (warm.median / 1000)),
        coldMs: round(cold.median),
        bareNodeMs: round(cold.bareNode),
        peakRssMb: round(warmRun.peakRssMb),
        hundredPages: { pages: longRun.pages, medianMs: round(long.median), freshProcessPeakRssMb: round(hundredAlone.peakRssMb) },
        worstAccepted: { pages: worstRun.pages, medianMs: round(worst.median) },
        pipeline: pipeline && {
          factsheetsPerSecond: round(pipeline.factsheetsPerSecond),
          latencyP50Ms: round(pipeline.latencyP50Ms),
          latencyP95Ms: round(pipeline.latencyP95Ms),
        },
      }),
    );
  }
});

interface BundledRun {
  readonly pages: number;
  readonly peakRssMb: number;
  readonly repeatMs: readonly number[];
  /**
   * New process → first PDF written. The process's exit after it is left out: tearing down a
   * heap takes 10–40 ms here, and a function instance does not exit after its first event.
   */
  readonly firstPdfMs: number;
}

interface BundledRender {
  run(document: string, repeats: number): BundledRun;
}

/**
 * The function's bundling, as infra/fact-sheet-publisher.ts configures it (esbuild through CDK,
 * settings from infra/bundle-settings.ts, templates compiled beside the bundle). Only the target
 * differs: Lambda runs Node 22, this bundle runs on this machine.
 */
async function prepareBundle(directory: string): Promise<BundledRender> {
  bundleFunction({
    entryPoints: { 'bundled-render': join(root, 'bench/bundled-render.ts') },
    outputDirectory: directory,
    target: `node${process.versions.node.split('.')[0]}`,
  });
  const bundle = join(directory, 'bundled-render.mjs');
  const templates = join(directory, 'templates');
  cpSync(join(root, 'templates'), templates, { recursive: true });
  writeFileSync(join(templates, COMPILED_TEMPLATES_FILE), JSON.stringify(await compileTemplates(templates)));
  return {
    run(document, repeats) {
      const started = performance.timeOrigin + performance.now();
      const child = spawnSync(
        process.execPath,
        [bundle, document, join(directory, 'out.pdf'), templates, join(root, 'lambdas/fonts'), String(repeats)],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: LAMBDA_NODE_OPTIONS }, maxBuffer: 64 * 1024 * 1024 },
      );
      if (child.status !== 0) {
        rmSync(directory, { recursive: true, force: true });
        fail(`the bundled render of ${document} failed: ${child.stderr.toString().trim()}`);
      }
      const { writtenAt, ...run } = JSON.parse(child.stdout.toString()) as Omit<BundledRun, 'firstPdfMs'> & { writtenAt: number };
      return { ...run, firstPdfMs: writtenAt - started };
    },
  };
}

/** A mistake in the document: the message says what, without a stack trace. */
function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function summarise(times: readonly number[]): { median: number; p95: number } {
  return { median: percentile(times, 50), p95: percentile(times, 95) };
}

function coldStart(bundled: BundledRender, document: string, runs: number): { median: number; bareNode: number; runs: number } {
  const times: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, ['-e', '0']);
    bare.push(performance.now() - started);
    if (child.status !== 0) throw new Error(`node -e 0 failed: ${child.stderr.toString()}`);
    times.push(bundled.run(document, 0).firstPdfMs);
  }
  return { median: percentile(times, 50), bareNode: percentile(bare, 50), runs };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
