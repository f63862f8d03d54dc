/**
 * npx tsx bench/bundle-baseline.ts <commit>
 *
 * The size of the function's bundle at an older commit, made as that commit's construct made it:
 * one minified ESM file of the handler with that commit's infra/bundle-settings.ts (aliases,
 * banner, main fields), built by today's esbuild so that only the code differs. Until this round
 * every cold start read that whole file; cli/check-bundle.ts's budget for the French and English
 * cold starts is this figure at fb0b8ac (before the world-scripts work) plus 50 KB.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const [commit] = process.argv.slice(2);
if (commit === undefined || !/^[0-9a-f]{7,40}$/.test(commit)) {
  console.error('usage: npx tsx bench/bundle-baseline.ts <commit>');
  process.exit(2);
}

/** What the older infra/bundle-settings.ts exported. */
interface OneFileSettings {
  readonly BUNDLE_MAIN_FIELDS: string[];
  readonly BUNDLE_BANNER: string;
  readonly BUNDLE_ALIASES: Record<string, string>;
}

const tree = mkdtempSync(join(tmpdir(), 'bundle-baseline-'));
try {
  execFileSync('sh', ['-c', `git -C "${root}" archive ${commit} | tar -x -C "${tree}"`]);
  // Dependencies resolve from today's node_modules: a package the commit did not use is not reached.
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
  const settings = (await import(pathToFileURL(join(tree, 'infra/bundle-settings.ts')).href)) as OneFileSettings;
  const outfile = join(tree, 'out/index.mjs');
  await build({
    entryPoints: [join(tree, 'lambdas/publisher/handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: settings.BUNDLE_MAIN_FIELDS,
    alias: settings.BUNDLE_ALIASES,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    banner: { js: settings.BUNDLE_BANNER },
    logLevel: 'error',
  });
  console.log(JSON.stringify({ commit, bundleBytes: statSync(outfile).size }));
} finally {
  rmSync(tree, { recursive: true, force: true });
}
