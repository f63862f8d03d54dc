/**
 * A real S3 API on 127.0.0.1 (s3rver, in process) and the adapter that turns its object events
 * into the notifications S3 would send to the publisher Lambda, so that the handler runs locally
 * exactly as it runs in AWS.
 *
 * How s3rver's events differ from S3's, and what the adapter does about it:
 * - raw keys (`content/été 2022.yaml`): encoded as S3 does (`content/%C3%A9t%C3%A9+2022.yaml`);
 * - no notification configuration: the adapter filters by prefix and event type, as the bucket
 *   notification does in AWS (without it the publisher's own writes would trigger it again);
 * - sequencers from Date.now(), equal within a millisecond: replaced by strictly increasing ones;
 * - no event for DeleteObjects (`aws s3 rm --recursive`): the adapter reports every removal
 *   from the store itself (and absorbs the store's folder-pruning race between concurrent deletes);
 * - delivery: Lambda invokes asynchronously, retries a failed invocation twice, and runs
 *   invocations concurrently; so does the adapter.
 */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';
import { createLimiter } from '../lambdas/publisher/concurrency';
import { s3Record } from '../lambdas/publisher/event-record';
import { createS3Client } from '../lambdas/publisher/s3';

/** s3rver's only key pair. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const DEFAULT_LOCAL_PORT = 4568;
export const DEFAULT_LOCAL_BUCKET = 'factsheet-publisher';

export interface LocalS3Options {
  readonly bucket: string;
  /** Where s3rver keeps objects. */
  readonly directory: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly address?: string;
}

export interface LocalS3 {
  readonly endpoint: string;
  readonly bucket: string;
  readonly server: S3rver;
  /** An SDK client for this server, configured as every non-AWS endpoint must be. */
  readonly client: S3Client;
  close(): Promise<void>;
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  await mkdir(options.directory, { recursive: true });
  const address = options.address ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_LOCAL_PORT;
  // s3rver reports a busy port as an uncaught 'error' event that ends the process.
  if (port !== 0) await assertPortFree(address, port);
  const server = new S3rver({
    address,
    port,
    silent: true,
    directory: options.directory,
    configureBuckets: [{ name: options.bucket }],
  });
  const listening = await server.run();
  const endpoint = `http://${address}:${listening.port}`;
  const client = createS3Client({ endpoint, credentials: LOCAL_CREDENTIALS });
  return {
    endpoint,
    bucket: options.bucket,
    server,
    client,
    async close() {
      client.destroy();
      await server.close();
    },
  };
}

export interface DispatchOptions<Result> {
  readonly bucket: string;
  /** The notification's prefix filter (the publisher's content prefix). */
  readonly prefix: string;
  /** The function the notification targets: the publisher's handler. */
  readonly invoke: (event: S3Event) => Promise<Result>;
  /** Invocations running at once. @default 4 */
  readonly concurrency?: number;
  /** Pause before each retry of a failed invocation; Lambda retries async invocations twice. @default [100, 1000] */
  readonly retryDelaysMs?: readonly number[];
  /** Each invocation's end: its result, or its last error once retries are spent. */
  readonly onInvoked?: (report: InvocationReport<Result>) => void;
}

export type InvocationReport<Result> =
  | { readonly event: S3Event; readonly attempts: number; readonly result: Result; readonly finishedAt: number }
  | { readonly event: S3Event; readonly attempts: number; readonly error: unknown; readonly finishedAt: number };

export interface EventDispatcher {
  /** Resolves once every event received so far has been handled (including retries). */
  idle(): Promise<void>;
  /** Stops listening; invocations already started finish. */
  close(): void;
}

/** Routes the server's object events, made to look like S3's, to `invoke`. */
export function dispatchEvents<Result>(localS3: LocalS3, options: DispatchOptions<Result>): EventDispatcher {
  const { server } = localS3;
  const limit = createLimiter(options.concurrency ?? 4);
  const retryDelaysMs = options.retryDelaysMs ?? [100, 1000];
  const nextSequencer = sequencerSource();

  const queued = new Set<Promise<void>>();
  // Deliveries for one key keep their order here; what the handler does when they do not is
  // tested with hand-made events.
  const lastForKey = new Map<string, Promise<void>>();

  const deliver = async (event: S3Event): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      let outcome: { readonly result: Result } | { readonly error: unknown };
      try {
        outcome = { result: await limit(() => options.invoke(event)) };
      } catch (error) {
        outcome = { error };
      }
      const delay = retryDelaysMs[attempt - 1];
      if ('result' in outcome || delay === undefined) {
        options.onInvoked?.({ event, attempts: attempt, ...outcome, finishedAt: performance.now() });
        return;
      }
      await sleep(delay);
    }
  };

  const receive = (eventName: string, bucket: string, rawKey: string, size?: number, eTag?: string): void => {
    if (bucket !== options.bucket || !rawKey.startsWith(options.prefix)) return;
    const event: S3Event = { Records: [s3Record({ eventName, bucket, key: rawKey, size, eTag, sequencer: nextSequencer() })] };
    const previous = lastForKey.get(rawKey) ?? Promise.resolve();
    const delivery = previous.then(() => deliver(event));
    lastForKey.set(rawKey, delivery);
    queued.add(delivery);
    void delivery.finally(() => {
      queued.delete(delivery);
      if (lastForKey.get(rawKey) === delivery) lastForKey.delete(rawKey);
    });
  };

  const onServerEvent = (serverEvent: S3Event): void => {
    for (const record of serverEvent.Records) {
      // Removals are reported by the store below, for single and multiple deletes alike.
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      receive(record.eventName, record.s3.bucket.name, record.s3.object.key, record.s3.object.size, record.s3.object.eTag);
    }
  };
  server.on('event', onServerEvent);

  const { store } = server;
  const deleteObject = store.deleteObject.bind(store);
  store.deleteObject = async (bucket: string, key: string) => {
    try {
      await deleteObject(bucket, key);
    } catch (error) {
      // After removing the object s3rver prunes empty folders; concurrent deletes (DeleteObjects)
      // race on that and the losers see ENOENT, though their object is gone.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    receive('ObjectRemoved:Delete', bucket, key);
  };

  return {
    async idle() {
      while (queued.size > 0) await Promise.all(queued);
    },
    close() {
      server.off('event', onServerEvent);
      store.deleteObject = deleteObject;
    },
  };
}

/**
 * Strictly increasing hexadecimal sequencers, starting from the clock so that a server restarted
 * on the same data directory never issues one older than those recorded on existing fact sheets.
 */
function sequencerSource(): () => string {
  let last = 0n;
  return () => {
    const fromClock = BigInt(Date.now()) << 20n;
    last = fromClock > last ? fromClock : last + 1n;
    return last.toString(16).toUpperCase().padStart(16, '0');
  };
}

export class PortInUseError extends Error {
  constructor(address: string, port: number) {
    super(`${address}:${port} is already in use (another npm run dev?): choose another port, or 0 for any free one`);
    this.name = 'PortInUseError';
  }
}

function assertPortFree(address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(address, port) : error),
    );
    probe.listen(port, address, () => probe.close(() => resolve()));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
