/**
 * The Lambda entry point: S3 notifications, and the scheduled reconcile (`{"kind":"reconcile"}`).
 * Configuration, S3 client, logger, metrics and renderer (fonts and templates) are built once per
 * container, at module load: a misconfiguration fails the cold start with its message, and the
 * loading happens in Lambda's init phase rather than in the first invocation.
 */
import type { Context, S3Event } from 'aws-lambda';
import { createRenderer } from '../render';
import { loadConfig, rendererOptionsOf } from './config';
import { createLogger } from './logging';
import { createMetrics } from './metrics';
import { createPublisher, type PublishResult } from './publisher';
import { createS3Client } from './s3';
import { isReconcileEvent, type ReconcileEvent, type ReconcileStepResult, runReconcileStep } from './scheduled-reconcile';
import { selfInvoker } from './self-invoke';

const config = loadConfig();
const s3 = createS3Client();
const logger = createLogger();
const metrics = createMetrics();
const invokeSelf = selfInvoker();

const renderer = await createRenderer(rendererOptionsOf(config));
const publisher = createPublisher({ config, s3, renderer, logger, onOutcome: metrics.record });

/** Without a Lambda context (a test calling the handler), as much time as the default timeout. */
const UNBOUNDED_REMAINING_MS = 30_000;

export async function handler(event: S3Event, context?: Context): Promise<PublishResult>;
export async function handler(event: ReconcileEvent, context?: Context): Promise<ReconcileStepResult>;
export async function handler(event: S3Event | ReconcileEvent, context?: Context): Promise<PublishResult | ReconcileStepResult> {
  // Puts the request id on every log line of this invocation.
  if (context !== undefined) logger.addContext(context);
  try {
    if (isReconcileEvent(event)) {
      const remainingMs = () => context?.getRemainingTimeInMillis() ?? UNBOUNDED_REMAINING_MS;
      const step = await runReconcileStep(event, { config, s3, logger, invoke: invokeSelf, remainingMs });
      metrics.reconciled(step);
      return step;
    }
    return await publisher.handle(event);
  } finally {
    // A failed invocation's numbers count too: they are what the errors alarm is about.
    metrics.flush();
  }
}
