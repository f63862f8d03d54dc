/**
 * `npm run dev`: the local S3 server keeps running and publishes whatever any S3 client uploads
 * under content/, until Ctrl-C. Objects persist in the data folder between runs.
 */
import '../client/node-notice';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PublishResult, RecordOutcome } from '../lambdas/publisher/publisher';
import { formatProblems } from '../lambdas/render';
import { DEFAULT_LOCAL_BUCKET, DEFAULT_LOCAL_PORT, type InvocationReport, LOCAL_CREDENTIALS } from '../emulator/local-s3';
import { startLocalPublisher } from '../emulator/local-publisher';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.LOCAL_S3_PORT ?? String(DEFAULT_LOCAL_PORT) },
    address: { type: 'string', default: process.env.LOCAL_S3_ADDRESS ?? '127.0.0.1' },
    bucket: { type: 'string', default: process.env.FACTSHEET_BUCKET ?? DEFAULT_LOCAL_BUCKET },
    data: { type: 'string', default: process.env.LOCAL_S3_DIR ?? join('.local-s3', 'dev') },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port "${values.port}" is not a port number (expected 0–65535; 0 picks a free one)`);
  process.exit(2);
}

const local = await startLocalPublisher({
  bucket: values.bucket,
  directory: values.data,
  port,
  address: values.address,
  onInvoked: report,
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

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

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('\nStopping: finishing what is in progress…');
    void local.close().then(() => process.exit(0));
  });
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
        `(${outcome.template}, ${outcome.pages} p., ${outcome.bytes} bytes, ${Math.round(outcome.ms)} ms)`
      );
    case 'rejected':
      return (
        `rejected ${outcome.sourceKey} → ${outcome.errorReportKey}\n` +
        indent(formatProblems(outcome.report.file, outcome.report.problems))
      );
    case 'unpublished':
      return `unpublished ${outcome.sourceKey}${outcome.deleted.length > 0 ? `: deleted ${outcome.deleted.join(', ')}` : ''}`;
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
