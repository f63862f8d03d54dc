import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compare, formatRows, SCRIPT_DOCUMENTS } from '../bench/compare';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'cli/bench.ts', ...args], { cwd: repositoryRoot, encoding: 'utf8', timeout: 240_000 });

interface BenchFigures {
  readonly file: string;
  readonly iterations: number;
  readonly pages: number;
  readonly warmMedianMs: number;
  readonly warmP95Ms: number;
  readonly pagesPerSecond: number;
  readonly coldMs: number;
  readonly bareNodeMs: number;
  readonly peakRssMb: number;
  readonly hundredPages: { readonly pages: number; readonly medianMs: number; readonly freshProcessPeakRssMb: number };
  readonly worstAccepted: { readonly pages: number; readonly medianMs: number };
  readonly pipeline: null;
}

describe('npm run bench', () => {
  it('prints the figures of the issue as one JSON object, for any document', () => {
    // Act: few iterations, no pipeline: this checks what the bench reports, not how fast.
    const run = bench('--json', '--no-pipeline', '--iterations', '3', '--cold-runs', '1', '--file', 'content/macron-putin-call-uk.yaml');

    // Assert: the shape, then how the figures relate.
    expect(run.status, run.stderr).toBe(0);
    const figures = JSON.parse(run.stdout) as BenchFigures;
    expect(Object.keys(figures).sort()).toEqual(
      ['bareNodeMs', 'coldMs', 'file', 'hundredPages', 'iterations', 'pages', 'pagesPerSecond', 'peakRssMb', 'pipeline', 'warmMedianMs', 'warmP95Ms', 'worstAccepted'].sort(),
    );
    expect(Object.keys(figures.hundredPages).sort()).toEqual(['freshProcessPeakRssMb', 'medianMs', 'pages']);
    expect(figures).toMatchObject({ file: `${repositoryRoot}content/macron-putin-call-uk.yaml`, iterations: 3, pages: 2, pipeline: null });
    const numbers = { ...figures, ...Object.fromEntries(Object.entries(figures.hundredPages).map(([name, value]) => [`hundredPages.${name}`, value])) };
    for (const name of ['warmMedianMs', 'warmP95Ms', 'coldMs', 'bareNodeMs', 'peakRssMb', 'pagesPerSecond', 'hundredPages.medianMs', 'hundredPages.freshProcessPeakRssMb']) {
      const value = numbers[name as keyof typeof numbers];
      expect(Number.isFinite(value) && (value as number) > 0, `${name}: ${JSON.stringify(value)}`).toBe(true);
    }
    expect(figures.warmP95Ms).toBeGreaterThanOrEqual(figures.warmMedianMs);
    // pages/s is the document's pages over its median render; both are printed to 0.1, so the
    // unrounded median lies within 0.05 ms of the printed one and pages/s within 0.05 of its bounds.
    const fastest = figures.pages / ((figures.warmMedianMs - 0.05) / 1000);
    const slowest = figures.pages / ((figures.warmMedianMs + 0.05) / 1000);
    expect(figures.pagesPerSecond).toBeGreaterThanOrEqual(slowest - 0.05);
    expect(figures.pagesPerSecond).toBeLessThanOrEqual(fastest + 0.05);
    expect(figures.hundredPages.pages).toBeGreaterThanOrEqual(90);
    expect(figures.hundredPages.medianMs).toBeGreaterThan(figures.warmMedianMs);
    // A cold start is a Node start and then some: loading the renderer and writing a PDF.
    expect(figures.coldMs).toBeGreaterThan(figures.bareNodeMs);
    // Every list at its limit fills hundreds of pages; it must still finish inside the function's time.
    expect(figures.worstAccepted.pages).toBeGreaterThanOrEqual(300);
    expect(figures.worstAccepted.medianMs).toBeGreaterThan(0);
  }, 240_000);

  it('explains a bad document or argument in one message, without a stack trace', () => {
    const badDocument = bench('--json', '--no-pipeline', '--file', 'tests/fixtures/bad/alias-bomb.yaml');
    const badArgument = bench('--iterations', 'many');

    expect(badDocument.status).toBe(2);
    expect(badDocument.stderr).toMatch(/alias-bomb\.yaml:3:8: aliases \(\*b\) are used more than 100 times/);
    expect(badArgument.status).toBe(2);
    expect(badArgument.stderr.trim()).toBe('--iterations "many" is not a whole number of at least 1 (npm run bench -- --help for the usage)');
    for (const run of [badDocument, badArgument]) expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);
});

describe('npm run bench -- --scripts', () => {
  it('gives each document a row from its own runs, the picture document its JPEG passed through, Chromium beside ours', async () => {
    // Prepare: the French sample and the picture document, one short round (how fast is not checked here).
    const documents = SCRIPT_DOCUMENTS.filter((document) => document.label === 'fr' || document.label === 'picture');
    const work = mkdtempSync(join(tmpdir(), 'bench-compare-test-'));
    try {
      // Act
      const comparison = await compare({ documents, rounds: 1, iterations: 2, chromium: true, work, log: () => undefined });

      // Assert: one row per document and engine, figures from those runs.
      expect(comparison.rows.map((row) => `${row.label} ${row.engine}`)).toEqual(['fr this tree', 'fr chromium', 'picture this tree', 'picture chromium']);
      const [french, frenchChromium, picture, pictureChromium] = comparison.rows;
      expect(french).toMatchObject({ pages: 3, jpegsPassedThrough: undefined });
      const photo = readFileSync(join(repositoryRoot, 'tests/fixtures/images/photo-2mb.jpg'));
      expect(picture?.jpegsPassedThrough).toBe(true);
      expect(picture?.pdfBytes).toBeGreaterThan(photo.length);
      expect(pictureChromium?.pdfBytes).toBeGreaterThan(photo.length);
      expect(frenchChromium?.pdfBytes).toBeGreaterThan(10_000);
      for (const row of comparison.rows) {
        expect(row.coldMs.min).toBeLessThanOrEqual(row.coldMs.median);
        expect(row.warmMs.median).toBeGreaterThan(0);
        // A cold start includes a first render, which a warm one does not.
        expect(row.coldMs.median).toBeGreaterThan(row.warmMs.median);
      }
      expect(french?.freshPeakRssMb?.median).toBeGreaterThan(50);
      expect(formatRows(comparison)[2]).toMatch(/^\| picture \| ours \| 2 \| .* \| \d+, JPEG passed through \| ×[\d.]+ \/ ×[\d.]+ \|$/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 240_000);
});
