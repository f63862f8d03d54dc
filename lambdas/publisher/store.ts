/**
 * The bucket as the publisher sees it: sources under the content prefix, and the outputs it
 * writes (fact sheets, error reports) with what it recorded on them.
 *
 * Outputs are written and deleted conditionally on the ETag last seen, so that two invocations
 * racing on one path cannot silently undo each other: the loser gets a 412 and starts over.
 */
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type Outputs, type Recorded, recordedOn } from './current';
import { documentPathOf, errorReportKeyFor, factsheetKeyFor, type KeyLayout } from './keys';
import { isNotFound, isPreconditionFailed, ObjectGoneError } from './s3';

export interface SourceObject {
  readonly key: string;
  /** Absent when the bucket is not versioned. */
  readonly versionId?: string;
  readonly etag: string;
  readonly size: number;
  readonly lastModified: Date;
}

/** A fact sheet or error report as it is now, with what the publisher recorded on it. */
export interface OutputObject extends Recorded {
  readonly key: string;
  readonly etag: string;
}

/** Everything the publisher's decision about one source key rests on, as the bucket is now. */
export interface Observed {
  /** Null when the source no longer exists. */
  readonly source: SourceObject | null;
  readonly outputs: Outputs<OutputObject>;
  /** The other sources of the same document path (`content/a.md` beside `content/a.yaml`), sorted. */
  readonly siblings: readonly string[];
}

export interface OutputBody {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly contentDisposition?: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** The object changed between two requests; the event for the newer state will follow. */
export class SourceChangedError extends Error {
  constructor(key: string, options?: { cause?: unknown }) {
    super(`${key} changed while it was being read`, options);
    this.name = 'SourceChangedError';
  }
}

export class PublisherStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    readonly layout: KeyLayout,
  ) {}

  /**
   * The source `key`, its outputs and its siblings, in one round of parallel requests rather
   * than three in a row: a publication needs all four anyway, and a skip (the rare duplicate)
   * pays one listing more. The state may be stale the moment it is read, in parallel or not;
   * the conditional writes catch that.
   */
  async observe(key: string): Promise<Observed> {
    const [source, factsheet, errorReport, sources] = await Promise.all([
      this.headSource(key),
      this.headOutput(factsheetKeyFor(key, this.layout)),
      this.headOutput(errorReportKeyFor(key, this.layout)),
      this.listSources(documentPathOf(key, this.layout) as string),
    ]);
    return { source, outputs: { factsheet, errorReport }, siblings: sources.filter((other) => other !== key) };
  }

  /** The source as it is now; null when it no longer exists. */
  async headSource(key: string): Promise<SourceObject | null> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        versionId: head.VersionId,
        etag: head.ETag ?? '',
        size: head.ContentLength ?? 0,
        lastModified: head.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** Exactly the bytes of `source`: pinned by version when there is one, by ETag otherwise. */
  async readSource(source: SourceObject): Promise<Uint8Array> {
    try {
      const response = await this.s3.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: source.key,
          VersionId: source.versionId,
          IfMatch: source.versionId === undefined ? source.etag : undefined,
        }),
      );
      // Servers that ignore If-Match hand out the newer object instead of a 412.
      if (response.ETag !== undefined && response.ETag !== source.etag) throw new SourceChangedError(source.key);
      const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
      if (bytes.length !== source.size) {
        // Same object, fewer bytes: a torn read (s3rver announces objects before its file is
        // flushed), worth a retry, unlike a changed source.
        throw new Error(`read ${bytes.length} of the ${source.size} bytes of ${source.key}`);
      }
      return bytes;
    } catch (error) {
      if (isNotFound(error) || isPreconditionFailed(error)) throw new SourceChangedError(source.key, { cause: error });
      throw error;
    }
  }

  async headOutput(key: string): Promise<OutputObject | null> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, etag: head.ETag ?? '', ...recordedOn(head.Metadata) };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /**
   * Replaces `current` (or creates the object when `current` is null); 412 when someone else got
   * there first, ObjectGoneError when someone deleted it. Returns the object written, to take it
   * back by its ETag.
   */
  async putOutput(key: string, body: OutputBody, current: OutputObject | null): Promise<OutputObject> {
    const put = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: body.bytes,
      ContentLength: body.bytes.length,
      // S3 stores the object whole or not at all; the digest makes it refuse a damaged body.
      ContentMD5: createHash('md5').update(body.bytes).digest('base64'),
      ContentType: body.contentType,
      ContentDisposition: body.contentDisposition,
      Metadata: { ...body.metadata },
      IfMatch: current?.etag,
      IfNoneMatch: current === null ? '*' : undefined,
    });
    try {
      const response = await this.s3.send(put);
      return { key, etag: response.ETag ?? '' };
    } catch (error) {
      throw current !== null && isNotFound(error) ? new ObjectGoneError(key, { cause: error }) : error;
    }
  }

  async deleteOutput(output: OutputObject): Promise<void> {
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: output.key, IfMatch: output.etag }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Whether any source publishes the document path of `key` (`content/a.md` for `content/a.yaml`). */
  async hasSources(key: string): Promise<boolean> {
    return (await this.listSources(documentPathOf(key, this.layout) as string)).length > 0;
  }

  /** Every source key whose document path is `documentPath`, whatever its extension. */
  private async listSources(documentPath: string): Promise<string[]> {
    const keys: string[] = [];
    // The prefix also matches `a.b.yaml` and `ab.yaml` for `a` (filtered below); the delimiter
    // keeps the listing out of a folder `a/`.
    const pages = paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: this.bucket, Prefix: `${this.layout.contentPrefix}${documentPath}`, Delimiter: '/' },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined && documentPathOf(object.Key, this.layout) === documentPath) keys.push(object.Key);
      }
    }
    return keys.sort();
  }
}
