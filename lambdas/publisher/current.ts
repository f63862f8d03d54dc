/**
 * Whether what the publisher wrote for a document still answers the source now in the bucket:
 * one rule for the publisher (a duplicate event), republish (stale after a deploy or a lost event)
 * and the publish command (waiting for the answer to an upload).
 */
import { createHash } from 'node:crypto';
import {
  documentPathOf,
  fromMetadataValue,
  type KeyLayout,
  MAX_USER_METADATA_BYTES,
  METADATA_PUBLISHER_VERSION,
  METADATA_SEQUENCER,
  METADATA_SOURCE_ETAG,
  METADATA_SOURCE_KEY,
  METADATA_SOURCE_VERSION,
  toMetadataValue,
  userMetadataBytes,
} from './keys';
import { unquoteEtag } from './s3';

/**
 * The source an output answers, as `source-key` records it: the key itself, or, for a key whose
 * percent-encoding would not fit in S3's 2 KB of metadata, its SHA-256 (hex).
 */
export type RecordedSource = { readonly kind: 'key'; readonly key: string } | { readonly kind: 'sha256'; readonly sha256: string };

/** What the publisher records on a fact sheet or an error report; all absent on objects it did not write. */
export interface Recorded {
  readonly source?: RecordedSource;
  readonly sourceEtag?: string;
  readonly sourceVersion?: string;
  readonly sequencer?: string;
  readonly publisherVersion?: string;
}

/** The source as it is now: its key and its ETag (quoted or not). */
export interface Upload {
  readonly key: string;
  readonly etag: string;
}

/** A document's two outputs as they are now, null where there is none. */
export interface Outputs<Output extends Recorded = Recorded> {
  readonly factsheet: Output | null;
  readonly errorReport: Output | null;
}

export type CurrentAnswer = 'factsheet' | 'error-report';

/**
 * Which output answers `upload` as made by `publisherVersion` (by any version when undefined), or
 * null when neither does and the publisher would render the upload again.
 *
 * An error report answers only for the upload it records. A fact sheet answers only while no error
 * report lies beside it: a publication deletes the report after writing the PDF, so a report
 * beside a current PDF means that publication did not finish, or that another source of the same
 * path is refused (a conflict the published source takes part in).
 */
export function currentAnswer(outputs: Outputs, upload: Upload, publisherVersion: string | undefined): CurrentAnswer | null {
  if (outputs.errorReport !== null) return records(outputs.errorReport, upload, publisherVersion) ? 'error-report' : null;
  return records(outputs.factsheet, upload, publisherVersion) ? 'factsheet' : null;
}

function records(output: Recorded | null, upload: Upload, publisherVersion: string | undefined): boolean {
  return (
    output !== null &&
    recordsSource(output, upload.key) &&
    output.sourceEtag !== undefined &&
    unquoteEtag(output.sourceEtag) === unquoteEtag(upload.etag) &&
    (publisherVersion === undefined || output.publisherVersion === publisherVersion)
  );
}

/** Whether `recorded` names `key` as its source, in either form. */
export function recordsSource(recorded: Recorded, key: string): boolean {
  const source = recorded.source;
  if (source === undefined) return false;
  switch (source.kind) {
    case 'key':
      return source.key === key;
    case 'sha256':
      return source.sha256 === sha256Of(key);
    default: {
      const unknown: never = source;
      throw new Error(`unknown recorded source ${JSON.stringify(unknown)}`);
    }
  }
}

/** The key `source` names: itself when recorded whole, else the one of `candidates` it is the digest of. */
export function recordedKeyAmong(source: RecordedSource, candidates: Iterable<string>): string | undefined {
  if (source.kind === 'key') return source.key;
  return [...candidates].find((key) => recordsSource({ source }, key));
}

/** How a recorded source reads where its key is unknown: the key, or `sha256:` and its digest as stored. */
export function sourceText(source: RecordedSource): string {
  return source.kind === 'key' ? source.key : `${SHA256_FORM}${source.sha256}`;
}

/**
 * Reads the record back from an object's user metadata (`x-amz-meta-*`, as S3 returns it), for a
 * bucket whose sources lie under `layout.contentPrefix`. Never throws: the metadata may be anyone's.
 */
export function recordedOn(metadata: Readonly<Record<string, string>> | undefined, layout: KeyLayout): Recorded {
  const sourceKey = metadata?.[METADATA_SOURCE_KEY];
  return {
    source: sourceKey === undefined ? undefined : sourceOf(sourceKey, layout),
    sourceEtag: metadata?.[METADATA_SOURCE_ETAG],
    sourceVersion: metadata?.[METADATA_SOURCE_VERSION],
    sequencer: metadata?.[METADATA_SEQUENCER],
    publisherVersion: metadata?.[METADATA_PUBLISHER_VERSION],
  };
}

/**
 * The user metadata that records `recorded` beside `entries` (the upload's digest, the template),
 * read back by {@link recordedOn}. The source key is recorded whole while everything fits in S3's
 * limit, as older publishers always wrote it; past it, by its digest, which fits beside all the
 * rest (keys.ts, MAX_USER_METADATA_BYTES), so that S3 never refuses the write.
 */
export function metadataOf(recorded: Recorded, entries: Readonly<Record<string, string>> = {}): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (recorded.sourceEtag !== undefined) metadata[METADATA_SOURCE_ETAG] = unquoteEtag(recorded.sourceEtag);
  if (recorded.publisherVersion !== undefined) metadata[METADATA_PUBLISHER_VERSION] = recorded.publisherVersion;
  if (recorded.sourceVersion !== undefined) metadata[METADATA_SOURCE_VERSION] = recorded.sourceVersion;
  if (recorded.sequencer !== undefined) metadata[METADATA_SEQUENCER] = recorded.sequencer;
  Object.assign(metadata, entries);
  const source = recorded.source;
  if (source === undefined) return metadata;
  const whole = source.kind === 'key' ? { ...metadata, [METADATA_SOURCE_KEY]: toMetadataValue(source.key) } : undefined;
  if (whole !== undefined && userMetadataBytes(whole) <= MAX_USER_METADATA_BYTES) return whole;
  return { ...metadata, [METADATA_SOURCE_KEY]: `${SHA256_FORM}${source.kind === 'key' ? sha256Of(source.key) : source.sha256}` };
}

// toMetadataValue leaves no `:` unencoded, so no key recorded whole reads as a digest.
const SHA256_FORM = 'sha256:';

/** The digest exactly as {@link sha256Of} writes it. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The source `value` records, or none when the publisher cannot have written it. It writes two
 * forms only: `sha256:` and 64 lowercase hex digits, or the percent-encoding (toMetadataValue) of
 * a document key under the content prefix, which never starts with `sha256:`. Any other value
 * (`hello`, `%ZZ`, a key spelled with other escapes, one outside the prefix) is another writer's
 * and reads as no `source-key` at all: read as a key, it would name a source that does not exist,
 * and the reconcile would delete the object as that source's orphan.
 */
function sourceOf(value: string, layout: KeyLayout): RecordedSource | undefined {
  if (value.startsWith(SHA256_FORM)) {
    const sha256 = value.slice(SHA256_FORM.length);
    return SHA256_HEX.test(sha256) ? { kind: 'sha256', sha256 } : undefined;
  }
  const key = decodedKey(value);
  if (key === undefined || toMetadataValue(key) !== value || documentPathOf(key, layout) === null) return undefined;
  return { kind: 'key', key };
}

/** The text `value` percent-encodes, or undefined when it is no valid encoding (`%ZZ`, bytes that are not UTF-8). */
function decodedKey(value: string): string | undefined {
  try {
    return fromMetadataValue(value);
  } catch {
    return undefined;
  }
}

function sha256Of(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
