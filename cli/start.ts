/**
 * `npm start`: the whole product on this machine, no AWS account needed. Starts the local S3
 * server with a fresh bucket, puts the publisher behind its events, uploads every document in
 * content/, and prints one line per file as its fact sheet or error report arrives, downloading
 * the PDFs into out/. Exits non-zero when any file was not published.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { PublishResult, RecordOutcome } from '../lambdas/publisher/publisher';
import { formatProblems } from '../lambdas/render';
import { type Bucket, download, type Outcome, uploadSource, waitForOutcome } from '../client/bucket-client';
import { createProgress, parseCommand, runCommand, UsageError } from '../client/command';
import { findPictures, findTargets } from '../client/render-files';
import { DEFAULT_LOCAL_BUCKET, type InvocationReport } from '../emulator/local-s3';
import { startLocalPublisher } from '../emulator/local-publisher';

const USAGE = `Usage: npm start [-- options]
Publishes every document of a folder through a fresh local S3 bucket; a line per file as it finishes.
Options:
  --content DIR     the documents (default content/)
  --out DIR         where the PDFs go (default out/; created if missing)
  --data DIR        the local bucket's files, emptied first (default .local-s3/start)
  --templates DIR   templates, partials and theme (default templates/, or TEMPLATES_DIR)
  --json            one JSON object on standard output instead of the lines
  --debug           stack traces for unexpected errors (also DEBUG=1)`;

const { values } = parseCommand({
  invocation: 'npm start --',
  usage: USAGE,
  options: {
    content: { type: 'string', default: 'content' },
    out: { type: 'string', default: 'out' },
    data: { type: 'string', default: join('.local-s3', 'start') },
    templates: { type: 'string', default: process.env.TEMPLATES_DIR },
    json: { type: 'boolean', default: false },
  },
});

type FileResult =
  | { readonly source: string; readonly status: 'published'; readonly template: string; readonly pages?: number; readonly bytes: number; readonly ms?: number; readonly pdf: string }
  | { readonly source: string; readonly status: 'rejected'; readonly errorReport: string; readonly problems: string; readonly ms?: number }
  | { readonly source: string; readonly status: 'failed'; readonly error: string };

await runCommand(async () => {
  const contentDir = values.content;
  const outDir = values.out;
  for (const [flag, value] of [['--content', contentDir], ['--out', outDir], ['--data', values.data]] as const) {
    if (value.trim() === '') throw new UsageError(`${flag} needs a folder`);
  }
  const targets = await findTargets([contentDir]);

  // A fresh bucket each run, so that what is printed is exactly what content/ holds now.
  await rm(values.data, { recursive: true, force: true });
  type Handled = Extract<RecordOutcome, { status: 'published' | 'rejected' }>;
  const handled = new Map<string, Handled>();
  const waiting = new Map<string, (outcome: Handled) => void>();
  // The answer is in the bucket a moment before the invocation that wrote it ends (it still
  // writes the picture index), and its pages and time are known only then.
  const handledFor = (source: string): Promise<Handled | undefined> => {
    const known = handled.get(source);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => {
      waiting.set(source, resolve);
      setTimeout(() => resolve(handled.get(source)), 10_000).unref();
    });
  };
  const local = await startLocalPublisher({
    bucket: DEFAULT_LOCAL_BUCKET,
    directory: values.data,
    // Any free port: a running `npm run dev` keeps 4568.
    port: 0,
    environment: values.templates === undefined ? {} : { TEMPLATES_DIR: values.templates },
    onInvoked: (report: InvocationReport<PublishResult>) => {
      if (!('result' in report)) return;
      for (const outcome of report.result.records) {
        if (outcome.status === 'published' || outcome.status === 'rejected') {
          handled.set(outcome.sourceKey, outcome);
          waiting.get(outcome.sourceKey)?.(outcome);
        }
      }
    },
  });
  const bucket: Bucket = { s3: local.localS3.client, name: local.localS3.bucket, layout: local.config.layout };
  if (!values.json) console.log(`Local S3 at ${local.localS3.endpoint}, bucket ${bucket.name}: publishing ${contentDir}/\n`);

  // The pictures first, so that the documents find them; each publishes nothing of its own.
  const sourceKey = (path: string) => `${local.config.layout.contentPrefix}${relative(contentDir, path).split(sep).join('/')}`;
  for (const picture of await findPictures(contentDir)) await uploadSource(bucket, sourceKey(picture), await readFile(picture));

  const progress = values.json ? null : createProgress(targets.length);
  const results: FileResult[] = [];
  try {
    await Promise.all(
      targets.map(async (target) => {
        const source = sourceKey(target.path);
        let outcome: Outcome;
        let result: FileResult;
        try {
          const etag = await uploadSource(bucket, source, await readFile(target.path));
          outcome = await waitForOutcome(bucket, source, etag, { timeoutMs: 120_000 });
          const handledOutcome = await handledFor(source);
          const ms = handledOutcome === undefined ? undefined : Math.round(handledOutcome.ms);
          switch (outcome.kind) {
            case 'published': {
              const pdf = join(outDir, `${target.outputName}.pdf`);
              await mkdir(dirname(pdf), { recursive: true });
              await writeFile(pdf, await download(bucket, outcome.factsheetKey));
              const pages = handledOutcome?.status === 'published' ? handledOutcome.pages : undefined;
              result = { source, status: 'published', template: outcome.template, pages, bytes: outcome.bytes, ms, pdf };
              break;
            }
            case 'rejected':
              result = { source, status: 'rejected', errorReport: outcome.errorReportKey, problems: formatProblems(outcome.report.file, outcome.report.problems), ms };
              break;
            default: {
              const unhandled: never = outcome;
              throw new Error(`unhandled outcome ${JSON.stringify(unhandled)}`);
            }
          }
        } catch (error) {
          result = { source, status: 'failed', error: error instanceof Error ? error.message : String(error) };
        }
        results.push(result);
        progress?.tick();
        progress?.line(describe(result));
      }),
    );
  } finally {
    progress?.end();
    await local.close();
  }

  const published = results.filter((result) => result.status === 'published').length;
  if (values.json) {
    results.sort((a, b) => a.source.localeCompare(b.source));
    console.log(JSON.stringify({ content: contentDir, out: outDir, files: results, published, total: targets.length }));
  } else {
    console.log(`\n${published} of ${targets.length} published; PDFs in ${outDir}/`);
    if (targets.length === 0) console.log(`(no documents in ${contentDir}/: add .yaml, .json, .md or .txt files)`);
  }
  return published < targets.length ? 1 : 0;
});

function describe(result: FileResult): string {
  switch (result.status) {
    case 'published': {
      const pages = result.pages === undefined ? '' : `  ${result.pages} p`;
      const ms = result.ms === undefined ? '' : `  ${result.ms} ms`;
      return `✓ ${result.source}  ${result.template}${pages}  ${result.bytes} B${ms}  → ${result.pdf}`;
    }
    case 'rejected':
      return `✗ ${result.source}  rejected → ${result.errorReport}\n${indent(result.problems)}`;
    case 'failed':
      return `✗ ${result.source}  failed: ${result.error}`;
    default: {
      const unhandled: never = result;
      return JSON.stringify(unhandled);
    }
  }
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}
