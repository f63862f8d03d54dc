/**
 * The local pipeline under load: N uploads through the embedded S3 server, each handled by the
 * publisher as in AWS (event → handler → S3 reads and writes over HTTP), timed from the start of
 * the upload to the end of the invocation that stored its fact sheet.
 *
 * Closed loop: a few clients each upload, wait for their fact sheet, and upload the next. A burst
 * of all N at once would measure the length of the queue rather than the pipeline.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLimiter } from '../lambdas/publisher/concurrency';
import { decodeEventKey } from '../lambdas/publisher/keys';
import type { PublishResult } from '../lambdas/publisher/publisher';
import { type Bucket, uploadSource } from '../client/bucket-client';
import { findPictures } from '../client/render-files';
import type { InvocationReport } from '../emulator/local-s3';
import { startLocalPublisher } from '../emulator/local-publisher';

export interface PipelineBenchOptions {
  readonly uploads: number;
  /** The document uploaded N times under different keys. */
  readonly file: string;
  /** Clients uploading at once; as many as the adapter runs invocations. @default 4 */
  readonly clients?: number;
}

export interface PipelineBenchResult {
  readonly factsheetsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
}

export async function benchPipeline(options: PipelineBenchOptions): Promise<PipelineBenchResult> {
  const directory = await mkdtemp(join(tmpdir(), 'factsheet-bench-'));
  const clients = options.clients ?? 4;
  const waiting = new Map<string, (outcome: { finishedAt: number } | { error: string }) => void>();
  const local = await startLocalPublisher({
    bucket: 'factsheet-bench',
    directory,
    port: 0,
    concurrency: clients,
    onInvoked: (report: InvocationReport<PublishResult>) => {
      for (const record of report.event.Records) {
        const key = decodeEventKey(record.s3.object.key);
        if ('error' in report) {
          waiting.get(key)?.({ error: `${key}: ${String(report.error)}` });
          continue;
        }
        const outcome = report.result.records.find((candidate) => 'sourceKey' in candidate && candidate.sourceKey === key);
        waiting.get(key)?.(outcome?.status === 'published' ? { finishedAt: report.finishedAt } : { error: `${key}: ${outcome?.status}` });
      }
    },
  });
  try {
    const bucket: Bucket = { s3: local.localS3.client, name: local.localS3.bucket, layout: local.config.layout };
    const bytes = await readFile(options.file);
    const extension = extname(options.file);
    const stem = basename(options.file, extension);

    const publish = async (key: string): Promise<{ startedAt: number; finishedAt: number }> => {
      const answered = new Promise<{ finishedAt: number } | { error: string }>((resolve) => waiting.set(key, resolve));
      const startedAt = performance.now();
      await uploadSource(bucket, key, bytes);
      const answer = await answered;
      waiting.delete(key);
      if ('error' in answer) throw new Error(`the pipeline benchmark could not publish ${answer.error}`);
      return { startedAt, finishedAt: answer.finishedAt };
    };

    // Every copy sits where the document does, among its pictures, so that its relative `src` resolve.
    await uploadPictures(bucket, dirname(options.file));
    // The first render in a process costs 10–20 warm ones: keep it out of the figures.
    await publish(`${bucket.layout.contentPrefix}bench-warm-up${extension}`);

    const keys = Array.from({ length: options.uploads }, (_, index) => `${bucket.layout.contentPrefix}bench-${stem}-${index}${extension}`);
    const limit = createLimiter(clients);
    const timings = await Promise.all(keys.map((key) => limit(() => publish(key))));

    const latencies = timings.map((timing) => timing.finishedAt - timing.startedAt).sort((a, b) => a - b);
    const first = Math.min(...timings.map((timing) => timing.startedAt));
    const last = Math.max(...timings.map((timing) => timing.finishedAt));
    return {
      factsheetsPerSecond: timings.length / ((last - first) / 1000),
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP95Ms: percentile(latencies, 0.95),
    };
  } finally {
    await local.close();
    await rm(directory, { recursive: true, force: true });
  }
}

/** The pictures in and under the document's folder, at the same places under the bucket's content prefix. */
async function uploadPictures(bucket: Bucket, directory: string): Promise<void> {
  const pictures = await findPictures(directory);
  await Promise.all(pictures.map(async (path) => uploadSource(bucket, `${bucket.layout.contentPrefix}${relative(directory, path)}`, await readFile(path))));
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}
