/**
 * Per-script rows for the README, in one interleaved run: every document rendered by this tree's
 * bundle (cold, warm, fresh-process peak RSS), optionally by an older commit's bundle and by
 * headless Chromium, round after round, so that the machine's drift (±30 % within minutes here)
 * lands on every row alike. Each figure is the median over the rounds, with its spread (min–max).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bareNodeMs, percentile, prepareBundle, prepareCommitBundle, type BundledRender } from './bundled';
import { chromiumCold, chromiumWarm, writeFactsheetHtml } from './chromium';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Renders left out of a warm process's figures: the first ones compile and optimise code. */
const WARMUP_RENDERS = 10;
const CHROMIUM_WARMUP = 2;
/** Chromium renders 1–2 s apiece on this loaded machine: a few per round are enough for a median. */
const CHROMIUM_RENDERS = 5;

export interface CompareDocument {
  readonly label: string;
  readonly file: string;
}

/**
 * One sample per script (issue #10), then the picture document (issue #11: a 2.4 MB JPEG and a
 * chart). Japanese, Korean and Traditional Chinese join when their samples exist.
 */
export const SCRIPT_DOCUMENTS: readonly CompareDocument[] = [
  { label: 'fr', file: 'content/macron-poutine-2022-02-28.yaml' },
  { label: 'en', file: 'content/macron-putin-call-en.json' },
  { label: 'ar', file: 'content/macron-putin-call-ar.yaml' },
  { label: 'he', file: 'tests/fixtures/world/he.yaml' },
  { label: 'hi', file: 'tests/fixtures/world/hi.yaml' },
  { label: 'th', file: 'tests/fixtures/world/th.yaml' },
  { label: 'zh-Hans', file: 'content/macron-putin-call-zh.yaml' },
  { label: 'ja', file: 'tests/fixtures/world/ja.yaml' },
  { label: 'ko', file: 'tests/fixtures/world/ko.yaml' },
  { label: 'zh-Hant', file: 'tests/fixtures/world/zh-Hant.yaml' },
  { label: 'picture', file: 'tests/fixtures/images/bench.yaml' },
].filter((document) => existsSync(join(root, document.file)));

interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

interface CompareRow {
  readonly label: string;
  readonly engine: string;
  readonly file: string;
  readonly pages?: number;
  readonly pdfBytes: number;
  readonly coldMs: Spread;
  /** Median of each warm process's median render. */
  readonly warmMs: Spread;
  /** Peak RSS of a process that rendered the document once (a function instance's first event). */
  readonly freshPeakRssMb?: Spread;
  /** The document's JPEGs are in the PDF byte for byte (passed through, not re-encoded). */
  readonly jpegsPassedThrough?: boolean;
}

export interface CompareOptions {
  readonly documents: readonly CompareDocument[];
  readonly rounds: number;
  readonly iterations: number;
  /** An older commit rendering the French and English samples beside this tree. */
  readonly against?: string;
  readonly chromium: boolean;
  readonly work: string;
  readonly log: (line: string) => void;
}

export interface Comparison {
  readonly rounds: number;
  readonly iterations: number;
  readonly bareNodeMs: Spread;
  /** The older commit's one-file handler bundle, which every cold start read then. */
  readonly againstBundleBytes?: number;
  readonly rows: readonly CompareRow[];
}

interface Engine {
  readonly name: string;
  readonly documents: readonly CompareDocument[];
  cold(document: CompareDocument): { ms: number; pdfBytes: number; pages?: number; peakRssMb?: number; jpegsPassedThrough?: boolean };
  warm(document: CompareDocument): Promise<number>;
}

export async function compare(options: CompareOptions): Promise<Comparison> {
  const { work, log } = options;
  const bundled = (name: string, render: BundledRender, documents: readonly CompareDocument[], out: string): Engine => ({
    name,
    documents,
    cold(document) {
      const run = render.run(join(root, document.file), 0);
      const pdf = readFileSync(out);
      return { ms: run.firstPdfMs, pdfBytes: pdf.length, pages: run.pages, peakRssMb: run.peakRssMb, jpegsPassedThrough: jpegsPassedThrough(document, pdf) };
    },
    warm(document) {
      const run = render.run(join(root, document.file), WARMUP_RENDERS + options.iterations);
      return Promise.resolve(percentile(run.repeatMs.slice(WARMUP_RENDERS), 50));
    },
  });

  const engines: Engine[] = [];
  const here = join(work, 'this');
  mkdirSync(here);
  engines.push(bundled('this tree', await prepareBundle(here), options.documents, join(here, 'bundled-render.mjs.out.pdf')));
  let againstBundleBytes: number | undefined;
  if (options.against !== undefined) {
    const there = join(work, 'against');
    mkdirSync(there);
    const older = await prepareCommitBundle(there, options.against);
    againstBundleBytes = older.bundleBytes;
    const latin = options.documents.filter((document) => document.label === 'fr' || document.label === 'en');
    engines.push(bundled(options.against, older, latin, join(there, 'bundled-render.mjs.out.pdf')));
  }
  if (options.chromium) {
    const html = join(work, 'html');
    mkdirSync(html);
    const page = (document: CompareDocument): string => join(html, `${document.label}.html`);
    for (const document of options.documents) writeFactsheetHtml(join(root, document.file), page(document));
    engines.push({
      name: 'chromium',
      documents: options.documents,
      cold: (document) => chromiumCold(page(document), join(html, `${document.label}.pdf`)),
      warm: async (document) => percentile((await chromiumWarm(page(document), CHROMIUM_WARMUP + CHROMIUM_RENDERS)).slice(CHROMIUM_WARMUP), 50),
    });
  }

  const samples = new Map<string, { cold: number[]; warm: number[]; rss: number[]; last?: ReturnType<Engine['cold']> }>();
  const bare: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    bare.push(bareNodeMs());
    // The order turns every round, so that no engine or document always runs first or last.
    const turns = engines.flatMap((engine) => engine.documents.map((document) => ({ engine, document })));
    const offset = (round * 3) % turns.length;
    for (const { engine, document } of [...turns.slice(offset), ...turns.slice(0, offset)]) {
      const key = `${engine.name}\u0000${document.label}`;
      const sample = samples.get(key) ?? { cold: [], warm: [], rss: [] };
      const cold = engine.cold(document);
      sample.cold.push(cold.ms);
      if (cold.peakRssMb !== undefined) sample.rss.push(cold.peakRssMb);
      sample.warm.push(await engine.warm(document));
      sample.last = cold;
      samples.set(key, sample);
    }
    log(`round ${round + 1} of ${options.rounds} done`);
  }

  const rows: CompareRow[] = [];
  for (const document of options.documents) {
    for (const engine of engines.filter((candidate) => candidate.documents.includes(document))) {
      const sample = samples.get(`${engine.name}\u0000${document.label}`);
      if (sample?.last === undefined) continue;
      rows.push({
        label: document.label,
        engine: engine.name,
        file: document.file,
        pages: sample.last.pages,
        pdfBytes: sample.last.pdfBytes,
        coldMs: spread(sample.cold),
        warmMs: spread(sample.warm),
        freshPeakRssMb: sample.rss.length === 0 ? undefined : spread(sample.rss),
        jpegsPassedThrough: sample.last.jpegsPassedThrough,
      });
    }
  }
  return { rounds: options.rounds, iterations: options.iterations, bareNodeMs: spread(bare), againstBundleBytes, rows };
}

function spread(values: readonly number[]): Spread {
  const round = (value: number): number => Math.round(value * 10) / 10;
  return { median: round(percentile(values, 50)), min: round(Math.min(...values)), max: round(Math.max(...values)) };
}

/** For a document with JPEG pictures: whether each JPEG file is inside its PDF unchanged (not re-encoded). */
function jpegsPassedThrough(document: CompareDocument, pdf: Buffer): boolean | undefined {
  const text = readFileSync(join(root, document.file), 'utf8');
  const jpegs = [...text.matchAll(/src:\s*(\S+\.jpe?g)/gi)].map((match) => join(root, dirname(document.file), match[1] as string));
  if (jpegs.length === 0) return undefined;
  return jpegs.every((jpeg) => pdf.includes(readFileSync(jpeg)));
}

/** The rows as the README's table: this tree beside Chromium, ratios to French. */
export function formatRows(comparison: Comparison): string[] {
  const french = comparison.rows.find((row) => row.label === 'fr' && row.engine === 'this tree');
  const cell = (value: Spread, unit: string): string => `${value.median.toFixed(0)} ${unit} (${value.min.toFixed(0)}–${value.max.toFixed(0)})`;
  const warmCell = (value: Spread): string => `${value.median.toFixed(1)} ms (${value.min.toFixed(1)}–${value.max.toFixed(1)})`;
  return comparison.rows.map((row) => {
    const ratio =
      french === undefined || row.engine !== 'this tree' ? '' : ` | ×${(row.coldMs.median / french.coldMs.median).toFixed(2)} / ×${(row.warmMs.median / french.warmMs.median).toFixed(2)}`;
    return (
      `| ${row.label} | ${row.engine === 'this tree' ? 'ours' : row.engine} | ${row.pages ?? ''} | ${cell(row.coldMs, 'ms')} | ${warmCell(row.warmMs)} | ` +
      `${row.freshPeakRssMb === undefined ? '' : cell(row.freshPeakRssMb, 'MB')} | ${row.pdfBytes}${row.jpegsPassedThrough === undefined ? '' : row.jpegsPassedThrough ? ', JPEG passed through' : ', JPEG RE-ENCODED'}${ratio} |`
    );
  });
}

export const ROW_HEADER = ['| doc | engine | pages | cold, median (min–max) | warm, median (min–max) | fresh-process peak RSS | PDF bytes | cold / warm vs French |', '|---|---|---|---|---|---|---|---|'];
