import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublisherStack } from '../infra/publisher-stack';
import { publisherVersion } from '../infra/publisher-version';
import { COMPILED_TEMPLATES_FILE, type CompiledTemplates } from '../lambdas/render/template';
import { CHUNKS_DIRECTORY } from '../infra/bundle-settings';
import { checkBundle, COLD_PATH_BUDGET_BYTES, type BundleCheckReport } from '../cli/check-bundle';

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

  it('ships the handler as ESM with its chunks, HarfBuzz beside its chunk, templates and fonts, and no node_modules', () => {
    const chunks = readdirSync(join(assetDirectory, CHUNKS_DIRECTORY));
    const harfBuzzChunk = chunks.filter((file) => file.endsWith('.mjs')).find((file) => readFileSync(join(assetDirectory, CHUNKS_DIRECTORY, file), 'utf8').includes('harfbuzz.wasm'));

    expect(existsSync(join(assetDirectory, 'index.mjs'))).toBe(true);
    expect(harfBuzzChunk).toBeDefined();
    expect(chunks).toContain('harfbuzz.wasm');
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

  it('bundles the replacements of infra/bundle-settings.ts instead of the WOFF2 decoder, AES, eager Unicode tables and linkify-it', () => {
    const maps = readdirSync(assetDirectory, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.mjs.map'));
    const sources = maps.flatMap((map) => (JSON.parse(readFileSync(join(assetDirectory, map), 'utf8')) as { sources: string[] }).sources);

    expect(sources.filter((source) => /node_modules\/(brotli|@noble\/ciphers|linkify-it)\//.test(source))).toEqual([]);
    expect(sources.filter((source) => source.includes('lambdas/bundle-shims/')).map((source) => source.replace(/^.*bundle-shims\//, '')).sort()).toEqual([
      'brotli-decompress.js',
      'lazy-unicode-trie.js',
      'linkify-it.js',
      'noble-aes.js',
    ]);
    expect(sources.some((source) => source.endsWith('node_modules/unicode-trie/index.js'))).toBe(true);
  });

  it('publishes French, English, Arabic and Markdown samples from cold starts, as the source tree renders them, French and English within the cold-start budget', async () => {
    // Act: the asset, copied out of the repository, run in a fresh Node process per sample.
    const report: BundleCheckReport = await checkBundle({ cloudAssembly, stackName: 'BundleCheck' });

    // Assert: checkBundle throws on any difference; what it measured must describe this bundle.
    const [french, english, arabic, markdown] = report.samples;
    expect(report.assetDirectory).toBe(assetDirectory);
    expect(report.publisherVersion).toBe(publisherVersion(REPOSITORY_ROOT));
    expect(report.samples.map((sample) => sample.factsheetKey)).toEqual([
      'factsheets/macron-poutine-2022-02-28.pdf',
      'factsheets/macron-putin-call-en.pdf',
      'factsheets/macron-putin-call-ar.pdf',
      'factsheets/macron-poutine-call.pdf',
    ]);
    for (const sample of report.samples) expect(sample.pdfBytes).toBeGreaterThan(1000);
    for (const latin of [french, english]) expect(latin?.loadedBytes).toBeLessThanOrEqual(COLD_PATH_BUDGET_BYTES);
    // A single file would make every cold start read all of it; the chunks it did not load are the gain.
    expect(french?.loadedBytes).toBeLessThan(report.javaScriptBytes - 100 * 1024);
    expect(arabic?.loadedFiles).toEqual(expect.arrayContaining([...(french?.loadedFiles ?? ['missing'])]));
    expect(arabic?.loadedBytes).toBeGreaterThan((french?.loadedBytes ?? 0) + 40 * 1024);
    expect(markdown?.loadedFiles).toEqual(expect.arrayContaining([...(french?.loadedFiles ?? ['missing'])]));
  }, 120_000);
});
