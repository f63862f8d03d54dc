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
import { createLimiter } from './concurrency';
import { type RecordedSource, recordedKeyAmong, sourceText } from './current';
import { DEFAULT_KEY_LAYOUT, documentPathOf, INDEX_PREFIX, isPictureKey, type KeyLayout } from './keys';
import { isPreconditionFailed } from './s3';
import { type OutputObject, PublisherStore } from './store';
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
  /** Outputs removed because no source publishes to them any more, with the source they recorded (`sha256:…` for one recorded by digest). */
  readonly removed: { readonly key: string; readonly sourceKey: string }[];
  /** Outputs with no source that the publisher did not write (no source-key metadata): left alone. */
  readonly foreign: string[];
  /** Picture-index entries written again: a document's index names the picture, the picture's index did not name the document. */
  readonly relinked: { readonly picture: string; readonly document: string }[];
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
  const report = { ...sources, removed: [], foreign: [], relinked: [] };
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
  const failed = [...sources.failed];
  let done = 0;
  options.onOrphansProgress?.(done, candidates.length);
  for (const key of candidates) {
    if (options.deadline !== undefined && Date.now() >= options.deadline) {
      return { ...report, failed, removed, foreign: foreign.sort(), continueFrom: { stage: 'outputs', after: candidates[done - 1] ?? after ?? '' } };
    }
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
    done += 1;
    options.onOrphansProgress?.(done, candidates.length);
  }
  // Not bounded by the step's deadline: one request or two per document index.
  const relinked = await repairPictureIndex(options, store, layout, failed);
  return { ...report, failed, removed, foreign: foreign.sort(), relinked };
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
  failed: { key: string; error: string }[],
): Promise<{ picture: string; document: string }[]> {
  const relinked: { picture: string; document: string }[] = [];
  const link = async (picture: string, document: string) => {
    if (await store.link(picture, document)) relinked.push({ picture, document });
  };
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: options.s3 }, { Bucket: options.bucket, Prefix: INDEX_PREFIX })) {
    keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key])));
  }
  const limit = createLimiter(options.concurrency);
  await Promise.all(
    keys.map((key) =>
      limit(async () => {
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
      }),
    ),
  );
  return relinked.sort((a, b) => (a.picture === b.picture ? (a.document < b.document ? -1 : 1) : a.picture < b.picture ? -1 : 1));
}
