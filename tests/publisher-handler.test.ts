import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeEventKey } from '../lambdas/publisher/keys';
import { type LocalS3, startLocalS3 } from '../emulator/local-s3';
import { s3Record } from '../lambdas/publisher/event-record';

const BUCKET = 'factsheet-publisher';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('handler: the Lambda entry point', () => {
  it('fails at start with every configuration problem named', async () => {
    // Prepare
    vi.stubEnv('BUCKET_NAME', '');
    vi.stubEnv('ERRORS_PREFIX', 'factsheets/errors/');

    // Act
    const loading = import('../lambdas/publisher/handler');

    // Assert
    await expect(loading).rejects.toThrow(/BUCKET_NAME is not set/);
    await expect(loading).rejects.toThrow(/FACTSHEETS_PREFIX "factsheets\/" and ERRORS_PREFIX "factsheets\/errors\/" overlap/);
  });

  it('publishes an S3 notification configured by its environment alone, as deployed', async () => {
    // Prepare
    const directory = await mkdtemp(join(tmpdir(), 'handler-test-'));
    let localS3: LocalS3 | undefined;
    try {
      localS3 = await startLocalS3({ bucket: BUCKET, directory, port: 0 });
      const key = 'content/Élysée + Київ.txt';
      const put = await localS3.client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: await readFile('tests/fixtures/events/uploads/macron-poutine.txt') }),
      );
      vi.stubEnv('BUCKET_NAME', BUCKET);
      vi.stubEnv('PUBLISHER_VERSION', '9.9.9-test');
      vi.stubEnv('LOG_LEVEL', 'SILENT');
      // The SDK's standard variables point the default client at the local server.
      vi.stubEnv('AWS_ENDPOINT_URL_S3', localS3.endpoint);
      vi.stubEnv('AWS_REGION', 'us-east-1');
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
      vi.stubEnv('AWS_REQUEST_CHECKSUM_CALCULATION', 'WHEN_REQUIRED');
      const { handler } = await import('../lambdas/publisher/handler');
      const eTag = put.ETag?.replace(/"/g, '');
      const event = { Records: [s3Record({ eventName: 'ObjectCreated:Put', bucket: BUCKET, key, sequencer: '0055AED6DCD90281E5', eTag })] };

      // Act
      const result = await handler(event);

      // Assert
      expect(event.Records[0]?.s3.object.key).toBe(encodeEventKey(key));
      expect(result.records).toMatchObject([
        { status: 'published', sourceKey: key, factsheetKey: 'factsheets/Élysée + Київ.pdf' },
      ]);
      const head = await localS3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'factsheets/Élysée + Київ.pdf' }));
      expect(head.Metadata?.['publisher-version']).toBe('9.9.9-test');
    } finally {
      await localS3?.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
