/**
 * Turns S3 event records into fact sheets, error reports and removals.
 *
 * S3 delivers events at least once and in no particular order, so an event is only a hint about
 * which key changed: every decision is taken from the bucket as it is now (does the source still
 * exist, is it still the version the event names, what did the publisher record on the current
 * outputs), and the event's sequencer only breaks ties between deliveries for the same key.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { ContentError, type ErrorReport, InputError } from '../render/errors';
import type { Renderer } from '../render/index';
import { tooLargeProblem } from '../render/parse/index';
import type { RenderResult } from '../render/types';
import type { PublisherConfig } from './config';
import { PublishFailedError, SourceConflictError } from './errors';
import {
  compareSequencers,
  decodeEventKey,
  documentPathOf,
  errorReportKeyFor,
  factsheetKeyFor,
  METADATA_CONTENT_SHA256,
  METADATA_PUBLISHER_VERSION,
  METADATA_SEQUENCER,
  METADATA_SOURCE_ETAG,
  METADATA_SOURCE_KEY,
  METADATA_SOURCE_VERSION,
  METADATA_TEMPLATE,
  toMetadataValue,
} from './keys';
import { bucketImages } from './images';
import type { Logger } from './logging';
import { isConditionLost, unquoteEtag } from './s3';
import { type OutputObject, PublisherStore, SourceChangedError, type SourceObject } from './store';

export interface PublisherDependencies {
  readonly config: PublisherConfig;
  readonly s3: S3Client;
  readonly renderer: Renderer;
  readonly logger: Logger;
  /** The time written into error reports. */
  readonly now?: () => Date;
}

export type RecordOutcome =
  | {
      readonly status: 'published';
      readonly sourceKey: string;
      /** Absent when the bucket is not versioned. */
      readonly sourceVersion?: string;
      readonly factsheetKey: string;
      readonly template: string;
      readonly pages: number;
      readonly bytes: number;
      readonly ms: number;
    }
  | {
      readonly status: 'rejected';
      readonly sourceKey: string;
      readonly errorReportKey: string;
      readonly report: ErrorReport;
      readonly ms: number;
    }
  | { readonly status: 'unpublished'; readonly sourceKey: string; readonly deleted: readonly string[] }
  /** Nothing to do: a duplicate, or an event overtaken by a newer one. */
  | { readonly status: 'skipped'; readonly sourceKey: string; readonly reason: string }
  /** Not the publisher's business: another bucket, outside the content prefix, another event type. */
  | { readonly status: 'ignored'; readonly key: string; readonly reason: string }
  | { readonly status: 'failed'; readonly sourceKey: string; readonly error: string };

export interface PublishResult {
  readonly records: readonly RecordOutcome[];
}

export interface Publisher {
  /** Throws PublishFailedError, after trying every record, when any failed for a reason retrying may fix. */
  handle(event: S3Event): Promise<PublishResult>;
}

/** What an event asks for. Version, ETag and sequencer are absent when the publisher reconciles on its own. */
interface CreatedIntent {
  readonly kind: 'created';
  readonly key: string;
  readonly versionId?: string;
  readonly etag?: string;
  readonly sequencer?: string;
}
type EventIntent = CreatedIntent | { readonly kind: 'removed'; readonly key: string };

// A lost conditional write means another invocation changed the same output meanwhile:
// re-deciding from the new state settles it; more rounds than this would mean a storm, so fail.
const MAX_ROUNDS = 3;

export function createPublisher(dependencies: PublisherDependencies): Publisher {
  const { config, renderer, logger } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  const store = new PublisherStore(dependencies.s3, config.bucket, config.layout);

  async function handle(event: S3Event): Promise<PublishResult> {
    const outcomes: RecordOutcome[] = [];
    const errors: unknown[] = [];
    for (const record of event.Records ?? []) {
      outcomes.push(...(await handleRecord(record, errors)));
    }
    const failures = outcomes.flatMap((outcome) =>
      outcome.status === 'failed' ? [{ key: outcome.sourceKey, error: outcome.error }] : [],
    );
    if (failures.length > 0) {
      throw new PublishFailedError(failures, { cause: errors.length === 1 ? errors[0] : new AggregateError(errors) });
    }
    return { records: outcomes };
  }

  /** A record that fails leaves its error in `errors`, kept as the cause of the invocation's failure. */
  async function handleRecord(record: S3EventRecord, errors: unknown[]): Promise<RecordOutcome[]> {
    const intent = intentOf(record);
    if ('reason' in intent) {
      logger.debug('record ignored', { key: intent.key, reason: intent.reason });
      return [intent];
    }
    const started = performance.now();
    try {
      const outcomes = await withRounds(() => (intent.kind === 'created' ? publish(intent) : unpublish(intent.key)));
      outcomes.forEach((outcome) => logOutcome(outcome, performance.now() - started));
      return outcomes;
    } catch (error) {
      logger.error('record failed', { key: intent.key, event: record.eventName, error: describeError(error) });
      errors.push(error);
      return [{ status: 'failed', sourceKey: intent.key, error: describeError(error) }];
    }
  }

  function intentOf(record: S3EventRecord): EventIntent | Extract<RecordOutcome, { status: 'ignored' }> {
    const object = record.s3?.object;
    let key: string;
    try {
      key = decodeEventKey(object?.key ?? '');
    } catch {
      return { status: 'ignored', key: object?.key ?? '', reason: 'the key is not validly URL-encoded' };
    }
    const ignored = (reason: string) => ({ status: 'ignored' as const, key, reason });
    if (record.s3?.bucket?.name !== config.bucket) return ignored(`bucket "${record.s3?.bucket?.name}" is not ${config.bucket}`);
    if (documentPathOf(key, config.layout) === null) return ignored(`not a document under ${config.layout.contentPrefix}`);
    const eventName = record.eventName ?? '';
    if (eventName.startsWith('ObjectCreated:')) {
      return { kind: 'created', key, versionId: object.versionId, etag: object.eTag, sequencer: object.sequencer };
    }
    if (eventName.startsWith('ObjectRemoved:') || eventName.startsWith('LifecycleExpiration:')) {
      return { kind: 'removed', key };
    }
    return ignored(`${eventName} changes nothing the publisher shows`);
  }

  async function publish(event: CreatedIntent): Promise<RecordOutcome[]> {
    const started = performance.now();
    const { key } = event;
    const skipped = (reason: string): RecordOutcome[] => [{ status: 'skipped', sourceKey: key, reason }];

    const source = await store.headSource(key);
    if (source === null) return skipped('the source was removed since; its removal event unpublishes it');
    if (event.versionId !== undefined && source.versionId !== undefined && source.versionId !== event.versionId) {
      return skipped('a newer version of the source replaced this one; its own event publishes it');
    }
    if (event.versionId === undefined && event.etag !== undefined && unquoteEtag(source.etag) !== unquoteEtag(event.etag)) {
      return skipped('the source was overwritten since; the newer upload’s event publishes it');
    }

    const factsheetKey = factsheetKeyFor(key, config.layout);
    const errorReportKey = errorReportKeyFor(key, config.layout);
    const [factsheet, errorReport] = await Promise.all([store.headOutput(factsheetKey), store.headOutput(errorReportKey)]);
    const recordedSequencers = [factsheet, errorReport]
      .filter((output) => output?.sourceKey === key)
      .flatMap((output) => (output?.sequencer === undefined ? [] : [output.sequencer]));
    const newestRecorded = recordedSequencers.sort(compareSequencers).at(-1);
    if (event.sequencer !== undefined && newestRecorded !== undefined) {
      if (compareSequencers(newestRecorded, event.sequencer) > 0) {
        return skipped('a newer event for this source was already published');
      }
    }
    if (errorReport === null && isSamePublication(factsheet, key, source, event.sequencer)) {
      return skipped('already published (duplicate event)');
    }
    // Only a redelivered S3 event: one made by the publisher itself (the survivor of a conflict,
    // a republish) comes without a sequencer and must look at the document again.
    if (event.sequencer !== undefined && isSamePublication(errorReport, key, source, event.sequencer)) {
      return skipped('already reported (duplicate event)');
    }

    const metadata: Record<string, string> = {
      [METADATA_SOURCE_KEY]: toMetadataValue(key),
      [METADATA_SOURCE_ETAG]: unquoteEtag(source.etag),
      [METADATA_PUBLISHER_VERSION]: config.publisherVersion,
    };
    if (source.versionId !== undefined) metadata[METADATA_SOURCE_VERSION] = source.versionId;
    // An event without a sequencer (a republish) keeps the recorded one, so that older events stay older.
    const sequencer = event.sequencer ?? newestRecorded;
    if (sequencer !== undefined) metadata[METADATA_SEQUENCER] = sequencer;

    const reject = async (error: ContentError): Promise<RecordOutcome[]> => {
      const report = error.toReport(now());
      await store.putOutput(
        errorReportKey,
        {
          bytes: Buffer.from(`${JSON.stringify(report, null, 2)}\n`, 'utf8'),
          contentType: 'application/json; charset=utf-8',
          metadata,
        },
        errorReport,
      );
      return [{ status: 'rejected', sourceKey: key, errorReportKey, report, ms: performance.now() - started }];
    };

    const otherSources = (await store.listSources(documentPathOf(key, config.layout) as string)).filter(
      (other) => other !== key,
    );
    if (otherSources.length > 0) return reject(conflictError(key, otherSources, factsheetKey, factsheet));
    if (source.size > config.maxSourceBytes) {
      return reject(new InputError(key, [tooLargeProblem(source.size, config.maxSourceBytes)]));
    }

    let bytes: Uint8Array;
    try {
      bytes = await store.readSource(source);
    } catch (error) {
      if (error instanceof SourceChangedError) return skipped('the source changed while it was read; its newer event publishes it');
      throw error;
    }
    metadata[METADATA_CONTENT_SHA256] = createHash('sha256').update(bytes).digest('hex');

    let result: RenderResult;
    try {
      result = await renderer.render(
        { name: key, bytes, modifiedAt: source.lastModified },
        { images: bucketImages(dependencies.s3, config.bucket, config.layout, key) },
      );
    } catch (error) {
      if (error instanceof ContentError) return reject(error);
      throw error;
    }
    assertCompletePdf(result.pdf, key);

    await store.putOutput(
      factsheetKey,
      {
        bytes: result.pdf,
        contentType: 'application/pdf',
        contentDisposition: contentDisposition(factsheetKey),
        metadata: { ...metadata, [METADATA_TEMPLATE]: toMetadataValue(result.template) },
      },
      factsheet,
    );
    if (errorReport !== null) await store.deleteOutput(errorReport);
    return [
      {
        status: 'published',
        sourceKey: key,
        sourceVersion: source.versionId,
        factsheetKey,
        template: result.template,
        pages: result.pages,
        bytes: result.pdf.length,
        ms: performance.now() - started,
      },
    ];
  }

  async function unpublish(key: string): Promise<RecordOutcome[]> {
    if ((await store.headSource(key)) !== null) {
      // A newer upload, or a deleted version restored (which S3 announces as a removal of the
      // delete marker and nothing else): either way the source is there, so it is published;
      // publish() skips it when its fact sheet is already current.
      return publish({ kind: 'created', key });
    }
    const outputs = await Promise.all([
      store.headOutput(factsheetKeyFor(key, config.layout)),
      store.headOutput(errorReportKeyFor(key, config.layout)),
    ]);
    // Outputs recorded for another source of the same path (`a.md` next to `a.yaml`) are that source's.
    const owned = outputs.filter(
      (output): output is OutputObject => output !== null && (output.sourceKey === undefined || output.sourceKey === key),
    );
    await Promise.all(owned.map((output) => store.deleteOutput(output)));
    const outcomes: RecordOutcome[] = [{ status: 'unpublished', sourceKey: key, deleted: owned.map((output) => output.key) }];

    // With the conflict gone, the one source left for this path can be published.
    const remaining = await store.listSources(documentPathOf(key, config.layout) as string);
    if (remaining.length === 1) outcomes.push(...(await publish({ kind: 'created', key: remaining[0] as string })));
    return outcomes;
  }

  /** The output (fact sheet or error report) answers this very upload and event already. */
  function isSamePublication(
    output: OutputObject | null,
    key: string,
    source: SourceObject,
    eventSequencer: string | undefined,
  ): boolean {
    return (
      output !== null &&
      output.sourceKey === key &&
      output.sourceEtag === unquoteEtag(source.etag) &&
      output.publisherVersion === config.publisherVersion &&
      (eventSequencer === undefined || output.sequencer === eventSequencer)
    );
  }

  function logOutcome(outcome: RecordOutcome, totalMs: number): void {
    const ms = Math.round(totalMs);
    switch (outcome.status) {
      case 'published':
        logger.info('published', {
          key: outcome.sourceKey,
          version: outcome.sourceVersion,
          factsheet: outcome.factsheetKey,
          template: outcome.template,
          pages: outcome.pages,
          bytes: outcome.bytes,
          ms,
        });
        return;
      case 'rejected':
        logger.warn('rejected', {
          key: outcome.sourceKey,
          errorReport: outcome.errorReportKey,
          error: outcome.report.error,
          problems: outcome.report.problems.length,
          fields: outcome.report.problems.flatMap((problem) => (problem.path === undefined ? [] : [problem.path])),
          ms,
        });
        return;
      case 'unpublished':
        logger.info('unpublished', { key: outcome.sourceKey, deleted: outcome.deleted, ms });
        return;
      case 'skipped':
        logger.info('skipped', { key: outcome.sourceKey, reason: outcome.reason, ms });
        return;
      case 'ignored':
      case 'failed':
        // Logged where they arise.
        return;
      default: {
        const unhandled: never = outcome;
        throw new Error(`unhandled outcome ${JSON.stringify(unhandled)}`);
      }
    }
  }

  return { handle };
}

async function withRounds<T>(attempt: () => Promise<T>): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isConditionLost(error) || round >= MAX_ROUNDS) throw error;
    }
  }
}

function conflictError(
  key: string,
  otherSources: readonly string[],
  factsheetKey: string,
  factsheet: OutputObject | null,
): SourceConflictError {
  const kept = factsheet?.sourceKey === undefined ? '' : `, which stays as published from ${factsheet.sourceKey}`;
  return new SourceConflictError(key, [
    {
      message: `${otherSources.join(' and ')} also publish${otherSources.length === 1 ? 'es' : ''} to ${factsheetKey}${kept}`,
      expected: `one source per fact sheet: delete or rename all but one of ${[key, ...otherSources].sort().join(', ')}`,
    },
  ]);
}

/** pdfkit ends every complete file with `%%EOF`; anything else must never reach the bucket. */
function assertCompletePdf(pdf: Buffer, key: string): void {
  const tail = pdf.subarray(-32).toString('latin1');
  if (pdf.length === 0 || pdf.subarray(0, 5).toString('latin1') !== '%PDF-' || !tail.includes('%%EOF')) {
    throw new Error(`the renderer returned an incomplete PDF (${pdf.length} bytes) for ${key}`);
  }
}

/** RFC 6266: an ASCII name for old clients, the exact UTF-8 name for the others. */
function contentDisposition(factsheetKey: string): string {
  const fileName = factsheetKey.slice(factsheetKey.lastIndexOf('/') + 1);
  const asciiName = fileName.normalize('NFKD').replace(/[^\x20-\x7e]|["\\]/g, (character) =>
    /\p{M}/u.test(character) ? '' : '_',
  );
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${asciiName}"; filename*=UTF-8''${encoded}`;
}


function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
