/**
 * The whole product on one machine: the local S3 server, its event adapter, and the publisher's
 * handler behind it, configured the way the Lambda is (through loadConfig).
 */
import { fileURLToPath } from 'node:url';
import type { S3Event } from 'aws-lambda';
import { publisherVersion } from '../infra/publisher-version';
import { loadConfig, rendererOptionsOf, type PublisherConfig } from '../lambdas/publisher/config';
import { createLogger, type Logger } from '../lambdas/publisher/logging';
import { createPublisher, type PublishResult } from '../lambdas/publisher/publisher';
import { createRenderer, type Renderer } from '../lambdas/render';
import { type RenderPool, startRenderPool } from './render-pool';
import { dispatchEvents, type EventDispatcher, type InvocationReport, type LocalS3, startLocalS3 } from './local-s3';

export interface LocalPublisherOptions {
  readonly bucket: string;
  readonly directory: string;
  readonly port?: number;
  readonly address?: string;
  /** Absent: the configured templates and fonts, rendering in worker threads (render-pool.ts). */
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
  /**
   * Reads templates, theme and fonts again and stamps what follows with their new version.
   * Throws (an OperatorError for a broken template) and keeps the previous ones if they cannot load.
   */
  reload(): Promise<PublisherConfig>;
  /** Waits for every event to be handled, then stops. */
  close(): Promise<void>;
  /**
   * Stops within about `graceMs`: invocations running may finish, nothing new starts. Returns
   * the source keys left unhandled (the next start's reconcile publishes them).
   */
  stop(graceMs: number): Promise<string[]>;
}

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * What a deployment of this tree would stamp, plus the templates and fonts the environment points
 * at (TEMPLATES_DIR, FONTS_DIR) when they are not the tree's: an edit to any of them changes it.
 */
export function localPublisherVersion(environment: Readonly<Record<string, string | undefined>>): string {
  const elsewhere = [environment.TEMPLATES_DIR, environment.FONTS_DIR].filter((dir): dir is string => dir !== undefined && dir.trim() !== '');
  return environment.PUBLISHER_VERSION ?? publisherVersion(REPOSITORY_ROOT, elsewhere);
}

export async function startLocalPublisher(options: LocalPublisherOptions): Promise<LocalPublisher> {
  // The same variables as the Lambda's, so that prefixes and limits can be tried locally, and the
  // deployment's version hash: `--republish` against this server then sees template and font edits.
  const configure = () => {
    const environment = { ...process.env, ...options.environment, BUCKET_NAME: options.bucket };
    return loadConfig({ ...environment, PUBLISHER_VERSION: localPublisherVersion(environment) });
  };
  // Without a renderer given, renders run in worker threads, off the loop that serves S3.
  const startRenderer = async (next: PublisherConfig): Promise<{ renderer: Renderer; pool?: RenderPool }> => {
    if (options.renderer !== undefined) return { renderer: options.renderer };
    const started = await startRenderPool(rendererOptionsOf(next));
    return { renderer: started, pool: started };
  };
  let config = configure();
  const first = await startRenderer(config);
  let pool = first.pool;
  const localS3 = await startLocalS3({
    bucket: options.bucket,
    directory: options.directory,
    port: options.port,
    address: options.address,
  });
  const logger = options.logger ?? createLogger({ logLevel: 'SILENT' });
  let publisher = createPublisher({ config, s3: localS3.client, renderer: first.renderer, logger });
  const dispatcher = dispatchEvents(localS3, {
    bucket: options.bucket,
    prefix: config.layout.contentPrefix,
    invoke: (event) => publisher.handle(event),
    concurrency: options.concurrency,
    onInvoked: options.onInvoked,
  });
  return {
    localS3,
    get config() {
      return config;
    },
    dispatcher,
    handle: (event) => publisher.handle(event),
    async reload() {
      const next = configure();
      const started = options.renderer === undefined ? await startRenderer(next) : { renderer: await createRenderer(rendererOptionsOf(next)) };
      const previous = pool;
      publisher = createPublisher({ config: next, s3: localS3.client, renderer: started.renderer, logger });
      pool = started.pool ?? pool;
      config = next;
      // Renders already running finish on the previous workers.
      if (previous !== pool) void dispatcher.idle().then(() => previous?.close());
      return next;
    },
    async close() {
      await dispatcher.idle();
      dispatcher.close();
      await Promise.all([localS3.close(), pool?.close()]);
    },
    async stop(graceMs) {
      const left = await dispatcher.stop(graceMs);
      await Promise.all([localS3.close(), pool?.close()]);
      return left;
    },
  };
}
