import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeEventKey } from '../lambdas/publisher/keys';
import { type LocalS3, startLocalS3 } from '../emulator/local-s3';
import { s3Record } from '../lambdas/publisher/event-record';
import { readPdf } from './helpers/pdf';
import { captureStdout, emfLines } from './helpers/emf';
import { stubLocalS3Env } from './helpers/handler-env';

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
      stubLocalS3Env(localS3.endpoint);
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

  it('writes its metrics as EMF lines on standard output: counts, render time, pages, bytes, cold start once', async () => {
    // Prepare
    const directory = await mkdtemp(join(tmpdir(), 'handler-metrics-'));
    let localS3: LocalS3 | undefined;
    try {
      localS3 = await startLocalS3({ bucket: BUCKET, directory, port: 0 });
      const s3 = localS3.client;
      const put = async (key: string, body: string | Buffer) =>
        (await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }))).ETag?.replace(/"/g, '');
      const created = (key: string, eTag: string | undefined, sequencer: string) =>
        s3Record({ eventName: 'ObjectCreated:Put', bucket: BUCKET, key, sequencer, eTag });
      const good = await put('content/good.yaml', await readFile('tests/fixtures/good/UPPER.YML'));
      const bad = await put('content/bad.yaml', await readFile('tests/fixtures/bad/missing-title.yaml'));
      const warned = await put('content/warned.yaml', 'title: Sommet\ndate: 2022-02-28\nunknown_field: 1\n');
      vi.stubEnv('BUCKET_NAME', BUCKET);
      vi.stubEnv('LOG_LEVEL', 'SILENT');
      vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'publisher-under-test');
      // As Lambda sets it for a container started by a request: Powertools counts a cold start then.
      vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
      stubLocalS3Env(localS3.endpoint);
      const { handler } = await import('../lambdas/publisher/handler');
      const written = captureStdout();

      // Act
      await handler({ Records: [created('content/good.yaml', good, '0000000000000001'), created('content/bad.yaml', bad, '0000000000000001')] });
      const first = emfLines(written.splice(0));
      await handler({ Records: [created('content/warned.yaml', warned, '0000000000000001')] });
      const second = emfLines(written.splice(0));

      // Assert
      const pdf = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'factsheets/good.pdf' }));
      const bytes = await pdf.Body?.transformToByteArray();
      const dimensions = { service: 'factsheet-publisher', function_name: 'publisher-under-test' };
      const counted = first.find((line) => 'Published' in line);
      expect(counted).toMatchObject({ ...dimensions, Published: 1, Rejected: 1, Pages: (await readPdf(bytes ?? new Uint8Array())).pages, PdfBytes: bytes?.length });
      expect(counted?.RenderTime).toBeGreaterThan(0);
      expect(counted).not.toHaveProperty('PublishedWithWarnings');
      expect(counted?._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: 'FactSheetPublisher',
          Dimensions: [['service', 'function_name']],
          Metrics: expect.arrayContaining([
            { Name: 'Published', Unit: 'Count' },
            { Name: 'Rejected', Unit: 'Count' },
            { Name: 'RenderTime', Unit: 'Milliseconds' },
            { Name: 'Pages', Unit: 'Count' },
            { Name: 'PdfBytes', Unit: 'Bytes' },
          ]) as unknown,
        },
      ]);
      expect(first.filter((line) => 'ColdStart' in line)).toMatchObject([{ ...dimensions, ColdStart: 1 }]);
      expect(second).toMatchObject([{ ...dimensions, Published: 1, PublishedWithWarnings: 1 }]);
      expect(second.filter((line) => 'ColdStart' in line)).toEqual([]);
    } finally {
      vi.restoreAllMocks();
      await localS3?.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});

