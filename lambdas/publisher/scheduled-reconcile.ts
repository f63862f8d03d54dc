/**
 * The reconcile that EventBridge Scheduler starts every day (infra/), in the function itself:
 * the same check as `npm run publish -- --reconcile`, in steps bounded by the function's timeout.
 *
 * A step checks at most MAX_DOCUMENTS_PER_STEP documents and starts nothing once its time is
 * nearly spent; then it invokes the function again with a cursor, so a bucket of any size is
 * covered without one invocation running into the timeout. Documents found missing or stale are
 * handed to the function one asynchronous invocation each, as a republish does: each is then
 * published (or retried, or sent to the failure queue) on its own, never as part of the reconcile.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import type { PublisherConfig } from './config';
import type { Logger } from './logging';
import { reconcile, type ReconcileCursor } from './reconcile';

/** What the schedule sends (`{"kind":"reconcile"}`), and what a step sends to continue. */
export interface ReconcileEvent {
  readonly kind: 'reconcile';
  readonly cursor?: ReconcileCursor;
}

export interface ReconcileStepResult {
  readonly republished: number;
  readonly upToDate: number;
  /** Of the republished, the uploads nothing had answered: their event was lost upstream. */
  readonly unanswered: number;
  readonly removed: number;
  /** Picture-index entries written again. */
  readonly relinked: number;
  readonly failed: readonly { readonly key: string; readonly error: string }[];
  /** Where the next step starts, when this one stopped at its bound. */
  readonly continueFrom?: ReconcileCursor;
  /** The step stopped because its time was spent, not at the document bound: S3 answered slowly. */
  readonly stoppedAtDeadline: boolean;
}

export interface ScheduledReconcileDependencies {
  readonly config: PublisherConfig;
  readonly s3: S3Client;
  readonly logger: Logger;
  /** Hands an event to the function, asynchronously: a document to publish, or the next step. */
  readonly invoke: (event: S3Event | ReconcileEvent) => Promise<void>;
  /** Milliseconds before the invocation times out (Lambda's context.getRemainingTimeInMillis). */
  readonly remainingMs: () => number;
  /** @default MAX_DOCUMENTS_PER_STEP */
  readonly maxDocumentsPerStep?: number;
}

/** One listing page: checking it takes a few seconds at the concurrency below. */
const MAX_DOCUMENTS_PER_STEP = 1000;
const CONCURRENCY = 16;
/**
 * Left over when a step stops starting checks: those in flight finish (one S3 round trip each,
 * normally), the next step is invoked and the summary logged, well before the timeout.
 */
const MARGIN_MS = 8000;

/** The step made no progress: a bound too tight for even one document, or a bug. */
export class ReconcileStalledError extends Error {
  constructor(cursor: ReconcileCursor | undefined) {
    super(`the scheduled reconcile made no progress from ${JSON.stringify(cursor ?? 'the start')} within its time`);
    this.name = 'ReconcileStalledError';
  }
}

export function isReconcileEvent(event: unknown): event is ReconcileEvent {
  return typeof event === 'object' && event !== null && (event as { kind?: unknown }).kind === 'reconcile';
}

export async function runReconcileStep(event: ReconcileEvent, dependencies: ScheduledReconcileDependencies): Promise<ReconcileStepResult> {
  const { config, logger } = dependencies;
  const deadline = Date.now() + dependencies.remainingMs() - MARGIN_MS;
  const report = await reconcile({
    s3: dependencies.s3,
    bucket: config.bucket,
    contentPrefix: config.layout.contentPrefix,
    currentVersion: config.publisherVersion,
    concurrency: CONCURRENCY,
    invoke: dependencies.invoke,
    cursor: event.cursor,
    maxDocuments: dependencies.maxDocumentsPerStep ?? MAX_DOCUMENTS_PER_STEP,
    deadline,
  });
  const { continueFrom } = report;
  if (continueFrom !== undefined) {
    const from = event.cursor ?? { stage: 'sources', after: '' };
    if (continueFrom.stage === from.stage && continueFrom.after === from.after) throw new ReconcileStalledError(event.cursor);
    await dependencies.invoke({ kind: 'reconcile', cursor: continueFrom });
  }
  const result: ReconcileStepResult = {
    republished: report.republished.length,
    upToDate: report.upToDate.length,
    unanswered: report.unanswered.length,
    removed: report.removed.length,
    relinked: report.relinked.length,
    failed: report.failed,
    ...(continueFrom === undefined ? {} : { continueFrom }),
    // A step that stopped at the document bound with its time spent too counts: the time was the limit.
    stoppedAtDeadline: continueFrom !== undefined && Date.now() >= deadline,
  };
  // Keys only, as for every record: which documents were handed over, removed or not checked.
  logger.info('reconciled', {
    ...result,
    from: event.cursor,
    republishedKeys: report.republished,
    unansweredKeys: report.unanswered,
    removedKeys: report.removed.map((output) => output.key),
  });
  for (const failure of report.failed) logger.error('reconcile could not check', { key: failure.key, error: failure.error });
  return result;
}
