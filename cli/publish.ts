/**
 * `npm run publish`: the round trip a user makes with the bucket, in one command.
 *
 *   npm run publish -- <file>... [--local | --endpoint URL] [--bucket NAME] [--folder PATH] [--link]
 *   npm run publish -- --list [--link] [--json]
 *   npm run publish -- --republish [--force]  (deployed stack, or --local)
 *   npm run publish -- --reconcile            republish, and remove outputs whose source is gone
 *
 * Against AWS the bucket comes from --bucket or from the deployed stack's outputs, with the
 * user's own credentials. Against an S3-compatible endpoint (the local server of `npm run dev`)
 * nothing touches AWS.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { CopyObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Event } from 'aws-lambda';
import { DEFAULT_STACK_NAME } from '../infra/outputs';
import { DEFAULT_KEY_LAYOUT, decodeEventKey } from '../lambdas/publisher/keys';
import { createS3Client, unquoteEtag } from '../lambdas/publisher/s3';
import { formatProblems, type Problem } from '../lambdas/render';
import { type Bucket, download, listPublished, type PublishedEntry, presignedUrl, uploadSource, waitForOutcome, waitForReport } from '../client/bucket-client';
import { createProgress, parseCommand, runCommand, UsageError, wholeNumber } from '../client/command';
import { DEFAULT_LOCAL_BUCKET, DEFAULT_LOCAL_PORT, LOCAL_CREDENTIALS } from '../emulator/local-defaults';
import { type ReconcileOptions, reconcile } from '../lambdas/publisher/reconcile';
import { republish } from '../lambdas/publisher/republish';
import { readStackOutputs } from '../client/stack-outputs';

const USAGE = `Usage:
  npm run publish -- <file>... [options]   upload, wait for the fact sheet, save it next to the file
  npm run publish -- --list [options]      what is published, when, with which template
  npm run publish -- --republish [options] re-render fact sheets made by an older publisher version
                                           (locally: by other templates, theme or fonts)
  npm run publish -- --reconcile [options] the bucket as content/ says: publish what is missing or
                                           stale, remove fact sheets and reports whose source is gone
  npm run publish -- --redrive [options]   replay the failure queue into the function, one line per
                                           message; a message is deleted only once it is published

Where:
  --local               the server of npm run dev (${`http://127.0.0.1:${DEFAULT_LOCAL_PORT}`}, bucket ${DEFAULT_LOCAL_BUCKET})
  --endpoint URL        another S3-compatible endpoint (env FACTSHEET_S3_ENDPOINT)
  --bucket NAME         the bucket (env FACTSHEET_BUCKET); on AWS, default: the deployed stack's
  --stack NAME          the deployed stack (default ${DEFAULT_STACK_NAME})
  --region REGION       AWS region (default: AWS_REGION / your profile)
Options:
  --folder PATH         upload under content/PATH/ instead of content/
  --out DIR             save PDFs in DIR instead of next to each file (created if missing)
  --json                files, --list: one JSON object instead of the lines (files: with each one's warnings)
  --force               --republish: every document, current or not
  --link                also print a presigned download link (shares one file, makes nothing public)
  --expires SECONDS     how long links stay valid (default 86400, at most 604800)
  --timeout SECONDS     how long to wait for each fact sheet (default 120)
  --concurrency N       republish, reconcile: documents at once (default 4)
  --queue-url URL       --redrive: the queue (default: the deployed stack's failure queue); with
                        --local or --endpoint, the events run through a publisher in this process
  --sqs-endpoint URL    --redrive: an SQS-compatible endpoint for --queue-url
  --debug               stack traces for unexpected errors (also DEBUG=1)`;

// The report follows the fact sheet within milliseconds; a deployment without reports/ costs this once a file.
const REPORT_WAIT_MS = 10_000;

const { values, positionals } = parseCommand({
  invocation: 'npm run publish --',
  usage: USAGE,
  allowPositionals: true,
  options: {
    local: { type: 'boolean', default: false },
    endpoint: { type: 'string', default: process.env.FACTSHEET_S3_ENDPOINT },
    bucket: { type: 'string', default: process.env.FACTSHEET_BUCKET },
    stack: { type: 'string', default: DEFAULT_STACK_NAME },
    region: { type: 'string' },
    folder: { type: 'string' },
    out: { type: 'string' },
    link: { type: 'boolean', default: false },
    expires: { type: 'string', default: '86400' },
    timeout: { type: 'string', default: '120' },
    concurrency: { type: 'string', default: '4' },
    list: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    republish: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    reconcile: { type: 'boolean', default: false },
    redrive: { type: 'boolean', default: false },
    'queue-url': { type: 'string' },
    'sqs-endpoint': { type: 'string' },
  },
});

await runCommand(async () => {
  try {
    return await main();
  } catch (error) {
    if (error instanceof UsageError || !isRefused(error)) throw error;
    console.error(describeFailure(error));
    return 1;
  }
});

async function main(): Promise<number> {
  const modes = [values.list, values.republish, values.reconcile, values.redrive, positionals.length > 0].filter(Boolean).length;
  if (modes !== 1) throw new UsageError('Give files to publish, or --list, --republish, --reconcile or --redrive (one of them).');
  if ((values['queue-url'] !== undefined || values['sqs-endpoint'] !== undefined) && !values.redrive) {
    throw new UsageError('--queue-url and --sqs-endpoint go with --redrive');
  }
  const expires = wholeNumber('--expires', values.expires, 1, 604_800);
  const timeoutMs = wholeNumber('--timeout', values.timeout, 1, 3600) * 1000;
  if (values.json && (values.republish || values.reconcile)) throw new UsageError('--json goes with files to publish or --list');
  if (values.force && !values.republish) throw new UsageError('--force goes with --republish');
  if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a folder');

  const target = await resolveTarget();
  if (values.list) return list(target.bucket, expires);
  if (values.republish || values.reconcile) return runRepublish(target);
  if (values.redrive) return runRedrive(target);
  return publishFiles(target.bucket, positionals, { expires, timeoutMs });
}

interface Target {
  readonly bucket: Bucket;
  /** Absent for S3-compatible endpoints: there is no Lambda to invoke. */
  readonly aws?: { readonly functionName: string; readonly publisherVersion: string; readonly failureQueueUrl: string };
}

async function resolveTarget(): Promise<Target> {
  const endpoint = values.endpoint ?? (values.local ? `http://127.0.0.1:${DEFAULT_LOCAL_PORT}` : undefined);
  if (endpoint !== undefined) {
    const loopback = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(endpoint);
    const s3 = createS3Client({ endpoint, credentials: loopback ? LOCAL_CREDENTIALS : undefined, region: values.region });
    return { bucket: { s3, name: values.bucket ?? DEFAULT_LOCAL_BUCKET, layout: DEFAULT_KEY_LAYOUT } };
  }
  const s3 = createS3Client({ region: values.region });
  if (values.bucket !== undefined && !values.republish && !values.reconcile && !values.redrive) {
    return { bucket: { s3, name: values.bucket, layout: DEFAULT_KEY_LAYOUT } };
  }
  const outputs = await readStackOutputs(values.stack, values.region);
  return {
    bucket: { s3, name: values.bucket ?? outputs.BucketName, layout: DEFAULT_KEY_LAYOUT },
    aws: { functionName: outputs.FunctionName, publisherVersion: outputs.PublisherVersion, failureQueueUrl: outputs.FailureQueueUrl },
  };
}

/** What became of one file, as printed and as `--json` gives it. */
type FileResult =
  | {
      readonly file: string;
      readonly sourceKey: string;
      readonly status: 'published' | 'published with warnings';
      readonly factsheet: string;
      readonly template: string;
      readonly bytes: number;
      readonly pdf: string;
      /** null: the publisher wrote no report (a deployment older than reports/). */
      readonly warnings: readonly Problem[] | null;
      readonly link?: string;
    }
  | { readonly file: string; readonly sourceKey: string; readonly status: 'rejected'; readonly errorReport: string; readonly error: string; readonly problems: readonly Problem[] }
  | { readonly file: string; readonly sourceKey: string; readonly status: 'failed'; readonly error: string };

async function publishFiles(
  bucket: Bucket,
  files: readonly string[],
  options: { readonly expires: number; readonly timeoutMs: number },
): Promise<number> {
  const isFile = async (file: string) => (await stat(file).catch(() => null))?.isFile() === true;
  const missing = (await Promise.all(files.map(async (file) => ((await isFile(file)) ? [] : [file])))).flat();
  if (missing.length > 0) throw new UsageError(`Not a file: ${missing.join(', ')}`);
  const folder = values.folder?.replace(/^\/+|\/+$/g, '');

  const results: FileResult[] = [];
  // One at a time, in the order given, so that the messages read like a log.
  for (const file of files) {
    const sourceKey = `${bucket.layout.contentPrefix}${folder ? `${folder}/` : ''}${basename(file)}`;
    const result = await publishFile(bucket, file, sourceKey, options);
    results.push(result);
    if (!values.json) console.log(describe(bucket, result));
  }
  const published = results.filter((result) => result.status === 'published' || result.status === 'published with warnings').length;
  if (values.json) console.log(JSON.stringify({ bucket: bucket.name, files: results, published, total: files.length }));
  else if (files.length > 1) console.log(`\n${published} of ${files.length} published`);
  return published < files.length ? 1 : 0;
}

async function publishFile(
  bucket: Bucket,
  file: string,
  sourceKey: string,
  options: { readonly expires: number; readonly timeoutMs: number },
): Promise<FileResult> {
  try {
    const etag = await uploadSource(bucket, sourceKey, await readFile(file));
    if (!values.json) console.log(`uploaded ${file} → s3://${bucket.name}/${sourceKey}`);
    const outcome = await waitForOutcome(bucket, sourceKey, etag, { timeoutMs: options.timeoutMs });
    if (outcome.kind === 'rejected') {
      const { error, problems } = outcome.report;
      return { file, sourceKey, status: 'rejected', errorReport: outcome.errorReportKey, error, problems };
    }
    const pdf = join(values.out ?? dirname(file), `${basename(file, extname(file))}.pdf`);
    await mkdir(dirname(pdf), { recursive: true });
    await writeFile(pdf, await download(bucket, outcome.factsheetKey));
    const report = await waitForReport(bucket, sourceKey, etag, Math.min(REPORT_WAIT_MS, options.timeoutMs));
    const warnings = report === null ? null : report.status === 'rejected' ? [] : report.warnings;
    const link = values.link ? await presignedUrl(bucket, outcome.factsheetKey, options.expires) : undefined;
    return {
      file,
      sourceKey,
      status: warnings !== null && warnings.length > 0 ? 'published with warnings' : 'published',
      factsheet: outcome.factsheetKey,
      template: outcome.template,
      bytes: outcome.bytes,
      pdf,
      warnings,
      ...(link === undefined ? {} : { link }),
    };
  } catch (error) {
    return { file, sourceKey, status: 'failed', error: describeFailure(error) };
  }
}

function describe(bucket: Bucket, result: FileResult): string {
  switch (result.status) {
    case 'published':
    case 'published with warnings': {
      const lines = [`  published s3://${bucket.name}/${result.factsheet} (${result.template}, ${result.bytes} bytes) → ${result.pdf}`];
      if (result.warnings === null) lines.push('  (no report from the publisher: its warnings are unknown)');
      else if (result.warnings.length > 0) {
        lines.push(`  ${result.warnings.length} warning(s):`, indent(formatProblems(result.sourceKey, result.warnings)));
      }
      if (result.link !== undefined) lines.push(`  link (valid ${describeSeconds(Number(values.expires))}): ${result.link}`);
      return lines.join('\n');
    }
    case 'rejected':
      return `  not published, see s3://${bucket.name}/${result.errorReport}:\n${indent(formatProblems(result.sourceKey, result.problems))}`;
    case 'failed':
      return `  failed: ${result.error}`;
    default: {
      const unhandled: never = result;
      return JSON.stringify(unhandled);
    }
  }
}

async function list(bucket: Bucket, expires: number): Promise<number> {
  const { factsheets, errorReports } = await listPublished(bucket);
  if (values.json) {
    const entries = await Promise.all(
      factsheets.map(async (entry) => ({ ...entry, ...(values.link ? { link: await presignedUrl(bucket, entry.factsheetKey, expires) } : {}) })),
    );
    console.log(JSON.stringify({ bucket: bucket.name, factsheets: entries, errorReports }));
    return 0;
  }
  if (factsheets.length === 0) console.log(`Nothing published in s3://${bucket.name}/${bucket.layout.factsheetsPrefix} yet.`);
  for (const entry of factsheets.sort((a, b) => a.factsheetKey.localeCompare(b.factsheetKey))) {
    const when = entry.lastModified?.toISOString().replace('T', ' ').slice(0, 19) ?? '?';
    console.log(
      `${entry.factsheetKey}  ${when} UTC  template ${templateText(entry)}  from ${entry.sourceKey ?? '?'}  ` +
        `${entry.bytes} bytes  publisher ${entry.publisherVersion ?? '?'}`,
    );
    if (values.link) console.log(`  ${await presignedUrl(bucket, entry.factsheetKey, expires)}`);
  }
  if (errorReports.length > 0) {
    console.log(`\nNot published (error reports):`);
    for (const report of errorReports) console.log(`  ${report.errorReportKey}`);
  }
  return 0;
}

/** The template, `?` when none is recorded, and what another tool stored in its place (`? (stored "%ZZ")`). */
function templateText(entry: PublishedEntry): string {
  if (entry.template !== null) return entry.template;
  return entry.foreignTemplate === null ? '?' : `? (stored ${JSON.stringify(entry.foreignTemplate)})`;
}

async function runRepublish(target: Target): Promise<number> {
  const { bucket } = target;
  const concurrency = wholeNumber('--concurrency', values.concurrency, 1, 64);
  // No Lambda to invoke locally, and an invocation for a current fact sheet would be skipped as a
  // duplicate: copying each source onto itself makes S3 (or the running `npm run dev`) send an
  // ObjectCreated:Copy event, exactly as for a new upload.
  let invoke = async (event: S3Event): Promise<void> => {
    for (const record of event.Records) await touch(bucket, decodeEventKey(record.s3.object.key));
  };
  // Locally, what `npm run dev` stamps: the deployment's hash of this tree's code, templates and
  // fonts (loaded only then: against AWS nothing of the emulator is needed).
  const currentVersion =
    target.aws?.publisherVersion ?? (await import('../emulator/local-publisher')).localPublisherVersion(process.env);
  if (target.aws !== undefined) {
    const lambda = new LambdaClient({ region: values.region });
    const { functionName } = target.aws;
    if (!values.force) {
      invoke = async (event) => {
        await lambda.send(
          new InvokeCommand({
            FunctionName: functionName,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify(event)),
          }),
        );
      };
    }
  }
  let progress: ReturnType<typeof createProgress> | undefined;
  let orphansProgress: ReturnType<typeof createProgress> | undefined;
  let orphansDone = 0;
  const options: ReconcileOptions = {
    s3: bucket.s3,
    bucket: bucket.name,
    currentVersion,
    concurrency,
    invoke,
    force: values.force,
    contentPrefix: bucket.layout.contentPrefix,
    onProgress: (done, total) => {
      progress ??= createProgress(total);
      if (done > 0) progress.tick();
    },
    // Called again with a larger total as each page of outputs is listed.
    onOrphansProgress: (done, total) => {
      progress?.end();
      orphansProgress ??= createProgress(total);
      if (done > orphansDone) orphansProgress.tick();
      else orphansProgress.grow(total);
      orphansDone = done;
    },
  };
  // Reconcile is republish plus the removal of outputs whose source is gone.
  const reconciled = values.reconcile ? await reconcile(options) : undefined;
  const report = reconciled ?? (await republish(options));
  progress?.end();
  orphansProgress?.end();
  console.log(`${report.republished.length} sent for republishing, ${report.upToDate.length} already made by ${currentVersion}`);
  if (reconciled !== undefined) {
    const { removed, foreign } = reconciled;
    console.log(`${removed.length} removed (their source is gone), ${foreign.length} left alone (not the publisher's)`);
    for (const orphan of removed) console.log(`  removed: ${orphan.key} (source ${orphan.sourceKey} is gone)`);
    for (const key of foreign) console.log(`  left alone: ${key}`);
    for (const entry of reconciled.relinked) console.log(`  picture index repaired: ${entry.picture} is used by ${entry.document}`);
  }
  for (const failure of report.failed) console.log(`  not sent: ${failure.key}: ${failure.error}`);
  // The invocations are asynchronous: what was re-published is known from the bucket.
  let failed = report.failed.length;
  for (const key of report.republished) {
    const source = await bucket.s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key }));
    const etag = unquoteEtag(source.ETag ?? '');
    // Forced, the previous answer already has this version: only one written after the copy counts.
    const newerThan = values.force ? source.LastModified : undefined;
    const outcome = await waitForOutcome(bucket, key, etag, { publisherVersion: currentVersion, newerThan, timeoutMs: 300_000 }).catch(
      (error: unknown) => ({ kind: 'unanswered' as const, error: error instanceof Error ? error.message : String(error) }),
    );
    if (outcome.kind === 'published') {
      console.log(`  re-published: ${key} → ${outcome.factsheetKey}`);
    } else {
      failed += 1;
      console.log(`  failed: ${key}: ${outcome.kind === 'rejected' ? `refused, see ${outcome.errorReportKey}` : outcome.error}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

/**
 * Against AWS the deployed function runs each event (a synchronous invocation, so its answer is
 * known before the message is deleted); against a local endpoint a publisher in this process does,
 * configured as `npm run dev`'s.
 */
async function runRedrive(target: Target): Promise<number> {
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  const queueUrl = values['queue-url'] ?? target.aws?.failureQueueUrl;
  if (queueUrl === undefined) throw new UsageError('--redrive against a local endpoint needs --queue-url');
  const sqsEndpoint = values['sqs-endpoint'];
  const sqs = new SQSClient({
    region: values.region ?? (sqsEndpoint === undefined ? undefined : 'us-east-1'),
    ...(sqsEndpoint === undefined ? {} : { endpoint: sqsEndpoint, credentials: LOCAL_CREDENTIALS }),
  });
  let invoke: (event: unknown) => Promise<unknown>;
  if (target.aws === undefined) {
    const [{ createPublisher }, { loadConfig }, { createLogger }, { createRenderer }, { localPublisherVersion }] = await Promise.all([
      import('../lambdas/publisher/publisher'),
      import('../lambdas/publisher/config'),
      import('../lambdas/publisher/logging'),
      import('../lambdas/render'),
      import('../emulator/local-publisher'),
    ]);
    const config = loadConfig({ ...process.env, BUCKET_NAME: target.bucket.name, PUBLISHER_VERSION: localPublisherVersion(process.env) });
    const publisher = createPublisher({ config, s3: target.bucket.s3, renderer: await createRenderer(), logger: createLogger({ logLevel: 'SILENT' }) });
    invoke = (event) => publisher.handle(event as S3Event);
  } else {
    const lambda = new LambdaClient({ region: values.region });
    const { functionName } = target.aws;
    invoke = async (event) => {
      const response = await lambda.send(
        new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(event)) }),
      );
      const answer = JSON.parse(new TextDecoder().decode(response.Payload ?? new Uint8Array()) || 'null') as { errorType?: string; errorMessage?: string } | null;
      if (response.FunctionError !== undefined) throw new Error(`${answer?.errorType ?? response.FunctionError}: ${answer?.errorMessage ?? ''}`);
      return answer;
    };
  }
  const { redrive } = await import('../client/redrive');
  const reports = await redrive({
    sqs,
    queueUrl,
    invoke,
    onMessage: (report) => console.log(`${report.outcome}: ${report.keys.join(', ') || report.messageId} (${report.detail})`),
  });
  const kept = reports.filter((report) => report.outcome !== 'replayed').length;
  console.log(`${reports.length - kept} of ${reports.length} message(s) replayed and deleted, ${kept} left in the queue`);
  return kept > 0 ? 1 : 0;
}

async function touch(bucket: Bucket, key: string): Promise<void> {
  const head = await bucket.s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key }));
  await bucket.s3.send(
    new CopyObjectCommand({
      Bucket: bucket.name,
      Key: key,
      // s3rver decodes this header with decodeURI, which leaves %26 or %2B encoded: encodeURI matches it.
      CopySource: encodeURI(`${bucket.name}/${key}`),
      MetadataDirective: 'REPLACE',
      ContentType: head.ContentType,
      Metadata: head.Metadata,
    }),
  );
}

function refusedAddress(error: unknown): string | undefined {
  return /ECONNREFUSED ([\w.:[\]]+)/.exec(error instanceof Error ? error.message : String(error))?.[1];
}

function isRefused(error: unknown): boolean {
  return refusedAddress(error) !== undefined;
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const refused = refusedAddress(error);
  if (refused !== undefined) return `nothing answers at ${refused}: is npm run dev running (or --endpoint wrong)?`;
  return message;
}

function describeSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day(s)`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${seconds} s`;
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}
