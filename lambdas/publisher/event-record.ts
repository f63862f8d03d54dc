/**
 * The function's input, an S3 notification record. Built here, beside the handler that reads it,
 * so that the local emulator and the republish client send the records S3 itself sends.
 */
import type { S3EventRecord } from 'aws-lambda';
import { encodeEventKey } from './keys';

/** A notification record shaped like S3's own (see tests/fixtures/events/). */
export function s3Record(fields: {
  readonly eventName: string;
  readonly bucket: string;
  /** The key as stored; the record carries it encoded. */
  readonly key: string;
  readonly sequencer: string;
  readonly size?: number;
  readonly eTag?: string;
  readonly versionId?: string;
}): S3EventRecord {
  const object: S3EventRecord['s3']['object'] = {
    key: encodeEventKey(fields.key),
    sequencer: fields.sequencer,
    ...(fields.size === undefined ? {} : { size: fields.size }),
    ...(fields.eTag === undefined ? {} : { eTag: fields.eTag }),
    ...(fields.versionId === undefined ? {} : { versionId: fields.versionId }),
  } as S3EventRecord['s3']['object'];
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: new Date().toISOString(),
    eventName: fields.eventName,
    userIdentity: { principalId: 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'LOCAL', 'x-amz-id-2': 'LOCAL' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'publish-content',
      bucket: { name: fields.bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${fields.bucket}` },
      object,
    },
  };
}
