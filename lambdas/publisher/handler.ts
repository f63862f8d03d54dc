/**
 * The Lambda entry point. Configuration, S3 client, logger, metrics and renderer (fonts and
 * templates) are built once per container, at module load: a misconfiguration fails the cold
 * start with its message, and the loading happens in Lambda's init phase rather than in the
 * first invocation.
 */
import type { Context, S3Event } from 'aws-lambda';
import { createRenderer } from '../render';
import { loadConfig, rendererOptionsOf } from './config';
import { createLogger } from './logging';
import { createMetrics } from './metrics';
import { createPublisher, type PublishResult } from './publisher';
import { createS3Client } from './s3';

const config = loadConfig();
const s3 = createS3Client();
const logger = createLogger();
const metrics = createMetrics();

const renderer = await createRenderer(rendererOptionsOf(config));
const publisher = createPublisher({ config, s3, renderer, logger, onOutcome: metrics.record });

export async function handler(event: S3Event, context?: Context): Promise<PublishResult> {
  // Puts the request id on every log line of this invocation.
  if (context !== undefined) logger.addContext(context);
  try {
    return await publisher.handle(event);
  } finally {
    // A failed invocation's numbers count too: they are what the errors alarm is about.
    metrics.flush();
  }
}
