import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CopyObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForOutcome } from '../client/bucket-client';
import { readPdf } from './helpers/pdf';
import { BUCKET, type Harness, startHarness } from './publisher-harness';

const UPLOADS = 'tests/fixtures/events/uploads';
const TSX = join('node_modules', '.bin', 'tsx');

interface Run {
  readonly code: number;
  readonly output: string;
}

/** Runs a script as a user would; never throws on a non-zero exit. */
async function run(script: string, args: readonly string[], environment: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [script, ...args], {
      env: { ...process.env, ...environment },
      timeout: 120_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'local-cli-test-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('npm run publish, against the local server', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness.close();
  });

  const target = () => ['--endpoint', harness.localS3.endpoint, '--bucket', BUCKET];

  it('uploads, waits and saves the PDF next to the file', async () => {
    // Prepare
    const file = join(workDir, 'Élysée sommet.yaml');
    await copyFile(join(UPLOADS, 'sommet.yaml'), file);

    // Act
    const result = await run('cli/publish.ts', [file, ...target()]);

    // Assert
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`published s3://${BUCKET}/factsheets/Élysée sommet.pdf`);
    const pdf = await readPdf(await readFile(join(workDir, 'Élysée sommet.pdf')));
    expect(pdf.text).toContain('Bruxelles');
  });

  it('prints the problems in words and exits 1 for a bad file, still publishing the good one', async () => {
    // Prepare
    const bad = join(workDir, 'sans-titre.yaml');
    const good = join(workDir, 'kyiv.md');
    await copyFile(join(UPLOADS, 'sommet-missing-title.yaml'), bad);
    await copyFile(join(UPLOADS, 'kyiv.md'), good);

    // Act
    const result = await run('cli/publish.ts', [bad, good, ...target()]);

    // Assert
    expect(result.code).toBe(1);
    expect(result.output).toContain(`not published, see s3://${BUCKET}/errors/sans-titre.json`);
    expect(result.output).toMatch(/content\/sans-titre\.yaml(:\d+:\d+)?: title:/);
    expect(result.output).toContain('1 of 2 published');
    expect((await stat(join(workDir, 'kyiv.pdf'))).size).toBeGreaterThan(0);
  });

  it('prints each warning of the report with its field, line:column and message, and a clean upload none', async () => {
    // Prepare: a misspelt field and a language that falls back to English
    const text = `${(await readFile(join(UPLOADS, 'sommet.yaml'), 'utf8')).replace('lang: fr', 'lang: sw')}sumary: a typo\n`;
    const file = join(workDir, 'avertissements.yaml');
    await writeFile(file, text);
    const lineOf = (start: string) => text.split('\n').findIndex((line) => line.startsWith(start)) + 1;

    // Act
    const warned = await run('cli/publish.ts', [file, ...target()]);
    await copyFile(join(UPLOADS, 'sommet.yaml'), file);
    const clean = await run('cli/publish.ts', [file, ...target()]);

    // Assert
    expect(warned.code, warned.output).toBe(0);
    expect(warned.output).toContain('  2 warning(s):\n');
    expect(warned.output).toContain(`    content/avertissements.yaml:${lineOf('lang:')}:1: lang: lang "sw" is not supported; using English labels`);
    expect(warned.output).toContain(
      `    content/avertissements.yaml:${lineOf('sumary:')}:1: sumary: unknown field, ignored (did you mean "summary"?)`,
    );
    expect(clean.code, clean.output).toBe(0);
    expect(clean.output).toContain('published s3://');
    expect(clean.output).not.toMatch(/warning|no report/);
  });

  it('--json: one object with each file\'s status, fact sheet, PDF and warnings', async () => {
    // Prepare
    const warnedFile = join(workDir, 'json-typo.yaml');
    const badFile = join(workDir, 'json-bad.yaml');
    const sommet = await readFile(join(UPLOADS, 'sommet.yaml'), 'utf8');
    await writeFile(warnedFile, `${sommet}sumary: a typo\n`);
    await copyFile(join(UPLOADS, 'sommet-missing-title.yaml'), badFile);

    // Act
    const result = await run('cli/publish.ts', [warnedFile, badFile, '--json', ...target()]);

    // Assert: standard output is the JSON alone
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.output) as { bucket: string; files: Record<string, unknown>[]; published: number; total: number };
    expect(parsed).toMatchObject({ bucket: BUCKET, published: 1, total: 2 });
    expect(parsed.files[0]).toMatchObject({
      file: warnedFile,
      sourceKey: 'content/json-typo.yaml',
      status: 'published with warnings',
      factsheet: 'factsheets/json-typo.pdf',
      template: 'briefing',
      pdf: join(workDir, 'json-typo.pdf'),
      warnings: [{ path: 'sumary', line: sommet.split('\n').length, column: 1, message: 'unknown field, ignored (did you mean "summary"?)' }],
    });
    expect(parsed.files[1]).toMatchObject({
      file: badFile,
      status: 'rejected',
      errorReport: 'errors/json-bad.json',
      error: 'ValidationError',
      problems: [expect.objectContaining({ path: 'title' })],
    });
  });

  it('--out into a folder that does not exist yet: creates it, nested', async () => {
    // Prepare
    const file = join(workDir, 'nested-out.yaml');
    await copyFile(join(UPLOADS, 'sommet.yaml'), file);
    const out = join(workDir, 'new', 'deeper', 'still');

    // Act
    const result = await run('cli/publish.ts', [file, '--out', out, ...target()]);

    // Assert
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`→ ${join(out, 'nested-out.pdf')}`);
    expect((await readPdf(await readFile(join(out, 'nested-out.pdf')))).text).toContain('Bruxelles');
  });

  it('lists what is published with its template, and gives presigned links that work', async () => {
    // Prepare
    await harness.put('content/listed.yaml', await readFile(join(UPLOADS, 'sommet.yaml')));

    // Act
    const result = await run('cli/publish.ts', ['--list', '--link', '--expires', '600', ...target()]);

    // Assert
    expect(result.code, result.output).toBe(0);
    const line = result.output.split('\n').find((text) => text.startsWith('factsheets/listed.pdf'));
    expect(line).toMatch(/template \S+ +from content\/listed\.yaml/);
    const link = result.output.split('\n')[result.output.split('\n').indexOf(line as string) + 1]?.trim() ?? '';
    expect(link).toMatch(/X-Amz-Expires=600/);
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('--list --json: one object with each fact sheet, its source, template and version, and the error reports', async () => {
    // Prepare
    await harness.put('content/listed-json.yaml', await readFile(join(UPLOADS, 'sommet.yaml')));
    await harness.put('content/listed-bad.yaml', await readFile(join(UPLOADS, 'sommet-missing-title.yaml')));

    // Act
    const result = await run('cli/publish.ts', ['--list', '--json', ...target()]);

    // Assert
    expect(result.code, result.output).toBe(0);
    const listed = JSON.parse(result.output) as { bucket: string; factsheets: Record<string, unknown>[]; errorReports: Record<string, unknown>[] };
    expect(listed.bucket).toBe(BUCKET);
    expect(listed.factsheets).toContainEqual(
      expect.objectContaining({ factsheetKey: 'factsheets/listed-json.pdf', sourceKey: 'content/listed-json.yaml', template: 'briefing', publisherVersion: expect.any(String) as string }),
    );
    expect(listed.errorReports).toContainEqual(expect.objectContaining({ errorReportKey: 'errors/listed-bad.json' }));
  });

  it('--list shows a template value another tool wrote, one that does not decode, as unknown and raw instead of failing', async () => {
    // Prepare: `%ZZ` is no percent-encoding; decoded as the publisher's own, it threw and ended the listing.
    await harness.localS3.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'factsheets/by-other-tool.pdf', Body: '%PDF-1.7 by hand', Metadata: { template: '%ZZ' } }),
    );
    await harness.put('content/listed-beside.yaml', await readFile(join(UPLOADS, 'sommet.yaml')));

    // Act
    const text = await run('cli/publish.ts', ['--list', ...target()]);
    const json = await run('cli/publish.ts', ['--list', '--json', ...target()]);

    // Assert
    expect(text.code, text.output).toBe(0);
    const line = text.output.split('\n').find((entry) => entry.startsWith('factsheets/by-other-tool.pdf'));
    expect(line).toMatch(/template \? \(stored "%ZZ"\) +from \? /);
    expect(text.output).toMatch(/^factsheets\/listed-beside\.pdf .*template briefing +from content\/listed-beside\.yaml/m);
    expect(json.code, json.output).toBe(0);
    const listed = JSON.parse(json.output) as { factsheets: Record<string, unknown>[] };
    expect(listed.factsheets).toContainEqual(
      expect.objectContaining({ factsheetKey: 'factsheets/by-other-tool.pdf', template: null, foreignTemplate: '%ZZ', sourceKey: null }),
    );
    expect(listed.factsheets).toContainEqual(expect.objectContaining({ factsheetKey: 'factsheets/listed-beside.pdf', template: 'briefing', foreignTemplate: null }));
  });

  it('waits for the answer to an upload whose fact sheet another tool gave an undecodable template since', async () => {
    // Prepare: the publisher's answer still, by source-key and source-etag, with `template: %ZZ`.
    const etag = await harness.put('content/retagged.yaml', await readFile(join(UPLOADS, 'sommet.yaml')));
    const published = await harness.head('factsheets/retagged.pdf');
    await harness.localS3.client.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'factsheets/retagged.pdf',
        CopySource: `${BUCKET}/factsheets/retagged.pdf`,
        MetadataDirective: 'REPLACE',
        ContentType: 'application/pdf',
        Metadata: { ...published?.Metadata, template: '%ZZ' },
      }),
    );

    // Act
    const outcome = await waitForOutcome(harness.bucket, 'content/retagged.yaml', etag, { timeoutMs: 2_000 });

    // Assert
    expect(outcome).toMatchObject({ kind: 'published', factsheetKey: 'factsheets/retagged.pdf', template: '%ZZ' });
  });

  it('explains a usage error', async () => {
    // Act
    const result = await run('cli/publish.ts', ['--list', join(workDir, 'x.yaml'), ...target()]);

    // Assert
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/Give files to publish, or --list, --republish, --reconcile or --redrive \(one of them\)/);
    expect(result.output).toMatch(/npm run publish -- --help for the usage/);
  });

  it('names a file that does not exist', async () => {
    // Act
    const result = await run('cli/publish.ts', [join(workDir, 'missing.yaml'), ...target()]);

    // Assert
    expect(result.code).toBe(2);
    expect(result.output).toContain(`Not a file: ${join(workDir, 'missing.yaml')}`);
  });
});

describe('npm start', () => {
  it('publishes a content folder through the local bucket into out/ and exits by itself', async () => {
    // Prepare
    const content = join(workDir, 'start-content');
    await mkdir(join(content, 'world'), { recursive: true });
    await copyFile(join(UPLOADS, 'macron-poutine.txt'), join(content, 'macron-poutine.txt'));
    await copyFile(join(UPLOADS, 'kyiv.md'), join(content, 'world', 'Київ.md'));
    await mkdir(join(content, 'photos'));
    await copyFile('tests/fixtures/images/photo.jpg', join(content, 'photos', 'hills.jpg'));
    await writeFile(join(content, 'world', 'hills.yaml'), 'title: Hills\ndate: 2022-02-28\nimages:\n  - src: ../photos/hills.jpg\n    alt: Hills under a blue sky\n');
    const out = join(workDir, 'start-out');

    // Act
    const result = await run('cli/start.ts', ['--content', content, '--out', out, '--data', join(workDir, 'start-data')]);

    // Assert
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/^✓ content\/macron-poutine\.txt {2}briefing {2}\d p {2}\d+ B {2}\d+ ms {2}→ .*macron-poutine\.pdf$/m);
    expect(result.output).toMatch(/^✓ content\/world\/Київ\.md {2}briefing {2}1 p {2}\d+ B {2}\d+ ms {2}→ .*Київ\.pdf$/m);
    expect(result.output).not.toContain('\r');
    expect(result.output).toContain('3 of 3 published');
    // The picture was uploaded before the document that names it, and is no document itself.
    expect((await readFile(join(out, 'world', 'hills.pdf'))).indexOf(await readFile('tests/fixtures/images/photo.jpg'))).toBeGreaterThan(0);
    expect(result.output).not.toContain('hills.jpg');
    expect((await readPdf(await readFile(join(out, 'world', 'Київ.pdf')))).text).toContain('Переговори в Києві');
    expect((await readPdf(await readFile(join(out, 'macron-poutine.pdf')))).text).toContain('Emmanuel Macron');
  });

  it('explains a rejected file and exits 1', async () => {
    // Prepare
    const content = join(workDir, 'start-bad');
    await mkdir(content, { recursive: true });
    await copyFile(join(UPLOADS, 'sommet-missing-title.yaml'), join(content, 'sans-titre.yaml'));
    const out = join(workDir, 'start-bad-out');

    // Act
    const result = await run('cli/start.ts', ['--content', content, '--out', out, '--data', join(workDir, 'start-bad-data')]);

    // Assert
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/^✗ content\/sans-titre\.yaml {2}rejected → errors\/sans-titre\.json$/m);
    expect(result.output).toMatch(/content\/sans-titre\.yaml(:\d+:\d+)?: title:/);
    expect(result.output).toContain('0 of 1 published');
  });
});

describe('npm run publish -- --republish, against the local server', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ environment: { PUBLISHER_VERSION: '2.0.0' } });
  });

  afterAll(async () => {
    await harness.close();
  });

  it('re-renders what an older version made, reports it, and leaves current fact sheets alone', async () => {
    // Prepare: two published documents; one fact sheet is marked as made by an older version.
    await harness.put('content/stale.yaml', await readFile(join(UPLOADS, 'sommet.yaml')));
    await harness.put('content/current.yaml', await readFile(join(UPLOADS, 'sommet.yaml')));
    const stale = await harness.head('factsheets/stale.pdf');
    await harness.localS3.client.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'factsheets/stale.pdf',
        CopySource: `${BUCKET}/factsheets/stale.pdf`,
        MetadataDirective: 'REPLACE',
        ContentType: 'application/pdf',
        Metadata: { ...stale?.Metadata, 'publisher-version': '1.0.0' },
      }),
    );

    // Act
    const result = await run('cli/publish.ts', ['--republish', '--endpoint', harness.localS3.endpoint, '--bucket', BUCKET], {
      PUBLISHER_VERSION: '2.0.0',
    });

    // Assert
    expect(result.output).toContain('1 sent for republishing, 1 already made by 2.0.0');
    expect(result.output).toContain('re-published: content/stale.yaml → factsheets/stale.pdf');
    expect(result.code).toBe(0);
    expect((await harness.head('factsheets/stale.pdf'))?.Metadata?.['publisher-version']).toBe('2.0.0');
  });

  it('--force re-renders every document, current or not; without it the current ones are skipped', async () => {
    // Prepare: both fact sheets of the test above are now this version's
    const target = ['--republish', '--endpoint', harness.localS3.endpoint, '--bucket', BUCKET];
    const sequencers = async () =>
      Promise.all(['stale', 'current'].map(async (name) => (await harness.head(`factsheets/${name}.pdf`))?.Metadata?.sequencer));
    const before = await sequencers();

    // Act
    const plain = await run('cli/publish.ts', target, { PUBLISHER_VERSION: '2.0.0' });
    const afterPlain = await sequencers();
    const forced = await run('cli/publish.ts', [...target, '--force'], { PUBLISHER_VERSION: '2.0.0' });
    await harness.settled();

    // Assert
    expect(plain.code, plain.output).toBe(0);
    expect(plain.output).toContain('0 sent for republishing, 2 already made by 2.0.0');
    expect(afterPlain).toEqual(before);
    expect(forced.code, forced.output).toBe(0);
    expect(forced.output).toContain('2 sent for republishing, 0 already made by 2.0.0');
    expect(forced.output).toContain('re-published: content/current.yaml → factsheets/current.pdf');
    expect(forced.output).toContain('re-published: content/stale.yaml → factsheets/stale.pdf');
    const afterForced = await sequencers();
    afterForced.forEach((sequencer, index) => expect(sequencer).not.toBe(before[index]));
  });
});

describe('npm run publish: the emulator only for the local target', () => {
  /** The process's output, with the count of s3rver's files it loaded. */
  async function loadedBy(args: readonly string[]): Promise<{ output: string; s3rverFiles: number }> {
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--import', './tests/helpers/count-s3rver.ts', 'cli/publish.ts', ...args], {
      // AWS as the CLI sees it, but its S3 and CloudFormation answer from a closed port: no network, a fast refusal.
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
        AWS_ENDPOINT_URL_CLOUDFORMATION: 'http://127.0.0.1:9',
        AWS_MAX_ATTEMPTS: '1',
      },
      timeout: 60_000,
    }).catch((error: unknown) => error as { stdout: string; stderr: string });
    const output = `${result.stdout}${result.stderr}`;
    return { output, s3rverFiles: Number(/s3rver files loaded: (\d+)/.exec(output)?.[1] ?? NaN) };
  }

  it.each([
    ['publishing a file', [join(UPLOADS, 'sommet.yaml'), '--bucket', 'newsroom', '--region', 'eu-west-3']],
    ['--list', ['--list', '--bucket', 'newsroom', '--region', 'eu-west-3']],
    ['--republish (the stack outputs)', ['--republish', '--region', 'eu-west-3']],
  ])('against AWS, %s loads none of s3rver', async (_what, args) => {
    // Act
    const { output, s3rverFiles } = await loadedBy(args);

    // Assert: it did try AWS (and found nothing there)
    expect(output).toMatch(/127\.0\.0\.1:9/);
    expect(s3rverFiles).toBe(0);
  });

  it('a local --republish does load it (for the local publisher version): the count sees it', async () => {
    const { s3rverFiles } = await loadedBy(['--republish', '--endpoint', 'http://127.0.0.1:9']);

    expect(s3rverFiles).toBeGreaterThan(0);
  });
});
