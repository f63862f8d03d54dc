/**
 * Pictures of a document in the bucket: read from the same bucket under the content prefix,
 * the size checked from the object's headers before its body is read.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ImageAccess, ImageRead } from '../render';
import type { KeyLayout } from './keys';
import { isNotFound } from './s3';

export function bucketImages(s3: S3Client, bucket: string, layout: KeyLayout, documentKey: string): ImageAccess {
  return {
    documentPath: documentKey.slice(layout.contentPrefix.length),
    async read(path, maxBytes): Promise<ImageRead> {
      try {
        const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${layout.contentPrefix}${path}` }));
        const size = response.ContentLength ?? 0;
        if (size > maxBytes) {
          // In Node the body is a stream: closing it leaves the rest of the object unread.
          (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
          return { kind: 'too-large', bytes: size };
        }
        return { kind: 'found', bytes: (await response.Body?.transformToByteArray()) ?? new Uint8Array() };
      } catch (error) {
        if (isNotFound(error)) return { kind: 'missing' };
        throw error;
      }
    },
  };
}
