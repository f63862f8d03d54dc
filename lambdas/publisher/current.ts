/**
 * Whether what the publisher wrote for a document still answers the source now in the bucket:
 * one rule for the publisher (a duplicate event), republish (stale after a deploy or a lost event)
 * and the publish command (waiting for the answer to an upload).
 */
import {
  fromMetadataValue,
  METADATA_PUBLISHER_VERSION,
  METADATA_SEQUENCER,
  METADATA_SOURCE_ETAG,
  METADATA_SOURCE_KEY,
  METADATA_SOURCE_VERSION,
  toMetadataValue,
} from './keys';
import { unquoteEtag } from './s3';

/** What the publisher records on a fact sheet or an error report; all absent on objects it did not write. */
export interface Recorded {
  readonly sourceKey?: string;
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
    output.sourceKey === upload.key &&
    output.sourceEtag !== undefined &&
    unquoteEtag(output.sourceEtag) === unquoteEtag(upload.etag) &&
    (publisherVersion === undefined || output.publisherVersion === publisherVersion)
  );
}

/** Reads the record back from an object's user metadata (`x-amz-meta-*`, as S3 returns it). */
export function recordedOn(metadata: Readonly<Record<string, string>> | undefined): Recorded {
  const sourceKey = metadata?.[METADATA_SOURCE_KEY];
  return {
    sourceKey: sourceKey === undefined ? undefined : fromMetadataValue(sourceKey),
    sourceEtag: metadata?.[METADATA_SOURCE_ETAG],
    sourceVersion: metadata?.[METADATA_SOURCE_VERSION],
    sequencer: metadata?.[METADATA_SEQUENCER],
    publisherVersion: metadata?.[METADATA_PUBLISHER_VERSION],
  };
}

/** The user metadata that records `recorded`, the inverse of {@link recordedOn}. */
export function metadataOf(recorded: Recorded): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (recorded.sourceKey !== undefined) metadata[METADATA_SOURCE_KEY] = toMetadataValue(recorded.sourceKey);
  if (recorded.sourceEtag !== undefined) metadata[METADATA_SOURCE_ETAG] = unquoteEtag(recorded.sourceEtag);
  if (recorded.publisherVersion !== undefined) metadata[METADATA_PUBLISHER_VERSION] = recorded.publisherVersion;
  if (recorded.sourceVersion !== undefined) metadata[METADATA_SOURCE_VERSION] = recorded.sourceVersion;
  if (recorded.sequencer !== undefined) metadata[METADATA_SEQUENCER] = recorded.sequencer;
  return metadata;
}
