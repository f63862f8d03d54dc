/**
 * Turns S3 event records into fact sheets, error reports and removals: for each record, gathers
 * the bucket's state for its key, lets `decide` (decide.ts) say what to do, and does it.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { ContentError, type ErrorReport, type Problem, type Renderer, type RenderResult } from '../render';
import { ConfigError, type PublisherConfig } from './config';
import { metadataOf, recordsSource } from './current';
import { createLimiter } from './concurrency';
import { type Decision, decide, decidePicture, type DocumentEvent, eventOf, type PublisherEvent, SKIP_MESSAGES } from './decide';
import { PublishFailedError, StrictWarningsError } from './errors';
import { bucketImages } from './images';
import { deploymentMetadataProblems, errorReportKeyFor, factsheetKeyFor, METADATA_CONTENT_SHA256, METADATA_TEMPLATE, reportKeyFor, toMetadataValue } from './keys';
import type { Logger } from './logging';
import { picturesChanged, picturesLeft } from './picture-index';
import { isConditionLost, isPreconditionFailed } from './s3';
import { type Observed, type OutputObject, PublisherStore, SourceChangedError, type SourceObject } from './store';

export interface PublisherDependencies {
  readonly config: PublisherConfig;
  readonly s3: S3Client;
  readonly renderer: Renderer;
  readonly logger: Logger;
  /** The time written into error reports. */
  readonly now?: () => Date;
  /** Told every record's outcome once it is settled (the handler counts them as metrics). */
  readonly onOutcome?: (outcome: RecordOutcome) => void;
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
      /** The render alone, without the S3 requests around it. */
      readonly renderMs: number;
      /** Also in reports/<path>.json and counted in the PDF's information. */
      readonly warnings: readonly Problem[];
    }
  | {
      readonly status: 'rejected';
      readonly sourceKey: string;
      readonly errorReportKey: string;
      readonly report: ErrorReport;
      readonly ms: number;
    }
  | { readonly status: 'unpublished'; readonly sourceKey: string; readonly deleted: readonly string[] }
  /**
   * A picture changed: `documents` (those that read it when last answered) are answered again,
   * each with its own outcome; `deleted` is what an older publisher wrote for the picture itself.
   */
  | { readonly status: 'followed'; readonly key: string; readonly documents: readonly string[]; readonly deleted: readonly string[] }
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
  handle(this: void, event: S3Event): Promise<PublishResult>;
}

/** The body of reports/<path>.json, besides the publisher version and the time (docs/publishing.md). */
export type PublicationReport =
  | {
      readonly status: 'published' | 'published with warnings';
      readonly file: string;
      readonly factsheet: string;
      readonly warnings: readonly Problem[];
    }
  | {
      readonly status: 'rejected';
      readonly file: string;
      readonly factsheet: string | null;
      readonly errorReport: string;
      readonly error: string;
      readonly problems: readonly Problem[];
    };

// A lost conditional write means another invocation changed the same output meanwhile:
// re-deciding from the new state settles it; more rounds than this would mean a storm, so fail.
const MAX_ROUNDS = 3;

// Documents answered again at once after a picture changed: renders are CPU work in one thread,
// so more would only interleave them; two overlap one's S3 requests with the other's render.
const FOLLOWERS_AT_ONCE = 2;

const UNFOLLOW_MESSAGES = {
  'source-removed': 'the document was removed since; it leaves the picture’s index',
  'picture-unused': 'the document no longer uses the picture; it leaves the picture’s index',
} as const;

export function createPublisher(dependencies: PublisherDependencies): Publisher {
  const { config, renderer, logger } = dependencies;
  // At start-up, before any upload: a template whose name S3 cannot record would fail each of its documents, retried to the queue.
  const templateProblems = deploymentMetadataProblems(
    config.publisherVersion,
    renderer.templates.map((name) => ({ name, file: `${config.templatesDir ?? 'templates'}/${name}.hbs` })),
  );
  if (templateProblems.length > 0) throw new ConfigError(templateProblems);
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
    const event = eventOf(record, config);
    if ('reason' in event) {
      logger.debug('record ignored', { key: event.key, reason: event.reason });
      return [{ status: 'ignored', ...event }];
    }
    const started = performance.now();
    try {
      const outcomes = await withRounds(() => settle(event));
      outcomes.forEach((outcome) => logOutcome(outcome, performance.now() - started));
      outcomes.forEach((outcome) => dependencies.onOutcome?.(outcome));
      return outcomes;
    } catch (error) {
      logger.error('record failed', { key: event.key, event: record.eventName, error: describeError(error) });
      errors.push(error);
      const failed: RecordOutcome = { status: 'failed', sourceKey: event.key, error: describeError(error) };
      dependencies.onOutcome?.(failed);
      return [failed];
    }
  }

  async function settle(event: PublisherEvent): Promise<RecordOutcome[]> {
    return event.kind === 'picture' ? followPicture(event.key) : settleDocument(event, true);
  }

  /**
   * Every document the picture's index names is decided on its own, so one that fails (and makes
   * the record fail, for Lambda to retry) does not hold back the others; on the retry, those
   * already answered with the picture as it is now are skipped.
   */
  async function followPicture(key: string): Promise<RecordOutcome[]> {
    const decision = decidePicture(await store.observePicture(key));
    await Promise.all(decision.stale.map((output) => store.deleteOutput(output)));
    const limit = createLimiter(FOLLOWERS_AT_ONCE);
    const settled = await Promise.allSettled(
      decision.documents.map((document) => limit(() => withRounds(() => settleDocument({ kind: 'picture-changed', key: document, picture: key }, true)))),
    );
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    const followed: RecordOutcome = {
      status: 'followed',
      key,
      documents: decision.documents,
      deleted: decision.stale.map((output) => output.key),
    };
    return [followed, ...settled.flatMap((result) => (result.status === 'fulfilled' ? result.value : []))];
  }

  /** `recheck`: after answering, look whether a picture the render read changed meanwhile (see answered). */
  async function settleDocument(event: DocumentEvent, recheck: boolean): Promise<RecordOutcome[]> {
    const started = performance.now();
    const observed = await store.observe(event.key, event.kind === 'picture-changed' ? event.picture : undefined);
    const decision = decide(event, observed, config);
    switch (decision.action) {
      case 'skip':
        return [{ status: 'skipped', sourceKey: event.key, reason: SKIP_MESSAGES[decision.reason] }];
      case 'unfollow':
        await store.unlink(decision.picture, event.key);
        return [{ status: 'skipped', sourceKey: event.key, reason: UNFOLLOW_MESSAGES[decision.reason] }];
      case 'reject': {
        const metadata = metadataOf(decision.record);
        return answered(event.key, decision.record.sourceEtag ?? '', observed, new Map(), recheck, () =>
          writeReport(event.key, decision.error, metadata, observed, started),
        );
      }
      case 'render':
        return renderAndStore(decision, observed, started, recheck);
      case 'remove': {
        await Promise.all(decision.outputs.map((output) => store.deleteOutput(output)));
        const report = await removeReport(event.key);
        await Promise.all(decision.pictures.map((picture) => store.unlink(picture, event.key)));
        await store.deleteDocumentIndex(event.key);
        const outcomes: RecordOutcome[] = [
          { status: 'unpublished', sourceKey: event.key, deleted: [...decision.outputs.map((output) => output.key), ...report] },
        ];
        // Uploaded again meanwhile: its own invocation may have linked the same pictures just
        // before they were unlinked here, so it is answered again, which links them again.
        if ((await store.headSource(event.key)) !== null) outcomes.push(...(await settleDocument({ kind: 'created', key: event.key }, recheck)));
        if (decision.survivor !== undefined) outcomes.push(...(await settleDocument({ kind: 'created', key: decision.survivor }, recheck)));
        return outcomes;
      }
      default: {
        const unhandled: never = decision;
        throw new Error(`unhandled decision ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /**
   * Keeps the picture index true around `write` (which writes the answer's outputs): the pictures
   * read are linked to the document before the outputs are written and the ones it no longer
   * reads unlinked after, so that an invocation that stops in between leaves one entry too many
   * (a render more when that picture changes), never one too few; the document's own index comes
   * last, and an answer without it is not taken for current (decide.ts).
   *
   * A picture uploaded while the document rendered may have been handled by an invocation that
   * looked at the picture's index before this one linked the document: so the pictures are read
   * again (HEAD) after, and one that changed gets the document answered again at once.
   */
  async function answered(
    key: string,
    sourceEtag: string,
    observed: Observed,
    seen: ReadonlyMap<string, string | null>,
    recheck: boolean,
    write: () => Promise<RecordOutcome>,
  ): Promise<RecordOutcome[]> {
    await Promise.all([...seen.keys()].map((picture) => store.link(picture, key)));
    const outcome = await write();
    if (outcome.status === 'skipped') return [outcome];
    await Promise.all(picturesLeft(observed.index, seen).map((picture) => store.unlink(picture, key)));
    await store.putDocumentIndex({ document: key, sourceEtag, pictures: Object.fromEntries([...seen].sort(([a], [b]) => (a < b ? -1 : 1))) });
    if (!recheck || seen.size === 0) return [outcome];
    const now = new Map(await Promise.all([...seen.keys()].map(async (picture) => [picture, await store.headPicture(picture)] as const)));
    const [changed] = picturesChanged(seen, now);
    if (changed === undefined) return [outcome];
    return [outcome, ...(await settleDocument({ kind: 'picture-changed', key, picture: changed }, false))];
  }

  async function renderAndStore(
    decision: Extract<Decision, { action: 'render' }>,
    observed: Observed,
    started: number,
    recheck: boolean,
  ): Promise<RecordOutcome[]> {
    const { source } = decision;
    let bytes: Uint8Array;
    try {
      bytes = await store.readSource(source);
    } catch (error) {
      if (error instanceof SourceChangedError) {
        return [{ status: 'skipped', sourceKey: source.key, reason: 'the source changed while it was read; its newer event publishes it' }];
      }
      throw error;
    }
    const entries = { [METADATA_CONTENT_SHA256]: createHash('sha256').update(bytes).digest('hex') };
    const metadata = metadataOf(decision.record, entries);
    const seen = new Map<string, string | null>();
    const answer = (write: () => Promise<RecordOutcome>) => answered(source.key, decision.record.sourceEtag ?? '', observed, seen, recheck, write);

    let result: RenderResult;
    const renderStarted = performance.now();
    try {
      result = await renderer.render(
        { name: source.key, bytes, modifiedAt: source.lastModified },
        { images: bucketImages(dependencies.s3, config.bucket, config.layout, source.key, seen) },
      );
    } catch (error) {
      if (error instanceof ContentError) return answer(() => writeReport(source.key, error, metadata, observed, started));
      throw error;
    }
    const renderMs = performance.now() - renderStarted;
    // Measured with the template's entry too, which the fact sheet alone carries.
    const factsheetMetadata = metadataOf(decision.record, { ...entries, [METADATA_TEMPLATE]: toMetadataValue(result.template) });
    return answer(() => storeFactsheet(source, result, renderMs, { metadata, factsheetMetadata }, observed, started));
  }

  async function storeFactsheet(
    source: SourceObject,
    result: RenderResult,
    renderMs: number,
    { metadata, factsheetMetadata }: { readonly metadata: Readonly<Record<string, string>>; readonly factsheetMetadata: Readonly<Record<string, string>> },
    observed: Observed,
    started: number,
  ): Promise<RecordOutcome> {
    assertCompletePdf(result.pdf, source.key);
    if (config.strictWarnings && result.warnings.length > 0) {
      return writeReport(source.key, new StrictWarningsError(source.key, result.warnings), metadata, observed, started);
    }

    const factsheetKey = factsheetKeyFor(source.key, config.layout);
    const written = await store.putOutput(
      factsheetKey,
      {
        bytes: result.pdf,
        contentType: 'application/pdf',
        contentDisposition: contentDisposition(factsheetKey),
        metadata: factsheetMetadata,
      },
      observed.outputs.factsheet,
    );
    if (observed.outputs.errorReport !== null) await store.deleteOutput(observed.outputs.errorReport);
    const withdrawn = await withdrawIfSuperseded(source, written, 'factsheet');
    if (withdrawn !== null) return { status: 'skipped', sourceKey: source.key, reason: withdrawn };
    await putReport(source.key, metadata, {
      status: result.warnings.length > 0 ? 'published with warnings' : 'published',
      file: source.key,
      factsheet: factsheetKey,
      warnings: result.warnings,
    });
    return {
      status: 'published',
      sourceKey: source.key,
      sourceVersion: source.versionId,
      factsheetKey,
      template: result.template,
      pages: result.pages,
      bytes: result.pdf.length,
      ms: performance.now() - started,
      renderMs,
      warnings: result.warnings,
    };
  }

  /** reports/<path>.json: what the uploader looks at to know how the last upload went. */
  async function putReport(sourceKey: string, metadata: Readonly<Record<string, string>>, report: PublicationReport): Promise<void> {
    const key = reportKeyFor(sourceKey, config.layout);
    const body = { ...report, publisherVersion: config.publisherVersion, time: now().toISOString() };
    await store.putOutput(
      key,
      { bytes: Buffer.from(`${JSON.stringify(body, null, 2)}\n`, 'utf8'), contentType: 'application/json; charset=utf-8', metadata },
      await store.headOutput(key),
    );
  }

  async function removeReport(sourceKey: string): Promise<string[]> {
    const report = await store.headOutput(reportKeyFor(sourceKey, config.layout));
    // Only its own, as the fact sheet and error report (decide.ts): one without source-key is not the publisher's.
    if (report === null || !recordsSource(report, sourceKey)) return [];
    await store.deleteOutput(report);
    return [report.key];
  }

  async function writeReport(
    sourceKey: string,
    error: ContentError,
    metadata: Readonly<Record<string, string>>,
    observed: Observed,
    started: number,
  ): Promise<RecordOutcome> {
    const report = error.toReport(now());
    const errorReportKey = errorReportKeyFor(sourceKey, config.layout);
    const written = await store.putOutput(
      errorReportKey,
      {
        bytes: Buffer.from(`${JSON.stringify(report, null, 2)}\n`, 'utf8'),
        contentType: 'application/json; charset=utf-8',
        metadata,
      },
      observed.outputs.errorReport,
    );
    const withdrawn = observed.source === null ? null : await withdrawIfSuperseded(observed.source, written, 'errorReport');
    if (withdrawn !== null) return { status: 'skipped', sourceKey, reason: withdrawn };
    await putReport(sourceKey, metadata, {
      status: 'rejected',
      file: sourceKey,
      // The last good fact sheet stays published while the new upload is refused.
      factsheet: observed.outputs.factsheet?.key ?? null,
      errorReport: errorReportKey,
      error: report.error,
      problems: report.problems,
    });
    return { status: 'rejected', sourceKey, errorReportKey, report, ms: performance.now() - started };
  }

  /**
   * S3 cannot make a write conditional on another object: the source may have been replaced or
   * deleted while it rendered, and the invocation for that change may have looked at the outputs
   * before this write, so nothing would correct it. The source is read again after the write and
   * what no longer answers it is taken back (by its ETag, so a newer write is never touched): any
   * output once the source is gone; an error report once a newer upload replaced it. A fact sheet
   * stays then: it is the newest good one until the newer upload's own invocation decides.
   * Returns why the output was withdrawn, or null when it stands.
   */
  async function withdrawIfSuperseded(
    source: SourceObject,
    written: OutputObject,
    kind: 'factsheet' | 'errorReport',
  ): Promise<string | null> {
    const current = await store.headSource(source.key);
    const replaced = current !== null && (current.versionId ?? current.etag) !== (source.versionId ?? source.etag);
    let reason: string;
    if (current === null) reason = 'the source was removed while it was rendered';
    else if (replaced && kind === 'errorReport') reason = 'a newer upload replaced the source while it was checked; its own event answers it';
    else return null;
    try {
      await store.deleteOutput(written);
    } catch (error) {
      // A newer invocation replaced the output meanwhile: that one stands.
      if (!isPreconditionFailed(error)) throw error;
    }
    return reason;
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
      case 'followed':
        logger.info('picture followed', { key: outcome.key, documents: outcome.documents.length, deleted: outcome.deleted, ms });
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
