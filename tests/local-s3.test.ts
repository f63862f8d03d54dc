import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareSequencers, decodeEventKey, encodeEventKey } from '../lambdas/publisher/keys';
import {
  dispatchEvents,
  type EventDispatcher,
  type InvocationReport,
  LOCAL_CREDENTIALS,
  type LocalS3,
  PortInUseError,
  startLocalS3,
} from '../emulator/local-s3';

const BUCKET = 'factsheet-publisher';

let directory: string;
let local: LocalS3;
let dispatcher: EventDispatcher | undefined;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'local-s3-test-'));
  local = await startLocalS3({ bucket: BUCKET, directory, port: 0 });
});

afterEach(async () => {
  dispatcher?.close();
  dispatcher = undefined;
  await local.close();
  await rm(directory, { recursive: true, force: true });
});

/** Records every event the adapter delivers. */
function recordEvents(options: { failFirst?: number } = {}): { events: S3Event[]; reports: InvocationReport<string>[] } {
  const events: S3Event[] = [];
  const reports: InvocationReport<string>[] = [];
  let failuresLeft = options.failFirst ?? 0;
  dispatcher = dispatchEvents(local, {
    bucket: BUCKET,
    prefix: 'content/',
    retryDelaysMs: [10, 10],
    invoke: (event) => {
      events.push(event);
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        return Promise.reject(new Error('throttled'));
      }
      return Promise.resolve('done');
    },
    onInvoked: (report) => reports.push(report),
  });
  return { events, reports };
}

function put(key: string, body: string | Uint8Array): Promise<unknown> {
  return local.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('local S3: the event adapter', () => {
  it('delivers uploads as S3 records: encoded key, ETag, size, no versionId', async () => {
    // Prepare
    const { events } = recordEvents();
    const key = 'content/Élysée & Kremlin + Київ.txt';
    const body = 'Кирилиця « œ »';

    // Act
    await put(key, body);
    await dispatcher?.idle();

    // Assert
    expect(events).toHaveLength(1);
    const record = events[0]?.Records[0];
    expect(record?.eventName).toBe('ObjectCreated:Put');
    expect(record?.s3.bucket.name).toBe(BUCKET);
    expect(record?.s3.object.key).toBe(encodeEventKey(key));
    expect(record?.s3.object.key).not.toContain(' ');
    expect(decodeEventKey(record?.s3.object.key ?? '')).toBe(key);
    expect(record?.s3.object.size).toBe(Buffer.byteLength(body));
    expect(record?.s3.object.eTag).toBe(createHash('md5').update(body).digest('hex'));
    expect(record?.s3.object).not.toHaveProperty('versionId');
  });

  it('filters by prefix, as the bucket notification does: the publisher’s own writes trigger nothing', async () => {
    // Prepare
    const { events } = recordEvents();

    // Act
    await put('factsheets/a.pdf', '%PDF-');
    await put('errors/a.json', '{}');
    await put('contents/a.yaml', 'x');
    await put('content/a.yaml', 'x');
    await dispatcher?.idle();

    // Assert
    expect(events.map((event) => event.Records[0]?.s3.object.key)).toEqual(['content/a.yaml']);
  });

  it('issues strictly increasing sequencers, even within one millisecond', async () => {
    // Prepare
    const { events } = recordEvents();

    // Act
    for (let index = 0; index < 20; index++) await put('content/same.yaml', `version ${index}`);
    await dispatcher?.idle();

    // Assert
    const sequencers = events.map((event) => event.Records[0]?.s3.object.sequencer ?? '');
    expect(sequencers).toHaveLength(20);
    for (let index = 1; index < sequencers.length; index++) {
      expect(compareSequencers(sequencers[index - 1] as string, sequencers[index] as string)).toBeLessThan(0);
    }
  });

  it('reports single and multiple deletes as removals', async () => {
    // Prepare
    await put('content/one.yaml', '1');
    await put('content/two.yaml', '2');
    await put('content/three é.yaml', '3');
    const { events } = recordEvents();

    // Act
    await local.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'content/one.yaml' }));
    await local.client.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: 'content/two.yaml' }, { Key: 'content/three é.yaml' }] },
      }),
    );
    await dispatcher?.idle();

    // Assert
    const removals = events.map((event) => [event.Records[0]?.eventName, decodeEventKey(event.Records[0]?.s3.object.key ?? '')]);
    expect(removals).toEqual(
      expect.arrayContaining([
        ['ObjectRemoved:Delete', 'content/one.yaml'],
        ['ObjectRemoved:Delete', 'content/two.yaml'],
        ['ObjectRemoved:Delete', 'content/three é.yaml'],
      ]),
    );
    expect(removals).toHaveLength(3);
  });

  it('retries a failed invocation twice, as Lambda does for asynchronous invocations', async () => {
    // Prepare
    const { events, reports } = recordEvents({ failFirst: 2 });

    // Act
    await put('content/retry.yaml', 'x');
    await dispatcher?.idle();

    // Assert
    expect(events).toHaveLength(3);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ attempts: 3, result: 'done' });
  });

  it('reports the last error once the retries are spent', async () => {
    // Prepare
    const { events, reports } = recordEvents({ failFirst: 5 });

    // Act
    await put('content/broken.yaml', 'x');
    await dispatcher?.idle();

    // Assert
    expect(events).toHaveLength(3);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ attempts: 3 });
    expect(String((reports[0] as { error: unknown }).error)).toMatch(/throttled/);
  });
});

describe('local S3: the SDK client for non-AWS endpoints', () => {
  const bytes = Buffer.from('Élysée « Київ » l’œuvre\n'.repeat(4000));

  async function storedSha256(client: S3Client, key: string): Promise<string> {
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Readable.from([bytes]), ContentLength: bytes.length }),
    );
    const response = await local.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return sha256(await (response.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
  }

  it('stores exactly the bytes of a stream body (SHA-256)', async () => {
    // Act
    const stored = await storedSha256(local.client, 'content/stream.txt');

    // Assert
    expect(stored).toBe(sha256(bytes));
  });

  it('would catch the SDK defaults, which store the aws-chunked framing inside the object', async () => {
    // Prepare
    const defaults = new S3Client({ endpoint: local.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: LOCAL_CREDENTIALS });

    // Act
    const stored = await storedSha256(defaults, 'content/stream-defaults.txt');
    defaults.destroy();

    // Assert
    expect(stored).not.toBe(sha256(bytes));
  });
});

describe('local S3: the server', () => {
  it('refuses a busy port with a message instead of crashing the process', async () => {
    // Prepare
    const port = Number(new URL(local.endpoint).port);

    // Act
    const second = startLocalS3({ bucket: BUCKET, directory, port });

    // Assert
    await expect(second).rejects.toBeInstanceOf(PortInUseError);
    await expect(second).rejects.toThrow(`127.0.0.1:${port} is already in use`);
  });
});
