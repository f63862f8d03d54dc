/**
 * Brings the bucket back to what content/ says: every source gets its answer (a fact sheet or an
 * error report) from this publisher version and this upload, and every output whose source is
 * gone is removed.
 *
 * Uploads whose notification was lost (the local server was down, the failure queue expired)
 * are found and handed to the publisher exactly as republish does; outputs left behind by a lost
 * removal are deleted here, each by the ETag it was listed with and only after the source is
 * read again, so that an upload made meanwhile keeps what its own invocation writes.
 */
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { DEFAULT_KEY_LAYOUT, documentPathOf, type KeyLayout } from './keys';
import { isPreconditionFailed } from './s3';
import { PublisherStore } from './store';
import { republish, type RepublishOptions, type RepublishReport } from './republish';

export interface ReconcileOptions extends RepublishOptions {
  /** Called once per orphan looked at, after the sources are done. */
  onOrphansProgress?(done: number, total: number): void;
}

export interface ReconcileReport extends RepublishReport {
  /** Outputs removed because no source publishes to them any more, with the source they recorded. */
  readonly removed: { readonly key: string; readonly sourceKey: string }[];
  /** Outputs with no source that the publisher did not write (no source-key metadata): left alone. */
  readonly foreign: string[];
}

export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const sources = await republish(options);
  const layout: KeyLayout = { ...DEFAULT_KEY_LAYOUT, contentPrefix: options.contentPrefix ?? DEFAULT_KEY_LAYOUT.contentPrefix };
  const store = new PublisherStore(options.s3, options.bucket, layout);
  const documentPaths = new Set(
    [...sources.republished, ...sources.upToDate, ...sources.failed.map((failure) => failure.key)].map((key) =>
      documentPathOf(key, layout),
    ),
  );

  const candidates: string[] = [];
  for (const [prefix, extension] of [
    [layout.factsheetsPrefix, '.pdf'],
    [layout.errorsPrefix, '.json'],
  ] as const) {
    for await (const page of paginateListObjectsV2({ client: options.s3 }, { Bucket: options.bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? '';
        if (!key.endsWith(extension)) continue;
        if (!documentPaths.has(key.slice(prefix.length, -extension.length))) candidates.push(key);
      }
    }
  }

  const removed: { key: string; sourceKey: string }[] = [];
  const foreign: string[] = [];
  const failed = [...sources.failed];
  let done = 0;
  options.onOrphansProgress?.(done, candidates.length);
  for (const key of candidates) {
    try {
      const output = await store.headOutput(key);
      if (output?.sourceKey === undefined) {
        if (output !== null) foreign.push(key);
      } else if ((await store.headSource(output.sourceKey)) === null) {
        await store.deleteOutput(output);
        removed.push({ key, sourceKey: output.sourceKey });
      }
    } catch (error) {
      // Rewritten since it was listed: whoever wrote it is answering a source that exists.
      if (!isPreconditionFailed(error)) failed.push({ key, error: error instanceof Error ? error.message : String(error) });
    }
    done += 1;
    options.onOrphansProgress?.(done, candidates.length);
  }
  return { ...sources, failed, removed, foreign: foreign.sort() };
}
