import { ContentError } from '../render';

/** Two sources (`a.yaml`, `a.md`) would publish the same fact sheet: the uploader must pick one. */
export class SourceConflictError extends ContentError {}

/** The source's fact sheet would have a key longer than S3 allows: the uploader must shorten the name. */
export class KeyTooLongError extends ContentError {}

/** The deployment is strict (STRICT_WARNINGS=true) and the document had warnings: each is a problem. */
export class StrictWarningsError extends ContentError {}

/**
 * Some records of an event could not be processed for a reason that is not the uploader's
 * (S3 unavailable, throttled, timed out, a bug). Thrown after every record was tried, so that
 * Lambda retries the event; records already done are skipped as duplicates on the retry.
 */
export class PublishFailedError extends Error {
  readonly failures: readonly { readonly key: string; readonly error: string }[];

  constructor(failures: readonly { readonly key: string; readonly error: string }[], options?: { cause?: unknown }) {
    const lines = failures.map((failure) => `  ${failure.key}: ${failure.error}`);
    super(`${failures.length} record(s) failed and will be retried:\n${lines.join('\n')}`, options);
    this.name = 'PublishFailedError';
    this.failures = failures;
  }
}
