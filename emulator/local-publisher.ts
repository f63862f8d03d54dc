/**
 * The whole product on one machine: the local S3 server, its event adapter, and the publisher's
 * handler behind it, configured the way the Lambda is (through loadConfig).
 */
import type { S3Event } from 'aws-lambda';
import { loadConfig, rendererOptionsOf, type PublisherConfig } from '../lambdas/publisher/config';
import { createLogger, type Logger } from '../lambdas/publisher/logging';
import { createPublisher, type PublishResult } from '../lambdas/publisher/publisher';
import { createRenderer, type Renderer } from '../lambdas/render';
import { dispatchEvents, type EventDispatcher, type InvocationReport, type LocalS3, startLocalS3 } from './local-s3';

export interface LocalPublisherOptions {
  readonly bucket: string;
  readonly directory: string;
  readonly port?: number;
  readonly address?: string;
  /** Loaded from the configured templates and fonts when absent. */
  readonly renderer?: Renderer;
  /** Silent unless given: the scripts print their own summary. */
  readonly logger?: Logger;
  readonly concurrency?: number;
  /** Variables read as the Lambda reads its environment, over process.env. */
  readonly environment?: Readonly<Record<string, string>>;
  readonly onInvoked?: (report: InvocationReport<PublishResult>) => void;
}

export interface LocalPublisher {
  readonly localS3: LocalS3;
  readonly config: PublisherConfig;
  readonly dispatcher: EventDispatcher;
  /** The handler itself, for events made by hand (tests, republish). */
  handle(this: void, event: S3Event): Promise<PublishResult>;
  close(): Promise<void>;
}

export async function startLocalPublisher(options: LocalPublisherOptions): Promise<LocalPublisher> {
  // The same variables as the Lambda's, so that prefixes and limits can be tried locally.
  const config = loadConfig({ ...process.env, ...options.environment, BUCKET_NAME: options.bucket });
  const renderer = options.renderer ?? (await createRenderer(rendererOptionsOf(config)));
  const localS3 = await startLocalS3({
    bucket: options.bucket,
    directory: options.directory,
    port: options.port,
    address: options.address,
  });
  const publisher = createPublisher({
    config,
    s3: localS3.client,
    renderer,
    logger: options.logger ?? createLogger({ logLevel: 'SILENT' }),
  });
  const dispatcher = dispatchEvents(localS3, {
    bucket: options.bucket,
    prefix: config.layout.contentPrefix,
    invoke: publisher.handle,
    concurrency: options.concurrency,
    onInvoked: options.onInvoked,
  });
  return {
    localS3,
    config,
    dispatcher,
    handle: publisher.handle,
    async close() {
      await dispatcher.idle();
      dispatcher.close();
      await localS3.close();
    },
  };
}
