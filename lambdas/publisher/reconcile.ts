/**
 * Brings the bucket back to what content/ says: every source gets its answer (a fact sheet or an
 * error report) from this publisher version and this upload, and every output whose source is
 * gone is removed.
 *
 * Uploads whose notification was lost (the local server was down, the failure queue expired)
 * are found and handed to the publisher exactly as republish does; outputs left behind by a lost
 * removal are deleted here, each by the ETag it was listed with and only after the source is
 * read again, so that an upload made meanwhile keeps what its own invocation writes. Last, the
 * index of which documents use which pictures is repaired (docs/publishing.md, "Pictures").
 *
 * Run by `npm run publish -- --reconcile` and `npm run dev` in one go, and by the scheduled
 * invocation in Lambda in bounded steps: each step stops at its deadline and says where the next
 * one starts (`continueFrom`).
 */
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { createLimiter, type Limiter } from './concurrency';
import { type RecordedSource, recordedKeyAmong, sourceText } from './current';
import { DEFAULT_KEY_LAYOUT, documentPathOf, indexPrefixOf, isPictureKey, type KeyLayout, REPORTS_PREFIX } from './keys';
import { isPreconditionFailed } from './s3';
import { type OutputObject, PublisherStore } from './store';
import { republish, type RepublishOptions, type RepublishReport } from './republish';

/**
 * Where a reconcile stopped, after `after`: still among the sources, among the outputs, or in the
 * picture index (its keys), in the order a run goes through them.
 */
export type ReconcileCursor = { readonly stage: 'sources' | 'outputs' | 'index'; readonly after: string };

export interface ReconcileOptions extends Omit<RepublishOptions, 'startAfter'> {
  /**
   * Called once per output looked at, after the sources are done, and as each page of outputs is
   * listed (`done` unchanged, `total` counting that page's too).
   */
  onOrphansProgress?(done: number, total: number): void;
  /** Continues a run that stopped there. @default from the first source */
  readonly cursor?: ReconcileCursor;
}

export interface ReconcileReport extends RepublishReport {
  /** Outputs removed because no source publishes to them any more, with the source they recorded (`sha256:…` for one recorded by digest). */
  readonly removed: { readonly key: string; readonly sourceKey: string }[];
  /** Outputs with no source that the publisher did not write (no source-key metadata): left alone. */
  readonly foreign: string[];
  /** Picture-index entries written again: a document's index names the picture, the picture's index did not name the document. */
  readonly relinked: { readonly picture: string; readonly document: string }[];
  /** Set when a bound stopped the run: the next run continues from there. */
  readonly continueFrom?: ReconcileCursor;
}

type Failures = { key: string; error: string }[];

export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const layout: KeyLayout = { ...DEFAULT_KEY_LAYOUT, contentPrefix: options.contentPrefix ?? DEFAULT_KEY_LAYOUT.contentPrefix };
  const store = new PublisherStore(options.s3, options.bucket, layout);
  const stage = options.cursor?.stage ?? 'sources';
  const after = options.cursor?.after;
  const sources: RepublishReport =
    stage === 'sources' ? await republish({ ...options, startAfter: after }) : { republished: [], upToDate: [], unanswered: [], failed: [] };
  const report = { ...sources, removed: [], foreign: [], relinked: [] };
  if (sources.continueAfter !== undefined) return { ...report, continueFrom: { stage: 'sources', after: sources.continueAfter } };

  const failed = [...sources.failed];
  const orphans =
    stage === 'index'
      ? { removed: [], foreign: [], continueAfter: undefined }
      : await removeOrphans(options, store, layout, failed, stage === 'outputs' ? after : undefined, options.cursor === undefined ? sources : undefined);
  const { removed, foreign } = orphans;
  if (orphans.continueAfter !== undefined) return { ...report, failed, removed, foreign, continueFrom: { stage: 'outputs', after: orphans.continueAfter } };

  const index = await repairPictureIndex(options, store, layout, failed, stage === 'index' ? after : undefined);
  return {
    ...report,
    failed,
    removed,
    foreign,
    relinked: index.relinked,
    ...(index.continueAfter === undefined ? {} : { continueFrom: { stage: 'index', after: index.continueAfter } }),
  };
}

const deadlinePassed = (options: Pick<ReconcileOptions, 'deadline'>): boolean => options.deadline !== undefined && Date.now() >= options.deadline;

/**
 * Works through `keys` at the limiter's pace, starting none once the deadline has passed, and
 * says how many it started. The limiter starts tasks in order, so the started keys are the first
 * ones: a run continues after `keys[started - 1]`.
 */
async function startedBeforeDeadline(keys: readonly string[], limit: Limiter, options: Pick<ReconcileOptions, 'deadline'>, work: (key: string) => Promise<void>): Promise<number> {
  let started = 0;
  await Promise.all(
    keys.map((key) =>
      limit(async () => {
        if (deadlinePassed(options)) return;
        started += 1;
        await work(key);
      }),
    ),
  );
  return started;
}

/**
 * Deletes the outputs after `after` whose source is gone: fact sheets, error reports and reports.
 * `seen` holds every source of the bucket when this run checked them all: outputs on their paths
 * are answered, not orphaned, and need no request. A continued run checks each output instead.
 */
async function removeOrphans(
  options: ReconcileOptions,
  store: PublisherStore,
  layout: KeyLayout,
  failed: Failures,
  after: string | undefined,
  seen: RepublishReport | undefined,
): Promise<{ removed: { key: string; sourceKey: string }[]; foreign: string[]; continueAfter?: string }> {
  const documentPaths =
    seen === undefined
      ? undefined
      : new Set([...seen.republished, ...seen.upToDate, ...seen.failed.map((failure) => failure.key)].map((key) => documentPathOf(key, layout)));

  /** Whether no source answers to `output` any more (in a continued run: no source of its path either). */
  const orphaned = async (output: OutputObject, source: RecordedSource): Promise<boolean> => {
    switch (source.kind) {
      case 'key':
        // A picture is no source: what an older publisher wrote for one ("unsupported format") goes too.
        return (
          isPictureKey(source.key, layout) ||
          ((await store.headSource(source.key)) === null && (documentPaths !== undefined || !(await store.hasSources(source.key))))
        );
      case 'sha256': {
        // A key too long to record whole: looked for among the sources publishing to this output.
        const sources = await store.sourcesPublishingTo(output.key);
        return recordedKeyAmong(source, sources) === undefined && (documentPaths !== undefined || sources.length === 0);
      }
      default: {
        const unknown: never = source;
        throw new Error(`unknown recorded source ${JSON.stringify(unknown)}`);
      }
    }
  };
  const removed: { key: string; sourceKey: string }[] = [];
  const foreign: string[] = [];
  const check = async (key: string): Promise<void> => {
    try {
      const output = await store.headOutput(key);
      if (output?.source === undefined) {
        if (output !== null) foreign.push(key);
      } else if (await orphaned(output, output.source)) {
        await store.deleteOutput(output);
        removed.push({ key, sourceKey: sourceText(output.source) });
      }
    } catch (error) {
      // Rewritten since it was listed: whoever wrote it is answering a source that exists.
      if (!isPreconditionFailed(error)) failed.push({ key, error: error instanceof Error ? error.message : String(error) });
    }
  };
  const stopped = (continueAfter?: string) => ({
    removed: removed.sort((a, b) => (a.key < b.key ? -1 : 1)),
    foreign: foreign.sort(),
    ...(continueAfter === undefined ? {} : { continueAfter }),
  });

  // In key order across the prefixes, so that one key says where a continued run starts; a page
  // at a time, no listing started once the time is spent, so that neither the listing nor the
  // checks of a big bucket outlast the deadline.
  const outputPrefixes: [prefix: string, extension: string][] = [
    [layout.factsheetsPrefix, '.pdf'],
    [layout.errorsPrefix, '.json'],
    [REPORTS_PREFIX, '.json'],
  ];
  outputPrefixes.sort(([a], [b]) => (a < b ? -1 : 1));
  const limit = createLimiter(options.concurrency);
  let last = after;
  let done = 0;
  let total = 0;
  for (const [prefix, extension] of outputPrefixes) {
    if (deadlinePassed(options)) return stopped(last ?? '');
    const pages = paginateListObjectsV2({ client: options.s3 }, { Bucket: options.bucket, Prefix: prefix, StartAfter: after || undefined });
    for await (const page of pages) {
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key]));
      const candidates = keys.filter((key) => key.endsWith(extension) && documentPaths?.has(key.slice(prefix.length, -extension.length)) !== true);
      total += candidates.length;
      options.onOrphansProgress?.(done, total);
      const started = await startedBeforeDeadline(candidates, limit, options, async (key) => {
        await check(key);
        done += 1;
        options.onOrphansProgress?.(done, total);
      });
      if (started < candidates.length) return stopped(candidates[started - 1] ?? last ?? '');
      // Keys passed over without a request are done too.
      last = keys.at(-1) ?? last;
      // Leaving the loop asks the paginator for no further page.
      if (page.IsTruncated === true && deadlinePassed(options)) return stopped(last ?? '');
    }
  }
  return stopped();
}

/**
 * The picture indexes rebuilt from the document indexes, which the publisher writes last (so a
 * document index is never ahead of its answer): every picture a document's index names gets the
 * document in its own index. A document index whose source is gone (its removal event was lost)
 * is deleted by the ETag it was read with, with the document taken out of its pictures' indexes;
 * should the source be uploaded again meanwhile, its new index's pictures are linked again.
 * Entries naming a document that no longer uses a picture are left: the publisher drops them
 * the next time the picture changes, and removing them here would race with a publication
 * that has linked the picture but not yet written its document index.
 */
async function repairPictureIndex(
  options: ReconcileOptions,
  store: PublisherStore,
  layout: KeyLayout,
  failed: Failures,
  after: string | undefined,
): Promise<{ relinked: { picture: string; document: string }[]; continueAfter?: string }> {
  const relinked: { picture: string; document: string }[] = [];
  const link = async (picture: string, document: string) => {
    if (await store.link(picture, document)) relinked.push({ picture, document });
  };
  const repair = async (key: string): Promise<void> => {
    try {
      const stored = await store.readDocumentIndexAt(key);
      if (stored === null || !stored.index.document.startsWith(layout.contentPrefix)) return;
      const { document, pictures } = stored.index;
      if ((await store.headSource(document)) !== null) {
        for (const picture of Object.keys(pictures)) await link(picture, document);
        return;
      }
      await store.deleteIndexAt(key, stored.etag);
      for (const picture of Object.keys(pictures)) await store.unlink(picture, document);
      if ((await store.headSource(document)) === null) return;
      for (const picture of Object.keys((await store.readDocumentIndex(document))?.pictures ?? {})) await link(picture, document);
    } catch (error) {
      // Rewritten since it was read: the publisher answering that source keeps it right.
      if (!isPreconditionFailed(error)) failed.push({ key, error: error instanceof Error ? error.message : String(error) });
    }
  };
  const sorted = () => relinked.sort((a, b) => (a.picture === b.picture ? (a.document < b.document ? -1 : 1) : a.picture < b.picture ? -1 : 1));

  // A page at a time, so that neither the listing nor the repairs of a big bucket outlast the deadline.
  const limit = createLimiter(options.concurrency);
  let last = after;
  // Only the document indexes, both forms: a picture index is read where a document names it.
  const pages = paginateListObjectsV2({ client: options.s3 }, { Bucket: options.bucket, Prefix: indexPrefixOf('documents'), StartAfter: after || undefined });
  for await (const page of pages) {
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key]));
    const started = await startedBeforeDeadline(keys, limit, options, repair);
    last = keys[started - 1] ?? last;
    if (started < keys.length || (page.IsTruncated === true && deadlinePassed(options))) return { relinked: sorted(), continueAfter: last ?? '' };
  }
  return { relinked: sorted() };
}
