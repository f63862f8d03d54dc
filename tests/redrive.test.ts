/**
 * The redrive against an SQS-compatible server (fauxqs, embedded) and the local S3 server, with
 * the real SDKs: the failure queue's messages, as Lambda's on-failure destination writes them,
 * replayed into the publisher.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { S3Event } from 'aws-lambda';
import { startFauxqs } from 'fauxqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Renderer } from '../lambdas/render/index';
import { redrive, type RedrivenMessage } from '../client/redrive';
import { type Harness, startHarness, stubRenderer } from './publisher-harness';

let harness: Harness;
let sqsServer: Awaited<ReturnType<typeof startFauxqs>>;
let sqs: SQSClient;
let queueUrl: string;
/** Keys whose render still fails (the cause of the failure is not fixed yet). */
let broken: Set<string>;

beforeEach(async () => {
  broken = new Set();
  const stub = stubRenderer();
  const renderer: Renderer = {
    templates: stub.templates,
    render: (source, options) => (broken.has(source.name) ? Promise.reject(new Error(`renderer crashed on ${source.name}`)) : stub.render(source, options)),
  };
  harness = await startHarness({ renderer, autoPublish: false });
  sqsServer = await startFauxqs({ port: 0, logger: false });
  sqs = new SQSClient({ endpoint: sqsServer.address, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'failures' }))).QueueUrl as string;
});
afterEach(async () => {
  sqs.destroy();
  await sqsServer.stop();
  await harness.close();
});

/** What Lambda's on-failure destination sends for an event that failed after its retries. */
function failureRecord(event: S3Event): string {
  return JSON.stringify({
    version: '1.0',
    timestamp: '2026-12-01T03:00:00.000Z',
    requestContext: {
      requestId: 'e2f6f7d4-0000-4000-8000-000000000000',
      functionArn: 'arn:aws:lambda:eu-west-3:123456789012:function:publisher:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'PublishFailedError', errorMessage: '1 record(s) failed and will be retried' },
  });
}

async function queued(body: string): Promise<string> {
  return (await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }))).MessageId as string;
}

async function visibleMessages(): Promise<number> {
  const { Attributes: attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(attributes?.ApproximateNumberOfMessages);
}

describe('redrive', () => {
  it('replays each failed event, deletes it once published, and keeps what fails again or is not a failure record', async () => {
    // Prepare
    await harness.put('content/fixed.yaml', 'title: fixed');
    await harness.put('content/still-broken.yaml', 'title: still broken');
    broken.add('content/still-broken.yaml');
    const fixed = await queued(failureRecord(await harness.createdEvent('content/fixed.yaml', '0000000000000001')));
    const again = await queued(failureRecord(await harness.createdEvent('content/still-broken.yaml', '0000000000000001')));
    const stray = await queued('{"hello":"not from Lambda"}');
    const seen: RedrivenMessage[] = [];

    // Act
    const reports = await redrive({ sqs, queueUrl, invoke: (event) => harness.handle(event as S3Event), onMessage: (report) => seen.push(report) });

    // Assert
    expect(reports).toEqual(seen);
    expect([...reports].sort((a, b) => (a.messageId < b.messageId ? -1 : 1))).toEqual(
      [
        { messageId: fixed, keys: ['content/fixed.yaml'], outcome: 'replayed', detail: 'published' },
        { messageId: again, keys: ['content/still-broken.yaml'], outcome: 'failed again', detail: expect.stringMatching(/still-broken\.yaml: Error: renderer crashed/) as unknown },
        { messageId: stray, keys: [], outcome: 'not a failure record', detail: expect.stringMatching(/no requestPayload/) as unknown },
      ].sort((a, b) => (a.messageId < b.messageId ? -1 : 1)),
    );
    expect(await harness.head('factsheets/fixed.pdf')).not.toBeNull();
    expect(await harness.head('factsheets/still-broken.pdf')).toBeNull();
    expect(await visibleMessages()).toBe(2);
  });

  it('replays the kept message once its cause is fixed, and leaves an empty queue', async () => {
    // Prepare
    await harness.put('content/a.yaml', 'title: a');
    broken.add('content/a.yaml');
    await queued(failureRecord(await harness.createdEvent('content/a.yaml', '0000000000000001')));
    const first = await redrive({ sqs, queueUrl, invoke: (event) => harness.handle(event as S3Event) });
    broken.clear();

    // Act
    const second = await redrive({ sqs, queueUrl, invoke: (event) => harness.handle(event as S3Event) });

    // Assert
    expect(first.map((report) => report.outcome)).toEqual(['failed again']);
    expect(second.map((report) => report.outcome)).toEqual(['replayed']);
    expect(await harness.head('factsheets/a.pdf')).not.toBeNull();
    expect(await visibleMessages()).toBe(0);
  });

  it('npm run publish -- --redrive replays the queue through a local publisher, one line per message, and exits 1 while any is left', async () => {
    // Prepare
    await harness.put('content/cli.yaml', 'title: Sommet\ndate: 2022-02-28\n');
    await queued(failureRecord(await harness.createdEvent('content/cli.yaml', '0000000000000001')));
    await queued('not json');

    // Act
    const run = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'cli/publish.ts', '--redrive', '--endpoint', harness.localS3.endpoint, '--queue-url', queueUrl, '--sqs-endpoint', sqsServer.address],
      { env: { ...process.env, FACTSHEET_BUCKET: 'factsheet-publisher' }, timeout: 120_000 },
    ).catch((error: unknown) => error as { stdout: string; code: number });

    // Assert
    expect('code' in run ? run.code : 0).toBe(1);
    expect(run.stdout).toContain('replayed: content/cli.yaml (published)');
    expect(run.stdout).toMatch(/not a failure record: \S+ \(the body is not JSON\)/);
    expect(run.stdout).toContain('1 of 2 message(s) replayed and deleted, 1 left in the queue');
    expect((await harness.head('factsheets/cli.pdf'))?.ContentType).toBe('application/pdf');
    expect(await visibleMessages()).toBe(1);
  });
});
