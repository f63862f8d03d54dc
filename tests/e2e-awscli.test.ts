import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPdf } from './helpers/pdf';
import { BUCKET, type Harness, startHarness } from './publisher-harness';

// Debian's awscli, not whatever `aws` comes first on PATH (.ci/run installs it).
const AWS = '/usr/bin/aws';

let harness: Harness;
let workDir: string;

beforeAll(async () => {
  harness = await startHarness();
  workDir = await mkdtemp(join(tmpdir(), 'e2e-awscli-'));
});

afterAll(async () => {
  await harness.close();
  await rm(workDir, { recursive: true, force: true });
});

async function aws(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(AWS, ['--endpoint-url', harness.localS3.endpoint, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: workDir,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_DEFAULT_REGION: 'us-east-1',
      // What `npm run dev` tells users to set: newer CLIs otherwise send aws-chunked bodies.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
      AWS_CONFIG_FILE: join(workDir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(workDir, 'no-credentials'),
      AWS_PAGER: '',
    },
    timeout: 60_000,
  });
  return stdout;
}

describe('end to end with a real S3 client (Debian awscli)', () => {
  it('uploads with aws s3 cp, gets the PDF back with aws s3 cp, unpublishes with aws s3 rm', async () => {
    // Prepare
    expect(existsSync(AWS), `${AWS} is missing: apt-get install -y awscli`).toBe(true);
    const source = 'tests/fixtures/events/uploads/macron-poutine.txt';
    const downloaded = join(workDir, 'fact sheet.pdf');

    // Act
    await aws('s3', 'cp', source, `s3://${BUCKET}/content/dépêche AFP + Київ.txt`);
    await harness.settled();
    const listing = await aws('s3', 'ls', '--recursive', `s3://${BUCKET}/factsheets/`);
    await aws('s3', 'cp', `s3://${BUCKET}/factsheets/dépêche AFP + Київ.pdf`, downloaded);
    await aws('s3', 'rm', `s3://${BUCKET}/content/dépêche AFP + Київ.txt`);
    await harness.settled();
    const afterRemoval = await aws('s3', 'ls', '--recursive', `s3://${BUCKET}/`);

    // Assert
    expect(listing).toContain('factsheets/dépêche AFP + Київ.pdf');
    const pdf = await readPdf(await readFile(downloaded));
    expect(pdf.text).toContain('Emmanuel Macron');
    expect(pdf.text).toContain('Élysée');
    expect(afterRemoval).not.toContain('dépêche AFP');
  });

  it('stores exactly the bytes the CLI uploaded', async () => {
    // Prepare
    const source = 'tests/fixtures/events/uploads/kyiv.md';

    // Act
    await aws('s3', 'cp', source, `s3://${BUCKET}/content/kyiv.md`);
    await harness.settled();
    const stored = await harness.bytes('content/kyiv.md');

    // Assert
    expect(stored).toEqual(await readFile(source));
    expect(await harness.head('factsheets/kyiv.pdf')).not.toBeNull();
  });
});
