import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
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

/** The HTTP status S3 answered, or 200. */
async function statusOf(request: Promise<unknown>): Promise<number> {
  try {
    await request;
    return 200;
  } catch (error) {
    if (error instanceof S3ServiceException) return error.$metadata.httpStatusCode ?? 0;
    throw error;
  }
}

async function text(key: string): Promise<string> {
  const response = await local.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await response.Body?.transformToString()) ?? '';
}

async function etagOf(key: string): Promise<string> {
  return (await local.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ETag ?? '';
}

describe('local S3: conditional requests, as S3 answers them', () => {
  it('PUT If-None-Match: * creates the object once and refuses with 412 when it exists', async () => {
    // Prepare
    const putIfAbsent = (body: string) =>
      local.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'factsheets/a.pdf', Body: body, IfNoneMatch: '*' }));

    // Act
    const first = await statusOf(putIfAbsent('first'));
    const second = await statusOf(putIfAbsent('second'));

    // Assert
    expect([first, second]).toEqual([200, 412]);
    expect(await text('factsheets/a.pdf')).toBe('first');
  });

  it('PUT If-Match replaces only the version named: 412 for another ETag, 404 when there is no object', async () => {
    // Prepare
    await put('factsheets/a.pdf', 'v1');
    const v1 = await etagOf('factsheets/a.pdf');
    const putIfMatch = (key: string, body: string, etag: string) =>
      local.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, IfMatch: etag }));

    // Act
    const replaced = await statusOf(putIfMatch('factsheets/a.pdf', 'v2', v1));
    const stale = await statusOf(putIfMatch('factsheets/a.pdf', 'v3', v1));
    const missing = await statusOf(putIfMatch('factsheets/none.pdf', 'v1', v1));

    // Assert
    expect([replaced, stale, missing]).toEqual([200, 412, 404]);
    expect(await text('factsheets/a.pdf')).toBe('v2');
    expect(await statusOf(etagOf('factsheets/none.pdf'))).toBe(404);
  });

  it('GET and HEAD If-Match answer 412 for another ETag and the object for its own', async () => {
    // Prepare
    await put('content/a.yaml', 'v1');
    const v1 = await etagOf('content/a.yaml');
    await put('content/a.yaml', 'v2');
    const v2 = await etagOf('content/a.yaml');

    // Act
    const statuses = await Promise.all([
      statusOf(local.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'content/a.yaml', IfMatch: v1 }))),
      statusOf(local.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'content/a.yaml', IfMatch: v1 }))),
      statusOf(local.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'content/a.yaml', IfMatch: v2 }))),
    ]);
    const current = await local.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'content/a.yaml', IfMatch: v2 }));

    // Assert
    expect(statuses).toEqual([412, 412, 200]);
    expect(await current.Body?.transformToString()).toBe('v2');
  });

  it('DELETE If-Match removes only the version named', async () => {
    // Prepare
    await put('errors/a.json', 'v1');
    const v1 = await etagOf('errors/a.json');
    await put('errors/a.json', 'v2');
    const v2 = await etagOf('errors/a.json');
    const deleteIfMatch = (etag: string) => local.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'errors/a.json', IfMatch: etag }));

    // Act
    const stale = await statusOf(deleteIfMatch(v1));
    const kept = await text('errors/a.json');
    const current = await statusOf(deleteIfMatch(v2));

    // Assert
    expect([stale, current]).toEqual([412, 200]);
    expect(kept).toBe('v2');
    expect(await statusOf(etagOf('errors/a.json'))).toBe(404);
  });

  it('lets exactly one of 12 simultaneous If-None-Match: * writers win, and keeps its bytes whole', async () => {
    // Prepare
    const bodies = Array.from({ length: 12 }, (_, index) => `writer ${index} `.repeat(20_000));

    // Act
    const statuses = await Promise.all(
      bodies.map((body) =>
        statusOf(local.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'factsheets/race.pdf', Body: body, IfNoneMatch: '*' }))),
      ),
    );

    // Assert
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(11);
    expect(await text('factsheets/race.pdf')).toBe(bodies[statuses.indexOf(200)]);
  });

  it('refuses a body that does not match its Content-MD5 (400 BadDigest), keeps the old object and sends no event', async () => {
    // Prepare
    await put('content/a.yaml', 'good');
    const { events } = recordEvents();
    const otherDigest = createHash('md5').update('something else').digest('base64');

    // Act
    const status = await statusOf(
      local.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'content/a.yaml', Body: 'damaged', ContentMD5: otherDigest })),
    );
    const error = await local.client
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'content/a.yaml', Body: 'damaged', ContentMD5: otherDigest }))
      .catch((caught: unknown) => caught);
    await dispatcher?.idle();

    // Assert
    expect(status).toBe(400);
    expect(error).toHaveProperty('name', 'BadDigest');
    expect(await text('content/a.yaml')).toBe('good');
    expect(events).toEqual([]);
  });

  it('accepts a body that matches its Content-MD5', async () => {
    // Act
    const digest = createHash('md5').update('exact').digest('base64');
    await local.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'content/a.yaml', Body: 'exact', ContentMD5: digest }));

    // Assert
    expect(await text('content/a.yaml')).toBe('exact');
  });
});

describe('local S3: user metadata, within S3’s 2 KB', () => {
  /** Names and values of exactly `bytes` bytes, as S3 counts them (names without `x-amz-meta-`). */
  const metadataOf = (bytes: number): Record<string, string> => ({ 'source-key': 'k'.repeat(1_000), template: 't'.repeat(bytes - 1_000 - 'source-key'.length - 'template'.length) });

  it('stores 2 048 bytes of metadata and refuses 2 049 on PUT with 400 MetadataTooLarge, as S3 does, keeping the old object and sending no event', async () => {
    // Prepare
    await put('content/a.yaml', 'old');
    const { events } = recordEvents();

    // Act
    await local.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'content/fits.yaml', Body: 'x', Metadata: metadataOf(2_048) }));
    const refused = await local.client
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'content/a.yaml', Body: 'new', Metadata: metadataOf(2_049) }))
      .catch((caught: unknown) => caught);
    await dispatcher?.idle();
    const stored = await local.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'content/fits.yaml' }));

    // Assert
    expect(stored.Metadata).toEqual(metadataOf(2_048));
    expect(refused).toBeInstanceOf(S3ServiceException);
    expect(refused).toHaveProperty('name', 'MetadataTooLarge');
    expect(refused).toHaveProperty('message', 'Your metadata headers exceed the maximum allowed metadata size.');
    expect(refused).toHaveProperty('$metadata.httpStatusCode', 400);
    expect(refused).toHaveProperty('Size', '2049');
    expect(refused).toHaveProperty('MaxSizeAllowed', '2048');
    expect(await text('content/a.yaml')).toBe('old');
    expect(events.map((event) => event.Records[0]?.s3.object.key)).toEqual(['content/fits.yaml']);
  });

  it('refuses more than 2 KB on CopyObject with REPLACE and on CreateMultipartUpload, and lets a copy keep its source’s metadata', async () => {
    // Prepare
    await local.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'factsheets/a.pdf', Body: 'pdf', Metadata: metadataOf(2_048) }));
    const copy = (directive: 'COPY' | 'REPLACE', bytes: number) =>
      new CopyObjectCommand({ Bucket: BUCKET, Key: 'factsheets/b.pdf', CopySource: `${BUCKET}/factsheets/a.pdf`, MetadataDirective: directive, Metadata: metadataOf(bytes) });

    // Act
    const replaced = await local.client.send(copy('REPLACE', 2_049)).catch((caught: unknown) => caught);
    const upload = await local.client
      .send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'factsheets/c.pdf', Metadata: metadataOf(2_049) }))
      .catch((caught: unknown) => caught);
    await local.client.send(copy('COPY', 4_000));
    const copied = await local.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'factsheets/b.pdf' }));
    const fits = await local.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'factsheets/c.pdf', Metadata: metadataOf(2_048) }));

    // Assert
    expect(replaced).toHaveProperty('name', 'MetadataTooLarge');
    expect(replaced).toHaveProperty('$metadata.httpStatusCode', 400);
    expect(upload).toHaveProperty('name', 'MetadataTooLarge');
    expect(upload).toHaveProperty('$metadata.httpStatusCode', 400);
    expect(copied.Metadata).toEqual(metadataOf(2_048));
    expect(fits.UploadId).toEqual(expect.any(String));
  });
});

describe('local S3: storage any key can use', () => {
  const ukrainian = `content/${'Макрон і Путін обговорили ситуацію в Україні '.repeat(3)}`.slice(0, 140);
  const keys = [
    `${ukrainian}.yaml`,
    `content/${'я'.repeat(506)}.txt`,
    'content/../../../escaped.yaml',
    'content/./a/../b.yaml',
    'content//double//slash.yaml',
    'content/trailing-dot.',
    'content/folder/',
    'content/%2F..%2F.txt',
    'content/tab\tand newline\n.yaml',
  ];

  it('stores and lists back every key S3 accepts, up to 1 024 bytes, and writes only inside its data folder', async () => {
    // Prepare
    await local.close();
    const parent = await mkdtemp(join(tmpdir(), 'local-s3-parent-'));
    const dataFolder = join(parent, 'data');
    await mkdir(dataFolder);
    local = await startLocalS3({ bucket: BUCKET, directory: dataFolder, port: 0 });
    expect(Buffer.byteLength(`${ukrainian}.yaml`)).toBeGreaterThan(250);
    expect(Buffer.byteLength(keys[1] as string)).toBe(1_024);

    // Act
    for (const [index, key] of keys.entries()) await put(key, `object ${index}`);
    const listed = await local.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'content/' }));
    const bodies = await Promise.all(keys.map((key) => text(key)));

    // Assert
    expect(listed.Contents?.map((object) => object.Key)).toEqual(
      [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
    expect(bodies).toEqual(keys.map((_, index) => `object ${index}`));
    expect(await readdir(parent)).toEqual(['data']);
    await rm(parent, { recursive: true, force: true });
  });

  it('refuses a key of 1 025 bytes on PUT, GET, HEAD and DELETE with 400 KeyTooLongError, as S3 does, and sends no event', async () => {
    // Prepare: 1 025 bytes, the last letter two bytes wide.
    const key = `content/${'a'.repeat(1_015)}я`;
    expect(Buffer.byteLength(key)).toBe(1_025);
    const { events } = recordEvents();

    // Act
    const put = await local.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' })).catch((caught: unknown) => caught);
    const statuses = await Promise.all([
      statusOf(local.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))),
      statusOf(local.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))),
      statusOf(local.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }))),
    ]);
    await dispatcher?.idle();
    const listed = await local.client.send(new ListObjectsV2Command({ Bucket: BUCKET }));

    // Assert
    expect(put).toHaveProperty('name', 'KeyTooLongError');
    expect(put).toHaveProperty('message', 'Your key is too long');
    expect(put).toHaveProperty('$metadata.httpStatusCode', 400);
    expect(statuses).toEqual([400, 400, 400]);
    expect(listed.Contents ?? []).toEqual([]);
    expect(events).toEqual([]);
  });

  it('keeps every object across a restart on the same folder', async () => {
    // Prepare
    for (const [index, key] of keys.entries()) await put(key, `object ${index}`);
    await local.close();

    // Act
    local = await startLocalS3({ bucket: BUCKET, directory, port: 0 });
    const listed = await local.client.send(new ListObjectsV2Command({ Bucket: BUCKET }));

    // Assert
    expect(listed.Contents).toHaveLength(keys.length);
    expect(await text(keys[0] as string)).toBe('object 0');
  });

  it('lists with a delimiter and in pages as S3 does', async () => {
    // Prepare
    for (const key of ['content/a.yaml', 'content/b/c.yaml', 'content/b/d.yaml', 'content/é.yaml', 'factsheets/a.pdf']) await put(key, 'x');

    // Act
    const folders = await local.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'content/', Delimiter: '/' }));
    const first = await local.client.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 2 }));
    const rest = await local.client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 10, ContinuationToken: first.NextContinuationToken }),
    );

    // Assert
    expect(folders.Contents?.map((object) => object.Key)).toEqual(['content/a.yaml', 'content/é.yaml']);
    expect(folders.CommonPrefixes?.map((prefix) => prefix.Prefix)).toEqual(['content/b/']);
    expect(first.Contents?.map((object) => object.Key)).toEqual(['content/a.yaml', 'content/b/c.yaml']);
    expect(first.IsTruncated).toBe(true);
    expect(rest.Contents?.map((object) => object.Key)).toEqual(['content/b/d.yaml', 'content/é.yaml', 'factsheets/a.pdf']);
  });
});
