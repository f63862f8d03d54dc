/**
 * Brings the bucket back to what content/ says: every source gets its answer (a fact sheet or an
 * error report) from this publisher version and this upload, and every output whose source is
 * gone is removed.
 *
 * Uploads whose notification was lost (the local server was down, the failure queue expired)
 * are found and handed to the publisher exactly as republish does; outputs left behind by a lost
 * removal are deleted here, each by the ETag it was listed with and only after the source is
 * read again, so that an upload made meanwhile keeps what its own invocation writes.
 *
 * Run by `npm run publish -- --reconcile` and `npm run dev` in one go, and by the scheduled
 * invocation in Lambda in bounded steps: each step stops at its deadline and says where the next
 * one starts (`continueFrom`).
 */
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { DEFAULT_KEY_LAYOUT, documentPathOf, type KeyLayout } from './keys';
import { isPreconditionFailed } from './s3';
import { PublisherStore } from './store';
import { republish, type RepublishOptions, type RepublishReport } from './republish';

/** Where a reconcile stopped: still among the sources, or among the outputs, after `after`. */
export type ReconcileCursor = { readonly stage: 'sources' | 'outputs'; readonly after: string };

export interface ReconcileOptions extends Omit<RepublishOptions, 'startAfter'> {
  /** Called once per orphan looked at, after the sources are done. */
  onOrphansProgress?(done: number, total: number): void;
  /** Continues a run that stopped there. @default from the first source */
  readonly cursor?: ReconcileCursor;
}

export interface ReconcileReport extends RepublishReport {
  /** Outputs removed because no source publishes to them any more, with the source they recorded. */
  readonly removed: { readonly key: string; readonly sourceKey: string }[];
  /** Outputs with no source that the publisher did not write (no source-key metadata): left alone. */
  readonly foreign: string[];
  /** Set when a bound stopped the run: the next run continues from there. */
  readonly continueFrom?: ReconcileCursor;
}

export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const layout: KeyLayout = { ...DEFAULT_KEY_LAYOUT, contentPrefix: options.contentPrefix ?? DEFAULT_KEY_LAYOUT.contentPrefix };
  const store = new PublisherStore(options.s3, options.bucket, layout);
  const fromSources = options.cursor === undefined || options.cursor.stage === 'sources';
  const sources: RepublishReport = fromSources
    ? await republish({ ...options, startAfter: options.cursor?.after })
    : { republished: [], upToDate: [], failed: [] };
  const report = { ...sources, removed: [], foreign: [] };
  if (sources.continueAfter !== undefined) return { ...report, continueFrom: { stage: 'sources', after: sources.continueAfter } };

  // Every document path with a source, when this run saw all of them: outputs on those paths are
  // answered, not orphaned, and need no request. A continued run checks each output instead.
  const documentPaths =
    options.cursor === undefined
      ? new Set([...sources.republished, ...sources.upToDate, ...sources.failed.map((failure) => failure.key)].map((key) => documentPathOf(key, layout)))
      : undefined;

  // In key order across both prefixes, so that one key says where a continued run starts.
  const outputPrefixes: [prefix: string, extension: string][] = [
    [layout.factsheetsPrefix, '.pdf'],
    [layout.errorsPrefix, '.json'],
  ];
  outputPrefixes.sort(([a], [b]) => (a < b ? -1 : 1));
  const after = options.cursor?.stage === 'outputs' ? options.cursor.after : undefined;
  const candidates: string[] = [];
  for (const [prefix, extension] of outputPrefixes) {
    const pages = paginateListObjectsV2({ client: options.s3 }, { Bucket: options.bucket, Prefix: prefix, StartAfter: after });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? '';
        if (!key.endsWith(extension)) continue;
        if (documentPaths === undefined || !documentPaths.has(key.slice(prefix.length, -extension.length))) candidates.push(key);
      }
    }
  }

  const removed: { key: string; sourceKey: string }[] = [];
  const foreign: string[] = [];
  const failed = [...sources.failed];
  let done = 0;
  options.onOrphansProgress?.(done, candidates.length);
  for (const key of candidates) {
    if (options.deadline !== undefined && Date.now() >= options.deadline) {
      return { ...report, failed, removed, foreign: foreign.sort(), continueFrom: { stage: 'outputs', after: candidates[done - 1] ?? after ?? '' } };
    }
    try {
      const output = await store.headOutput(key);
      if (output?.sourceKey === undefined) {
        if (output !== null) foreign.push(key);
      } else if ((await store.headSource(output.sourceKey)) === null && (documentPaths !== undefined || !(await store.hasSources(output.sourceKey)))) {
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
  return { ...report, failed, removed, foreign: foreign.sort() };
}
