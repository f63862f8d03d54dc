/**
 * Runs the function asset that `npx cdk synth` produced, the very files CDK would upload, against
 * the embedded S3 server, and checks that it publishes the French sample exactly as the source tree
 * renders it. Bundling bugs (a dependency that reads files beside itself, `import.meta.url`, a
 * template or font left out of the asset, a path of the build machine baked in) only show here.
 *
 *   npx cdk synth && npm run check-bundle -- [--cdk-out cdk.out] [--stack FactSheetPublisher] [--sample file]
 *
 * The asset is copied out of the repository first, so that nothing resolves from its node_modules.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_KEY_LAYOUT, errorReportKeyFor, factsheetKeyFor } from '../lambdas/publisher/keys';
import { unquoteEtag } from '../lambdas/publisher/s3';
import { PublisherStore } from '../lambdas/publisher/store';
import { createRenderer } from '../lambdas/render';
import { DEFAULT_STACK_NAME } from '../infra/outputs';
import { download } from '../client/bucket-client';
import { s3Record } from '../lambdas/publisher/event-record';
import { LOCAL_CREDENTIALS, startLocalS3 } from '../emulator/local-s3';
import { parseCommand, runCommand, UsageError } from '../client/command';

const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where Lambda unpacks the asset; the function's environment points into it. */
const LAMBDA_TASK_ROOT = '/var/task';
/** Stands in for the deployed bucket name, which only exists once CloudFormation resolves it. */
const LOCAL_BUCKET = 'factsheetpublisher-000000000000-eu-west-3';
/** Far above a cold start; a hung handler must not hang CI. */
const INVOCATION_TIMEOUT_MS = 60_000;

/**
 * The JavaScript a French or English cold start may read: the one-file bundle of the commit before
 * this round's script work (fb0b8ac, 1 242 216 bytes with these esbuild settings, measured by
 * `npx tsx bench/bundle-baseline.ts fb0b8ac`) plus the 50 KB issue #10 allows.
 */
export const COLD_PATH_BUDGET_BYTES = 1_242_216 + 50 * 1024;
/**
 * What a document in a Latin script must not load: the parts only other documents need. Keys are
 * sources as the chunks' source maps name them.
 */
const LATIN_DOCUMENTS_DO_NOT_LOAD = [
  'node_modules/harfbuzzjs/',
  'node_modules/bidi-js/',
  'node_modules/qrcode/',
  'lambdas/render/images/',
  'lambdas/render/parse/dispatch/',
  'node_modules/handlebars/dist/cjs/handlebars/compiler/',
];

interface BundleSample {
  readonly file: string;
  /** Largest sum of the asset's .mjs files its cold start may load. */
  readonly maxLoadedBytes?: number;
  /** Sources (prefixes) its cold start must load, or the asset lacks a chunk it needs. */
  readonly mustLoad?: readonly string[];
  readonly mustNotLoad?: readonly string[];
}

/** The French and English samples on the budget; an Arabic and a Markdown one through their chunks. */
const DEFAULT_SAMPLES: readonly BundleSample[] = [
  { file: 'content/macron-poutine-2022-02-28.yaml', maxLoadedBytes: COLD_PATH_BUDGET_BYTES, mustNotLoad: LATIN_DOCUMENTS_DO_NOT_LOAD },
  { file: 'content/macron-putin-call-en.json', maxLoadedBytes: COLD_PATH_BUDGET_BYTES, mustNotLoad: LATIN_DOCUMENTS_DO_NOT_LOAD },
  { file: 'content/macron-putin-call-ar.yaml', mustLoad: ['node_modules/harfbuzzjs/', 'node_modules/bidi-js/'] },
  { file: 'content/macron-poutine-call.md', mustLoad: ['node_modules/markdown-it/', 'lambdas/render/parse/markdown.ts'] },
];

export interface BundleCheckOptions {
  /** The cloud assembly directory `cdk synth` wrote. */
  readonly cloudAssembly: string;
  readonly stackName?: string;
  /** One document instead of the default samples, checked only for publishing as the source tree renders it. */
  readonly samplePath?: string;
}

interface SampleReport {
  readonly factsheetKey: string;
  readonly pdfBytes: number;
  /** A fresh Node process importing the bundle (Lambda's init phase)... */
  readonly importMs: number;
  /** ...then handling the first event: renderer start-up, first render, S3 round trips. */
  readonly firstInvocationMs: number;
  /** Peak resident memory of that process: what the function's memory setting must hold. */
  readonly peakRssMb: number;
  /** The asset's JavaScript files that process loaded (relative paths) and their total size. */
  readonly loadedFiles: readonly string[];
  readonly loadedBytes: number;
}

export interface BundleCheckReport {
  readonly assetDirectory: string;
  readonly assetBytes: number;
  /** Every .mjs file of the asset: what a single-file bundle would make every cold start read. */
  readonly javaScriptBytes: number;
  readonly publisherVersion: string;
  readonly samples: readonly SampleReport[];
}

/** The bundle did not do what the source tree does: the message says what differs. */
class BundleCheckError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BundleCheckError';
  }
}

interface PublisherFunction {
  readonly assetDirectory: string;
  readonly handlerFile: string;
  readonly handlerExport: string;
  readonly environment: Readonly<Record<string, unknown>>;
}

export async function checkBundle(options: BundleCheckOptions): Promise<BundleCheckReport> {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const samples = options.samplePath === undefined ? DEFAULT_SAMPLES.map((sample) => ({ ...sample, file: join(REPOSITORY_ROOT, sample.file) })) : [{ file: options.samplePath }];
  const fn = await findPublisherFunction(options.cloudAssembly, stackName);
  await refuseBuildMachinePaths(fn.assetDirectory);

  const workspace = await mkdtemp(join(tmpdir(), 'check-bundle-'));
  const taskRoot = join(workspace, 'task');
  const localS3 = await startLocalS3({ bucket: LOCAL_BUCKET, directory: join(workspace, 's3'), port: 0 });
  try {
    await cp(fn.assetDirectory, taskRoot, { recursive: true });
    const environment = lambdaEnvironment(fn.environment, taskRoot, localS3.endpoint);
    const publisherVersion = String(environment.PUBLISHER_VERSION);
    const bucket = { s3: localS3.client, name: LOCAL_BUCKET, layout: DEFAULT_KEY_LAYOUT };
    const context: SampleContext = { fn, taskRoot, environment, workspace, bucket, publisherVersion };
    const reports: SampleReport[] = [];
    for (const sample of samples) reports.push(await checkSample(sample, context));
    return {
      assetDirectory: fn.assetDirectory,
      assetBytes: await directorySize(fn.assetDirectory),
      javaScriptBytes: await directorySize(fn.assetDirectory, /\.mjs$/),
      publisherVersion,
      samples: reports,
    };
  } finally {
    await localS3.close();
    await rm(workspace, { recursive: true, force: true });
  }
}

interface SampleContext {
  readonly fn: PublisherFunction;
  readonly taskRoot: string;
  readonly environment: Record<string, string>;
  readonly workspace: string;
  readonly bucket: { readonly s3: S3Client; readonly name: string; readonly layout: typeof DEFAULT_KEY_LAYOUT };
  readonly publisherVersion: string;
}

/** Publishes one sample through the asset in a fresh process and checks what it wrote and loaded. */
async function checkSample(sample: BundleSample, { fn, taskRoot, environment, workspace, bucket, publisherVersion }: SampleContext): Promise<SampleReport> {
  const source = await readFile(sample.file).catch((error: unknown) => {
    throw new BundleCheckError(`cannot read the sample ${sample.file}: ${(error as Error).message}`, { cause: error });
  });
  const store = new PublisherStore(bucket.s3, bucket.name, bucket.layout);
  const sourceKey = `content/${basename(sample.file)}`;
  const put = await bucket.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: sourceKey, Body: source }));
  const event = {
    Records: [
      s3Record({
        eventName: 'ObjectCreated:Put',
        bucket: bucket.name,
        key: sourceKey,
        size: source.length,
        eTag: unquoteEtag(put.ETag ?? ''),
        sequencer: '0062F1A7C1D3E4F501',
      }),
    ],
  };

  const invocation = await invokeInFreshProcess(join(taskRoot, fn.handlerFile), fn.handlerExport, event, environment, workspace);

  const factsheetKey = factsheetKeyFor(sourceKey);
  const errorReportKey = errorReportKeyFor(sourceKey);
  if ((await store.headOutput(errorReportKey)) !== null) {
    const report = Buffer.from(await download(bucket, errorReportKey)).toString('utf8');
    throw new BundleCheckError(`the bundle refused ${sourceKey}; its error report says:\n${report}`);
  }
  const factsheet = await store.headOutput(factsheetKey);
  if (factsheet === null) {
    throw new BundleCheckError(`the bundle wrote no ${factsheetKey}; the handler returned ${JSON.stringify(invocation.result)}`);
  }
  if (factsheet.publisherVersion !== publisherVersion) {
    throw new BundleCheckError(`${factsheetKey} records publisher version ${factsheet.publisherVersion}, expected ${publisherVersion}`);
  }

  // The same source, through the source tree's renderer, must give the same bytes. The creation
  // date is the upload's, as in the function, whatever SOURCE_DATE_EPOCH this shell has.
  const pdf = Buffer.from(await download(bucket, factsheetKey));
  const uploadedAt = (await store.headSource(sourceKey))?.lastModified ?? new Date(0);
  const renderer = await createRenderer();
  const expected = await renderer.render({ name: sourceKey, bytes: source, modifiedAt: uploadedAt }, { sourceDateEpoch: uploadedAt.getTime() / 1000 });
  if (!expected.pdf.equals(pdf)) {
    throw new BundleCheckError(
      `the bundle's ${factsheetKey} (${pdf.length} bytes) differs from the source tree's render ` +
        `(${expected.pdf.length} bytes): the asset lacks a template, font or chunk, or bundles another dependency version`,
    );
  }

  const loaded = await loadedJavaScript(taskRoot, invocation.loadedUrls);
  if (sample.maxLoadedBytes !== undefined && loaded.bytes > sample.maxLoadedBytes) {
    throw new BundleCheckError(
      `a cold start publishing ${sourceKey} loaded ${loaded.bytes} bytes of JavaScript (${loaded.files.join(', ')}), ` +
        `more than its budget of ${sample.maxLoadedBytes}: move what only some documents need behind an import()`,
    );
  }
  for (const prefix of sample.mustNotLoad ?? []) {
    const holder = loaded.sources.find(([source]) => source.includes(prefix));
    if (holder !== undefined) throw new BundleCheckError(`a cold start publishing ${sourceKey} loaded ${holder[0]} (in ${holder[1]}), which only other documents need`);
  }
  for (const prefix of sample.mustLoad ?? []) {
    if (!loaded.sources.some(([source]) => source.includes(prefix))) {
      throw new BundleCheckError(`publishing ${sourceKey} never loaded ${prefix}: the bundle should hold it in a chunk this document loads`);
    }
  }
  return {
    factsheetKey,
    pdfBytes: pdf.length,
    importMs: invocation.importMs,
    firstInvocationMs: invocation.invocationMs,
    peakRssMb: invocation.peakRssMb,
    loadedFiles: loaded.files,
    loadedBytes: loaded.bytes,
  };
}

/**
 * The asset's files among the module URLs a process loaded, their size, and the sources their
 * source maps name (source, file), to say which dependencies came with them.
 */
async function loadedJavaScript(taskRoot: string, urls: readonly string[]): Promise<{ files: string[]; bytes: number; sources: [string, string][] }> {
  const files = [...new Set(urls)]
    .filter((url) => url.startsWith('file:'))
    .map((url) => relative(taskRoot, fileURLToPath(url)))
    .filter((file) => !file.startsWith('..') && file.endsWith('.mjs'))
    .sort();
  const sizes = await Promise.all(files.map(async (file) => (await stat(join(taskRoot, file))).size));
  const sources: [string, string][] = [];
  for (const file of files) {
    const map = JSON.parse(await readFile(join(taskRoot, `${file}.map`), 'utf8')) as { sources: string[] };
    for (const source of map.sources) sources.push([source, file]);
  }
  return { files, bytes: sizes.reduce((total, size) => total + size, 0), sources };
}

/** The parts of the cloud assembly (cdk.out) read here. */
interface AssemblyManifest {
  readonly artifacts?: Record<string, { readonly type: string; readonly properties?: { readonly templateFile?: string; readonly file?: string } }>;
}
interface AssetManifest {
  readonly files?: Record<string, { readonly source: { readonly path: string; readonly packaging?: string } }>;
}
interface StackTemplate {
  readonly Outputs?: Record<string, { readonly Value?: { readonly Ref?: string } }>;
  readonly Resources?: Record<
    string,
    {
      readonly Type: string;
      readonly Properties: {
        readonly Code?: { readonly S3Key?: string };
        readonly Handler?: string;
        readonly Environment?: { readonly Variables?: Record<string, unknown> };
      };
    }
  >;
}

/** The function behind the stack's FunctionName output, and the asset directory its code comes from. */
async function findPublisherFunction(cloudAssembly: string, stackName: string): Promise<PublisherFunction> {
  const readJson = async <T>(file: string | undefined): Promise<T> => {
    const path = join(cloudAssembly, file ?? '');
    try {
      return JSON.parse(await readFile(path, 'utf8')) as T;
    } catch (error) {
      throw new BundleCheckError(`cannot read ${path}: run npx cdk synth first`, { cause: error });
    }
  };
  const artifacts = Object.entries((await readJson<AssemblyManifest>('manifest.json')).artifacts ?? {});
  const stack = artifacts.find(([id, artifact]) => id === stackName && artifact.type === 'aws:cloudformation:stack')?.[1];
  if (stack === undefined) {
    const stacks = artifacts.filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack').map(([id]) => id);
    throw new BundleCheckError(`${cloudAssembly} holds no stack ${stackName} (it holds ${stacks.join(', ') || 'none'}): pass --stack`);
  }
  const template = await readJson<StackTemplate>(stack.properties?.templateFile);
  const functionId = template.Outputs?.FunctionName?.Value?.Ref ?? '';
  const resource = template.Resources?.[functionId];
  if (resource?.Type !== 'AWS::Lambda::Function') {
    throw new BundleCheckError(`stack ${stackName} has no FunctionName output naming a function`);
  }

  const assetHash = (resource.Properties.Code?.S3Key ?? '').replace(/\.zip$/, '');
  const assetManifests = await Promise.all(
    artifacts
      .filter(([, artifact]) => artifact.type === 'cdk:asset-manifest')
      .map(([, artifact]) => readJson<AssetManifest>(artifact.properties?.file)),
  );
  const source = assetManifests.map((assets) => assets.files?.[assetHash]?.source).find((found) => found !== undefined);
  if (source?.packaging !== 'zip') throw new BundleCheckError(`no directory asset ${assetHash} for ${functionId} in ${cloudAssembly}`);

  const handler = resource.Properties.Handler ?? '';
  const [module, handlerExport = ''] = handler.split('.');
  const assetDirectory = join(cloudAssembly, source.path);
  const candidates = (await readdir(assetDirectory)).filter((file) => /^(.+)\.(mjs|cjs|js)$/.exec(file)?.[1] === module);
  if (candidates.length !== 1) {
    throw new BundleCheckError(`the asset ${assetDirectory} has no single ${module}.mjs/.js for handler ${handler}`);
  }
  return {
    assetDirectory,
    handlerFile: candidates[0] as string,
    handlerExport,
    environment: resource.Properties.Environment?.Variables ?? {},
  };
}

/** A path of this machine inside the bundle would not exist in Lambda. */
async function refuseBuildMachinePaths(assetDirectory: string): Promise<void> {
  for (const file of await readdir(assetDirectory)) {
    if (!/\.(mjs|cjs|js)$/.test(file)) continue;
    if ((await readFile(join(assetDirectory, file), 'utf8')).includes(REPOSITORY_ROOT)) {
      throw new BundleCheckError(`${file} contains the build machine's path ${REPOSITORY_ROOT}: it would not exist in Lambda`);
    }
  }
}

/**
 * The function's own environment, as CloudFormation would set it, pointed at the copy of the task
 * root and at the local server. Nothing else of this machine's environment is passed on.
 */
function lambdaEnvironment(
  variables: Readonly<Record<string, unknown>>,
  taskRoot: string,
  endpoint: string,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (name === 'BUCKET_NAME') environment[name] = LOCAL_BUCKET;
    else if (typeof value === 'string') environment[name] = value.replace(new RegExp(`^${LAMBDA_TASK_ROOT}(?=/|$)`), taskRoot);
    else throw new BundleCheckError(`environment variable ${name} is only known at deploy time (${JSON.stringify(value)})`);
  }
  return {
    ...environment,
    PATH: process.env.PATH ?? '',
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_REGION: 'eu-west-3',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    // An IP-address endpoint makes the SDK address buckets by path, as the local server needs.
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  };
}

interface Invocation {
  readonly result: unknown;
  /** Every module URL the process loaded, in order. */
  readonly loadedUrls: readonly string[];
  readonly importMs: number;
  readonly invocationMs: number;
  readonly peakRssMb: number;
}

/** Imports the bundle in a new Node process, as a Lambda cold start does, and hands it `event`. */
async function invokeInFreshProcess(
  handlerPath: string,
  handlerExport: string,
  event: unknown,
  environment: Record<string, string>,
  workspace: string,
): Promise<Invocation> {
  const resultFile = join(workspace, 'result.json');
  const loadLog = join(workspace, 'loaded.txt');
  await rm(loadLog, { force: true });
  // A module loader hook (it runs on a thread of its own) notes each module as it is loaded.
  const hook = `import { appendFileSync } from 'node:fs';
    export async function load(url, context, next) { appendFileSync(${JSON.stringify(loadLog)}, url + '\\n'); return next(url, context); }`;
  const registerHook = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  // The handler's logs go to stdout as in Lambda; its result goes to a file so the two never mix.
  const runner = `
    import { writeFileSync } from 'node:fs';
    import { pathToFileURL } from 'node:url';
    const started = performance.now();
    const module = await import(pathToFileURL(process.argv[1]).href);
    const imported = performance.now();
    const result = await module[process.argv[2]](JSON.parse(process.argv[3]));
    const importMs = Math.round(imported - started);
    const invocationMs = Math.round(performance.now() - imported);
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    writeFileSync(process.argv[4], JSON.stringify({ result: result ?? null, importMs, invocationMs, peakRssMb }));
  `;
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(registerHook)}`, '--input-type=module', '--eval', runner, handlerPath, handlerExport, JSON.stringify(event), resultFile],
      { cwd: dirname(handlerPath), env: environment, timeout: INVOCATION_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new BundleCheckError(`the bundled handler failed:\n${stderr || stdout || error.message}`, { cause: error }));
          return;
        }
        Promise.all([readFile(resultFile, 'utf8'), readFile(loadLog, 'utf8')]).then(
          ([result, loaded]) => resolvePromise({ ...(JSON.parse(result) as Omit<Invocation, 'loadedUrls'>), loadedUrls: loaded.split('\n').filter(Boolean) }),
          reject,
        );
      },
    );
  });
}

async function directorySize(directory: string, only = /./): Promise<number> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  const sizes = await Promise.all(
    entries.filter((entry) => entry.isFile() && only.test(entry.name)).map(async (entry) => (await stat(join(entry.parentPath, entry.name))).size),
  );
  return sizes.reduce((total, size) => total + size, 0);
}

const USAGE = `Usage: npx cdk synth && npm run check-bundle -- [options]
Runs the synthesized function asset against the local S3 server, one fresh process per sample:
each must publish byte for byte as the source tree renders it; the French and English samples
within the cold-start JavaScript budget (${COLD_PATH_BUDGET_BYTES} bytes) and without the chunks of
other scripts; the Arabic and Markdown samples through theirs.
Options:
  --cdk-out DIR     the cloud assembly cdk synth wrote (default cdk.out)
  --stack NAME      the stack in it (default ${DEFAULT_STACK_NAME})
  --sample FILE     publish this document only (no budget)
  --debug           stack traces for unexpected errors (also DEBUG=1)`;

async function main(): Promise<number> {
  const { values } = parseCommand({
    invocation: 'npm run check-bundle --',
    usage: USAGE,
    options: {
      'cdk-out': { type: 'string', default: 'cdk.out' },
      stack: { type: 'string', default: DEFAULT_STACK_NAME },
      sample: { type: 'string' },
    },
  });
  if (values.sample !== undefined && !(await stat(values.sample).catch(() => null))?.isFile()) throw new UsageError(`--sample ${values.sample}: no such file`);
  try {
    const report = await checkBundle({ cloudAssembly: values['cdk-out'], stackName: values.stack, samplePath: values.sample });
    const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(2);
    console.log(
      `bundle ok: ${report.assetDirectory} (${mib(report.assetBytes)} MiB, of which JavaScript ${mib(report.javaScriptBytes)} MiB), publisher ${report.publisherVersion}`,
    );
    for (const sample of report.samples) {
      console.log(
        `  ${sample.factsheetKey} (${sample.pdfBytes} bytes), byte-identical to the source tree’s render; cold start: ` +
          `${sample.loadedBytes} bytes of JavaScript in ${sample.loadedFiles.length} files, import ${sample.importMs} ms, ` +
          `first event ${sample.firstInvocationMs} ms, peak memory ${sample.peakRssMb} MB`,
      );
    }
    return 0;
  } catch (error) {
    if (!(error instanceof BundleCheckError)) throw error;
    console.error(`bundle check failed: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runCommand(main);
