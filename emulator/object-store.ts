/**
 * The local server's storage, in place of s3rver's own, and the conditional requests S3 honours.
 *
 * s3rver stores a key as a file path: a key of 250 bytes of Ukrainian is longer than a file name
 * may be (ENAMETOOLONG ends the process), a key with `..` segments writes outside the data
 * folder, and an object is written in place, so a reader can see half of it and a failed upload
 * leaves half of one behind. It also ignores If-Match / If-None-Match on writes and deletes, and
 * Content-MD5. Here:
 * - an object is a record `objects/<sha256(key)>.json` (key, ETag, size, metadata, data file) and
 *   an immutable data file `data/<uuid>`; the key only ever becomes a hash, so every key S3
 *   accepts is stored and nothing lands outside the data folder;
 * - a write goes to a new data file, is checked (Content-MD5, Content-Length), and only then is
 *   committed by renaming its record into place: a reader sees the old object or the new one,
 *   never a mixture, and a refused or broken upload changes nothing;
 * - preconditions are evaluated under a per-key lock at commit, as S3 evaluates them when the
 *   write completes: If-Match (412, 404 when there is no object), If-None-Match `*` (412);
 *   GET and HEAD honour If-Match (412); DELETE honours If-Match (412, 404);
 * - a key longer than 1 024 bytes (UTF-8) is refused on every object request with 400
 *   KeyTooLongError, as S3 refuses it; user metadata over 2 KB (PutObject, CopyObject with
 *   REPLACE, CreateMultipartUpload) with 400 MetadataTooLarge.
 * - the records are read once into memory (the server is the folder's only user), so listings
 *   cost no file reads.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { encodeEventKey, MAX_KEY_BYTES, MAX_USER_METADATA_BYTES } from '../lambdas/publisher/keys';
import type { FilesystemStore, S3Error as S3ErrorClass, S3Object as S3ObjectClass } from 's3rver/internals';

const require = createRequire(import.meta.url);
const FilesystemStoreBase = require('s3rver/lib/stores/filesystem') as typeof FilesystemStore;
const S3Object = require('s3rver/lib/models/object') as typeof S3ObjectClass;
const S3Error = require('s3rver/lib/models/error') as typeof S3ErrorClass;
const objectController = require('s3rver/lib/controllers/object') as Record<string, (ctx: RequestContext) => unknown>;
const bucketController = require('s3rver/lib/controllers/bucket') as Record<string, (ctx: ListingContext) => Promise<void>>;

interface RequestContext {
  readonly params: { readonly key?: string };
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly req: { readonly headersDistinct: Readonly<Record<string, string[] | undefined>> };
}

interface ListingContext {
  query: Record<string, string | undefined>;
  store: FilesystemStore;
  body: { ListBucketResult: Record<string, unknown> };
}

/** The headers of the request being served that s3rver does not hand to its store. */
interface Conditions {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
  readonly contentMd5?: string;
}

const requestConditions = new AsyncLocalStorage<Conditions>();

// The controllers are looked up on their module at each request, after authentication: wrapping
// them makes the request's conditions visible to the store without touching s3rver's routing.
// Every route under /:bucket/:key+ also refuses a key S3 cannot hold, as S3 does (s3rver stores it),
// and every request that sets an object's user metadata refuses more than S3 holds.
const NOT_KEYED = new Set(['METHODS', 'deleteMultipleObjects', 'postObject']);
const CONDITIONAL = new Set(['putObject', 'putObjectCopy', 'completeMultipartUpload', 'deleteObject', 'getObject']);
const SETS_METADATA = new Set(['putObject', 'initiateMultipartUpload']);
for (const [name, original] of Object.entries(objectController)) {
  if (NOT_KEYED.has(name) || typeof original !== 'function' || (original as { guarded?: true }).guarded) continue;
  const wrapped = (ctx: RequestContext) => {
    refuseLongKey(ctx.params.key);
    // A copy keeps the source's metadata unless told to replace it with the request's.
    if (SETS_METADATA.has(name) || (name === 'putObjectCopy' && ctx.headers['x-amz-metadata-directive'] === 'REPLACE')) refuseLargeMetadata(ctx.req.headersDistinct);
    return CONDITIONAL.has(name) ? requestConditions.run(conditionsOf(ctx.headers), () => original(ctx)) : original(ctx);
  };
  objectController[name] = Object.assign(wrapped, { guarded: true as const });
}

function refuseLongKey(key: string | undefined): void {
  const size = Buffer.byteLength(key ?? '', 'utf8');
  if (size > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', 'Your key is too long', { Size: String(size), MaxSizeAllowed: String(MAX_KEY_BYTES) });
}

/**
 * S3 measures user metadata as the bytes of each name without `x-amz-meta-` and of its value, a
 * name sent twice counting once with its values joined by a comma. Node reads header bytes as
 * Latin-1, one character a byte, so the bytes counted are those on the wire, UTF-8 or not.
 */
function refuseLargeMetadata(headers: Readonly<Record<string, string[] | undefined>>): void {
  let size = 0;
  for (const [name, values = []] of Object.entries(headers)) {
    if (!name.startsWith(USER_METADATA_PREFIX)) continue;
    size += name.length - USER_METADATA_PREFIX.length + Buffer.byteLength(values.join(','), 'latin1');
  }
  if (size > MAX_USER_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', {
      Size: String(size),
      MaxSizeAllowed: String(MAX_USER_METADATA_BYTES),
    });
  }
}

const USER_METADATA_PREFIX = 'x-amz-meta-';

// ListObjectsV2 pages with a token that s3rver enciphers with DES, which Node's OpenSSL 3 no
// longer has: every truncated listing failed with InternalError. The token here is the last key,
// encoded; and encoding-type=url (the AWS CLI asks for it) is answered, not ignored.
const listObjects = bucketController.getBucket;
if (listObjects !== undefined && !(listObjects as { paged?: true }).paged) {
  const paged = async (ctx: ListingContext): Promise<void> => {
    if (ctx.query['list-type'] !== '2') return listObjects(ctx);
    const { 'continuation-token': token, ...query } = ctx.query;
    if (token !== undefined) query['start-after'] = Buffer.from(token, 'base64url').toString('utf8');
    ctx.query = query;
    const store = ctx.store;
    let truncated = false;
    // s3rver makes its own token when the listing is truncated: it is told there is no more.
    ctx.store = Object.assign(Object.create(store) as FilesystemStore, {
      async listObjects(...args: Parameters<FilesystemStore['listObjects']>) {
        const result = await store.listObjects(...args);
        truncated = result.isTruncated;
        return { ...result, isTruncated: false };
      },
    });
    await listObjects(ctx);
    const result = ctx.body.ListBucketResult;
    const contents = result.Contents as { Key: string }[];
    if (token !== undefined) Object.assign(result, { StartAfter: undefined, ContinuationToken: token });
    if (truncated) {
      const last = contents.at(-1)?.Key ?? '';
      Object.assign(result, { IsTruncated: true, NextContinuationToken: Buffer.from(last, 'utf8').toString('base64url') });
    }
    if (ctx.query['encoding-type'] === 'url') {
      for (const field of ['Prefix', 'StartAfter', 'Delimiter'] as const) {
        if (typeof result[field] === 'string') result[field] = encodeEventKey(result[field]);
      }
      for (const object of contents) object.Key = encodeEventKey(object.Key);
      for (const prefix of result.CommonPrefixes as { Prefix: string }[]) prefix.Prefix = encodeEventKey(prefix.Prefix);
      result.EncodingType = 'url';
    }
  };
  bucketController.getBucket = Object.assign(paged, { paged: true as const });
}

function conditionsOf(headers: RequestContext['headers']): Conditions {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  return { ifMatch: header('if-match'), ifNoneMatch: header('if-none-match'), contentMd5: header('content-md5') };
}

interface ObjectRecord {
  readonly key: string;
  /** Hex MD5, unquoted. */
  readonly md5: string;
  readonly size: number;
  readonly lastModified: string;
  /** Content type, disposition, x-amz-meta-*: what s3rver keeps of the request's headers. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly data: string;
}

type Operation = 'write' | 'read' | 'delete';

const INTRINSIC = new Set(['etag', 'last-modified', 'content-length']);

export class ObjectStore extends FilesystemStoreBase {
  private readonly buckets = new Map<string, Promise<Map<string, ObjectRecord>>>();
  private readonly locks = new Map<string, Promise<void>>();

  constructor(private readonly root: string) {
    super(root);
  }

  override reset(): void {
    super.reset();
    this.buckets.clear();
  }

  override async deleteBucket(bucket: string): Promise<void> {
    await super.deleteBucket(bucket);
    this.buckets.delete(bucket);
  }

  /** Subresources (tagging, ACLs) of an object are named by the key's hash too. */
  override getResourcePath(bucket: string, key: string | undefined, resource: string): string {
    if (key === undefined || key === '') return super.getResourcePath(bucket, key, resource);
    return join(this.root, bucket, 'subresources', `${hashOf(key)}.${resource}`);
  }

  override async putSubresource(bucket: string, key: string | undefined, resource: { type: string; toXML(indent: number): string }): Promise<void> {
    await mkdir(join(this.root, bucket, 'subresources'), { recursive: true });
    await super.putSubresource(bucket, key, resource);
  }

  override async listObjects(
    bucket: string,
    options: { delimiter?: string; startAfter?: string; prefix?: string; maxKeys?: number },
  ): Promise<{ objects: S3ObjectClass[]; commonPrefixes: string[]; isTruncated: boolean }> {
    const { delimiter = '', startAfter = '', prefix = '', maxKeys = Infinity } = options;
    const records = await this.recordsOf(bucket);
    // S3 lists in the binary order of the keys' UTF-8 bytes.
    const keys = [...records.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const after = Buffer.from(startAfter);
    const commonPrefixes = new Set<string>();
    const objects: S3ObjectClass[] = [];
    let isTruncated = false;
    for (const key of keys) {
      if (!key.startsWith(prefix) || (startAfter !== '' && Buffer.compare(Buffer.from(key), after) <= 0)) continue;
      if (delimiter !== '') {
        const index = key.indexOf(delimiter, prefix.length);
        if (index !== -1) {
          commonPrefixes.add(key.slice(0, index + delimiter.length));
          continue;
        }
      }
      if (objects.length >= maxKeys) {
        isTruncated = true;
        break;
      }
      objects.push(new S3Object(bucket, key, null, metadataOf(records.get(key) as ObjectRecord)));
    }
    return { objects, commonPrefixes: [...commonPrefixes].sort(), isTruncated };
  }

  override async existsObject(bucket: string, key: string): Promise<boolean> {
    return (await this.recordsOf(bucket)).has(key);
  }

  override async getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<S3ObjectClass | null> {
    // A write committed between looking the record up and opening its data file removes that
    // file: look again.
    for (;;) {
      const record = (await this.recordsOf(bucket)).get(key);
      check('read', key, record, requestConditions.getStore());
      if (record === undefined) return null;
      const metadata = metadataOf(record);
      const lastByte = Math.max(0, record.size - 1);
      const ranged = options !== undefined && (options.start !== undefined || options.end !== undefined);
      const range = { start: options?.start ?? 0, end: Math.min(options?.end ?? Infinity, lastByte) };
      if (range.start < 0 || range.end < range.start) {
        // Not satisfiable: s3rver answers InvalidRange for a range without content.
        const object = new S3Object(bucket, key, null, metadata);
        if (ranged) object.range = range;
        return object;
      }
      let content: ReadStream;
      try {
        content = await openStream(this.dataPath(bucket, record.data), range);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const object = new S3Object(bucket, key, content, metadata);
      if (ranged) object.range = range;
      return object;
    }
  }

  override async putObject(object: S3ObjectClass): Promise<{ size: number; md5: string }> {
    const { bucket, key } = object;
    const data = randomUUID();
    const dataPath = this.dataPath(bucket, data);
    await mkdir(join(this.root, bucket, 'data'), { recursive: true });
    let size = 0;
    const md5 = createHash('md5');
    try {
      if (Buffer.isBuffer(object.content)) {
        md5.update(object.content);
        size = object.content.length;
        await writeFile(dataPath, object.content);
      } else {
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            md5.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        });
        await pipeline(object.content as NodeJS.ReadableStream, counter, createWriteStream(dataPath));
      }
      const digest = md5.digest();
      verifyBody(object.metadata['content-length'], requestConditions.getStore()?.contentMd5, size, digest);
      await this.commit(bucket, key, 'write', () => ({
        key,
        md5: digest.toString('hex'),
        size,
        lastModified: new Date().toISOString(),
        metadata: storedMetadataOf(object.metadata),
        data,
      }));
      return { size, md5: digest.toString('hex') };
    } catch (error) {
      await rm(dataPath, { force: true });
      throw error;
    }
  }

  override async copyObject(
    sourceBucket: string,
    sourceKey: string,
    bucket: string,
    key: string,
    replacementMetadata: Record<string, string> | null,
  ): Promise<Record<string, string | number>> {
    const source = (await this.recordsOf(sourceBucket)).get(sourceKey);
    if (source === undefined) throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: sourceKey });
    const data = randomUUID();
    await mkdir(join(this.root, bucket, 'data'), { recursive: true });
    await copyFile(this.dataPath(sourceBucket, source.data), this.dataPath(bucket, data));
    try {
      const record = await this.commit(bucket, key, 'write', () => ({
        ...source,
        key,
        data,
        lastModified: new Date().toISOString(),
        // s3rver passes null for a copy that keeps the source's metadata (the default, COPY).
        metadata: replacementMetadata === null ? source.metadata : storedMetadataOf(replacementMetadata),
      }));
      return metadataOf(record);
    } catch (error) {
      await rm(this.dataPath(bucket, data), { force: true });
      throw error;
    }
  }

  override async deleteObject(bucket: string, key: string): Promise<void> {
    await this.commit(bucket, key, 'delete', () => null);
  }

  /**
   * Checks the request's preconditions against the object as it is, then replaces its record
   * (`next` returns null to delete it), all under the key's lock.
   */
  private async commit<Next extends ObjectRecord | null>(bucket: string, key: string, operation: Operation, next: () => Next): Promise<Next> {
    return this.locked(`${bucket}/${key}`, async () => {
      const records = await this.recordsOf(bucket);
      const previous = records.get(key);
      check(operation, key, previous, requestConditions.getStore());
      const record = next();
      const recordPath = this.recordPath(bucket, key);
      if (record === null) {
        await rm(recordPath, { force: true });
        records.delete(key);
      } else {
        const temporary = `${recordPath}.${randomUUID()}.tmp`;
        await mkdir(join(this.root, bucket, 'objects'), { recursive: true });
        await writeFile(temporary, JSON.stringify(record));
        await rename(temporary, recordPath);
        records.set(key, record);
      }
      // Readers that opened the old data file keep reading it after the unlink.
      if (previous !== undefined) await rm(this.dataPath(bucket, previous.data), { force: true });
      return record;
    });
  }

  private async locked<T>(name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const run = previous.then(task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(name, tail);
    void tail.then(() => {
      if (this.locks.get(name) === tail) this.locks.delete(name);
    });
    return run;
  }

  private recordsOf(bucket: string): Promise<Map<string, ObjectRecord>> {
    let records = this.buckets.get(bucket);
    if (records === undefined) {
      records = this.loadRecords(bucket);
      this.buckets.set(bucket, records);
    }
    return records;
  }

  private async loadRecords(bucket: string): Promise<Map<string, ObjectRecord>> {
    const directory = join(this.root, bucket, 'objects');
    const records = new Map<string, ObjectRecord>();
    let names: string[];
    try {
      names = await readdir(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return records;
      throw error;
    }
    for (const name of names) {
      if (!name.endsWith('.json')) {
        // A record never renamed into place: its write was never committed.
        await rm(join(directory, name), { force: true });
        continue;
      }
      const record = JSON.parse(await readFile(join(directory, name), 'utf8')) as ObjectRecord;
      records.set(record.key, record);
    }
    return records;
  }

  private recordPath(bucket: string, key: string): string {
    return join(this.root, bucket, 'objects', `${hashOf(key)}.json`);
  }

  private dataPath(bucket: string, data: string): string {
    return join(this.root, bucket, 'data', data);
  }
}

/** S3's answer to a request whose preconditions do not hold; nothing when they do. */
function check(operation: Operation, key: string, current: ObjectRecord | undefined, conditions: Conditions | undefined): void {
  if (conditions === undefined) return;
  const { ifMatch, ifNoneMatch } = conditions;
  if (ifMatch !== undefined) {
    if (current === undefined) {
      if (operation === 'read') return;
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
    }
    if (!etagsOf(ifMatch).some((etag) => etag === '*' || etag === current.md5)) {
      throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-Match' });
    }
  }
  // On reads a matching If-None-Match is a 304, which s3rver answers itself.
  if (operation === 'write' && ifNoneMatch !== undefined && current !== undefined) {
    if (etagsOf(ifNoneMatch).some((etag) => etag === '*' || etag === current.md5)) {
      throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-None-Match' });
    }
  }
}

function etagsOf(header: string): string[] {
  return header.split(',').map((etag) => etag.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
}

/** What S3 refuses to store: a body whose Content-MD5 or Content-Length it does not match. */
function verifyBody(declaredLength: string | number | undefined, contentMd5: string | undefined, size: number, digest: Buffer): void {
  if (declaredLength !== undefined && Number(declaredLength) !== size) {
    throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
  }
  if (contentMd5 === undefined) return;
  const expected = Buffer.from(contentMd5, 'base64');
  if (expected.length !== 16 || expected.toString('base64') !== contentMd5) {
    throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.');
  }
  if (!expected.equals(digest)) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
}

function storedMetadataOf(metadata: Readonly<Record<string, unknown>>): Record<string, string> {
  const stored: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (!INTRINSIC.has(name) && typeof value === 'string') stored[name] = value;
  }
  // The request's own headers reach here too (s3rver hands them over whole on a copy).
  return new S3Object('', '', null, stored).metadata as Record<string, string>;
}

function metadataOf(record: ObjectRecord): Record<string, string | number> {
  return {
    ...record.metadata,
    etag: JSON.stringify(record.md5),
    'last-modified': new Date(record.lastModified).toUTCString(),
    'content-length': record.size,
  };
}

function hashOf(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function openStream(path: string, range: { start: number; end: number }): Promise<ReadStream> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream(path, range);
    stream.once('error', reject).once('open', () => resolve(stream));
  });
}
