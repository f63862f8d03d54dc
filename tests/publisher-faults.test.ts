import { S3ServiceException } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PublishFailedError } from '../lambdas/publisher/errors';
import { TemplateError } from '../lambdas/render/errors';
import type { Renderer } from '../lambdas/render/index';
import { textMatching } from './helpers/matchers';
import { type Harness, startHarness, stubRenderer } from './publisher-harness';

/**
 * S3 faults are injected into the SDK client the publisher uses, after the SDK's own retries
 * (the `initialize` step runs once per call): what the handler sees once the SDK gives up.
 */
type Fault = { readonly command: string; readonly key?: string; readonly error: () => Error };

const throttled = () =>
  new S3ServiceException({
    name: 'SlowDown',
    $fault: 'server',
    $metadata: { httpStatusCode: 503 },
    message: 'Please reduce your request rate.',
  });
const internalError = () =>
  new S3ServiceException({
    name: 'InternalError',
    $fault: 'server',
    $metadata: { httpStatusCode: 500 },
    message: 'We encountered an internal error. Please try again.',
  });
const timedOut = () => Object.assign(new Error('Connection timed out after 20000 ms'), { name: 'TimeoutError' });

let harness: Harness;
let faults: Fault[];
let renderer: Renderer;

beforeEach(async () => {
  faults = [];
  const stub = stubRenderer();
  renderer = { templates: stub.templates, render: (source, options) => currentRender(source, options) };
  currentRender = stub.render;
  harness = await startHarness({ renderer, autoPublish: false });
  harness.localS3.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string };
      const fault = faults.find(
        (candidate) => candidate.command === context.commandName && (candidate.key === undefined || candidate.key === input.Key),
      );
      if (fault !== undefined) throw fault.error();
      return next(args);
    },
    { step: 'initialize', name: 'injectFaults' },
  );
});

afterEach(async () => {
  await harness.close();
});

let currentRender: Renderer['render'];

async function publishedFirst(key: string, body: string): Promise<Buffer> {
  await harness.put(key, body);
  await harness.handle(await harness.createdEvent(key, '0000000000000001'));
  return harness.bytes(key.replace(/^content\/(.*)\.[^.]+$/, 'factsheets/$1.pdf'));
}

describe('publisher: transient faults', () => {
  it.each([
    ['HeadObjectCommand', 'content/a.yaml', throttled],
    ['GetObjectCommand', 'content/a.yaml', throttled],
    ['GetObjectCommand', 'content/a.yaml', timedOut],
    ['ListObjectsV2Command', undefined, throttled],
    ['PutObjectCommand', 'factsheets/a.pdf', timedOut],
    ['PutObjectCommand', 'factsheets/a.pdf', throttled],
    ['PutObjectCommand', 'factsheets/a.pdf', internalError],
    ['HeadObjectCommand', 'factsheets/a.pdf', internalError],
  ])('%s failing (%s) makes the handler throw and leaves the published fact sheet as it was', async (command, key, error) => {
    // Prepare
    const previous = await publishedFirst('content/a.yaml', 'title: first');
    await harness.put('content/a.yaml', 'title: second, longer');
    const event = await harness.createdEvent('content/a.yaml', '0000000000000002');
    faults.push({ command, key, error });

    // Act
    const attempt = harness.handle(event);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(PublishFailedError);
    await expect(attempt).rejects.toThrow(/content\/a\.yaml/);
    await expect(attempt).rejects.toHaveProperty('cause.name', error().name);
    expect(await harness.bytes('factsheets/a.pdf')).toEqual(previous);
    expect(await harness.head('errors/a.json')).toBeNull();
  });

  it('writes nothing at all when the first upload of a document cannot be stored', async () => {
    // Prepare
    await harness.put('content/new.yaml', 'title: new');
    const event = await harness.createdEvent('content/new.yaml', '0000000000000001');
    faults.push({ command: 'PutObjectCommand', key: 'factsheets/new.pdf', error: timedOut });

    // Act
    const attempt = harness.handle(event);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(PublishFailedError);
    expect(await harness.head('factsheets/new.pdf')).toBeNull();
    expect(await harness.head('errors/new.json')).toBeNull();
  });

  it('publishes on the retry once the fault has passed', async () => {
    // Prepare
    await harness.put('content/a.yaml', 'title: retried');
    const event = await harness.createdEvent('content/a.yaml', '0000000000000001');
    faults.push({ command: 'GetObjectCommand', key: 'content/a.yaml', error: throttled });
    await expect(harness.handle(event)).rejects.toBeInstanceOf(PublishFailedError);
    faults.length = 0;

    // Act
    const result = await harness.handle(event);

    // Assert
    expect(result.records).toMatchObject([{ status: 'published', sourceKey: 'content/a.yaml' }]);
    expect((await harness.bytes('factsheets/a.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('keeps the error report of an earlier bad upload when the corrected one cannot be published yet', async () => {
    // Prepare
    currentRender = async () => {
      throw new (await import('../lambdas/render/errors')).ValidationError('content/a.yaml', [{ path: 'title', message: 'required' }]);
    };
    await harness.put('content/a.yaml', 'bad');
    await harness.handle(await harness.createdEvent('content/a.yaml', '0000000000000001'));
    currentRender = stubRenderer().render;
    await harness.put('content/a.yaml', 'title: fixed');
    const event = await harness.createdEvent('content/a.yaml', '0000000000000002');
    faults.push({ command: 'PutObjectCommand', key: 'factsheets/a.pdf', error: timedOut });

    // Act
    const attempt = harness.handle(event);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(PublishFailedError);
    expect(await harness.head('errors/a.json')).not.toBeNull();
    expect(await harness.head('factsheets/a.pdf')).toBeNull();
  });

  it('handles every record of an event and names the ones that failed', async () => {
    // Prepare
    await harness.put('content/good.yaml', 'title: good');
    await harness.put('content/unlucky.yaml', 'title: unlucky');
    const records = [
      ...(await harness.createdEvent('content/unlucky.yaml', '0000000000000001')).Records,
      ...(await harness.createdEvent('content/good.yaml', '0000000000000001')).Records,
    ];
    faults.push({ command: 'GetObjectCommand', key: 'content/unlucky.yaml', error: throttled });

    // Act
    const error = await harness.handle({ Records: records }).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(PublishFailedError);
    expect((error as PublishFailedError).failures).toEqual([
      { key: 'content/unlucky.yaml', error: textMatching(/SlowDown/) },
    ]);
    expect(await harness.head('factsheets/good.pdf')).not.toBeNull();
    expect(await harness.head('factsheets/unlucky.pdf')).toBeNull();
  });
});

describe('publisher: the SDK retries a transient fault itself', () => {
  it('publishes when the PDF PUT is throttled once: the 503 is answered inside the SDK’s retry loop', async () => {
    // Prepare: a 503 SlowDown answered in place of the first PUT of the PDF, below the SDK's
    // retry middleware (the deserialize step runs once per attempt), as S3 would answer it.
    await harness.put('content/retried.yaml', 'title: retried');
    const event = await harness.createdEvent('content/retried.yaml', '0000000000000001');
    const attempts: string[] = [];
    harness.localS3.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string };
        if (context.commandName === 'PutObjectCommand' && input.Key === 'factsheets/retried.pdf') {
          attempts.push(input.Key);
          if (attempts.length === 1) throw throttled();
        }
        return next(args);
      },
      { step: 'deserialize', name: 'throttleOnce' },
    );

    // Act
    const result = await harness.handle(event);

    // Assert
    expect(attempts).toEqual(['factsheets/retried.pdf', 'factsheets/retried.pdf']);
    expect(result.records).toMatchObject([{ status: 'published', sourceKey: 'content/retried.yaml' }]);
    expect((await harness.bytes('factsheets/retried.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('publisher: failures that are not the uploader’s', () => {
  it('throws on a broken template instead of blaming the document', async () => {
    // Prepare
    currentRender = () => Promise.reject(new TemplateError('briefing', 'unknown helper "shout"', { line: 3, column: 5 }));
    await harness.put('content/a.yaml', 'title: fine');

    // Act
    const attempt = harness.handle(await harness.createdEvent('content/a.yaml', '0000000000000001'));

    // Assert
    await expect(attempt).rejects.toThrow(/TemplateError: briefing:3:5/);
    expect(await harness.head('errors/a.json')).toBeNull();
    expect(await harness.head('factsheets/a.pdf')).toBeNull();
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['truncated', Buffer.from('%PDF-1.7\n1 0 obj\n<<')],
  ])('never stores a PDF that is %s', async (_, pdf) => {
    // Prepare
    const previous = await publishedFirst('content/a.yaml', 'title: first');
    currentRender = () => Promise.resolve({ pdf, pages: 1, template: 'briefing', lang: 'en', warnings: [] });
    await harness.put('content/a.yaml', 'title: second');

    // Act
    const attempt = harness.handle(await harness.createdEvent('content/a.yaml', '0000000000000002'));

    // Assert
    await expect(attempt).rejects.toThrow(/incomplete PDF/);
    expect(await harness.bytes('factsheets/a.pdf')).toEqual(previous);
  });
});
