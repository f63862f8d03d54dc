/**
 * Re-renders every document whose fact sheet (or error report) was made by another publisher
 * version, or from another upload than the one now in the bucket.
 *
 * Templates, theme and fonts ship inside the function, so a deploy that changes them leaves the
 * published fact sheets stale; so does an upload whose event was lost to the failure queue. The
 * publisher records its version and the source ETag on everything it writes: comparing those with
 * the bucket as it is now, by the rule the publisher itself skips duplicates by (`currentAnswer`),
 * finds exactly the documents to render again, with those whose picture index is missing or an
 * older upload's (rendering writes it). Each is handed to the
 * publisher as the S3 notification its upload produced, so the deployed function does the work
 * under its usual rules (a newer upload meanwhile wins, and duplicates are skipped).
 */
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { createLimiter } from './concurrency';
import { currentAnswer, type Outputs } from './current';
import { s3Record } from './event-record';
import {
  DEFAULT_KEY_LAYOUT,
  documentPathOf,
  errorReportKeyFor,
  factsheetKeyFor,
  isPictureKey,
  type KeyLayout,
} from './keys';
import { indexAnswers } from './picture-index';
import { unquoteEtag } from './s3';
import { PublisherStore } from './store';

export interface RepublishOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** The deployed publisher's version (the stack's PublisherVersion output). */
  readonly currentVersion: string;
  /** Documents checked and invocations in flight at once. */
  readonly concurrency: number;
  /** Hands one notification to the publisher: an asynchronous Lambda invocation against AWS. */
  invoke(event: S3Event): Promise<void>;
  onProgress?(done: number, total: number): void;
  /** Hands every document over, current or not (after a change the version does not capture). */
  readonly force?: boolean;
  /** @default content/ */
  readonly contentPrefix?: string;
  /** Starts with the first document after this key (a run continued from `continueAfter`). */
  readonly startAfter?: string;
  /**
   * Bounds one run, for a caller with a time limit (the scheduled reconcile in Lambda): at most
   * `maxDocuments` documents are listed, and none is started after `deadline` (Date.now()).
   * @default no bound: every document
   */
  readonly maxDocuments?: number;
  readonly deadline?: number;
}

export interface RepublishReport {
  /** Source keys handed to the publisher again. */
  readonly republished: string[];
  /** Source keys whose fact sheet or error report is already this version's, for this upload. */
  readonly upToDate: string[];
  /**
   * Of those handed over, the uploads for which nothing was written, by any publisher version:
   * their event was lost (or is still on its way). A deploy's stale answers are not among them.
   */
  readonly unanswered: string[];
  /** Source keys that could not be checked or handed over, with why. */
  readonly failed: { key: string; error: string }[];
  /**
   * Set when a bound stopped the run before the last document: every document up to this key
   * was handled, the next run starts after it.
   */
  readonly continueAfter?: string;
}

interface ContentObject {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
}

export async function republish(options: RepublishOptions): Promise<RepublishReport> {
  const limit = createLimiter(options.concurrency);
  const layout: KeyLayout = { ...DEFAULT_KEY_LAYOUT, contentPrefix: options.contentPrefix ?? DEFAULT_KEY_LAYOUT.contentPrefix };
  const store = new PublisherStore(options.s3, options.bucket, layout);
  const { documents, truncated } = await listDocuments(options.s3, options.bucket, layout, options);

  const republished: string[] = [];
  const upToDate: string[] = [];
  const unanswered: string[] = [];
  const failed: { key: string; error: string }[] = [];
  let done = 0;
  options.onProgress?.(done, documents.length);

  // The limiter starts documents in listing order, so those started always form a prefix of it.
  let started = 0;
  const check = async (document: ContentObject): Promise<void> => {
    if (options.deadline !== undefined && Date.now() >= options.deadline) return;
    started += 1;
    try {
      const [factsheet, errorReport, index] = await Promise.all([
        store.headOutput(factsheetKeyFor(document.key, layout)),
        store.headOutput(errorReportKeyFor(document.key, layout)),
        store.readDocumentIndex(document.key),
      ]);
      const outputs = { factsheet, errorReport };
      const current = currentAnswer(outputs, document, options.currentVersion) !== null && indexAnswers(index, document.etag);
      if (options.force !== true && current) {
        upToDate.push(document.key);
      } else {
        await options.invoke({ Records: [createdRecord(options.bucket, document)] });
        republished.push(document.key);
        if (!writtenFor(outputs, document)) unanswered.push(document.key);
      }
    } catch (error) {
      failed.push({ key: document.key, error: error instanceof Error ? error.message : String(error) });
    }
    done += 1;
    options.onProgress?.(done, documents.length);
  };
  await Promise.all(documents.map((document) => limit(() => check(document))));
  const continueAfter = started < documents.length || truncated ? (documents[started - 1]?.key ?? options.startAfter ?? '') : undefined;

  // Invocations finish in any order; the report reads in key order.
  return {
    republished: republished.sort(),
    upToDate: upToDate.sort(),
    unanswered: unanswered.sort(),
    failed: failed.sort((a, b) => (a.key < b.key ? -1 : 1)),
    ...(continueAfter === undefined ? {} : { continueAfter }),
  };
}

/**
 * Whether either output was written for this very upload, by any publisher version, whatever the
 * other one says: an interrupted publication or a conflict of two sources is no lost event.
 */
function writtenFor(outputs: Outputs, document: ContentObject): boolean {
  return (
    currentAnswer({ factsheet: outputs.factsheet, errorReport: null }, document, undefined) !== null ||
    currentAnswer({ factsheet: null, errorReport: outputs.errorReport }, document, undefined) !== null
  );
}

/**
 * The documents under the content prefix after `startAfter`, in key order, at most `maxDocuments`
 * of them (folder markers, stray keys and pictures are not documents); `truncated` when more follow.
 */
async function listDocuments(
  s3: S3Client,
  bucket: string,
  layout: KeyLayout,
  bounds: Pick<RepublishOptions, 'startAfter' | 'maxDocuments'>,
): Promise<{ readonly documents: ContentObject[]; readonly truncated: boolean }> {
  const documents: ContentObject[] = [];
  const max = bounds.maxDocuments ?? Number.POSITIVE_INFINITY;
  const pages = paginateListObjectsV2(
    { client: s3, pageSize: Math.min(1000, max) },
    { Bucket: bucket, Prefix: layout.contentPrefix, StartAfter: bounds.startAfter || undefined },
  );
  for await (const page of pages) {
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined || documentPathOf(object.Key, layout) === null || isPictureKey(object.Key, layout)) continue;
      documents.push({ key: object.Key, etag: unquoteEtag(object.ETag ?? ''), size: object.Size ?? 0 });
    }
    if (documents.length >= max) return { documents: documents.slice(0, max), truncated: page.IsTruncated === true || documents.length > max };
  }
  return { documents, truncated: false };
}

/**
 * The notification S3 sent for the upload now in the bucket. It carries the ETag, so that the
 * publisher skips it if the document is overwritten meanwhile, and no sequencer: the publisher
 * then keeps the one it recorded, so that a genuine later event still counts as newer.
 */
function createdRecord(bucket: string, document: ContentObject): S3EventRecord {
  const record = s3Record({
    eventName: 'ObjectCreated:Put',
    bucket,
    key: document.key,
    size: document.size,
    eTag: document.etag,
    sequencer: '',
  });
  const { sequencer: _none, ...object } = record.s3.object;
  // The type insists on the sequencer S3 always sends; this record deliberately has none.
  return { ...record, s3: { ...record.s3, object: object as S3EventRecord['s3']['object'] } };
}
