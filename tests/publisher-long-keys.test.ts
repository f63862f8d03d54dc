/**
 * Source keys near S3's 1 024-byte limit, through the local S3 server (which refuses longer keys
 * with 400 KeyTooLongError, and more than 2 KB of user metadata with 400 MetadataTooLarge, as S3
 * does) with the real SDK and real event records: a source whose fact sheet's key would be too
 * long gets an error report at once, with no retries; one whose key is too long to record whole
 * in the metadata is recorded by its digest, and is still current, republished and reconciled.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPublished, waitForOutcome } from '../client/bucket-client';
import {
  decodeEventKey,
  errorReportKeyFor,
  factsheetKeyFor,
  MAX_USER_METADATA_BYTES,
  METADATA_SEQUENCER,
  METADATA_SOURCE_KEY,
  reportKeyFor,
  userMetadataBytes,
} from '../lambdas/publisher/keys';
import { reconcile, type ReconcileOptions } from '../lambdas/publisher/reconcile';
import { readPdf } from './helpers/pdf';
import { BUCKET, type Harness, startHarness } from './publisher-harness';

const SOMMET = readFileSync('tests/fixtures/events/uploads/sommet.yaml', 'utf8');
const KYIV = readFileSync('tests/fixtures/events/uploads/kyiv.md', 'utf8');

/** `content/<Ukrainian, 2 bytes a letter, an ASCII letter for odd lengths><extension>` of exactly `bytes` bytes. */
function ukrainianKey(bytes: number, extension: string): string {
  const letters = bytes - `content/${extension}`.length;
  const key = `content/${'a'.repeat(letters % 2)}${'ПереговориуКиєві'.repeat(60).slice(0, Math.floor(letters / 2))}${extension}`;
  if (Buffer.byteLength(key) !== bytes) throw new Error(`${key} is not ${bytes} bytes`);
  return key;
}

interface StoredErrorReport {
  readonly file: string;
  readonly error: string;
  readonly problems: readonly { readonly message: string; readonly expected: string }[];
}

describe('publisher: source keys near S3’s 1 024 bytes', () => {
  let harness: Harness;
  const json = async <T>(key: string) => JSON.parse((await harness.bytes(key)).toString('utf8')) as T;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('a 1 023-byte .yaml key: an error report naming the length, no retries, no PDF, the invocation not failed', async () => {
    // Prepare
    const key = ukrainianKey(1_023, '.yaml');
    const errorReportKey = `errors/${key.slice('content/'.length, -'.yaml'.length)}.json`;

    // Act
    await harness.put(key, SOMMET);

    // Assert
    const invocations = harness.invocations.filter((invocation) => decodeEventKey(invocation.event.Records[0]?.s3.object.key ?? '') === key);
    expect(invocations.map((invocation) => ({ attempts: invocation.attempts, failed: 'error' in invocation }))).toEqual([{ attempts: 1, failed: false }]);
    expect(harness.outcomesFor(key)).toMatchObject([{ status: 'rejected', errorReportKey }]);
    expect(errorReportKeyFor(key)).toBe(errorReportKey);
    const report = await json<StoredErrorReport>(errorReportKey);
    expect(report).toMatchObject({ file: key, error: 'KeyTooLongError' });
    expect(report.problems).toEqual([
      {
        message: "the fact sheet's key would be 1025 bytes; S3 allows 1 024: shorten the file name",
        expected: 'a source key of at most 1022 bytes (UTF-8)',
      },
    ]);
    expect(await json(reportKeyFor(key))).toMatchObject({ status: 'rejected', file: key, factsheet: null, errorReport: errorReportKey });
    const listed = await harness.localS3.client.send(new ListObjectsV2Command({ Bucket: harness.bucket.name, Prefix: 'factsheets/' }));
    expect(listed.Contents ?? []).toEqual([]);
  });

  it('a 1 024-byte .md key: the error report and the report at bounded keys, the full key in their bodies; removal takes them', async () => {
    // Prepare
    const key = ukrainianKey(1_024, '.md');
    const errorReportKey = errorReportKeyFor(key);
    expect(errorReportKey).toMatch(/^errors\/a?[^~]+~[0-9a-f]{16}\.json$/u);

    // Act
    await harness.put(key, KYIV);
    const report = await json<StoredErrorReport>(errorReportKey);
    const publication = await json<Record<string, unknown>>(reportKeyFor(key));
    await harness.localS3.client.send(new DeleteObjectCommand({ Bucket: harness.bucket.name, Key: key }));
    await harness.settled();

    // Assert
    expect(harness.outcomesFor(key)).toMatchObject([{ status: 'rejected', errorReportKey }, { status: 'unpublished' }]);
    expect(report).toMatchObject({ file: key, error: 'KeyTooLongError' });
    expect(report.problems[0]?.message).toBe("the fact sheet's key would be 1028 bytes; S3 allows 1 024: shorten the file name");
    expect(publication).toMatchObject({ status: 'rejected', file: key, errorReport: errorReportKey });
    expect([await harness.head(errorReportKey), await harness.head(reportKeyFor(key))]).toEqual([null, null]);
  });

  it('a 1 022-byte .yaml key: its 1 024-byte fact sheet key still publishes', async () => {
    // Prepare
    const key = ukrainianKey(1_022, '.yaml');
    const factsheetKey = `factsheets/${key.slice('content/'.length, -'.yaml'.length)}.pdf`;
    expect(Buffer.byteLength(factsheetKey)).toBe(1_024);

    // Act
    await harness.put(key, SOMMET);

    // Assert
    expect(harness.outcomesFor(key)).toMatchObject([{ status: 'published', factsheetKey }]);
    const pdf = await readPdf(await harness.bytes(factsheetKey));
    expect(pdf.text).toContain('Sommet « exceptionnel »');
    expect(await harness.head(errorReportKeyFor(key))).toBeNull();
  });
});

describe('publisher: a source key too long to record whole in S3’s 2 KB of metadata', () => {
  const VERSION = '3.0.0+long-keys';
  // The longest .yaml key with a fact sheet (1 024 bytes): percent-encoded, some 3 KB.
  const key = ukrainianKey(1_022, '.yaml');
  const factsheetKey = factsheetKeyFor(key);
  let harness: Harness;

  beforeAll(async () => {
    // Events delivered by hand, so that a removal can go unheard and be left to the reconcile.
    harness = await startHarness({ autoPublish: false, environment: { PUBLISHER_VERSION: VERSION } });
  });
  afterAll(async () => {
    await harness.close();
  });

  const reconciled = (options: Partial<ReconcileOptions> = {}) =>
    reconcile({
      s3: harness.localS3.client,
      bucket: BUCKET,
      currentVersion: VERSION,
      concurrency: 2,
      invoke: async (event) => {
        await harness.handle(event);
      },
      ...options,
    });

  it('publishes within the limit, is current for the duplicate event, the publish command and the reconcile, and is removed once its source is gone', async () => {
    // Prepare
    expect(Buffer.byteLength(factsheetKey)).toBe(1_024);
    expect(Buffer.byteLength(encodeURIComponent(key))).toBeGreaterThan(MAX_USER_METADATA_BYTES);
    const uploaded = await harness.localS3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: SOMMET }));
    const etag = (uploaded.ETag ?? '').replace(/"/g, '');

    // Act: published, then told again, then reconciled in one go and from the outputs on.
    const first = await harness.handle(await harness.createdEvent(key, '0000000000000001'));
    const factsheet = await harness.head(factsheetKey);
    const again = await harness.handle(await harness.createdEvent(key, factsheet?.Metadata?.[METADATA_SEQUENCER] ?? ''));
    const outcome = await waitForOutcome(harness.bucket, key, etag, { publisherVersion: VERSION, timeoutMs: 1_000 });
    const listed = await listPublished(harness.bucket);
    const report = await harness.head(reportKeyFor(key));
    const whole = await reconciled();
    const continued = await reconciled({ cursor: { stage: 'outputs', after: '' } });
    await harness.localS3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    const afterRemoval = await reconciled();

    // Assert
    expect(first.records).toMatchObject([{ status: 'published', factsheetKey }]);
    expect(factsheet?.Metadata?.[METADATA_SOURCE_KEY]).toBe(`sha256:${createHash('sha256').update(key).digest('hex')}`);
    expect(userMetadataBytes(factsheet?.Metadata ?? {})).toBeLessThanOrEqual(MAX_USER_METADATA_BYTES);
    expect(again.records).toMatchObject([{ status: 'skipped', reason: 'already published (duplicate event)' }]);
    expect(outcome).toMatchObject({ kind: 'published', factsheetKey });
    expect(listed.factsheets).toMatchObject([{ factsheetKey, sourceKey: key }]);
    expect(whole).toMatchObject({ republished: [], upToDate: [key], removed: [], foreign: [], failed: [] });
    expect(continued).toMatchObject({ removed: [], foreign: [], failed: [] });
    expect(afterRemoval).toMatchObject({
      upToDate: [],
      removed: [
        { key: factsheetKey, sourceKey: factsheet?.Metadata?.[METADATA_SOURCE_KEY] },
        { key: reportKeyFor(key), sourceKey: report?.Metadata?.[METADATA_SOURCE_KEY] },
      ],
      foreign: [],
      failed: [],
    });
    expect(await harness.head(factsheetKey)).toBeNull();
    expect(await harness.head(reportKeyFor(key))).toBeNull();
  });

  it('a 1 024-byte .md key: its error report, at a cut and hashed key, recorded by digest, is kept while the source exists and removed once it is gone', async () => {
    // Prepare
    const refused = ukrainianKey(1_024, '.md');
    const errorReportKey = errorReportKeyFor(refused);
    expect(errorReportKey).toMatch(/~[0-9a-f]{16}\.json$/u);
    await harness.localS3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: refused, Body: KYIV }));

    // Act
    const first = await harness.handle(await harness.createdEvent(refused, '0000000000000001'));
    const recorded = (await harness.head(errorReportKey))?.Metadata?.[METADATA_SOURCE_KEY];
    const reportKey = reportKeyFor(refused);
    const reportRecorded = (await harness.head(reportKey))?.Metadata?.[METADATA_SOURCE_KEY];
    const continued = await reconciled({ cursor: { stage: 'outputs', after: '' } });
    await harness.localS3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: refused }));
    const afterRemoval = await reconciled();

    // Assert
    expect(first.records).toMatchObject([{ status: 'rejected', errorReportKey }]);
    expect(recorded).toBe(`sha256:${createHash('sha256').update(refused).digest('hex')}`);
    expect(continued).toMatchObject({ removed: [], foreign: [], failed: [] });
    expect(afterRemoval).toMatchObject({
      removed: [
        { key: errorReportKey, sourceKey: recorded },
        { key: reportKey, sourceKey: reportRecorded },
      ],
      foreign: [],
      failed: [],
    });
    expect(await harness.head(errorReportKey)).toBeNull();
    expect(await harness.head(reportKey)).toBeNull();
  });
});
