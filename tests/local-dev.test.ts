import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { METADATA_SOURCE_KEY, toMetadataValue } from '../lambdas/publisher/keys';
import { createS3Client, isNotFound } from '../lambdas/publisher/s3';
import { LOCAL_CREDENTIALS } from '../emulator/local-s3';
import { readPdf } from './helpers/pdf';
import { BUCKET, type Harness, startHarness, stubRenderer } from './publisher-harness';

const TSX = join('node_modules', '.bin', 'tsx');
const SAMPLE = 'tests/fixtures/events/uploads/sommet.yaml';

interface Dev {
  readonly process: ChildProcess;
  readonly endpoint: string;
  output(): string;
  /** Resolves when the output matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

async function startDev(data: string, environment: Record<string, string> = {}): Promise<Dev> {
  // One process, as a terminal's Ctrl-C reaches it: the tsx wrapper would relay the signal late under load.
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/dev.ts', '--port', '0', '--data', data], {
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const started = Date.now();
    for (;;) {
      const match = pattern.exec(output);
      if (match !== null) return match[0];
      if (Date.now() - started > timeoutMs || child.exitCode !== null) throw new Error(`no ${pattern} in:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const endpoint = await waitFor(/http:\/\/127\.0\.0\.1:\d+/);
  return { process: child, endpoint, output: () => output, waitFor, exited };
}

async function exists(s3: S3Client, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: 'factsheet-publisher', Key: key }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

describe('npm run dev: stopping and starting again', () => {
  let data: string;
  const running: Dev[] = [];

  beforeAll(async () => {
    data = await mkdtemp(join(tmpdir(), 'local-dev-test-'));
  });
  afterEach(() => {
    for (const dev of running.splice(0)) dev.process.kill('SIGKILL');
  });
  afterAll(async () => {
    await rm(data, { recursive: true, force: true });
  });

  it('stops within seconds of Ctrl-C, says what it left, and the next start publishes it', async () => {
    // Prepare
    const first = await startDev(data);
    running.push(first);
    await first.waitFor(/Checked content\/ against the outputs/);
    const s3 = createS3Client({ endpoint: first.endpoint, credentials: LOCAL_CREDENTIALS });
    const body = await readFile(SAMPLE);
    const keys = Array.from({ length: 8 }, (_, index) => `content/stop-${index}.yaml`);
    await Promise.all(keys.map((key) => s3.send(new PutObjectCommand({ Bucket: 'factsheet-publisher', Key: key, Body: body }))));
    s3.destroy();

    // Act
    const interrupted = performance.now();
    first.process.kill('SIGINT');
    const code = await first.exited;
    const stopMs = performance.now() - interrupted;
    const second = await startDev(data);
    running.push(second);
    const summary = await second.waitFor(/Checked content\/ against the outputs: \d+ published now/);

    // Assert
    expect(code).toBe(0);
    expect(stopMs).toBeLessThan(8_000);
    expect(first.output()).toMatch(/Stopped: (every upload received was handled|\d+ upload\(s\) not handled yet)/);
    const left = /Stopped: (\d+) upload/.exec(first.output())?.[1];
    if (left !== undefined) expect(summary).toContain(`${left} published now`);
    const check = createS3Client({ endpoint: second.endpoint, credentials: LOCAL_CREDENTIALS });
    const published = await Promise.all(keys.map((key) => exists(check, key.replace(/^content\/(.*)\.yaml$/, 'factsheets/$1.pdf'))));
    check.destroy();
    expect(published).toEqual(keys.map(() => true));
    second.process.kill('SIGINT');
    expect(await second.exited).toBe(0);
    // Two starts of the server and eight renders in subprocesses.
  }, 150_000);
});

describe('npm run publish -- --reconcile, against the local server', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ renderer: stubRenderer() });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('removes a fact sheet whose source is gone and reports it', async () => {
    // Prepare: an output the publisher wrote for a source since deleted while nothing listened.
    await harness.put('content/kept.yaml', 'title: kept');
    await harness.localS3.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'factsheets/orphan.pdf',
        Body: '%PDF-1.7\n%%EOF\n',
        Metadata: { [METADATA_SOURCE_KEY]: toMetadataValue('content/orphan.yaml') },
      }),
    );

    // Act
    const { stdout } = await promisify(execFile)(
      TSX,
      ['cli/publish.ts', '--reconcile', '--endpoint', harness.localS3.endpoint, '--bucket', BUCKET],
      { env: process.env, timeout: 60_000 },
    );

    // Assert
    expect(stdout).toContain('0 sent for republishing, 1 already made by');
    expect(stdout).toContain('1 removed (their source is gone)');
    expect(stdout).toContain('removed: factsheets/orphan.pdf (source content/orphan.yaml is gone)');
    expect(await harness.head('factsheets/orphan.pdf')).toBeNull();
    expect(await harness.head('factsheets/kept.pdf')).not.toBeNull();
  });
});

describe('npm run dev: a template saved while it runs', () => {
  let dir: string;
  let dev: Dev | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-dev-template-'));
  });
  afterAll(async () => {
    dev?.process.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('takes effect: republish sees the new version and the fact sheet says what the template now says', async () => {
    // Prepare: dev on its own copy of the templates, one document published through it
    const templates = join(dir, 'templates');
    await cp('templates', templates, { recursive: true });
    const environment = { TEMPLATES_DIR: templates };
    dev = await startDev(join(dir, 'data'), environment);
    await dev.waitFor(/Checked content\/ against the outputs/);
    const document = join(dir, 'sommet.yaml');
    await copyFile(SAMPLE, document);
    const target = ['--endpoint', dev.endpoint, '--bucket', 'factsheet-publisher'];
    const publish = (args: readonly string[]) =>
      promisify(execFile)(TSX, ['cli/publish.ts', ...args, ...target], { env: { ...process.env, ...environment }, timeout: 120_000 });
    await publish([document]);
    const firstText = (await readPdf(await readFile(join(dir, 'sommet.pdf')))).text;

    // Act: the designer adds a line under every title
    const headline = join(templates, 'partials', 'headline.hbs');
    await writeFile(headline, `${await readFile(headline, 'utf8')}<p>Édition spéciale du desk</p>\n`);
    await dev.waitFor(/templates, theme or fonts changed: next uploads use them \(publisher [^)]+\)/);
    const { stdout } = await publish(['--republish']);
    const s3 = createS3Client({ endpoint: dev.endpoint, credentials: LOCAL_CREDENTIALS });
    const pdf = await (await s3.send(new GetObjectCommand({ Bucket: 'factsheet-publisher', Key: 'factsheets/sommet.pdf' }))).Body?.transformToByteArray();
    s3.destroy();

    // Assert
    expect(firstText).not.toContain('Édition spéciale du desk');
    expect(stdout).toContain('1 sent for republishing, 0 already made by');
    expect(stdout).toContain('re-published: content/sommet.yaml → factsheets/sommet.pdf');
    expect((await readPdf(Buffer.from(pdf ?? []))).text).toContain('Édition spéciale du desk');
    expect(dev.output()).toMatch(/published content\/sommet\.yaml → factsheets\/sommet\.pdf[^\n]*\n(.|\n)*published content\/sommet\.yaml → factsheets\/sommet\.pdf/);
  }, 150_000);

  it('prints one line per upload, and under it each warning with its field and line:column', async () => {
    // Prepare: the server of the test above
    const running = dev as Dev;
    const text = `${await readFile(SAMPLE, 'utf8')}sumary: a typo\n`;
    const s3 = createS3Client({ endpoint: running.endpoint, credentials: LOCAL_CREDENTIALS });

    // Act
    await s3.send(new PutObjectCommand({ Bucket: 'factsheet-publisher', Key: 'content/typo.yaml', Body: text }));
    s3.destroy();

    // Assert
    const line = text.split('\n').findIndex((entry) => entry.startsWith('sumary:')) + 1;
    const printed = await running.waitFor(/published content\/typo\.yaml → factsheets\/typo\.pdf \([^)]*1 warning\(s\)\)\n.*\n/);
    expect(printed).toContain(`    content/typo.yaml:${line}:1: sumary: unknown field, ignored (did you mean "summary"?)`);
  }, 60_000);
});
