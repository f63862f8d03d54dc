/**
 * Structured JSON logs, one line per record, with identifiers and measurements only: document
 * text (and problem messages, which may quote it) never reaches the logs.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { PUBLISHER_SERVICE_NAME } from './metric-names';

export type { Logger };

/** Service name and level come from POWERTOOLS_SERVICE_NAME and LOG_LEVEL when set. */
export function createLogger(options: { logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' } = {}): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? PUBLISHER_SERVICE_NAME, ...options });
}
