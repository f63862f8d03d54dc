/**
 * What the command-line tools do with the bucket, as a user would with any S3 client: upload a
 * source, wait for the publisher's answer, download the fact sheet, list what is published.
 * Nothing here talks to the publisher directly, so it works the same locally and against AWS.
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ErrorReport } from '../lambdas/render';
import { currentAnswer, type RecordedSource, recordedKeyAmong, recordedOn, recordsSource, sourceText } from '../lambdas/publisher/current';
import {
  errorReportKeyFor,
  factsheetKeyFor,
  fitsInS3,
  fromMetadataValue,
  type KeyLayout,
  METADATA_TEMPLATE,
  reportKeyFor,
  toMetadataValue,
} from '../lambdas/publisher/keys';
import type { PublicationReport } from '../lambdas/publisher/publisher';
import { isNotFound, unquoteEtag } from '../lambdas/publisher/s3';
import { PublisherStore } from '../lambdas/publisher/store';

export interface Bucket {
  readonly s3: S3Client;
  readonly name: string;
  readonly layout: KeyLayout;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.yaml': 'application/yaml; charset=utf-8',
  '.yml': 'application/yaml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.markdown': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Uploads one source; returns its ETag, by which the publisher's answer is recognised. */
export async function uploadSource(bucket: Bucket, key: string, bytes: Uint8Array): Promise<string> {
  const response = await bucket.s3.send(
    new PutObjectCommand({
      Bucket: bucket.name,
      Key: key,
      Body: bytes,
      ContentType: CONTENT_TYPES[extname(key).toLowerCase()] ?? 'application/octet-stream',
      ContentMD5: createHash('md5').update(bytes).digest('base64'),
    }),
  );
  return unquoteEtag(response.ETag ?? '');
}

export type Outcome =
  | { readonly kind: 'published'; readonly factsheetKey: string; readonly template: string; readonly bytes: number }
  | { readonly kind: 'rejected'; readonly errorReportKey: string; readonly report: ErrorReport };

class OutcomeTimeoutError extends Error {
  constructor(key: string, seconds: number) {
    super(
      `no fact sheet and no error report for ${key} after ${seconds} s: is the publisher running ` +
        '(npm run dev locally, or the deployed stack) and is this the right bucket?',
    );
    this.name = 'OutcomeTimeoutError';
  }
}

/**
 * Waits until the fact sheet or the error report answers the upload with ETag `etag`, by the
 * publisher's own rule (`currentAnswer`). An earlier answer for the same key (older ETag) is not
 * mistaken for this one, nor is a fact sheet while an error report still lies beside it.
 */
export async function waitForOutcome(
  bucket: Bucket,
  sourceKey: string,
  etag: string,
  /**
   * `publisherVersion`: only an answer made by that publisher version counts (after a republish);
   * `newerThan`: only one written at or after that time (S3's clock) counts (a forced republish).
   */
  options: { readonly timeoutMs?: number; readonly publisherVersion?: string; readonly newerThan?: Date } = {},
): Promise<Outcome> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  const factsheetKey = factsheetKeyFor(sourceKey, bucket.layout);
  const errorReportKey = errorReportKeyFor(sourceKey, bucket.layout);
  for (let pause = 50; ; pause = Math.min(pause * 2, 1000)) {
    const [factsheet, errorReport] = await Promise.all([
      headIfExists(bucket, factsheetKey),
      headIfExists(bucket, errorReportKey),
    ]);
    const fresh = (head: { LastModified?: Date }) => options.newerThan === undefined || (head.LastModified?.getTime() ?? 0) >= options.newerThan.getTime();
    const outputs = {
      factsheet: factsheet === null || !fresh(factsheet) ? null : recordedOn(factsheet.Metadata, bucket.layout),
      errorReport: errorReport === null || !fresh(errorReport) ? null : recordedOn(errorReport.Metadata, bucket.layout),
    };
    const answer = currentAnswer(outputs, { key: sourceKey, etag }, options.publisherVersion);
    if (answer === 'factsheet') {
      const storedTemplate = factsheet?.Metadata?.[METADATA_TEMPLATE] ?? '';
      return {
        kind: 'published',
        factsheetKey,
        // The publisher's answer, but a tool may have rewritten its metadata since: shown as stored then.
        template: templateOf(storedTemplate) ?? storedTemplate,
        bytes: factsheet?.ContentLength ?? 0,
      };
    }
    if (answer === 'error-report') {
      const report = JSON.parse(new TextDecoder().decode(await download(bucket, errorReportKey))) as ErrorReport;
      return { kind: 'rejected', errorReportKey, report };
    }
    if (Date.now() + pause > deadline) throw new OutcomeTimeoutError(sourceKey, Math.round(timeoutMs / 1000));
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** reports/<path>.json as the publisher writes it (docs/publishing.md, "Reports"). */
export type StoredReport = PublicationReport & { readonly publisherVersion: string; readonly time: string };

/**
 * The report of the publication that answered the upload with ETag `etag`. The publisher writes
 * it just after the fact sheet or the error report, so it may lag the answer by a moment; null
 * when none comes within `timeoutMs` (a deployment older than reports/ writes none).
 */
export async function waitForReport(bucket: Bucket, sourceKey: string, etag: string, timeoutMs: number): Promise<StoredReport | null> {
  const deadline = Date.now() + timeoutMs;
  const key = reportKeyFor(sourceKey, bucket.layout);
  for (let pause = 25; ; pause = Math.min(pause * 2, 500)) {
    const head = await headIfExists(bucket, key);
    const recorded = recordedOn(head?.Metadata, bucket.layout);
    if (head !== null && recordsSource(recorded, sourceKey) && recorded.sourceEtag === etag) {
      return JSON.parse(new TextDecoder().decode(await download(bucket, key))) as StoredReport;
    }
    if (Date.now() + pause > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

export async function download(bucket: Bucket, key: string): Promise<Uint8Array> {
  const response = await bucket.s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
  return (await response.Body?.transformToByteArray()) ?? new Uint8Array();
}

/** A link that downloads `key` without credentials until it expires; nothing is made public. */
export function presignedUrl(bucket: Bucket, key: string, expiresInSeconds: number): Promise<string> {
  return getSignedUrl(bucket.s3, new GetObjectCommand({ Bucket: bucket.name, Key: key }), { expiresIn: expiresInSeconds });
}

export interface PublishedEntry {
  readonly factsheetKey: string;
  readonly sourceKey: string | null;
  /** The template the publisher recorded; null when there is none, or it is another writer's value. */
  readonly template: string | null;
  /** The `template` metadata as stored when it is no value the publisher writes (`%ZZ`), else null. */
  readonly foreignTemplate: string | null;
  readonly publisherVersion: string | null;
  readonly lastModified: Date | null;
  readonly bytes: number;
}

export interface ListedErrorReport {
  readonly errorReportKey: string;
  readonly lastModified: Date | null;
}

/** Every fact sheet with what the publisher recorded on it, and every pending error report. */
export async function listPublished(
  bucket: Bucket,
): Promise<{ readonly factsheets: PublishedEntry[]; readonly errorReports: ListedErrorReport[] }> {
  const factsheetObjects = await listAll(bucket, bucket.layout.factsheetsPrefix);
  const factsheets = await Promise.all(
    factsheetObjects.map(async (object): Promise<PublishedEntry> => {
      const metadata = (await headIfExists(bucket, object.key))?.Metadata;
      const recorded = recordedOn(metadata, bucket.layout);
      const stored = metadata?.[METADATA_TEMPLATE];
      const template = stored === undefined ? null : templateOf(stored);
      return {
        factsheetKey: object.key,
        sourceKey: recorded.source === undefined ? null : await sourceKeyOf(bucket, object.key, recorded.source),
        template,
        foreignTemplate: stored !== undefined && template === null ? stored : null,
        publisherVersion: recorded.publisherVersion ?? null,
        lastModified: object.lastModified,
        bytes: object.size,
      };
    }),
  );
  const errorReports = (await listAll(bucket, bucket.layout.errorsPrefix)).map((object) => ({
    errorReportKey: object.key,
    lastModified: object.lastModified,
  }));
  return { factsheets, errorReports };
}

/**
 * The template name `value` records, or null when the publisher cannot have written it. It writes
 * toMetadataValue(name) only; a value that does not decode (`%ZZ`) or that it would spell otherwise
 * was written by another tool, and must not fail a listing: the same rule as for `source-key`
 * (recordedOn in lambdas/publisher/current.ts).
 */
function templateOf(value: string): string | null {
  let name: string;
  try {
    name = fromMetadataValue(value);
  } catch {
    return null;
  }
  return toMetadataValue(name) === value ? name : null;
}

/**
 * The key of the source a fact sheet records; for one recorded by its digest (a key too long for
 * S3's 2 KB of metadata), the source of its path that has that digest, or the digest when none has.
 */
async function sourceKeyOf(bucket: Bucket, factsheetKey: string, source: RecordedSource): Promise<string> {
  if (source.kind === 'key') return source.key;
  const sources = await new PublisherStore(bucket.s3, bucket.name, bucket.layout).sourcesPublishingTo(factsheetKey);
  return recordedKeyAmong(source, sources) ?? sourceText(source);
}

async function listAll(
  bucket: Bucket,
  prefix: string,
): Promise<{ readonly key: string; readonly lastModified: Date | null; readonly size: number }[]> {
  const objects: { key: string; lastModified: Date | null; size: number }[] = [];
  for await (const page of paginateListObjectsV2({ client: bucket.s3 }, { Bucket: bucket.name, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined) {
        objects.push({ key: object.Key, lastModified: object.LastModified ?? null, size: object.Size ?? 0 });
      }
    }
  }
  return objects;
}

async function headIfExists(bucket: Bucket, key: string) {
  // A fact sheet's key past S3's limit: nothing is there, and S3 answers a HEAD with a 400.
  if (!fitsInS3(key)) return null;
  try {
    return await bucket.s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key }));
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}
