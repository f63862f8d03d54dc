import { vi } from 'vitest';

export interface EmfLine {
  readonly _aws: { readonly CloudWatchMetrics: unknown[] };
  readonly [field: string]: unknown;
}

/** The embedded-metric-format objects among what was written (log lines are JSON too). */
export function emfLines(chunks: readonly string[]): EmfLine[] {
  return chunks
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

/**
 * Keeps a copy of everything written to standard output, where Powertools writes EMF, still
 * writing it through; `vi.restoreAllMocks()` ends it.
 */
export function captureStdout(): string[] {
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    written.push(String(chunk));
    return write(chunk, ...(rest as []));
  });
  return written;
}
