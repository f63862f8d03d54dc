/**
 * The Lambda entry point. Configuration, S3 client and logger are built once per container, at
 * module load, so that a misconfiguration fails the cold start with its message; the renderer
 * (fonts and templates) is loaded on the first event and kept.
 */
import type { Context, S3Event } from 'aws-lambda';
import { createRenderer } from '../render/index';
import { loadConfig } from './config';
import { createLogger } from './logging';
import { createPublisher, type Publisher, type PublishResult } from './publisher';
import { createS3Client } from './s3';

const config = loadConfig();
const s3 = createS3Client();
const logger = createLogger();

let publisher: Promise<Publisher> | undefined;

function loadPublisher(): Promise<Publisher> {
  publisher ??= createRenderer({ templatesDir: config.templatesDir, fontsDir: config.fontsDir }).then(
    (renderer) => createPublisher({ config, s3, renderer, logger }),
    (error: unknown) => {
      // Let the next invocation try again instead of failing forever in this container.
      publisher = undefined;
      throw error;
    },
  );
  return publisher;
}

export async function handler(event: S3Event, context?: Context): Promise<PublishResult> {
  // Puts the request id on every log line of this invocation.
  if (context !== undefined) logger.addContext(context);
  return (await loadPublisher()).handle(event);
}
