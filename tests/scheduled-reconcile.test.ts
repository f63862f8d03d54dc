/**
 * The daily reconcile in the function: bounded steps that continue from a cursor, against the
 * local S3 server with the real SDK; and the real handler module, whose hand-overs go through
 * @aws-sdk/client-lambda to a local Invoke endpoint that runs the same handler.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../lambdas/publisher/config';
import { createLogger } from '../lambdas/publisher/logging';
import { createPublisher } from '../lambdas/publisher/publisher';
import { type ReconcileEvent, ReconcileStalledError, runReconcileStep } from '../lambdas/publisher/scheduled-reconcile';
import { type LocalS3, startLocalS3 } from '../emulator/local-s3';
import { startLocalLambda } from './helpers/local-lambda';
import { stubRenderer } from './publisher-harness';
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
    await unheard('factsheets/gone.pdf', '%PDF-1.7 orphan', { 'source-key': 'content/gone.yaml' });
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
    await unheard('factsheets/a.pdf', '%PDF-1.7 from a.yaml', { 'source-key': 'content/a.yaml' });
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
});
