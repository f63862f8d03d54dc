/**
 * Where the local server listens and what it answers to by default, apart from the server so that
 * `npm run publish` can name them in its usage without loading s3rver: against AWS it needs none
 * of the emulator.
 */

/** s3rver's only key pair. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const DEFAULT_LOCAL_PORT = 4568;
export const DEFAULT_LOCAL_BUCKET = 'factsheet-publisher';
