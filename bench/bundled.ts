/**
 * What Lambda runs, for the benchmark: bench/bundled-render.ts bundled as the construct bundles the
 * handler (infra/bundle-settings.ts: ESM chunks, same esbuild settings), templates compiled as at
 * deployment, each run a fresh node process with the function's NODE_OPTIONS. Also the same for
 * another commit, bundled as that commit's construct bundled it, for A/B runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleFunction } from '../infra/bundle-settings';
import { COMPILED_TEMPLATES_FILE, compileTemplates } from '../lambdas/render/template';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The function's NODE_OPTIONS (infra/fact-sheet-publisher.ts): a cold start pays for them too. */
const LAMBDA_NODE_OPTIONS = '--enable-source-maps';
/** Only the target differs from the function's bundle: Lambda runs Node 22, this runs here. */
const TARGET = `node${process.versions.node.split('.')[0]}`;

interface BundledRun {
  readonly pages: number;
  readonly peakRssMb: number;
  readonly repeatMs: readonly number[];
  /**
   * New process → first PDF written. The process's exit after it is left out: tearing down a
   * heap takes 10–40 ms here, and a function instance does not exit after its first event.
   */
  readonly firstPdfMs: number;
}

export interface BundledRender {
  run(document: string, repeats: number): BundledRun;
}

/** The bundled renderer refused the document or crashed: the message is its standard error. */
export class BundledRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundledRenderError';
  }
}

/** This tree's renderer, bundled into `directory`. */
export async function prepareBundle(directory: string): Promise<BundledRender> {
  bundleFunction({ entryPoints: { 'bundled-render': join(root, 'bench/bundled-render.ts') }, outputDirectory: directory, target: TARGET });
  const templates = join(directory, 'templates');
  cpSync(join(root, 'templates'), templates, { recursive: true });
  writeFileSync(join(templates, COMPILED_TEMPLATES_FILE), JSON.stringify(await compileTemplates(templates)));
  return bundledRender(join(directory, 'bundled-render.mjs'), templates, join(root, 'lambdas/fonts'));
}

/** What the older infra/bundle-settings.ts exported, when the function was one file. */
interface OneFileSettings {
  readonly BUNDLE_MAIN_FIELDS: string[];
  readonly BUNDLE_BANNER: string;
  readonly BUNDLE_ALIASES: Record<string, string>;
}

/** What infra/bundle-settings.ts exports since the function is split into chunks. */
interface ChunkedSettings {
  readonly bundleFunction: typeof bundleFunction;
}

/**
 * The renderer of another commit, bundled as that commit's construct and benchmark bundled it, by
 * today's esbuild: in chunks by the commit's own `bundleFunction` where it has one, else into one
 * file with the commit's settings. `bundleBytes` is the size of that one file, which every cold
 * start read then (absent for a chunked commit, whose cold start reads only some chunks).
 */
export async function prepareCommitBundle(directory: string, commit: string): Promise<BundledRender & { readonly bundleBytes?: number }> {
  const tree = join(directory, 'tree');
  execFileSync('sh', ['-c', `mkdir -p "${tree}" && git -C "${root}" archive "${commit}" | tar -x -C "${tree}"`]);
  // Dependencies resolve from today's node_modules: the versions locked then are the ones installed now.
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
  const exported = (await import(pathToFileURL(join(tree, 'infra/bundle-settings.ts')).href)) as Partial<ChunkedSettings> & OneFileSettings;
  const templates = join(tree, 'templates');
  const compileTreeTemplates = async (): Promise<void> => {
    const { compileTemplates: compileThen, COMPILED_TEMPLATES_FILE: compiledFile } = (await import(
      pathToFileURL(join(tree, 'lambdas/render/template/index.ts')).href
    )) as typeof import('../lambdas/render/template');
    writeFileSync(join(templates, compiledFile), JSON.stringify(await compileThen(templates)));
  };
  if (exported.bundleFunction !== undefined) {
    exported.bundleFunction({ entryPoints: { 'bundled-render': join(tree, 'bench/bundled-render.ts') }, outputDirectory: directory, target: TARGET });
    await compileTreeTemplates();
    return bundledRender(join(directory, 'bundled-render.mjs'), templates, join(tree, 'lambdas/fonts'));
  }
  const settings: OneFileSettings = exported;
  const oneFile = (entry: string, outfile: string) =>
    build({
      entryPoints: [join(tree, entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: settings.BUNDLE_MAIN_FIELDS,
      alias: settings.BUNDLE_ALIASES,
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      banner: { js: settings.BUNDLE_BANNER },
      logLevel: 'error',
      target: TARGET,
    });
  const handler = join(directory, 'handler.mjs');
  const bundle = join(directory, 'bundled-render.mjs');
  await Promise.all([oneFile('lambdas/publisher/handler.ts', handler), oneFile('bench/bundled-render.ts', bundle)]);
  await compileTreeTemplates();
  return { ...bundledRender(bundle, templates, join(tree, 'lambdas/fonts')), bundleBytes: statSync(handler).size };
}

function bundledRender(bundle: string, templates: string, fonts: string): BundledRender {
  return {
    run(document, repeats) {
      const started = performance.timeOrigin + performance.now();
      const child = spawnSync(process.execPath, [bundle, document, `${bundle}.out.pdf`, templates, fonts, String(repeats)], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: LAMBDA_NODE_OPTIONS },
        maxBuffer: 64 * 1024 * 1024,
      });
      if (child.status !== 0) throw new BundledRenderError(`the bundled render of ${document} failed: ${child.stderr.toString().trim()}`);
      const { writtenAt, ...run } = JSON.parse(child.stdout.toString()) as Omit<BundledRun, 'firstPdfMs'> & { writtenAt: number };
      return { ...run, firstPdfMs: writtenAt - started };
    },
  };
}

/** Bare `node -e 0`, to its exit: the floor under every cold start of the same moment. */
export function bareNodeMs(): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['-e', '0']);
  if (child.status !== 0) throw new Error(`node -e 0 failed: ${child.stderr.toString()}`);
  return performance.now() - started;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
