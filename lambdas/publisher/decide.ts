/**
 * What the publisher does about one S3 event, decided from the event and the bucket as it is now,
 * with no S3 call: the publisher gathers what `decide` needs (`PublisherStore.observe`) and then
 * carries the decision out.
 *
 * S3 delivers events at least once and in no particular order, so an event is only a hint about
 * which key changed: the decision rests on the bucket's state (does the source still exist, is it
 * still the version the event names, what did the publisher record on the current outputs), and
 * the event's sequencer only breaks ties between deliveries for the same key.
 */
import type { S3EventRecord } from 'aws-lambda';
import { type ContentError, sourceSizeError } from '../render';
import type { PublisherConfig } from './config';
import { currentAnswer, type Recorded, recordedKeyAmong, recordsSource } from './current';
import { KeyTooLongError, SourceConflictError } from './errors';
import { compareSequencers, decodeEventKey, documentPathOf, factsheetKeyFor, fitsInS3, isPictureKey, MAX_KEY_BYTES } from './keys';
import { indexAnswers } from './picture-index';
import { unquoteEtag } from './s3';
import type { Observed, ObservedPicture, OutputObject, SourceObject } from './store';

/** What an event asks about a document. Version, ETag and sequencer are absent when the publisher looks again on its own. */
export type DocumentEvent =
  | {
      readonly kind: 'created';
      readonly key: string;
      readonly versionId?: string;
      readonly etag?: string;
      readonly sequencer?: string;
    }
  | { readonly kind: 'removed'; readonly key: string }
  /** A picture the document read when last answered was uploaded, replaced or deleted. */
  | { readonly kind: 'picture-changed'; readonly key: string; readonly picture: string };

/** A picture under the content prefix was uploaded, replaced or deleted: its users follow. */
interface PictureEvent {
  readonly kind: 'picture';
  readonly key: string;
}

export type PublisherEvent = DocumentEvent | PictureEvent;

/** A record that is not the publisher's business: another bucket, outside the content prefix, another event type. */
export interface IgnoredRecord {
  readonly key: string;
  readonly reason: string;
}

export type Rules = Pick<PublisherConfig, 'bucket' | 'layout' | 'maxSourceBytes' | 'publisherVersion'>;

export type SkipReason =
  | 'source-removed'
  | 'newer-version'
  | 'overwritten'
  | 'newer-event'
  | 'already-published'
  | 'already-reported'
  | 'picture-followed';

export const SKIP_MESSAGES: Readonly<Record<SkipReason, string>> = {
  'source-removed': 'the source was removed since; its removal event unpublishes it',
  'newer-version': 'a newer version of the source replaced this one; its own event publishes it',
  overwritten: 'the source was overwritten since; the newer upload’s event publishes it',
  'newer-event': 'a newer event for this source was already published',
  'already-published': 'already published (duplicate event)',
  'already-reported': 'already reported (duplicate event)',
  'picture-followed': 'already answered with the picture as it is now (duplicate event)',
};

export type Decision =
  | { readonly action: 'skip'; readonly reason: SkipReason }
  /** Refused before download; `record` goes on the error report. */
  | {
      readonly action: 'reject';
      readonly reason: 'key-too-long' | 'conflict' | 'too-large';
      readonly error: ContentError;
      readonly record: Recorded;
    }
  /** Read exactly `source`, render it, and record `record` on what is written. */
  | { readonly action: 'render'; readonly source: SourceObject; readonly record: Recorded }
  /**
   * Delete the outputs the removed source owns; then, when exactly one source is left for the
   * path (a conflict has ended), publish that `survivor`.
   */
  | {
      readonly action: 'remove';
      readonly outputs: readonly OutputObject[];
      readonly survivor?: string;
      /** The pictures whose indexes name the removed source. */
      readonly pictures: readonly string[];
    }
  /** The document no longer reads `picture` (or is gone): it leaves the picture's index, nothing is rendered. */
  | { readonly action: 'unfollow'; readonly reason: 'source-removed' | 'picture-unused'; readonly picture: string };

/**
 * What a picture's event does: every document that read it when last answered is answered again
 * (each decided on its own, as a `picture-changed` event), and what an older publisher wrote for
 * the picture as if it were a document is deleted.
 */
export interface PictureDecision {
  readonly action: 'follow';
  readonly documents: readonly string[];
  readonly stale: readonly OutputObject[];
}

/** The event a notification record asks for, or why the publisher ignores the record. */
export function eventOf(record: S3EventRecord, rules: Pick<Rules, 'bucket' | 'layout'>): PublisherEvent | IgnoredRecord {
  const object = record.s3?.object;
  let key: string;
  try {
    key = decodeEventKey(object?.key ?? '');
  } catch {
    return { key: object?.key ?? '', reason: 'the key is not validly URL-encoded' };
  }
  const bucket = record.s3?.bucket?.name;
  if (bucket !== rules.bucket) return { key, reason: `bucket "${bucket}" is not ${rules.bucket}` };
  if (documentPathOf(key, rules.layout) === null) return { key, reason: `not a document under ${rules.layout.contentPrefix}` };
  const eventName = record.eventName ?? '';
  if (isPictureKey(key, rules.layout)) {
    const changes = ['ObjectCreated:', 'ObjectRemoved:', 'LifecycleExpiration:'].some((prefix) => eventName.startsWith(prefix));
    return changes ? { kind: 'picture', key } : { key, reason: `${eventName} changes no picture` };
  }
  if (eventName.startsWith('ObjectCreated:')) {
    return { kind: 'created', key, versionId: object.versionId, etag: object.eTag, sequencer: object.sequencer };
  }
  if (eventName.startsWith('ObjectRemoved:') || eventName.startsWith('LifecycleExpiration:')) {
    return { kind: 'removed', key };
  }
  return { key, reason: `${eventName} changes nothing the publisher shows` };
}

export function decidePicture(observed: ObservedPicture): PictureDecision {
  return { action: 'follow', documents: observed.users?.documents ?? [], stale: observed.ownOutputs };
}

export function decide(event: DocumentEvent, observed: Observed, rules: Rules): Decision {
  switch (event.kind) {
    case 'created':
      return decideCreated(event, observed, rules);
    case 'removed':
      // A newer upload, or a deleted version restored (which S3 announces as a removal of the
      // delete marker and nothing else): either way the source is there, so it is published,
      // unless its outputs are already current.
      if (observed.source !== null) return decideCreated({ kind: 'created', key: event.key }, observed, rules);
      return decideRemoved(event.key, observed);
    case 'picture-changed':
      return decidePictureChanged(event, observed, rules);
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * Answered again unless the index shows the answer already read the picture as it is now (a
 * redelivered event) or no longer reads it at all; an index for an older upload of the source
 * proves neither, and the document is answered again.
 */
function decidePictureChanged(event: Extract<DocumentEvent, { kind: 'picture-changed' }>, observed: Observed, rules: Rules): Decision {
  const { source, index } = observed;
  if (source === null) return { action: 'unfollow', reason: 'source-removed', picture: event.picture };
  if (index !== null && indexAnswers(index, source.etag)) {
    const read = index.pictures[event.picture];
    if (read === undefined) return { action: 'unfollow', reason: 'picture-unused', picture: event.picture };
    if (read === observed.picture?.etag && currentAnswer(observed.outputs, source, rules.publisherVersion) !== null) {
      return { action: 'skip', reason: 'picture-followed' };
    }
  }
  return decideCreated({ kind: 'created', key: event.key }, observed, rules, { again: true });
}

function decideCreated(
  event: Extract<DocumentEvent, { kind: 'created' }>,
  observed: Observed,
  rules: Rules,
  { again = false }: { readonly again?: boolean } = {},
): Decision {
  const { key } = event;
  const { source, outputs, siblings } = observed;
  const skip = (reason: SkipReason): Decision => ({ action: 'skip', reason });

  if (source === null) return skip('source-removed');
  if (event.versionId !== undefined && source.versionId !== undefined && source.versionId !== event.versionId) {
    return skip('newer-version');
  }
  if (event.versionId === undefined && event.etag !== undefined && unquoteEtag(source.etag) !== unquoteEtag(event.etag)) {
    return skip('overwritten');
  }

  const newestRecorded = [outputs.factsheet, outputs.errorReport]
    .filter((output) => output !== null && recordsSource(output, key))
    .flatMap((output) => (output?.sequencer === undefined ? [] : [output.sequencer]))
    .sort(compareSequencers)
    .at(-1);
  if (event.sequencer !== undefined && newestRecorded !== undefined && compareSequencers(newestRecorded, event.sequencer) > 0) {
    return skip('newer-event');
  }
  // An answer whose picture index was not written (the invocation stopped after the outputs, or
  // the index was deleted) is made again, which writes the index.
  const answer = again || !indexAnswers(observed.index, source.etag) ? null : currentAnswer(outputs, source, rules.publisherVersion);
  if (answer === 'factsheet' && (event.sequencer === undefined || outputs.factsheet?.sequencer === event.sequencer)) {
    return skip('already-published');
  }
  // Only a redelivered S3 event: one made by the publisher itself (the survivor of a conflict,
  // a republish, a restored delete) comes without a sequencer and must look at the document again.
  if (answer === 'error-report' && event.sequencer !== undefined && outputs.errorReport?.sequencer === event.sequencer) {
    return skip('already-reported');
  }

  const record: Recorded = {
    source: { kind: 'key', key },
    sourceEtag: unquoteEtag(source.etag),
    sourceVersion: source.versionId,
    publisherVersion: rules.publisherVersion,
    // An event without a sequencer keeps the recorded one, so that older events stay older.
    sequencer: event.sequencer ?? newestRecorded,
  };
  const longKey = keyTooLongError(key, rules);
  if (longKey !== null) return { action: 'reject', reason: 'key-too-long', error: longKey, record };
  if (siblings.length > 0) {
    return { action: 'reject', reason: 'conflict', error: conflictError(key, siblings, rules, outputs.factsheet), record };
  }
  const tooLarge = sourceSizeError(key, source.size, rules.maxSourceBytes);
  if (tooLarge !== null) return { action: 'reject', reason: 'too-large', error: tooLarge, record };
  return { action: 'render', source, record };
}

function decideRemoved(key: string, observed: Observed): Decision {
  // Only the outputs recorded as this source's own: those of another source of the same path
  // (`a.md` next to `a.yaml`) are that source's, and one without `source-key` is not the
  // publisher's (a PDF put there by hand or by another tool), as the reconcile leaves it too.
  const owned = [observed.outputs.factsheet, observed.outputs.errorReport].filter(
    (output): output is OutputObject => output !== null && recordsSource(output, key),
  );
  const [survivor, ...more] = observed.siblings;
  return {
    action: 'remove',
    outputs: owned,
    ...(survivor !== undefined && more.length === 0 ? { survivor } : {}),
    pictures: Object.keys(observed.index?.pictures ?? {}).sort(),
  };
}

/**
 * Refused whatever the bucket holds: S3 would answer every write of the fact sheet with a 400,
 * and retrying cannot make the key shorter.
 */
function keyTooLongError(key: string, rules: Pick<Rules, 'layout'>): KeyTooLongError | null {
  const factsheetKey = factsheetKeyFor(key, rules.layout);
  if (fitsInS3(factsheetKey)) return null;
  const bytes = Buffer.byteLength(factsheetKey, 'utf8');
  const limit = String(MAX_KEY_BYTES).replace(/\B(?=(\d{3})+$)/g, ' ');
  return new KeyTooLongError(key, [
    {
      message: `the fact sheet's key would be ${bytes} bytes; S3 allows ${limit}: shorten the file name`,
      expected: `a source key of at most ${Buffer.byteLength(key, 'utf8') - (bytes - MAX_KEY_BYTES)} bytes (UTF-8)`,
    },
  ]);
}

function conflictError(
  key: string,
  siblings: readonly string[],
  rules: Pick<Rules, 'layout'>,
  factsheet: OutputObject | null,
): SourceConflictError {
  const factsheetKey = factsheetKeyFor(key, rules.layout);
  // A source recorded by its digest is named when it is one of those in conflict.
  const published = factsheet?.source === undefined ? undefined : recordedKeyAmong(factsheet.source, [key, ...siblings]);
  const kept = published === undefined ? '' : `, which stays as published from ${published}`;
  return new SourceConflictError(key, [
    {
      message: `${siblings.join(' and ')} also publish${siblings.length === 1 ? 'es' : ''} to ${factsheetKey}${kept}`,
      expected: `one source per fact sheet: delete or rename all but one of ${[key, ...siblings].sort().join(', ')}`,
    },
  ]);
}
