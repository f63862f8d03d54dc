import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'cli/bench.ts', ...args], { cwd: repositoryRoot, encoding: 'utf8', timeout: 120_000 });

describe('npm run bench', () => {
  it('prints the figures of the issue as one JSON object, for any document', () => {
    // Act: few iterations, no pipeline: this checks what the bench reports, not how fast.
    const run = bench('--json', '--no-pipeline', '--iterations', '3', '--cold-runs', '1', '--file', 'content/macron-putin-call-uk.yaml');

    // Assert
    expect(run.status, run.stderr).toBe(0);
    const figures = JSON.parse(run.stdout) as Record<string, unknown> & { hundredPages: Record<string, number> };
    expect(figures).toMatchObject({ file: `${repositoryRoot}content/macron-putin-call-uk.yaml`, iterations: 3, pages: 2, pipeline: null });
    for (const name of ['warmMedianMs', 'warmP95Ms', 'coldMs', 'bareNodeMs', 'peakRssMb', 'pagesPerSecond']) {
      expect(figures[name], name).toBeGreaterThan(0);
    }
    expect(figures.warmP95Ms as number).toBeGreaterThanOrEqual(figures.warmMedianMs as number);
    expect(figures.hundredPages.pages).toBeGreaterThanOrEqual(90);
    expect(figures.hundredPages.medianMs).toBeGreaterThan(0);
    expect(figures.hundredPages.freshProcessPeakRssMb).toBeGreaterThan(0);
  }, 120_000);

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
