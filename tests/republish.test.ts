import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../lambdas/publisher/config';
import { decodeEventKey, METADATA_PUBLISHER_VERSION, METADATA_SOURCE_ETAG } from '../lambdas/publisher/keys';
import { createLogger } from '../lambdas/publisher/logging';
import { createPublisher, type Publisher } from '../lambdas/publisher/publisher';
import { unquoteEtag } from '../lambdas/publisher/s3';
import { createRenderer, type Renderer } from '../lambdas/render/index';
import { dispatchEvents, type LocalS3, startLocalS3 } from '../emulator/local-s3';
import { republish } from '../lambdas/publisher/republish';

const BUCKET = 'republish-test';
const OLD_VERSION = '0.1.0+0000000000aa';
const NEW_VERSION = '0.2.0+0000000000bb';
const FIXTURES = new URL('./fixtures/republish/', import.meta.url);
const DOCUMENTS = {
  'content/fr/depeche.txt': 'fr-depeche.txt',
  'content/en/summit.yaml': 'en-summit.yaml',
  'content/uk/talks.md': 'uk-talks.md',
  'content/fr/sans-titre.yaml': 'missing-title.yaml',
} as const;
type DocumentKey = keyof typeof DOCUMENTS;

describe('republish', () => {
  let renderer: Renderer;
  let directory: string;
  let localS3: LocalS3;

  beforeAll(async () => {
    renderer = await createRenderer();
  });
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'republish-'));
    localS3 = await startLocalS3({ bucket: BUCKET, directory, port: 0 });
  });
  afterEach(async () => {
    await localS3.close();
    await rm(directory, { recursive: true, force: true });
  });

  /** The in-process handler of a publisher of this version, as the Lambda would run it. */
  function publisherOf(version: string): Publisher {
    const config = loadConfig({ BUCKET_NAME: BUCKET, PUBLISHER_VERSION: version });
    return createPublisher({ config, s3: localS3.client, renderer, logger: createLogger({ logLevel: 'SILENT' }) });
  }

  async function upload(key: string, bytes: Uint8Array | string): Promise<string> {
    const body = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    const response = await localS3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    return unquoteEtag(response.ETag ?? '');
  }

  async function uploadFixture(key: DocumentKey): Promise<string> {
    return upload(key, await readFile(new URL(DOCUMENTS[key], FIXTURES)));
  }

  /** Uploads with the bucket notification wired to `publisher`, as in AWS, and waits for it. */
  async function publishWith(publisher: Publisher, keys: readonly DocumentKey[]): Promise<void> {
    const dispatcher = dispatchEvents(localS3, { bucket: BUCKET, prefix: 'content/', invoke: publisher.handle });
    for (const key of keys) await uploadFixture(key);
    await dispatcher.idle();
    dispatcher.close();
  }

  async function recorded(key: string): Promise<{ version?: string; sourceEtag?: string; contentType?: string }> {
    const head = await localS3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return {
      version: head.Metadata?.[METADATA_PUBLISHER_VERSION],
      sourceEtag: head.Metadata?.[METADATA_SOURCE_ETAG],
      contentType: head.ContentType,
    };
  }

  it('re-renders what another version made, through the handler, and leaves current answers alone', async () => {
    // Prepare: three documents (one refused) published by the old release, one by the new.
    await publishWith(publisherOf(OLD_VERSION), ['content/fr/depeche.txt', 'content/en/summit.yaml', 'content/fr/sans-titre.yaml']);
    const current = publisherOf(NEW_VERSION);
    await publishWith(current, ['content/uk/talks.md']);
    expect((await recorded('factsheets/fr/depeche.pdf')).version).toBe(OLD_VERSION);
    expect((await recorded('errors/fr/sans-titre.json')).version).toBe(OLD_VERSION);
    const progress: [number, number][] = [];

    // Act
    const report = await republish({
      s3: localS3.client,
      bucket: BUCKET,
      currentVersion: NEW_VERSION,
      concurrency: 2,
      invoke: async (event) => void (await current.handle(event)),
      onProgress: (done, total) => progress.push([done, total]),
    });

    // Assert
    expect(report).toEqual({
      republished: ['content/en/summit.yaml', 'content/fr/depeche.txt', 'content/fr/sans-titre.yaml'],
      upToDate: ['content/uk/talks.md'],
      // A deploy's stale answers: nothing was lost.
      unanswered: [],
      failed: [],
    });
    for (const output of ['factsheets/fr/depeche.pdf', 'factsheets/en/summit.pdf', 'factsheets/uk/talks.pdf']) {
      expect(await recorded(output)).toMatchObject({ version: NEW_VERSION, contentType: 'application/pdf' });
    }
    expect((await recorded('errors/fr/sans-titre.json')).version).toBe(NEW_VERSION);
    expect(progress).toEqual([
      [0, 4],
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  });

  it('finds nothing to do once everything is this version’s', async () => {
    const current = publisherOf(NEW_VERSION);
    await publishWith(current, ['content/fr/depeche.txt', 'content/fr/sans-titre.yaml']);
    const invoked: S3Event[] = [];

    const report = await republish({
      s3: localS3.client,
      bucket: BUCKET,
      currentVersion: NEW_VERSION,
      concurrency: 4,
      invoke: (event) => {
        invoked.push(event);
        return Promise.resolve();
      },
    });

    expect(report).toEqual({ republished: [], upToDate: ['content/fr/depeche.txt', 'content/fr/sans-titre.yaml'], unanswered: [], failed: [] });
    expect(invoked).toEqual([]);
  });

  it('publishes uploads whose notification was lost, and overwrites published from an older upload', async () => {
    // Prepare: a document published, then overwritten while nothing listened; another never published.
    const current = publisherOf(NEW_VERSION);
    await publishWith(current, ['content/en/summit.yaml']);
    const overwrite = await upload('content/en/summit.yaml', 'title: Monitoring mission postponed\ndate: 2022-03-08\nlang: en\n');
    const neverPublished = await uploadFixture('content/uk/talks.md');

    const report = await republish({
      s3: localS3.client,
      bucket: BUCKET,
      currentVersion: NEW_VERSION,
      concurrency: 1,
      invoke: async (event) => void (await current.handle(event)),
    });

    expect(report.republished).toEqual(['content/en/summit.yaml', 'content/uk/talks.md']);
    expect(report.unanswered).toEqual(['content/en/summit.yaml', 'content/uk/talks.md']);
    expect(await recorded('factsheets/en/summit.pdf')).toMatchObject({ version: NEW_VERSION, sourceEtag: overwrite });
    expect(await recorded('factsheets/uk/talks.pdf')).toMatchObject({ version: NEW_VERSION, sourceEtag: neverPublished });
  });

  it('hands each stale document over as the notification of its current upload, within the concurrency bound', async () => {
    const keys = ['content/été 2022/bilan (1).yaml', 'content/a.json', 'content/b.md', 'content/c.txt', 'content/d.yml'];
    const etags = new Map<string, string>();
    for (const key of keys) etags.set(key, await upload(key, `title: ${key}\n`));
    await upload('content/été 2022/', ''); // a folder marker, as the S3 console makes
    let inFlight = 0;
    let mostInFlight = 0;
    const invoked: S3Event[] = [];

    const report = await republish({
      s3: localS3.client,
      bucket: BUCKET,
      currentVersion: NEW_VERSION,
      concurrency: 2,
      invoke: async (event) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        invoked.push(event);
        inFlight -= 1;
      },
    });

    expect(report.republished).toEqual([...keys].sort());
    expect(mostInFlight).toBe(2);
    const records = invoked.flatMap((event) => event.Records);
    expect(records.map((record) => decodeEventKey(record.s3.object.key)).sort()).toEqual([...keys].sort());
    const accented = records.find((record) => decodeEventKey(record.s3.object.key) === keys[0]);
    expect(accented?.s3.object.key).toBe('content/%C3%A9t%C3%A9+2022/bilan+%281%29.yaml');
    for (const record of records) {
      expect(record.eventName).toBe('ObjectCreated:Put');
      expect(record.s3.bucket.name).toBe(BUCKET);
      expect(record.s3.object.eTag).toBe(etags.get(decodeEventKey(record.s3.object.key)));
      // Without a sequencer the publisher keeps the one it recorded (see republish.ts).
      expect(record.s3.object).not.toHaveProperty('sequencer');
    }
  });

  it('reports the documents it could not hand over, with why, and goes on with the others', async () => {
    for (const key of ['content/a.yaml', 'content/b.yaml', 'content/c.yaml']) await upload(key, 'title: x\n');

    const report = await republish({
      s3: localS3.client,
      bucket: BUCKET,
      currentVersion: NEW_VERSION,
      concurrency: 3,
      invoke: (event) =>
        event.Records[0]?.s3.object.key === 'content/b.yaml' ? Promise.reject(new Error('Rate exceeded')) : Promise.resolve(),
    });

    expect(report).toEqual({
      republished: ['content/a.yaml', 'content/c.yaml'],
      upToDate: [],
      unanswered: ['content/a.yaml', 'content/c.yaml'],
      failed: [{ key: 'content/b.yaml', error: 'Rate exceeded' }],
    });
  });

  it('hands over a fact sheet with an error report still beside it, by the publisher’s own rule, which then clears the report', async () => {
    // Prepare: a current fact sheet, and the report of an earlier bad upload that a publication
    // interrupted between writing the PDF and deleting the report left behind.
    const current = publisherOf(NEW_VERSION);
    await publishWith(current, ['content/en/summit.yaml']);
    await localS3.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'errors/en/summit.json',
        Body: '{}',
        Metadata: { 'source-key': 'content%2Fen%2Fsummit.yaml', 'source-etag': 'an-older-upload', 'publisher-version': NEW_VERSION },
      }),
    );

    // Act
    const report = await republish({
      s3: localS3.client,
      bucket: BUCKET,
      currentVersion: NEW_VERSION,
      concurrency: 1,
      invoke: async (event) => void (await current.handle(event)),
    });

    // Assert
    expect(report).toEqual({ republished: ['content/en/summit.yaml'], upToDate: [], unanswered: [], failed: [] });
    await expect(localS3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'errors/en/summit.json' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('hands over the published source of a path in conflict, which the publisher then refuses too', async () => {
    // Prepare: summit.yaml published, then summit.md refused as a second source of the same path.
    const current = publisherOf(NEW_VERSION);
    await publishWith(current, ['content/en/summit.yaml']);
    const dispatcher = dispatchEvents(localS3, { bucket: BUCKET, prefix: 'content/', invoke: current.handle });
    await upload('content/en/summit.md', '---\ntitle: Summit\ndate: 2022-03-08\nlang: en\n---\n');
    await dispatcher.idle();
    dispatcher.close();
    const handled: string[] = [];

    // Act
    const report = await republish({
      s3: localS3.client,
      bucket: BUCKET,
      currentVersion: NEW_VERSION,
      concurrency: 1,
      invoke: async (event) => {
        const result = await current.handle(event);
        handled.push(...result.records.map((outcome) => outcome.status));
      },
    });

    // Assert
    expect(report).toEqual({ republished: ['content/en/summit.yaml'], upToDate: ['content/en/summit.md'], unanswered: [], failed: [] });
    expect(handled).toEqual(['rejected']);
    expect(await recorded('factsheets/en/summit.pdf')).toMatchObject({ version: NEW_VERSION, contentType: 'application/pdf' });
  });

  it('refuses a concurrency that would hand nothing over', async () => {
    const run = republish({ s3: localS3.client, bucket: BUCKET, currentVersion: NEW_VERSION, concurrency: 0, invoke: async () => {} });

    await expect(run).rejects.toThrow('concurrency 0: expected a whole number of at least 1');
  });
});
