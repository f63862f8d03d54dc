import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublisherStack } from '../infra/publisher-stack';
import { publisherVersion } from '../infra/publisher-version';
import { COMPILED_TEMPLATES_FILE, type CompiledTemplates } from '../lambdas/render/template';
import { checkBundle, type BundleCheckReport } from '../cli/check-bundle';

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('function bundle', () => {
  let cloudAssembly: string;
  let assetDirectory: string;

  beforeAll(() => {
    // Prepare: the real synthesis, with esbuild bundling, as `npx cdk synth` does it.
    cloudAssembly = mkdtempSync(join(tmpdir(), 'bundle-test-'));
    const { context } = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as { context: object };
    const app = new App({ outdir: cloudAssembly, context, builtinCloudFormationValidation: false });
    new PublisherStack(app, 'BundleCheck');
    app.synth();
    const [asset] = readFileSync(join(cloudAssembly, 'BundleCheck.assets.json'), 'utf8').match(/asset\.[0-9a-f]{64}/) ?? [];
    assetDirectory = join(cloudAssembly, asset ?? 'missing');
  }, 120_000);
  afterAll(() => rmSync(cloudAssembly, { recursive: true, force: true }));

  it('ships one ESM file with templates and fonts, and no node_modules', () => {
    expect(existsSync(join(assetDirectory, 'index.mjs'))).toBe(true);
    expect(existsSync(join(assetDirectory, 'node_modules'))).toBe(false);
    expect(existsSync(join(assetDirectory, 'fonts', 'NotoSans-Regular.ttf'))).toBe(true);
    expect(existsSync(join(assetDirectory, 'fonts', 'OFL.txt'))).toBe(true);
    expect(existsSync(join(assetDirectory, 'templates'))).toBe(true);
  });

  it('carries every template compiled, as its text reads in the asset', () => {
    const templatesDir = join(assetDirectory, 'templates');
    const compiled = JSON.parse(readFileSync(join(templatesDir, COMPILED_TEMPLATES_FILE), 'utf8')) as CompiledTemplates;
    const templateFiles = readdirSync(templatesDir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.hbs'));

    expect(Object.keys(compiled.templates).sort()).toEqual(templateFiles.sort());
    for (const file of templateFiles) expect(compiled.templates[file]?.source).toBe(readFileSync(join(templatesDir, file), 'utf8'));
  });

  it('bundles the replacements of infra/bundle-settings.ts instead of the WOFF2 decoder, AES and eager Unicode tables', () => {
    const { sources } = JSON.parse(readFileSync(join(assetDirectory, 'index.mjs.map'), 'utf8')) as { sources: string[] };

    expect(sources.filter((source) => /node_modules\/(brotli|@noble\/ciphers)\//.test(source))).toEqual([]);
    expect(sources.filter((source) => source.includes('lambdas/bundle-shims/')).map((source) => source.replace(/^.*bundle-shims\//, '')).sort()).toEqual([
      'brotli-decompress.js',
      'lazy-unicode-trie.js',
      'noble-aes.js',
    ]);
    expect(sources.some((source) => source.endsWith('node_modules/unicode-trie/index.js'))).toBe(true);
  });

  it('publishes the French sample from a cold start against the embedded S3 server, as the source tree renders it', async () => {
    // Act: the asset, copied out of the repository, run in a fresh Node process.
    const report: BundleCheckReport = await checkBundle({ cloudAssembly, stackName: 'BundleCheck' });

    // Assert: checkBundle throws on any difference; what it measured must describe this bundle.
    expect(report.assetDirectory).toBe(assetDirectory);
    expect(report.publisherVersion).toBe(publisherVersion(REPOSITORY_ROOT));
    expect(report.factsheetKey).toBe('factsheets/macron-poutine-2022-02-28.pdf');
    expect(report.pdfBytes).toBeGreaterThan(1000);
  });
});
