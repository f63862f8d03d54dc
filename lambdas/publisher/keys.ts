/**
 * Where things live in the bucket, and what the publisher records on what it writes.
 *
 * `content/<path>.<ext>` → `factsheets/<path>.pdf` and `errors/<path>.json`. Everything that reads
 * or writes those keys (the handler, the publish command, republish) goes through this module.
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { PICTURE_EXTENSIONS } from '../render';

export interface KeyLayout {
  readonly contentPrefix: string;
  readonly factsheetsPrefix: string;
  readonly errorsPrefix: string;
}

export const DEFAULT_KEY_LAYOUT: KeyLayout = {
  contentPrefix: 'content/',
  factsheetsPrefix: 'factsheets/',
  errorsPrefix: 'errors/',
};

/**
 * User metadata on every fact sheet and error report (`x-amz-meta-<name>`). Values are ASCII:
 * S3 sends metadata as HTTP headers, so the source key is stored percent-encoded
 * (see {@link toMetadataValue}), or by its digest when that would not fit (see
 * {@link MAX_USER_METADATA_BYTES}).
 */
export const METADATA_SOURCE_KEY = 'source-key';
export const METADATA_SOURCE_VERSION = 'source-version';
export const METADATA_SOURCE_ETAG = 'source-etag';
export const METADATA_TEMPLATE = 'template';
export const METADATA_CONTENT_SHA256 = 'content-sha256';
export const METADATA_PUBLISHER_VERSION = 'publisher-version';
export const METADATA_SEQUENCER = 'sequencer';

/**
 * The document path of a content key: `content/world/a.fr.yaml` → `world/a.fr`.
 * Null for keys the publisher must not act on: outside the content prefix, or folder markers
 * (`content/world/`, which the S3 console creates as empty objects).
 */
export function documentPathOf(key: string, layout: KeyLayout = DEFAULT_KEY_LAYOUT): string | null {
  if (!key.startsWith(layout.contentPrefix) || key.endsWith('/')) return null;
  const relative = key.slice(layout.contentPrefix.length);
  const nameStart = relative.lastIndexOf('/') + 1;
  const extensionDot = relative.lastIndexOf('.');
  // A dot that starts the file name (`.env`) is part of the name, not an extension.
  return extensionDot > nameStart ? relative.slice(0, extensionDot) : relative;
}

export function factsheetKeyFor(sourceKey: string, layout: KeyLayout = DEFAULT_KEY_LAYOUT): string {
  return `${layout.factsheetsPrefix}${requireDocumentPath(sourceKey, layout)}.pdf`;
}

/**
 * `reports/<path>.json`: how the last publication of the source went (docs/publishing.md,
 * "Reports"); bounded like the error report's key.
 */
export function reportKeyFor(sourceKey: string, layout: KeyLayout = DEFAULT_KEY_LAYOUT): string {
  return boundedKey(REPORTS_PREFIX, sourceKey, layout);
}

/** Fixed, not configurable: the deployment grants the function this prefix. */
export const REPORTS_PREFIX = 'reports/';

/**
 * Fixed, not configurable, like reports/: the publisher's index of which documents use which
 * pictures (docs/publishing.md, "Pictures").
 */
export const INDEX_PREFIX = 'index/';

/** S3 refuses keys longer than this (UTF-8 bytes): 400 KeyTooLongError. */
export const MAX_KEY_BYTES = 1024;

/**
 * S3 refuses a write whose user metadata is larger than this (400 MetadataTooLarge): the sum of
 * the UTF-8 bytes of every name (without `x-amz-meta-`) and value.
 *
 * What the publisher records, at most: `source-etag` 11 + 38 (32 hex digits, `-` and a part count
 * of up to 10 000), `content-sha256` 14 + 64, `sequencer` 9 + the event's (18 hex digits today),
 * `source-version` 14 + the version id (32 today), `publisher-version` 17 + the version (about
 * 30 when CDK deploys), `template` 8 + the name percent-encoded (those two checked against
 * {@link MAX_DEPLOYMENT_METADATA_BYTES}): about 300 bytes beside the
 * source key. The percent-encoded key takes up to three times its own bytes (Cyrillic: six bytes
 * a letter), so a key of some 600 bytes of Cyrillic no longer fits; it is then recorded as
 * `sha256:` and the 64 hex digits of its SHA-256 (81 bytes in all, see current.ts).
 */
export const MAX_USER_METADATA_BYTES = 2048;

/**
 * The most the entries the deployment does not choose can take, names and values: the source's
 * ETag (38 at most), the content digest, the event's sequencer and the version id with room for
 * far longer ones than S3 gives today (64 and 255 against 18 and 32), and the source key in its
 * digest form, which the publisher falls back to whenever the key whole does not fit.
 */
const RESERVED_METADATA_BYTES =
  METADATA_SOURCE_ETAG.length + 38 +
  METADATA_CONTENT_SHA256.length + 64 +
  METADATA_SEQUENCER.length + 64 +
  METADATA_SOURCE_VERSION.length + 255 +
  METADATA_SOURCE_KEY.length + 'sha256:'.length + 64;

/**
 * What `publisher-version` and `template` may take together (1 498 bytes): beyond it S3 could
 * refuse every write with 400 MetadataTooLarge, which no retry cures, so a deployment past it is
 * refused where its template names and version are known (the construct at synth, the function
 * at start-up) instead.
 */
export const MAX_DEPLOYMENT_METADATA_BYTES = MAX_USER_METADATA_BYTES - RESERVED_METADATA_BYTES;

/**
 * Why this version and these templates cannot be recorded on every fact sheet, one problem each:
 * a version that is not printable ASCII (metadata travels as HTTP headers), a version or a
 * template name (percent-encoded, beside the version) past {@link MAX_DEPLOYMENT_METADATA_BYTES}.
 * `file` is where a template's name comes from, for the message.
 */
export function deploymentMetadataProblems(publisherVersion: string, templates: readonly { readonly name: string; readonly file: string }[]): string[] {
  if (!/^[\x20-\x7e]+$/.test(publisherVersion)) {
    return [`the publisher version (PUBLISHER_VERSION) ${JSON.stringify(publisherVersion)} must be printable ASCII (S3 metadata travels as HTTP headers)`];
  }
  const version = userMetadataBytes({ [METADATA_PUBLISHER_VERSION]: publisherVersion });
  if (version > MAX_DEPLOYMENT_METADATA_BYTES) {
    return [
      `the publisher version (PUBLISHER_VERSION) takes ${version} bytes of S3 metadata, more than the ${MAX_DEPLOYMENT_METADATA_BYTES} a deployment may use: ` +
        `S3 would refuse fact sheets with 400 MetadataTooLarge (expected a version such as "1.4.0+0123456789ab")`,
    ];
  }
  return templates.flatMap(({ name, file }) => {
    const bytes = userMetadataBytes({ [METADATA_PUBLISHER_VERSION]: publisherVersion, [METADATA_TEMPLATE]: toMetadataValue(name) });
    if (bytes <= MAX_DEPLOYMENT_METADATA_BYTES) return [];
    return [
      `${file}: the template's name, percent-encoded as its fact sheets record it, takes ${bytes - version} bytes of S3 metadata, ` +
        `${bytes} with publisher-version, more than the ${MAX_DEPLOYMENT_METADATA_BYTES} a deployment may use: ` +
        `S3 would refuse its fact sheets with 400 MetadataTooLarge (expected a shorter file name)`,
    ];
  });
}

/** How S3 measures user metadata against {@link MAX_USER_METADATA_BYTES}. */
export function userMetadataBytes(metadata: Readonly<Record<string, string>>): number {
  return Object.entries(metadata).reduce((sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8'), 0);
}

/** Whether S3 can hold an object at `key`; asking it about one it cannot is a 400, not a 404. */
export function fitsInS3(key: string): boolean {
  return Buffer.byteLength(key, 'utf8') <= MAX_KEY_BYTES;
}

/** True for a picture under the content prefix: it is not a document, the documents using it follow it. */
export function isPictureKey(key: string, layout: KeyLayout = DEFAULT_KEY_LAYOUT): boolean {
  return documentPathOf(key, layout) !== null && PICTURE_EXTENSIONS.includes(extname(key).toLowerCase());
}

/**
 * `index/documents/<key after content/>.json` (what a document uses) and
 * `index/pictures/<key after content/>.json` (who uses a picture). A content key near S3's
 * 1 024-byte limit would make the index key too long: such keys are indexed by their SHA-256
 * under `index/<family>-by-hash/`, and the index object names the key in its body.
 */
export function indexKeyFor(family: IndexFamily, contentKey: string, layout: KeyLayout = DEFAULT_KEY_LAYOUT): string {
  const readable = `${indexPrefixOf(family)}/${contentKey.slice(layout.contentPrefix.length)}.json`;
  if (fitsInS3(readable)) return readable;
  return `${indexPrefixOf(family)}-by-hash/${createHash('sha256').update(contentKey, 'utf8').digest('hex')}.json`;
}

type IndexFamily = 'documents' | 'pictures';

/** `index/documents`: the prefix of every index of that family, readable or by hash, and of no other. */
export function indexPrefixOf(family: IndexFamily): string {
  return `${INDEX_PREFIX}${family}`;
}

/**
 * `errors/<path>.json`, or, when that would be longer than S3 allows (a source key near 1 024
 * bytes), the path cut at a UTF-8 character boundary followed by `~` and 16 hex digits of the
 * SHA-256 of the full source key: the uploader must be told why nothing was published, and the
 * report's body names the source whole.
 */
export function errorReportKeyFor(sourceKey: string, layout: KeyLayout = DEFAULT_KEY_LAYOUT): string {
  return boundedKey(layout.errorsPrefix, sourceKey, layout);
}

const HASH_DIGITS = 16;

function boundedKey(prefix: string, sourceKey: string, layout: KeyLayout): string {
  const path = requireDocumentPath(sourceKey, layout);
  const readable = `${prefix}${path}.json`;
  if (fitsInS3(readable)) return readable;
  const tail = `~${createHash('sha256').update(sourceKey, 'utf8').digest('hex').slice(0, HASH_DIGITS)}.json`;
  const room = MAX_KEY_BYTES - Buffer.byteLength(prefix + tail, 'utf8');
  const bytes = Buffer.from(path, 'utf8');
  let end = Math.max(0, room);
  // Continuation bytes (10xxxxxx) belong to the character before them.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return `${prefix}${bytes.subarray(0, end).toString('utf8')}${tail}`;
}

/**
 * Which output `outputKey` is: how its family names the output of a source key, and the prefix
 * every source key published there starts with (its path, or the cut path of a bounded key, after
 * the content prefix); null for a key in none of the families.
 */
export function outputFamilyOf(
  outputKey: string,
  layout: KeyLayout = DEFAULT_KEY_LAYOUT,
): { readonly outputKeyFor: (sourceKey: string) => string; readonly sourcePrefix: string } | null {
  const families = [
    { prefix: layout.factsheetsPrefix, extension: '.pdf', outputKeyFor: (sourceKey: string) => factsheetKeyFor(sourceKey, layout) },
    { prefix: layout.errorsPrefix, extension: '.json', outputKeyFor: (sourceKey: string) => errorReportKeyFor(sourceKey, layout) },
    { prefix: REPORTS_PREFIX, extension: '.json', outputKeyFor: (sourceKey: string) => reportKeyFor(sourceKey, layout) },
  ];
  const family = families.find(({ prefix, extension }) => outputKey.startsWith(prefix) && outputKey.endsWith(extension));
  if (family === undefined) return null;
  const stem = outputKey.slice(family.prefix.length, -family.extension.length);
  // A readable path may end like a bounded one: the shorter prefix still holds every source.
  const path = family.extension === '.json' ? stem.replace(new RegExp(`~[0-9a-f]{${HASH_DIGITS}}$`), '') : stem;
  return { outputKeyFor: family.outputKeyFor, sourcePrefix: `${layout.contentPrefix}${path}` };
}

function requireDocumentPath(sourceKey: string, layout: KeyLayout): string {
  const path = documentPathOf(sourceKey, layout);
  if (path === null) throw new RangeError(`"${sourceKey}" is not a document key under "${layout.contentPrefix}"`);
  return path;
}

/**
 * Keys in S3 event notifications are form-encoded: `content/été 2022.yaml` arrives as
 * `content/%C3%A9t%C3%A9+2022.yaml`.
 */
export function decodeEventKey(eventKey: string): string {
  return decodeURIComponent(eventKey.replace(/\+/g, ' '));
}

/** The inverse of {@link decodeEventKey}, the way S3 writes keys into notifications. */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()~]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+'),
    )
    .join('/');
}

export function toMetadataValue(text: string): string {
  return encodeURIComponent(text);
}

export function fromMetadataValue(value: string): string {
  return decodeURIComponent(value);
}

/**
 * Orders two S3 event sequencers. S3 documents them as hexadecimal strings of varying length
 * that compare lexicographically once the shorter is right-padded with zeros, and only for the
 * same key. Negative when `a` is older than `b`.
 */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const left = a.toUpperCase().padEnd(width, '0');
  const right = b.toUpperCase().padEnd(width, '0');
  return left < right ? -1 : left > right ? 1 : 0;
}
