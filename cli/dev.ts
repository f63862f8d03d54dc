/**
 * `npm run dev`: the local S3 server keeps running and publishes whatever any S3 client uploads
 * under content/, until Ctrl-C. Objects persist in the data folder between runs. A saved template,
 * partial, theme or font takes effect for the next upload, with its new publisher version.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PublishResult, RecordOutcome } from '../lambdas/publisher/publisher';
import { formatProblems, OperatorError } from '../lambdas/render';
import { parseCommand, runCommand, UsageError, wholeNumber } from '../client/command';
import { type Watched, watchPaths } from '../client/watch';
import { DEFAULT_LOCAL_BUCKET, DEFAULT_LOCAL_PORT, type InvocationReport, LOCAL_CREDENTIALS } from '../emulator/local-s3';
import { type LocalPublisher, startLocalPublisher } from '../emulator/local-publisher';
import { reconcile } from '../lambdas/publisher/reconcile';

const USAGE = `Usage: npm run dev [-- options]
Keeps a local S3 server running and publishes every upload under content/, until Ctrl-C.
Options:
  --port N          the server's port (default ${DEFAULT_LOCAL_PORT}, or LOCAL_S3_PORT; 0 picks a free one)
  --address IP      where it listens (default 127.0.0.1, or LOCAL_S3_ADDRESS)
  --bucket NAME     the bucket (default ${DEFAULT_LOCAL_BUCKET}, or FACTSHEET_BUCKET)
  --data DIR        where objects are kept between runs (default .local-s3/dev, or LOCAL_S3_DIR)
  --debug           stack traces for unexpected errors (also DEBUG=1)`;

const { values } = parseCommand({
  invocation: 'npm run dev --',
  usage: USAGE,
  options: {
    port: { type: 'string', default: process.env.LOCAL_S3_PORT ?? String(DEFAULT_LOCAL_PORT) },
    address: { type: 'string', default: process.env.LOCAL_S3_ADDRESS ?? '127.0.0.1' },
    bucket: { type: 'string', default: process.env.FACTSHEET_BUCKET ?? DEFAULT_LOCAL_BUCKET },
    data: { type: 'string', default: process.env.LOCAL_S3_DIR ?? join('.local-s3', 'dev') },
  },
});

// Ctrl-C gives the invocations running a few seconds; what they do not finish, and whatever was
// still queued, is published by the reconcile of the next start.
const GRACE_MS = 4_000;

await runCommand(async () => {
  const port = wholeNumber('--port', values.port, 0, 65_535);
  if (values.data.trim() === '') throw new UsageError('--data needs a folder');
  const local = await startLocalPublisher({
    bucket: values.bucket,
    directory: values.data,
    port,
    address: values.address,
    onInvoked: report,
  });
  greet(local);
  const watcher = watchPaths(designFolders(local), () => void reload(local));
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // tsx relays the terminal's Ctrl-C that this process also received: one press, two signals,
      // the second at any time. The stop is bounded anyway.
      if (stopping) return;
      stopping = true;
      watcher.close();
      console.log(`\nStopping: at most ${GRACE_MS / 1000} s for what is in progress…`);
      void local.stop(GRACE_MS).then((left) => {
        if (left.length === 0) console.log('Stopped: every upload received was handled.');
        else console.log(`Stopped: ${left.length} upload(s) not handled yet; the next start publishes them:\n  ${left.join('\n  ')}`);
        process.exit(0);
      });
    });
  }

  // Uploads made while no server listened (or left by the last stop) have no answer yet.
  const prefix = local.config.layout.contentPrefix;
  const reconciled = await reconcile({
    s3: local.localS3.client,
    bucket: local.localS3.bucket,
    currentVersion: local.config.publisherVersion,
    concurrency: 2,
    contentPrefix: prefix,
    invoke: async (event) => {
      report({ event, attempts: 1, result: await local.handle(event), finishedAt: performance.now() });
    },
  }).catch((error: unknown) => {
    // Ctrl-C during the check closes the server under it: the next start checks again.
    if (stopping) return null;
    throw error;
  });
  if (reconciled !== null) {
    const { republished, upToDate, removed, failed } = reconciled;
    console.log(
      `Checked ${prefix} against the outputs: ${republished.length} published now, ${removed.length} removed ` +
        `(source gone), ${upToDate.length} already current${failed.length > 0 ? `, ${failed.length} failed` : ''}.`,
    );
    for (const failure of failed) console.log(`  not reconciled: ${failure.key}: ${failure.error}`);
    for (const orphan of removed) console.log(`  removed ${orphan.key}: ${orphan.sourceKey} is gone`);
    for (const entry of reconciled.relinked) console.log(`  picture index: ${entry.picture} is used by ${entry.document} again`);
  }
});

/** Templates, partials, theme and fonts: what a designer edits while the server runs. */
function designFolders(local: LocalPublisher): Watched[] {
  const root = fileURLToPath(new URL('..', import.meta.url));
  return [local.config.templatesDir ?? join(root, 'templates'), local.config.fontsDir ?? join(root, 'lambdas/fonts')].map((path) => ({ path, recursive: true }));
}

async function reload(local: LocalPublisher): Promise<void> {
  const time = new Date().toLocaleTimeString();
  try {
    const config = await local.reload();
    console.log(`${time}  templates, theme or fonts changed: next uploads use them (publisher ${config.publisherVersion})`);
  } catch (error) {
    // A half-saved template is normal while editing: the server keeps the last good set.
    const message = error instanceof OperatorError ? error.message : String(error);
    console.log(`${time}  not reloaded, uploads still use the previous templates:\n${indent(message)}`);
  }
}

function greet(local: LocalPublisher): void {
  const { endpoint, bucket } = local.localS3;
  const prefix = local.config.layout.contentPrefix;
  const { accessKeyId, secretAccessKey } = LOCAL_CREDENTIALS;
  console.log(`Local S3 ${endpoint}, bucket ${bucket} (objects kept in ${values.data}/)
Publishing every upload under ${prefix}; Ctrl-C stops.

With any S3 client (this server knows one key pair; recent AWS CLIs must not add checksums):
  export AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secretAccessKey} AWS_DEFAULT_REGION=us-east-1
  export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
  aws --endpoint-url ${endpoint} s3 cp my-event.yaml s3://${bucket}/${prefix}
  aws --endpoint-url ${endpoint} s3 ls --recursive s3://${bucket}/
  aws --endpoint-url ${endpoint} s3 cp s3://${bucket}/${local.config.layout.factsheetsPrefix}my-event.pdf .
Or upload, wait and download in one go:
  npm run publish -- my-event.yaml --endpoint ${endpoint} --bucket ${bucket}
`);
}

function report(invocation: InvocationReport<PublishResult>): void {
  const time = new Date().toLocaleTimeString();
  if ('error' in invocation) {
    const keys = invocation.event.Records.map((record) => record.s3.object.key).join(', ');
    console.log(`${time}  failed after ${invocation.attempts} attempts: ${keys}: ${String(invocation.error)}`);
    return;
  }
  for (const outcome of invocation.result.records) console.log(`${time}  ${describe(outcome)}`);
}

function describe(outcome: RecordOutcome): string {
  switch (outcome.status) {
    case 'published':
      return (
        `published ${outcome.sourceKey} → ${outcome.factsheetKey} ` +
        `(${outcome.template}, ${outcome.pages} p., ${outcome.bytes} bytes, ${Math.round(outcome.ms)} ms` +
        `${outcome.warnings.length > 0 ? `, ${outcome.warnings.length} warning(s)` : ''})` +
        (outcome.warnings.length > 0 ? `\n${indent(formatProblems(outcome.sourceKey, outcome.warnings))}` : '')
      );
    case 'rejected':
      return (
        `rejected ${outcome.sourceKey} → ${outcome.errorReportKey}\n` +
        indent(formatProblems(outcome.report.file, outcome.report.problems))
      );
    case 'unpublished':
      return `unpublished ${outcome.sourceKey}${outcome.deleted.length > 0 ? `: deleted ${outcome.deleted.join(', ')}` : ''}`;
    case 'followed':
      return `picture ${outcome.key}: ${outcome.documents.length === 0 ? 'no document uses it' : `used by ${outcome.documents.join(', ')}`}`;
    case 'skipped':
      return `skipped ${outcome.sourceKey}: ${outcome.reason}`;
    case 'ignored':
      return `ignored ${outcome.key}: ${outcome.reason}`;
    case 'failed':
      return `failed ${outcome.sourceKey}: ${outcome.error}`;
    default: {
      const unhandled: never = outcome;
      return JSON.stringify(unhandled);
    }
  }
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}
