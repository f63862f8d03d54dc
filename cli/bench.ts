/**
 * npm run bench [-- --json] [--file F] [--iterations N] [--no-pipeline]
 * npm run bench -- --scripts [--against COMMIT] [--chromium] [--rounds N] [--json]
 *
 * Every render figure comes from what Lambda runs: bench/bundled-render.ts, bundled as
 * infra/fact-sheet-publisher.ts bundles the function (same esbuild settings, templates compiled
 * as at deployment), started in a fresh node process with the function's NODE_OPTIONS.
 * Warm: one such process renders the document N times (median, p95, pages per second).
 * Cold: new process → first PDF written. Also a generated 100-page document, the worst document the
 * limits accept (every list at its limit), and the local pipeline
 * (uploads through the embedded S3 server, in this process, as `npm start` runs it).
 * --scripts: the README's per-script rows instead (bench/compare.ts), beside an older commit and
 * headless Chromium, interleaved.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bareNodeMs, BundledRenderError, percentile, prepareBundle, type BundledRender } from '../bench/bundled';
import { compare, formatRows, ROW_HEADER, SCRIPT_DOCUMENTS } from '../bench/compare';
import { HUNDRED_PAGE_SHAPE, longDocument, worstDocument } from '../bench/long-document';
import { DEFAULT_LIMITS, DOCUMENT_LIMITS } from '../lambdas/render';
import { parseCommand, runCommand, UsageError, wholeNumber } from '../client/command';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Renders left out of the warm figures: the first ones in a process compile and optimise code. */
const WARMUP_RENDERS = 10;
const USAGE = `Usage: npm run bench [-- options]
Render figures in the function's own bundle (warm, cold, 100 pages), then the local pipeline.
Options:
  --file F          the document to render (default content/macron-poutine-2022-02-28.yaml)
  --iterations N    warm renders to time (default 300)
  --cold-runs N     cold starts to time (default 7)
  --no-pipeline     leave out the 200 uploads through the local S3 server
  --scripts         instead: one row per script sample and the picture document (cold,
                    warm, fresh-process peak RSS, PDF bytes), interleaved over --rounds rounds
  --against COMMIT  with --scripts: the French and English samples also by COMMIT's bundle
  --chromium        with --scripts: the same pages as HTML through headless Chromium
  --only LABELS     with --scripts: these rows only, e.g. fr,en (labels: ${SCRIPT_DOCUMENTS.map((document) => document.label).join(', ')})
  --rounds N        with --scripts: rounds (default 5); --iterations is then per warm process
                    (default 40)
  --json            one JSON object on standard output instead of the lines
  --debug           stack traces for unexpected errors (also DEBUG=1)`;
const { values } = parseCommand({
  invocation: 'npm run bench --',
  usage: USAGE,
  options: {
    json: { type: 'boolean', default: false },
    file: { type: 'string', default: join(root, 'content/macron-poutine-2022-02-28.yaml') },
    iterations: { type: 'string' },
    scripts: { type: 'boolean', default: false },
    against: { type: 'string' },
    chromium: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '5' },
    only: { type: 'string' },
    'cold-runs': { type: 'string', default: '7' },
    'no-pipeline': { type: 'boolean', default: false },
  },
});
const log = (line: string): void => {
  if (!values.json) console.log(line);
};

await runCommand(async () => {
  try {
    return values.scripts ? await scriptRows() : await oneDocument();
  } catch (error) {
    // A document the bundled renderer refuses: its message is the whole story.
    if (!(error instanceof BundledRenderError)) throw error;
    console.error(error.message);
    return 2;
  }
});

async function scriptRows(): Promise<void> {
  const rounds = wholeNumber('--rounds', values.rounds, 1);
  const iterations = wholeNumber('--iterations', values.iterations ?? '40', 1);
  const work = mkdtempSync(join(tmpdir(), 'factsheet-bench-'));
  try {
    const only = values.only?.split(',');
    const documents = only === undefined ? SCRIPT_DOCUMENTS : SCRIPT_DOCUMENTS.filter((document) => only.includes(document.label));
    if (documents.length === 0) throw new UsageError(`--only ${String(values.only)}: no such rows`);
    const comparison = await compare({ documents, rounds, iterations, against: values.against, chromium: values.chromium, work, log });
    if (values.json) console.log(JSON.stringify(comparison));
    else {
      log(`bare node -e 0: median ${comparison.bareNodeMs.median} ms (${comparison.bareNodeMs.min}–${comparison.bareNodeMs.max})`);
      if (comparison.againstBundleBytes !== undefined) log(`${String(values.against)}'s one-file bundle: ${comparison.againstBundleBytes} bytes`);
      for (const line of [...ROW_HEADER, ...formatRows(comparison)]) log(line);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function oneDocument(): Promise<void> {
  const iterations = wholeNumber('--iterations', values.iterations ?? '300', 1);
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
}



function summarise(times: readonly number[]): { median: number; p95: number } {
  return { median: percentile(times, 50), p95: percentile(times, 95) };
}

function coldStart(bundled: BundledRender, document: string, runs: number): { median: number; bareNode: number; runs: number } {
  const times: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(bareNodeMs());
    times.push(bundled.run(document, 0).firstPdfMs);
  }
  return { median: percentile(times, 50), bareNode: percentile(bare, 50), runs };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
