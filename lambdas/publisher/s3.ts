/**
 * One way to build an S3 client, for AWS and for S3-compatible servers alike.
 */
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';

export interface S3ClientOptions {
  /** An S3-compatible server such as the local one (`http://127.0.0.1:4568`); absent for AWS. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

// Long enough for a 1 MiB source on a slow link, short enough that a hung connection fails the
// invocation (and Lambda's async retry takes over) well before the function's own timeout.
const REQUEST_TIMEOUT_MS = 20_000;
const CONNECTION_TIMEOUT_MS = 3_000;

export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const requestHandler = { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS };
  if (options.endpoint === undefined) {
    return new S3Client({ region: options.region, credentials: options.credentials, requestHandler });
  }
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    credentials: options.credentials,
    requestHandler,
    // Other servers do not resolve bucket.host names.
    forcePathStyle: true,
    // With the SDK defaults a stream body is sent with aws-chunked framing and a trailing
    // checksum, which servers that do not speak it (s3rver) store verbatim: silent corruption.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** True when S3 says the object (or the requested version of it) does not exist. */
export function isNotFound(error: unknown): boolean {
  // A missing bucket is a deployment problem, not a missing object.
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket';
}

/** True when a conditional request lost: the object changed since it was read. */
export function isPreconditionFailed(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412;
}

/**
 * S3 answers 404, not 412, to a write with `If-Match` when the object it names was deleted since
 * it was read: the other writer won as surely as with a 412. Only the request knows it carried
 * the condition, so the store turns that 404 into this.
 */
export class ObjectGoneError extends Error {
  constructor(key: string, options?: { cause?: unknown }) {
    super(`${key} was deleted since it was read (404 on a conditional write)`, options);
    this.name = 'ObjectGoneError';
  }
}

/** A conditional write lost to another writer: 412, 409 when S3 saw both at once, or the object deleted meanwhile. */
export function isConditionLost(error: unknown): boolean {
  return (
    isPreconditionFailed(error) ||
    error instanceof ObjectGoneError ||
    (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 409 && error.name === 'ConditionalRequestConflict')
  );
}

/** ETags travel quoted in HTTP headers and bare in event records and metadata. */
export function unquoteEtag(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}
