/**
 * `npm start`: the whole product on this machine, no AWS account needed. Starts the local S3
 * server with a fresh bucket, puts the publisher behind its events, uploads every document in
 * content/, waits for each fact sheet or error report, downloads the PDFs into out/ and prints
 * one line per file. Exits non-zero when any file was not published.
 */
import '../client/node-notice';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import type { PublishResult, RecordOutcome } from '../lambdas/publisher/publisher';
import { formatProblems } from '../lambdas/render';
import { type Bucket, download, type Outcome, uploadSource, waitForOutcome } from '../client/bucket-client';
import { DEFAULT_LOCAL_BUCKET, type InvocationReport } from '../emulator/local-s3';
import { startLocalPublisher } from '../emulator/local-publisher';
import { findTargets } from '../client/render-files';

const { values } = parseArgs({
  options: {
    content: { type: 'string', default: 'content' },
    out: { type: 'string', default: 'out' },
    data: { type: 'string', default: join('.local-s3', 'start') },
  },
});
const contentDir = values.content;
const outDir = values.out;

// A fresh bucket each run, so that what is printed is exactly what content/ holds now.
await rm(values.data, { recursive: true, force: true });
const handled = new Map<string, Extract<RecordOutcome, { status: 'published' | 'rejected' }>>();
const local = await startLocalPublisher({
  bucket: DEFAULT_LOCAL_BUCKET,
  directory: values.data,
  // Any free port: a running `npm run dev` keeps 4568.
  port: 0,
  onInvoked: (report: InvocationReport<PublishResult>) => {
    if (!('result' in report)) return;
    for (const outcome of report.result.records) {
      if (outcome.status === 'published' || outcome.status === 'rejected') handled.set(outcome.sourceKey, outcome);
    }
  },
});
const bucket: Bucket = { s3: local.localS3.client, name: local.localS3.bucket, layout: local.config.layout };
console.log(`Local S3 at ${local.localS3.endpoint}, bucket ${bucket.name}: publishing ${contentDir}/\n`);

const targets = await findTargets([contentDir]);
const rows: string[][] = [['source', 'template', 'pages', 'bytes', 'ms', 'result']];
const messages: string[] = [];
let notPublished = 0;

await Promise.all(
  targets.map(async (target) => {
    const sourceKey = `${local.config.layout.contentPrefix}${relative(contentDir, target.path).split(sep).join('/')}`;
    let outcome: Outcome;
    try {
      const etag = await uploadSource(bucket, sourceKey, await readFile(target.path));
      outcome = await waitForOutcome(bucket, sourceKey, etag, { timeoutMs: 120_000 });
    } catch (error) {
      notPublished += 1;
      rows.push([sourceKey, '', '', '', '', 'failed']);
      messages.push(`${sourceKey}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const handledOutcome = handled.get(sourceKey);
    const ms = handledOutcome === undefined ? '' : Math.round(handledOutcome.ms).toString();
    switch (outcome.kind) {
      case 'published': {
        const pdfPath = join(outDir, `${target.outputName}.pdf`);
        await mkdir(dirname(pdfPath), { recursive: true });
        await writeFile(pdfPath, await download(bucket, outcome.factsheetKey));
        const pages = handledOutcome?.status === 'published' ? handledOutcome.pages.toString() : '';
        rows.push([sourceKey, outcome.template, pages, outcome.bytes.toString(), ms, `→ ${pdfPath}`]);
        return;
      }
      case 'rejected':
        notPublished += 1;
        rows.push([sourceKey, '', '', '', ms, `rejected → ${outcome.errorReportKey}`]);
        messages.push(formatProblems(outcome.report.file, outcome.report.problems));
        return;
      default: {
        const unhandled: never = outcome;
        throw new Error(`unhandled outcome ${JSON.stringify(unhandled)}`);
      }
    }
  }),
);
await local.close();

const [header, ...body] = rows as [string[], ...string[][]];
printTable([header, ...body.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''))]);
if (messages.length > 0) console.log(`\n${messages.join('\n')}`);
const published = targets.length - notPublished;
console.log(`\n${published} of ${targets.length} published; PDFs in ${outDir}/`);
if (targets.length === 0) console.log(`(no documents in ${contentDir}/: add .yaml, .json, .md or .txt files)`);
process.exitCode = notPublished > 0 ? 1 : 0;

function printTable(table: readonly (readonly string[])[]): void {
  const widths = table[0]?.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length))) ?? [];
  const numeric = new Set([2, 3, 4]);
  for (const row of table) {
    const cells = row.map((cell, column) =>
      numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
    );
    console.log(cells.join('  ').trimEnd());
  }
}
