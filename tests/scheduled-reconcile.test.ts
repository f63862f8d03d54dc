/**
 * The daily reconcile in the function: bounded steps that continue from a cursor, against the
 * local S3 server with the real SDK; and the real handler module, whose hand-overs go through
 * @aws-sdk/client-lambda to a local Invoke endpoint that runs the same handler.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLimiter } from '../lambdas/publisher/concurrency';
import { loadConfig } from '../lambdas/publisher/config';
import { metadataOf } from '../lambdas/publisher/current';
import { createLogger } from '../lambdas/publisher/logging';
import { createMetrics } from '../lambdas/publisher/metrics';
import { createPublisher } from '../lambdas/publisher/publisher';
import { type ReconcileEvent, ReconcileStalledError, runReconcileStep } from '../lambdas/publisher/scheduled-reconcile';
import { type LocalS3, startLocalS3 } from '../emulator/local-s3';
import { startLocalLambda } from './helpers/local-lambda';
import { stubRenderer } from './publisher-harness';
import { countRequests, holdRequests } from './helpers/count-requests';
import { captureStdout, emfLines } from './helpers/emf';
import { stubLocalS3Env } from './helpers/handler-env';

const BUCKET = 'factsheet-publisher';
const VERSION = '4.0.0+scheduled';
const DOCUMENTS = ['content/a.yaml', 'content/b.yaml', 'content/c/d.yaml', 'content/e.md', 'content/f.yaml'];

let directory: string;
let localS3: LocalS3;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'scheduled-reconcile-'));
  localS3 = await startLocalS3({ bucket: BUCKET, directory, port: 0 });
});
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.resetModules();
  await localS3.close();
  await rm(directory, { recursive: true, force: true });
});

/** Objects written straight to the server: no event reaches any publisher. */
async function unheard(key: string, body: string, metadata?: Record<string, string>): Promise<void> {
  await localS3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, Metadata: metadata }));
}

async function exists(key: string): Promise<boolean> {
  const listed = await localS3.client.send(new (await import('@aws-sdk/client-s3')).ListObjectsV2Command({ Bucket: BUCKET, Prefix: key }));
  return (listed.Contents ?? []).some((object) => object.Key === key);
}

describe('scheduled reconcile: bounded steps', () => {
  it('covers the bucket in steps of a few documents, each continuing where the last stopped, and removes orphans', async () => {
    // Prepare
    for (const key of DOCUMENTS) await unheard(key, `title: ${key}`);
    await unheard('factsheets/gone.pdf', '%PDF-1.7 orphan', { 'source-key': encodeURIComponent('content/gone.yaml') });
    const config = loadConfig({ BUCKET_NAME: BUCKET, PUBLISHER_VERSION: VERSION });
    const logger = createLogger({ logLevel: 'SILENT' });
    const publisher = createPublisher({ config, s3: localS3.client, renderer: stubRenderer(), logger });
    const steps: ReconcileEvent[] = [{ kind: 'reconcile' }];
    const handedOver: string[] = [];
    const invoke = async (event: S3Event | ReconcileEvent) => {
      if ('kind' in event) steps.push(event);
      else {
        handedOver.push(...event.Records.map((record) => record.s3.object.key));
        await publisher.handle(event);
      }
    };

    // Act
    const results = [];
    for (let index = 0; index < steps.length && index < 10; index++) {
      results.push(await runReconcileStep(steps[index] as ReconcileEvent, { config, s3: localS3.client, logger, invoke, remainingMs: () => 30_000, maxDocumentsPerStep: 2 }));
    }

    // Assert
    expect(steps.map((step) => step.cursor)).toEqual([
      undefined,
      { stage: 'sources', after: 'content/b.yaml' },
      { stage: 'sources', after: 'content/e.md' },
    ]);
    expect(results.map((result) => result.republished)).toEqual([2, 2, 1]);
    expect(handedOver.sort()).toEqual([...DOCUMENTS].sort());
    for (const key of DOCUMENTS) expect(await exists(key.replace(/^content\/(.*)\.[^.]+$/, 'factsheets/$1.pdf'))).toBe(true);
    expect(results.at(-1)).toMatchObject({ removed: 1, failed: [] });
    expect(results.at(-1)).not.toHaveProperty('continueFrom');
    expect(await exists('factsheets/gone.pdf')).toBe(false);
  });

  it('keeps an output whose recorded source is gone while another source of its path exists', async () => {
    // Prepare: a.md replaced a.yaml while no event was heard; a continued run checks every output.
    await unheard('content/a.md', '# A');
    await unheard('factsheets/a.pdf', '%PDF-1.7 from a.yaml', { 'source-key': encodeURIComponent('content/a.yaml') });
    const config = loadConfig({ BUCKET_NAME: BUCKET, PUBLISHER_VERSION: VERSION });

    // Act
    const result = await runReconcileStep(
      { kind: 'reconcile', cursor: { stage: 'outputs', after: '' } },
      { config, s3: localS3.client, logger: createLogger({ logLevel: 'SILENT' }), invoke: async () => {}, remainingMs: () => 30_000 },
    );

    // Assert
    expect(result).toMatchObject({ removed: 0, failed: [] });
    expect(await exists('factsheets/a.pdf')).toBe(true);
  });

  it('stops repairing the picture index at the step deadline, and the next step finishes it without losing an entry', async () => {
    // Prepare: 40 documents whose picture indexes were lost; their document indexes name them.
    const documents = Array.from({ length: 40 }, (_, index) => `content/doc-${String(index).padStart(2, '0')}.yaml`);
    for (const [index, document] of documents.entries()) {
      await unheard(document, `title: ${document}`);
      const body = { document, sourceEtag: 'an-older-upload', pictures: { [`content/photos/p${index}.jpg`]: null } };
      await unheard(`index/documents/doc-${String(index).padStart(2, '0')}.yaml.json`, JSON.stringify(body));
    }
    const config = loadConfig({ BUCKET_NAME: BUCKET, PUBLISHER_VERSION: VERSION });
    const logger = createLogger({ logLevel: 'SILENT' });
    // Each step has 1.5 s. Picture-index writes wait until the step's time is spent, until one step
    // has stopped in the repair: S3 answering that slowly is what the deadline is for.
    const remainingMs = () => 8000 + 1500;
    let stepDeadline = 0;
    let slow = true;
    const client = localS3.client;
    holdRequests(client, (command, key) => slow && command === 'PutObjectCommand' && key?.startsWith('index/pictures/') === true, () => stepDeadline + 20);
    const steps: ReconcileEvent[] = [{ kind: 'reconcile' }];
    // Hand-overs are not published: the documents' own answers are not what this is about.
    const invoke = (event: S3Event | ReconcileEvent) => Promise.resolve(void ('kind' in event && steps.push(event)));

    // Act
    const results = [];
    for (let index = 0; index < steps.length && index < 10; index++) {
      stepDeadline = Date.now() + 1500;
      const result = await runReconcileStep(steps[index] as ReconcileEvent, { config, s3: client, logger, invoke, remainingMs });
      if (result.continueFrom?.stage === 'index') slow = false;
      results.push(result);
    }

    // Assert
    const stopped = results.find((result) => result.continueFrom?.stage === 'index');
    expect(stopped).toMatchObject({ stoppedAtDeadline: true, failed: [] });
    expect(stopped?.relinked).toBeGreaterThan(0);
    expect(stopped?.relinked).toBeLessThan(documents.length);
    expect(results.at(-1)).toMatchObject({ stoppedAtDeadline: false, failed: [] });
    expect(results.at(-1)).not.toHaveProperty('continueFrom');
    expect(results.reduce((sum, result) => sum + result.relinked, 0)).toBe(documents.length);
    for (const [index, document] of documents.entries()) {
      const stored = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `index/pictures/photos/p${index}.jpg.json` }));
      expect(JSON.parse((await stored.Body?.transformToString()) ?? '')).toEqual({ picture: `content/photos/p${index}.jpg`, documents: [document] });
    }
    // What the handler writes of each step: the stopped one unfinished, the last one finished.
    const metrics = createMetrics('publisher-under-test');
    const written = captureStdout();
    try {
      for (const result of [stopped, results.at(-1)]) {
        if (result !== undefined) metrics.reconciled(result);
        metrics.flush();
      }
    } finally {
      vi.restoreAllMocks();
    }
    expect(emfLines(written)).toMatchObject([
      { ReconcileStoppedAtDeadline: 1, ReconcileFinished: 0, ReconcileIndexRepaired: stopped?.relinked },
      { ReconcileStoppedAtDeadline: 0, ReconcileFinished: 1, ReconcileIndexRepaired: results.at(-1)?.relinked },
    ]);
  });

  it('lists the outputs a page at a time under the step deadline: a step stops among them, the next ones finish without skipping or removing twice', async () => {
    // Prepare: 1 050 orphaned fact sheets (two listing pages), and orphaned error reports and
    // reports before and after them in key order; no source at all.
    const orphans = [
      ...Array.from({ length: 5 }, (_, index) => `errors/e-${index}.json`),
      ...Array.from({ length: 1050 }, (_, index) => `factsheets/f-${String(index).padStart(4, '0')}.pdf`),
      ...Array.from({ length: 5 }, (_, index) => `reports/r-${index}.json`),
    ];
    const limit = createLimiter(32);
    await Promise.all(orphans.map((key) => limit(() => unheard(key, 'orphan', metadataOf({ source: { kind: 'key', key: key.replace(/^[a-z]+\/(.*)\.[a-z]+$/, 'content/$1.yaml') } })))));
    const config = loadConfig({ BUCKET_NAME: BUCKET, PUBLISHER_VERSION: VERSION });
    const logger = createLogger({ logLevel: 'SILENT' });
    // Each step has 1.5 s. Reading a fact sheet waits until the step's time is spent, until one
    // step has stopped among the outputs: S3 answering that slowly is what the deadline is for.
    const remainingMs = () => 8000 + 1500;
    let stepDeadline = 0;
    let slow = true;
    const client = localS3.client;
    const requests = countRequests(client);
    holdRequests(client, (command, key) => slow && command === 'HeadObjectCommand' && key?.startsWith('factsheets/') === true, () => stepDeadline + 20);
    const steps: ReconcileEvent[] = [{ kind: 'reconcile' }];
    const invoke = (event: S3Event | ReconcileEvent) => Promise.resolve(void ('kind' in event && steps.push(event)));

    // Act
    const results = [];
    const listed: string[][] = [];
    for (let index = 0; index < steps.length && index < 40; index++) {
      stepDeadline = Date.now() + 1500;
      const from = requests.length;
      const result = await runReconcileStep(steps[index] as ReconcileEvent, { config, s3: client, logger, invoke, remainingMs });
      if (result.continueFrom?.stage === 'outputs') slow = false;
      results.push(result);
      listed.push(requests.slice(from).flatMap((request) => (request.command === 'ListObjectsV2Command' && request.prefix !== undefined ? [request.prefix] : [])));
    }
    const deleted = requests.flatMap((request) => (request.command === 'DeleteObjectCommand' && request.key !== undefined ? [request.key] : []));

    // Assert
    const stoppedAt = results.findIndex((result) => result.continueFrom?.stage === 'outputs');
    const stopped = results[stoppedAt];
    expect(stopped).toMatchObject({ stoppedAtDeadline: true, failed: [] });
    expect(stopped?.removed).toBeGreaterThan(0);
    expect(stopped?.removed).toBeLessThan(orphans.length);
    // It stopped on the first page of fact sheets, without listing the second.
    expect(listed[stoppedAt]?.filter((prefix) => prefix === 'factsheets/')).toHaveLength(1);
    expect(stopped?.continueFrom?.after).toMatch(/^factsheets\/f-0\d{3}\.pdf$/);
    expect(results.at(-1)).toMatchObject({ failed: [] });
    expect(results.at(-1)).not.toHaveProperty('continueFrom');
    expect(results.reduce((sum, result) => sum + result.removed, 0)).toBe(orphans.length);
    // Each orphan deleted once: sorted, the deletions are the orphans, no key twice.
    expect(deleted.sort()).toEqual([...orphans].sort());
    for (const prefix of ['errors/', 'factsheets/', 'reports/']) {
      const left = await localS3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
      expect(left.KeyCount).toBe(0);
    }
  }, 60_000);

  it('fails loudly rather than invoking itself forever when a step has no time for even one document', async () => {
    // Prepare
    await unheard('content/a.yaml', 'title: a');
    const config = loadConfig({ BUCKET_NAME: BUCKET, PUBLISHER_VERSION: VERSION });
    const invoked: unknown[] = [];

    // Act
    const step = runReconcileStep(
      { kind: 'reconcile' },
      { config, s3: localS3.client, logger: createLogger({ logLevel: 'SILENT' }), invoke: (event) => Promise.resolve(void invoked.push(event)), remainingMs: () => 0 },
    );

    // Assert
    await expect(step).rejects.toBeInstanceOf(ReconcileStalledError);
    expect(invoked).toEqual([]);
  });
});

describe('scheduled reconcile: the deployed handler', () => {
  it('publishes what was missed and invokes itself through the Lambda API for each hand-over', async () => {
    // Prepare
    for (const key of DOCUMENTS.slice(0, 3)) await unheard(key, `title: ${key}\ndate: 2022-02-28\n`);
    vi.stubEnv('BUCKET_NAME', BUCKET);
    vi.stubEnv('PUBLISHER_VERSION', VERSION);
    vi.stubEnv('LOG_LEVEL', 'SILENT');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'publisher-under-test');
    stubLocalS3Env(localS3.endpoint);
    const { handler } = await import('../lambdas/publisher/handler');
    const lambda = await startLocalLambda((payload) => handler(payload as S3Event));
    vi.stubEnv('AWS_ENDPOINT_URL_LAMBDA', lambda.endpoint);
    try {
      // Act
      const result = await handler({ kind: 'reconcile' });
      await lambda.idle();

      // Assert
      expect(result).toMatchObject({ republished: 3, upToDate: 0, removed: 0, failed: [] });
      expect(lambda.invocations).toHaveLength(3);
      expect(lambda.invocations.every((invocation) => invocation.functionName === 'publisher-under-test' && invocation.type === 'Event')).toBe(true);
      for (const key of DOCUMENTS.slice(0, 3)) expect(await exists(key.replace(/^content\/(.*)\.[^.]+$/, 'factsheets/$1.pdf'))).toBe(true);
      expect(await handler({ kind: 'reconcile' })).toMatchObject({ republished: 0, upToDate: 3 });
    } finally {
      await lambda.close();
    }
  });

  it('writes what each step found as EMF: checked, republished, unanswered, removed, index entries repaired, finished', async () => {
    // Prepare: one upload never answered, one answered by an older version (a deploy), one current
    // document whose picture index was lost, and an orphan.
    const etagOf = async (key: string, body: string) =>
      (await localS3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }))).ETag?.replace(/"/g, '') ?? '';
    await etagOf('content/lost.yaml', 'title: Lost\ndate: 2022-02-28\n');
    const stale = await etagOf('content/stale.yaml', 'title: Stale\ndate: 2022-02-28\n');
    await unheard('factsheets/stale.pdf', '%PDF-1.7 old', metadataOf({ source: { kind: 'key', key: 'content/stale.yaml' }, sourceEtag: stale, publisherVersion: '3.9.0+old' }));
    const pictured = await etagOf('content/pictured.yaml', 'title: Pictured\ndate: 2022-02-28\n');
    await unheard('factsheets/pictured.pdf', '%PDF-1.7 current', metadataOf({ source: { kind: 'key', key: 'content/pictured.yaml' }, sourceEtag: pictured, publisherVersion: VERSION }));
    const index = { document: 'content/pictured.yaml', sourceEtag: pictured, pictures: { 'content/photos/map.jpg': null } };
    await unheard('index/documents/pictured.yaml.json', JSON.stringify(index));
    await unheard('factsheets/gone.pdf', '%PDF-1.7 orphan', metadataOf({ source: { kind: 'key', key: 'content/gone.yaml' } }));
    vi.stubEnv('BUCKET_NAME', BUCKET);
    vi.stubEnv('PUBLISHER_VERSION', VERSION);
    vi.stubEnv('LOG_LEVEL', 'SILENT');
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'publisher-under-test');
    stubLocalS3Env(localS3.endpoint);
    const { handler } = await import('../lambdas/publisher/handler');
    const lambda = await startLocalLambda((payload) => handler(payload as S3Event));
    vi.stubEnv('AWS_ENDPOINT_URL_LAMBDA', lambda.endpoint);
    const written = captureStdout();
    try {
      // Act
      await handler({ kind: 'reconcile' });
      await lambda.idle();
      const first = emfLines(written.splice(0)).filter((line) => 'ReconcileChecked' in line);
      await handler({ kind: 'reconcile' });
      const second = emfLines(written.splice(0)).filter((line) => 'ReconcileChecked' in line);

      // Assert
      const dimensions = { service: 'factsheet-publisher', function_name: 'publisher-under-test' };
      expect(first).toMatchObject([
        {
          ...dimensions,
          ReconcileChecked: 3,
          ReconcileRepublished: 2,
          ReconcileUnanswered: 1,
          ReconcileRemoved: 1,
          ReconcileIndexRepaired: 1,
          ReconcileFailed: 0,
          ReconcileStoppedAtDeadline: 0,
          ReconcileFinished: 1,
        },
      ]);
      const names = ['Checked', 'Republished', 'Unanswered', 'Removed', 'IndexRepaired', 'Failed', 'StoppedAtDeadline', 'Finished'];
      expect(first[0]?._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: 'FactSheetPublisher',
          Dimensions: [['service', 'function_name']],
          Metrics: expect.arrayContaining(names.map((name) => ({ Name: `Reconcile${name}`, Unit: 'Count' }))) as unknown,
        },
      ]);
      // The hand-overs answered both: the next day's run finds the bucket in order, and says so in zeros.
      expect(second).toMatchObject([{ ReconcileChecked: 3, ReconcileRepublished: 0, ReconcileUnanswered: 0, ReconcileRemoved: 0, ReconcileIndexRepaired: 0, ReconcileFinished: 1 }]);
    } finally {
      vi.restoreAllMocks();
      await lambda.close();
    }
  });
});
