import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('explains a usage error', async () => {
    // Act
    const result = await run('cli/publish.ts', ['--list', join(workDir, 'x.yaml'), ...target()]);

    // Assert
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/Give files to publish, or --list, --republish or --reconcile/);
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
});
