/**
 * The publisher against the embedded S3 server over HTTP, for the publisher and local tests:
 * real SDK, real event records, a temporary data folder and a free port per test file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, type HeadObjectCommandOutput, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { loadConfig } from '../lambdas/publisher/config';
import { createLogger } from '../lambdas/publisher/logging';
import { createPublisher, type PublishResult, type RecordOutcome } from '../lambdas/publisher/publisher';
import { isNotFound } from '../lambdas/publisher/s3';
import type { Renderer } from '../lambdas/render/index';
import type { Bucket } from '../client/bucket-client';
import { type InvocationReport, type LocalS3, startLocalS3 } from '../emulator/local-s3';
import { s3Record } from '../lambdas/publisher/event-record';
import { startLocalPublisher } from '../emulator/local-publisher';

export const BUCKET = 'factsheet-publisher';

export interface Harness {
  readonly localS3: LocalS3;
  readonly bucket: Bucket;
  /** Every invocation the server's events caused (empty when events are delivered by hand). */
  readonly invocations: InvocationReport<PublishResult>[];
  handle(event: S3Event): Promise<PublishResult>;
  /** Stores an object; resolves once every event it caused has been handled. */
  put(key: string, body: string | Uint8Array): Promise<string>;
  settled(): Promise<void>;
  head(key: string): Promise<HeadObjectCommandOutput | null>;
  bytes(key: string): Promise<Buffer>;
  /** An ObjectCreated:Put record for the object as it is now, as S3 would send it. */
  createdEvent(key: string, sequencer: string): Promise<S3Event>;
  removedEvent(key: string, sequencer: string): S3Event;
  outcomesFor(key: string): RecordOutcome[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly renderer?: Renderer;
  /** False: the server's events are not delivered; the test calls handle() itself. */
  readonly autoPublish?: boolean;
  readonly environment?: Readonly<Record<string, string>>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const directory = await mkdtemp(join(tmpdir(), 'publisher-test-'));
  const invocations: InvocationReport<PublishResult>[] = [];
  const environment = { BUCKET_NAME: BUCKET, ...options.environment };
  let localS3: LocalS3;
  let handle: (event: S3Event) => Promise<PublishResult>;
  let settled: () => Promise<void>;
  let close: () => Promise<void>;

  if (options.autoPublish === false) {
    localS3 = await startLocalS3({ bucket: BUCKET, directory, port: 0 });
    const renderer = options.renderer ?? (await (await import('../lambdas/render/index')).createRenderer());
    const publisher = createPublisher({
      config: loadConfig(environment),
      s3: localS3.client,
      renderer,
      logger: createLogger({ logLevel: 'SILENT' }),
    });
    handle = publisher.handle;
    settled = async () => {};
    close = () => localS3.close();
  } else {
    const local = await startLocalPublisher({
      bucket: BUCKET,
      directory,
      port: 0,
      renderer: options.renderer,
      environment,
      onInvoked: (report) => invocations.push(report),
    });
    localS3 = local.localS3;
    handle = local.handle;
    settled = () => local.dispatcher.idle();
    close = () => local.close();
  }

  const bucket: Bucket = { s3: localS3.client, name: BUCKET, layout: loadConfig(environment).layout };
  const head = async (key: string) => {
    try {
      return await localS3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  };

  return {
    localS3,
    bucket,
    invocations,
    handle,
    settled,
    async put(key, body) {
      const response = await localS3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
      await settled();
      return (response.ETag ?? '').replace(/"/g, '');
    },
    head,
    async bytes(key) {
      const response = await localS3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return Buffer.from((await response.Body?.transformToByteArray()) ?? []);
    },
    async createdEvent(key, sequencer) {
      const current = await head(key);
      if (current === null) throw new Error(`${key} does not exist`);
      return {
        Records: [
          s3Record({
            eventName: 'ObjectCreated:Put',
            bucket: BUCKET,
            key,
            sequencer,
            size: current.ContentLength,
            eTag: (current.ETag ?? '').replace(/"/g, ''),
          }),
        ],
      };
    },
    removedEvent(key, sequencer) {
      return { Records: [s3Record({ eventName: 'ObjectRemoved:Delete', bucket: BUCKET, key, sequencer })] };
    },
    outcomesFor(key) {
      return invocations.flatMap((invocation) =>
        'result' in invocation
          ? invocation.result.records.filter((outcome) => ('sourceKey' in outcome ? outcome.sourceKey : outcome.key) === key)
          : [],
      );
    },
    async close() {
      await close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A stand-in for the render engine where the test is about S3, not PDFs: a tiny PDF naming the source. */
export function stubRenderer(): Renderer {
  return {
    templates: ['briefing'],
    render(source) {
      const pdf = Buffer.from(`%PDF-1.7\n% ${encodeURIComponent(source.name)}: ${source.bytes.length} bytes\n%%EOF\n`, 'latin1');
      return Promise.resolve({ pdf, pages: 1, template: 'briefing', lang: 'en', warnings: [] });
    },
  };
}
