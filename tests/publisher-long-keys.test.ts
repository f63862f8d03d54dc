/**
 * Source keys near S3's 1 024-byte limit, through the local S3 server (which refuses longer keys
 * with 400 KeyTooLongError, as S3 does) with the real SDK and real event records: a source whose
 * fact sheet's key would be too long gets an error report at once, with no retries.
 */
import { readFileSync } from 'node:fs';
import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEventKey, errorReportKeyFor, reportKeyFor } from '../lambdas/publisher/keys';
import { readPdf } from './helpers/pdf';
import { type Harness, startHarness } from './publisher-harness';

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
