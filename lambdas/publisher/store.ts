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
import { setTimeout as sleep } from 'node:timers/promises';
import { type Outputs, type Recorded, recordedOn, recordsSource } from './current';
import {
  documentPathOf,
  errorReportKeyFor,
  factsheetKeyFor,
  fitsInS3,
  indexKeyFor,
  isPictureKey,
  type KeyLayout,
  outputFamilyOf,
  reportKeyFor,
} from './keys';
import {
  type DocumentIndex,
  parseDocumentIndex,
  parsePictureIndex,
  type PictureIndex,
  withDocument,
  withoutDocument,
} from './picture-index';
import { isConditionLost, isNotFound, isPreconditionFailed, ObjectGoneError, unquoteEtag } from './s3';

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
  /** What the source read when it was last answered; null when there is no (readable) index. */
  readonly index: DocumentIndex | null;
  /** For an event about a picture the document uses: that picture's ETag now (unquoted), null when gone. */
  readonly picture?: { readonly key: string; readonly etag: string | null };
}

/** What a picture's event rests on. */
export interface ObservedPicture {
  /** Who used the picture when last answered; null when nobody (or no readable index). */
  readonly users: PictureIndex | null;
  /**
   * Outputs an older publisher wrote for the picture itself, as if it were a document (an
   * "unsupported format" report, `errors/x.json` for `content/x.jpg`).
   */
  readonly ownOutputs: readonly OutputObject[];
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

// Documents published at once that share a picture retry their index update; this many lost
// rounds in a row means a storm, and the record fails (Lambda retries it).
const MAX_INDEX_ATTEMPTS = 8;

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
  async observe(key: string, picture?: string): Promise<Observed> {
    const [source, factsheet, errorReport, sources, index, pictureNow] = await Promise.all([
      this.headSource(key),
      this.headOutput(factsheetKeyFor(key, this.layout)),
      this.headOutput(errorReportKeyFor(key, this.layout)),
      this.listSources(documentPathOf(key, this.layout) as string),
      this.readDocumentIndex(key),
      picture === undefined ? undefined : this.headPicture(picture),
    ]);
    return {
      source,
      outputs: { factsheet, errorReport },
      siblings: sources.filter((other) => other !== key),
      index,
      ...(picture === undefined ? {} : { picture: { key: picture, etag: pictureNow ?? null } }),
    };
  }

  async observePicture(key: string): Promise<ObservedPicture> {
    const [users, outputs] = await Promise.all([
      this.readIndex(indexKeyFor('pictures', key, this.layout), parsePictureIndex),
      Promise.all([factsheetKeyFor(key, this.layout), errorReportKeyFor(key, this.layout), reportKeyFor(key, this.layout)].map((output) => this.headOutput(output))),
    ]);
    return { users: users.value, ownOutputs: outputs.filter((output): output is OutputObject => output !== null && recordsSource(output, key)) };
  }

  /** A picture's ETag now (unquoted), null when it does not exist. */
  async headPicture(key: string): Promise<string | null> {
    const head = await this.headSource(key);
    return head === null ? null : unquoteEtag(head.etag);
  }

  async readDocumentIndex(documentKey: string): Promise<DocumentIndex | null> {
    return (await this.readIndex(indexKeyFor('documents', documentKey, this.layout), parseDocumentIndex)).value;
  }

  /**
   * Unconditional: only an invocation whose outputs were written writes it, after them, so the
   * last writer is the last answer but for a race between two answers to the same upload, where
   * the older picture ETags it may keep cost one render more, never one less.
   */
  async putDocumentIndex(index: DocumentIndex): Promise<void> {
    await this.putJson(indexKeyFor('documents', index.document, this.layout), index, {});
  }

  async deleteDocumentIndex(documentKey: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: indexKeyFor('documents', documentKey, this.layout) }));
  }

  async readPictureIndex(pictureKey: string): Promise<PictureIndex | null> {
    return (await this.readIndex(indexKeyFor('pictures', pictureKey, this.layout), parsePictureIndex)).value;
  }

  /** Adds `document` to the picture's index, if it is not in it; true when it was not. */
  async link(picture: string, document: string): Promise<boolean> {
    return this.updatePictureIndex(picture, (index) => withDocument(index, picture, document) ?? 'unchanged');
  }

  /** Takes `document` out of the picture's index, deleting the index when nobody is left. */
  async unlink(picture: string, document: string): Promise<void> {
    await this.updatePictureIndex(picture, (index) => (index === null ? 'unchanged' : withoutDocument(index, document)));
  }

  /** The document index at `key` (any family's key), with the ETag to delete it by; null when it is not one. */
  async readDocumentIndexAt(key: string): Promise<{ index: DocumentIndex; etag: string } | null> {
    const stored = await this.readIndex(key, parseDocumentIndex);
    return stored.value === null || stored.etag === null ? null : { index: stored.value, etag: stored.etag };
  }

  /** Deletes the index at `key` if it is still the one read with `etag` (412 otherwise). */
  async deleteIndexAt(key: string, etag: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: etag }));
  }

  /**
   * Read, change, write back conditionally on the ETag read: documents published at once that
   * use the same picture each add themselves, and a loser of the race reads again and retries,
   * so no entry is lost. An index that is not readable JSON counts as empty (reconcile rebuilds
   * what it held).
   */
  private async updatePictureIndex(
    picture: string,
    change: (index: PictureIndex | null) => PictureIndex | 'unchanged' | 'delete',
  ): Promise<boolean> {
    const key = indexKeyFor('pictures', picture, this.layout);
    for (let attempt = 1; ; attempt++) {
      const stored = await this.readIndex(key, parsePictureIndex);
      const next = change(stored.value);
      try {
        if (next === 'unchanged') return false;
        if (next === 'delete') {
          if (stored.etag !== null) await this.deleteIndexAt(key, stored.etag);
          return true;
        }
        await this.putJson(key, next, stored.etag === null ? { IfNoneMatch: '*' } : { IfMatch: stored.etag });
        return true;
      } catch (error) {
        // Deleting what someone else deleted already is done; anything else lost is tried again.
        if (next === 'delete' && isNotFound(error)) return true;
        if (!(isConditionLost(error) || isNotFound(error)) || attempt >= MAX_INDEX_ATTEMPTS) throw error;
        // Spread the writers that lost together, so that they do not collide again.
        await sleep(Math.random() * 20 * attempt);
      }
    }
  }

  private async readIndex<T>(key: string, parse: (text: string) => T | null): Promise<{ value: T | null; etag: string | null }> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { value: parse((await response.Body?.transformToString('utf8')) ?? ''), etag: response.ETag ?? null };
    } catch (error) {
      if (isNotFound(error)) return { value: null, etag: null };
      throw error;
    }
  }

  private async putJson(key: string, value: unknown, condition: { IfMatch?: string; IfNoneMatch?: string }): Promise<void> {
    const bytes = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.length,
        ContentMD5: createHash('md5').update(bytes).digest('base64'),
        ContentType: 'application/json; charset=utf-8',
        ...condition,
      }),
    );
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
    // Too long for S3 to hold, so not there; a HEAD would be a 400, which retrying cannot fix.
    if (!fitsInS3(key)) return null;
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, etag: head.ETag ?? '', ...recordedOn(head.Metadata, this.layout) };
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

  /**
   * Every source that publishes to `outputKey` (a fact sheet, an error report or a report, even one
   * whose key is cut and hashed): among them is the one an output recording its source by digest
   * answers, if that source still exists. Pictures are not sources.
   */
  async sourcesPublishingTo(outputKey: string): Promise<string[]> {
    const family = outputFamilyOf(outputKey, this.layout);
    if (family === null) return [];
    const keys: string[] = [];
    // No delimiter: a cut path may end inside a folder name.
    for await (const page of paginateListObjectsV2({ client: this.s3 }, { Bucket: this.bucket, Prefix: family.sourcePrefix })) {
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (key !== undefined && documentPathOf(key, this.layout) !== null && !isPictureKey(key, this.layout) && family.outputKeyFor(key) === outputKey) {
          keys.push(key);
        }
      }
    }
    return keys.sort();
  }

  /** Every source key whose document path is `documentPath`, whatever its extension; pictures are not sources. */
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
        const key = object.Key;
        if (key !== undefined && documentPathOf(key, this.layout) === documentPath && !isPictureKey(key, this.layout)) keys.push(key);
      }
    }
    return keys.sort();
  }
}
