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
 *   from the store itself;
 * - delivery: Lambda invokes asynchronously, retries a failed invocation twice, and runs
 *   invocations concurrently; so does the adapter. S3 also delivers late, out of order and
 *   more than once: `hold()` and `release({ order, duplicates })` do that on demand.
 *
 * The storage and the conditional requests are object-store.ts.
 */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';
import { s3Record } from '../lambdas/publisher/event-record';
import { decodeEventKey } from '../lambdas/publisher/keys';
import { createLimiter } from '../lambdas/publisher/concurrency';
import { createS3Client } from '../lambdas/publisher/s3';
import { DEFAULT_LOCAL_PORT, LOCAL_CREDENTIALS } from './local-defaults';
import { ObjectStore } from './object-store';

export { DEFAULT_LOCAL_BUCKET, DEFAULT_LOCAL_PORT, LOCAL_CREDENTIALS } from './local-defaults';


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
  // Keys hashed, writes atomic, preconditions and Content-MD5 checked (object-store.ts).
  server.store = server.context.store = new ObjectStore(options.directory);
  // s3rver's routes need every segment of a key to be non-empty (`a//b` is a valid key); an
  // encoded slash joins the empty segment to the next one and decodes back into the same key.
  server.middleware.unshift(async (ctx, next) => {
    ctx.path = ctx.path.replace(/\/(\/+)/g, (_, extra: string) => `/${'%2F'.repeat(extra.length)}`);
    await next();
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
      const closing = server.close();
      // Other clients' keep-alive connections would hold the server open for minutes.
      server.httpServer?.closeAllConnections();
      await closing;
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

/** How held events are delivered: S3 promises neither order nor a single delivery. */
interface ReleasePlan {
  /** @default 'received' */
  readonly order?: 'received' | 'reversed' | 'shuffled';
  /** Extra deliveries of every event. @default 0 */
  readonly duplicates?: number;
  /** Drives 'shuffled', so that a failing interleaving can be replayed. @default Math.random */
  readonly random?: () => number;
}

export interface EventDispatcher {
  /** Resolves once every event received so far has been handled (including retries). */
  idle(): Promise<void>;
  /** Keeps the events received from now on instead of delivering them. */
  hold(): void;
  /**
   * Delivers the held events all at once, with no per-key ordering, as `plan` says, and goes
   * back to delivering events as they come.
   */
  release(plan?: ReleasePlan): void;
  /** Stops listening; invocations already started finish. */
  close(): void;
  /**
   * Stops listening and gives the invocations running up to `graceMs` to finish; what is queued,
   * held or waiting for a retry is not started. Returns the keys of the events not handled.
   */
  stop(graceMs: number): Promise<string[]>;
}

/** Routes the server's object events, made to look like S3's, to `invoke`. */
export function dispatchEvents<Result>(localS3: LocalS3, options: DispatchOptions<Result>): EventDispatcher {
  const { server } = localS3;
  const retryDelaysMs = options.retryDelaysMs ?? [100, 1000];
  const nextSequencer = sequencerSource();

  const limit = createLimiter(options.concurrency ?? 4);
  const queued = new Set<Promise<unknown>>();
  // Deliveries for one key keep their order here, unless held and released in another order.
  const lastForKey = new Map<string, Promise<unknown>>();

  let stopping = false;
  let wakeSleepers = (): void => {};
  const stopped = new Promise<void>((resolve) => (wakeSleepers = resolve));

  /** Resolves true once handled, false when left unhandled by a stop. */
  const deliver = async (event: S3Event): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      // A delivery waiting for its turn when a stop comes gives its turn up unhandled.
      const outcome = await limit(async (): Promise<{ readonly result: Result } | { readonly error: unknown } | null> => {
        if (stopping) return null;
        try {
          return { result: await options.invoke(event) };
        } catch (error) {
          return { error };
        }
      });
      if (outcome === null) return false;
      const delay = retryDelaysMs[attempt - 1];
      if ('result' in outcome || delay === undefined) {
        options.onInvoked?.({ event, attempts: attempt, ...outcome, finishedAt: performance.now() });
        return true;
      }
      await Promise.race([sleep(delay), stopped]);
    }
  };

  let held: S3Event[] | undefined;
  /** Every delivery not finished yet, with the key it is for. */
  const pending = new Map<Promise<unknown>, string>();
  const left: string[] = [];
  const track = (delivery: Promise<boolean>, key: string): void => {
    queued.add(delivery);
    pending.set(delivery, key);
    void delivery.then((handled) => {
      queued.delete(delivery);
      pending.delete(delivery);
      if (!handled) left.push(key);
    });
  };

  const receive = (eventName: string, bucket: string, rawKey: string, size?: number, eTag?: string): void => {
    if (bucket !== options.bucket || !rawKey.startsWith(options.prefix)) return;
    const event: S3Event = { Records: [s3Record({ eventName, bucket, key: rawKey, size, eTag, sequencer: nextSequencer() })] };
    if (held !== undefined) {
      held.push(event);
      return;
    }
    const previous = lastForKey.get(rawKey) ?? Promise.resolve();
    const delivery = previous.then(() => deliver(event));
    lastForKey.set(rawKey, delivery);
    track(delivery, decodeEventKey(rawKey));
    void delivery.finally(() => {
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
    await deleteObject(bucket, key);
    receive('ObjectRemoved:Delete', bucket, key);
  };

  const close = (): void => {
    server.off('event', onServerEvent);
    store.deleteObject = deleteObject;
  };

  return {
    async idle() {
      while (queued.size > 0) await Promise.all(queued);
    },
    hold() {
      held ??= [];
    },
    release(plan = {}) {
      const events = held ?? [];
      held = undefined;
      const deliveries = events.flatMap((event) => Array.from({ length: 1 + (plan.duplicates ?? 0) }, () => event));
      for (const event of ordered(deliveries, plan)) track(deliver(event), decodeEventKey(event.Records[0]?.s3.object.key ?? ''));
    },
    close,
    async stop(graceMs) {
      close();
      stopping = true;
      left.push(...(held ?? []).map((event) => decodeEventKey(event.Records[0]?.s3.object.key ?? '')));
      held = undefined;
      wakeSleepers();
      await Promise.race([Promise.all(queued), sleep(graceMs)]);
      return [...new Set([...left, ...pending.values()])].sort();
    },
  };
}

function ordered<T>(items: readonly T[], plan: ReleasePlan): T[] {
  const order = plan.order ?? 'received';
  switch (order) {
    case 'received':
      return [...items];
    case 'reversed':
      return [...items].reverse();
    case 'shuffled': {
      const random = plan.random ?? Math.random;
      const shuffled = [...items];
      for (let index = shuffled.length - 1; index > 0; index--) {
        const other = Math.floor(random() * (index + 1));
        [shuffled[index], shuffled[other]] = [shuffled[other] as T, shuffled[index] as T];
      }
      return shuffled;
    }
    default: {
      const unhandled: never = order;
      throw new Error(`unknown order ${String(unhandled)}`);
    }
  }
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
