/**
 * Two publishers (two Lambda containers) against one key of the local S3 server, which answers
 * conditional writes as S3 does: whatever the interleaving, the bucket ends as the last upload
 * says, and no reader ever sees a half-written object.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../lambdas/publisher/config';
import { s3Record } from '../lambdas/publisher/event-record';
import { METADATA_SOURCE_ETAG } from '../lambdas/publisher/keys';
import { createLogger } from '../lambdas/publisher/logging';
import { createPublisher, type Publisher, type PublishResult } from '../lambdas/publisher/publisher';
import { createS3Client, isConditionLost, isNotFound, ObjectGoneError } from '../lambdas/publisher/s3';
import { ValidationError } from '../lambdas/render/errors';
import type { Renderer } from '../lambdas/render/index';
import { dispatchEvents, type EventDispatcher, type InvocationReport, LOCAL_CREDENTIALS, type LocalS3, startLocalS3 } from '../emulator/local-s3';

const BUCKET = 'factsheet-publisher';
const SOURCE = 'content/race.yaml';
const FACTSHEET = 'factsheets/race.pdf';
const ERROR_REPORT = 'errors/race.json';

let directory: string;
let localS3: LocalS3;
let publishers: Publisher[];
/** Renders of a body wait for its gate, when it has one: the test decides who finishes first. */
let gates: Map<string, { readonly started: () => void; readonly opened: Promise<void> }>;

/** A PDF that names the bytes it was made from; a body starting with "bad" is refused. */
function pdfOf(body: string): Buffer {
  return Buffer.from(`%PDF-1.7\n% ${createHash('sha256').update(body).digest('hex')}\n%%EOF\n`, 'latin1');
}

const renderer: Renderer = {
  templates: ['briefing'],
  async render(source) {
    const body = Buffer.from(source.bytes).toString('utf8');
    const bodyGate = gates.get(body);
    bodyGate?.started();
    await bodyGate?.opened;
    if (body.startsWith('bad')) throw new ValidationError(source.name, [{ path: 'title', message: `refused: ${body}` }]);
    return { pdf: pdfOf(body), pages: 1, template: 'briefing', lang: 'en', warnings: [] };
  },
};

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'publisher-races-'));
  localS3 = await startLocalS3({ bucket: BUCKET, directory, port: 0 });
  gates = new Map();
  const config = loadConfig({ BUCKET_NAME: BUCKET });
  // Two containers: each its own client, connections and view of the bucket.
  publishers = [0, 1].map(() =>
    createPublisher({
      config,
      s3: createS3Client({ endpoint: localS3.endpoint, credentials: LOCAL_CREDENTIALS }),
      renderer,
      logger: createLogger({ logLevel: 'SILENT' }),
    }),
  );
});

afterEach(async () => {
  await localS3.close();
  await rm(directory, { recursive: true, force: true });
});

/** Holds the render of `body`: `started` resolves when it begins, `open` lets it go on. */
function gate(body: string): { readonly started: Promise<void>; readonly open: () => void } {
  let open = () => {};
  let started = () => {};
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  gates.set(body, { started, opened: new Promise<void>((resolve) => (open = resolve)) });
  return { started: startedPromise, open };
}

async function upload(body: string): Promise<string> {
  const response = await localS3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: SOURCE, Body: body }));
  return (response.ETag ?? '').replace(/"/g, '');
}

function created(etag: string, size: number, sequencer: string): S3Event {
  return { Records: [s3Record({ eventName: 'ObjectCreated:Put', bucket: BUCKET, key: SOURCE, eTag: etag, size, sequencer })] };
}

async function object(key: string): Promise<{ body: Buffer; sourceEtag?: string } | null> {
  try {
    const response = await localS3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return { body: Buffer.from((await response.Body?.transformToByteArray()) ?? []), sourceEtag: response.Metadata?.[METADATA_SOURCE_ETAG] };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function exists(key: string): Promise<boolean> {
  try {
    await localS3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

describe('publisher: two publishers race on one key', () => {
  it('an older upload whose render finishes last does not replace the newer fact sheet', async () => {
    // Prepare
    const { started, open } = gate('title: one');
    const one = await upload('title: one');
    const slow = publishers[0]?.handle(created(one, 10, '0000000000000001')) as Promise<PublishResult>;
    await started;
    const two = await upload('title: two');

    // Act
    const fast = await publishers[1]?.handle(created(two, 10, '0000000000000002'));
    open();
    const late = await slow;

    // Assert
    expect(fast?.records).toMatchObject([{ status: 'published' }]);
    expect(late.records).toMatchObject([{ status: 'skipped' }]);
    expect(await object(FACTSHEET)).toEqual({ body: pdfOf('title: two'), sourceEtag: two });
  });

  it('a document deleted while it renders ends with no fact sheet', async () => {
    // Prepare
    const { started, open } = gate('title: doomed');
    const etag = await upload('title: doomed');
    const rendering = publishers[0]?.handle(created(etag, 13, '0000000000000001')) as Promise<PublishResult>;
    await started;
    await localS3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: SOURCE }));

    // Act
    await publishers[1]?.handle({
      Records: [s3Record({ eventName: 'ObjectRemoved:Delete', bucket: BUCKET, key: SOURCE, sequencer: '0000000000000002' })],
    });
    open();
    await rendering.catch(() => {});
    // Whatever the first publisher did, a retry of its event (Lambda retries failures) settles it.
    await publishers[0]?.handle(created(etag, 13, '0000000000000001')).catch(() => {});

    // Assert
    expect(await exists(FACTSHEET)).toBe(false);
    expect(await exists(ERROR_REPORT)).toBe(false);
  });

  it('a bad upload overtaken by a good one leaves the good fact sheet and no error report', async () => {
    // Prepare
    const good = await upload('title: good');
    await publishers[0]?.handle(created(good, 11, '0000000000000001'));
    const { started, open: openBad } = gate('bad upload');
    const bad = await upload('bad upload');
    const refusing = publishers[0]?.handle(created(bad, 10, '0000000000000002')) as Promise<PublishResult>;
    await started;
    const fixed = await upload('title: fixed');

    // Act
    await publishers[1]?.handle(created(fixed, 12, '0000000000000003'));
    openBad();
    await refusing;

    // Assert
    expect(await object(FACTSHEET)).toEqual({ body: pdfOf('title: fixed'), sourceEtag: fixed });
    expect(await exists(ERROR_REPORT)).toBe(false);
  });

  it('a bad upload that is the last one ends as if handled in order: its error report beside the previous fact sheet', async () => {
    // Prepare
    const { started, open: openGood } = gate('title: good');
    const good = await upload('title: good');
    const publishing = publishers[0]?.handle(created(good, 11, '0000000000000001')) as Promise<PublishResult>;
    await started;
    const bad = await upload('bad upload');

    // Act
    await publishers[1]?.handle(created(bad, 10, '0000000000000002'));
    openGood();
    await publishing;

    // Assert
    const report = await object(ERROR_REPORT);
    expect(report?.sourceEtag).toBe(bad);
    expect(JSON.parse(report?.body.toString('utf8') ?? '{}')).toMatchObject({ problems: [{ message: 'refused: bad upload' }] });
    expect(await object(FACTSHEET)).toEqual({ body: pdfOf('title: good'), sourceEtag: good });
  });
});

describe('publisher: an output deleted under a conditional write', () => {
  it('S3 answers 404 to If-Match on a deleted object, and that counts as a lost race', async () => {
    // Prepare
    const written = await localS3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: FACTSHEET, Body: 'x' }));
    await localS3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: FACTSHEET }));

    // Act
    const error = await localS3.client
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: FACTSHEET, Body: 'y', IfMatch: written.ETag }))
      .catch((caught: unknown) => caught);

    // Assert: the raw answer is a 404, which only the store can tell apart from "no such object".
    expect(isNotFound(error)).toBe(true);
    expect(isConditionLost(error)).toBe(false);
    expect(isConditionLost(new ObjectGoneError(FACTSHEET, { cause: error }))).toBe(true);
  });

  it('a fact sheet deleted while the next upload renders is published in the same invocation, not after a retry', async () => {
    // Prepare
    const one = await upload('title: one');
    await publishers[0]?.handle(created(one, 10, '0000000000000001'));
    const { started, open } = gate('title: two');
    const two = await upload('title: two');
    const rendering = publishers[0]?.handle(created(two, 10, '0000000000000002')) as Promise<PublishResult>;
    await started;
    await localS3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: FACTSHEET }));

    // Act
    open();
    const result = await rendering;

    // Assert
    expect(result.records).toMatchObject([{ status: 'published', sourceKey: SOURCE }]);
    expect(await object(FACTSHEET)).toEqual({ body: pdfOf('title: two'), sourceEtag: two });
  });
});

describe('publisher: overwrite storms, events out of order and twice', () => {
  let dispatcher: EventDispatcher;
  let reports: InvocationReport<PublishResult>[];

  beforeEach(() => {
    reports = [];
    let turn = 0;
    dispatcher = dispatchEvents(localS3, {
      bucket: BUCKET,
      prefix: 'content/',
      concurrency: 4,
      retryDelaysMs: [20, 50],
      // Alternate containers, as Lambda spreads concurrent invocations.
      invoke: (event) => (publishers[turn++ % 2] as Publisher).handle(event),
      onInvoked: (report) => reports.push(report),
    });
  });

  afterEach(() => dispatcher.close());

  /** A small deterministic generator, so that a failing interleaving can be replayed by its seed. */
  function seeded(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
  }

  it.each([1, 2, 3])('ends as the last of 16 uploads says (seed %i), and readers only ever see whole objects', async (seed) => {
    // Prepare
    const random = seeded(seed);
    const bodies = Array.from({ length: 16 }, (_, index) => (random() < 0.3 ? `bad upload ${index}` : `title: upload ${index}`));
    const wholePdfs = new Set(bodies.map((body) => pdfOf(body).toString('latin1')));
    const seen: string[] = [];
    let storming = true;
    const reader = (async () => {
      while (storming) {
        const current = await object(FACTSHEET);
        if (current !== null) seen.push(current.body.toString('latin1'));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    dispatcher.hold();
    const etags: string[] = [];
    for (const body of bodies) etags.push(await upload(body));

    // Act
    dispatcher.release({ order: 'shuffled', duplicates: 1, random });
    await dispatcher.idle();
    storming = false;
    await reader;

    // Assert
    const last = bodies.at(-1) as string;
    const lastEtag = etags.at(-1) as string;
    if (last.startsWith('bad')) {
      expect((await object(ERROR_REPORT))?.sourceEtag).toBe(lastEtag);
    } else {
      expect(await object(FACTSHEET)).toEqual({ body: pdfOf(last), sourceEtag: lastEtag });
      expect(await exists(ERROR_REPORT)).toBe(false);
    }
    expect(reports).toHaveLength(32);
    expect(reports.filter((report) => 'error' in report).map((report) => String((report as { error: unknown }).error))).toEqual([]);
    expect(seen.every((body) => wholePdfs.has(body))).toBe(true);
  });
});
