/**
 * Pictures of a document in the bucket: read from the same bucket under the content prefix,
 * the size checked from the object's headers before its body is read.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ImageAccess, ImageRead } from '../render';
import type { KeyLayout } from './keys';
import { isNotFound, unquoteEtag } from './s3';

/**
 * `read` records every picture the render asks for in `seen` (key → ETag as read, null when
 * missing): what the document uses, for the picture index, including the pictures it names that
 * do not exist yet, so that uploading them publishes it.
 */
export function bucketImages(
  s3: S3Client,
  bucket: string,
  layout: KeyLayout,
  documentKey: string,
  seen: Map<string, string | null>,
): ImageAccess {
  return {
    documentPath: documentKey.slice(layout.contentPrefix.length),
    namePrefix: layout.contentPrefix,
    async read(path, maxBytes): Promise<ImageRead> {
      const key = `${layout.contentPrefix}${path}`;
      try {
        const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        seen.set(key, unquoteEtag(response.ETag ?? ''));
        const size = response.ContentLength ?? 0;
        if (size > maxBytes) {
          // In Node the body is a stream: closing it leaves the rest of the object unread.
          (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
          return { kind: 'too-large', bytes: size };
        }
        return { kind: 'found', bytes: (await response.Body?.transformToByteArray()) ?? new Uint8Array() };
      } catch (error) {
        if (!isNotFound(error)) throw error;
        seen.set(key, null);
        return { kind: 'missing' };
      }
    },
  };
}
