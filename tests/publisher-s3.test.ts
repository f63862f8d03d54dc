import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import {
  encodeEventKey,
  fromMetadataValue,
  METADATA_CONTENT_SHA256,
  METADATA_PUBLISHER_VERSION,
  METADATA_SEQUENCER,
  METADATA_SOURCE_ETAG,
  METADATA_SOURCE_KEY,
  METADATA_TEMPLATE,
} from '../lambdas/publisher/keys';
import type { ErrorReport } from '../lambdas/render/errors';
import { createRenderer, type Renderer } from '../lambdas/render/index';
import { textMatching } from './helpers/matchers';
import { readPdf } from './helpers/pdf';
import { type Harness, startHarness } from './publisher-harness';

const UPLOADS = 'tests/fixtures/events/uploads';
const read = (name: string) => readFile(`${UPLOADS}/${name}`);

let renderer: Renderer;
let harness: Harness;

beforeAll(async () => {
  renderer = await createRenderer();
  harness = await startHarness({ renderer });
});

afterAll(async () => {
  await harness.close();
});

async function errorReport(key: string): Promise<ErrorReport> {
  return JSON.parse((await harness.bytes(key)).toString('utf8')) as ErrorReport;
}

function eventsFor(key: string): S3Event[] {
  return harness.invocations
    .map((invocation) => invocation.event)
    .filter((event) => event.Records[0]?.s3.object.key === encodeEventKey(key));
}

async function sourceKeyOf(outputKey: string): Promise<string> {
  return fromMetadataValue((await harness.head(outputKey))?.Metadata?.[METADATA_SOURCE_KEY] ?? '');
}

describe('publisher: an upload becomes a fact sheet', () => {
  it('publishes the French dispatch with its metadata, and the PDF reads back', async () => {
    // Prepare
    const bytes = await read('macron-poutine.txt');
    const expected = await renderer.render({ name: 'content/macron-poutine.txt', bytes, modifiedAt: new Date() });

    // Act
    const etag = await harness.put('content/macron-poutine.txt', bytes);

    // Assert
    const head = await harness.head('factsheets/macron-poutine.pdf');
    expect(head?.ContentType).toBe('application/pdf');
    expect(head?.ContentDisposition).toBe(`inline; filename="macron-poutine.pdf"; filename*=UTF-8''macron-poutine.pdf`);
    const metadata = head?.Metadata ?? {};
    expect(fromMetadataValue(metadata[METADATA_SOURCE_KEY] ?? '')).toBe('content/macron-poutine.txt');
    expect(metadata[METADATA_SOURCE_ETAG]).toBe(etag);
    expect(metadata[METADATA_CONTENT_SHA256]).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(metadata[METADATA_PUBLISHER_VERSION]).toBe(packageJson.version);
    expect(fromMetadataValue(metadata[METADATA_TEMPLATE] ?? '')).toBe(expected.template);
    expect(metadata[METADATA_SEQUENCER]).toBe(eventsFor('content/macron-poutine.txt')[0]?.Records[0]?.s3.object.sequencer);

    const pdf = await readPdf(await harness.bytes('factsheets/macron-poutine.pdf'));
    expect(pdf.pages).toBe(expected.pages);
    expect(pdf.text).toContain('Emmanuel Macron');
    expect(pdf.text).toContain('Élysée');
    expect(pdf.text).toContain('œuvre');
    expect(harness.outcomesFor('content/macron-poutine.txt')).toMatchObject([
      { status: 'published', template: expected.template, pages: expected.pages },
    ]);
  });

  it.each([
    ['content/été 2022/Élysée & Kremlin.yaml', 'factsheets/été 2022/Élysée & Kremlin.pdf'],
    ['content/a+b=c (draft).yaml', 'factsheets/a+b=c (draft).pdf'],
    ['content/Кирилиця/Київ 2022.md', 'factsheets/Кирилиця/Київ 2022.pdf'],
  ])('publishes %s to %s', async (sourceKey, factsheetKey) => {
    // Prepare
    const bytes = await read(sourceKey.endsWith('.md') ? 'kyiv.md' : 'sommet.yaml');

    // Act
    await harness.put(sourceKey, bytes);

    // Assert
    expect(await sourceKeyOf(factsheetKey)).toBe(sourceKey);
    const disposition = (await harness.head(factsheetKey))?.ContentDisposition ?? '';
    expect(disposition).toMatch(/^[\x20-\x7e]+$/);
    const utf8Name = /filename\*=UTF-8''([^;]+)$/.exec(disposition)?.[1] ?? '';
    expect(decodeURIComponent(utf8Name)).toBe(factsheetKey.slice(factsheetKey.lastIndexOf('/') + 1));
    const pdf = await readPdf(await harness.bytes(factsheetKey));
    expect(pdf.text).toContain(sourceKey.endsWith('.md') ? 'Переговори в Києві' : 'Bruxelles');
  });

  it('publishes 50 uploads made at once, none lost', async () => {
    // Prepare
    const bytes = await read('sommet.yaml');
    const keys = Array.from({ length: 50 }, (_, index) => `content/batch/sommet-${index}.yaml`);

    // Act
    await Promise.all(keys.map((key) => harness.put(key, bytes)));
    await harness.settled();

    // Assert
    const heads = await Promise.all(keys.map((key) => harness.head(key.replace('content/', 'factsheets/').replace('.yaml', '.pdf'))));
    expect(heads.filter((head) => head?.ContentType === 'application/pdf')).toHaveLength(50);
    expect(keys.flatMap((key) => harness.outcomesFor(key)).filter((outcome) => outcome.status === 'published')).toHaveLength(50);
    expect(harness.invocations.filter((invocation) => 'error' in invocation)).toEqual([]);
  });
});

describe('publisher: bad uploads', () => {
  it('reports a missing field with its path, keeps the good PDF, and clears the report on a corrected upload', async () => {
    // Prepare
    await harness.put('content/sommet.yaml', await read('sommet.yaml'));
    const good = await harness.bytes('factsheets/sommet.pdf');

    // Act
    await harness.put('content/sommet.yaml', await read('sommet-missing-title.yaml'));
    const report = await errorReport('errors/sommet.json');
    const keptAfterBadUpload = await harness.bytes('factsheets/sommet.pdf');
    await harness.put('content/sommet.yaml', await read('sommet.yaml'));

    // Assert
    expect(report.file).toBe('content/sommet.yaml');
    expect(report.error).toBe('ValidationError');
    expect(report.problems.map((problem) => problem.path)).toContain('title');
    expect(Number.isNaN(Date.parse(report.time))).toBe(false);
    expect(keptAfterBadUpload).toEqual(good);
    expect(await harness.head('errors/sommet.json')).toBeNull();
    expect(await sourceKeyOf('factsheets/sommet.pdf')).toBe('content/sommet.yaml');
  });

  it('gives line and column for a syntax error', async () => {
    // Act
    await harness.put('content/broken.yaml', await read('sommet-broken-syntax.yaml'));

    // Assert
    const report = await errorReport('errors/broken.json');
    expect(report.error).toBe('DocumentSyntaxError');
    expect(report.problems[0]?.line).toBeGreaterThan(0);
    expect(report.problems[0]?.column).toBeGreaterThan(0);
    expect(await harness.head('factsheets/broken.pdf')).toBeNull();
  });

  it('refuses an unsupported extension with an error report that lists the accepted ones', async () => {
    // Act
    await harness.put('content/notes.docx', 'PK');

    // Assert
    const report = await errorReport('errors/notes.json');
    expect(report.error).toBe('UnsupportedFormatError');
    expect(JSON.stringify(report.problems)).toMatch(/\.yaml/);
  });

  it('unpublishes on delete: the PDF and the error report go', async () => {
    // Prepare
    await harness.put('content/gone.yaml', await read('sommet.yaml'));
    await harness.put('content/gone.yaml', await read('sommet-missing-title.yaml'));
    const before = [await harness.head('factsheets/gone.pdf'), await harness.head('errors/gone.json')];

    // Act
    await harness.localS3.client.send(new DeleteObjectCommand({ Bucket: harness.bucket.name, Key: 'content/gone.yaml' }));
    await harness.settled();

    // Assert
    expect(before.every((head) => head !== null)).toBe(true);
    expect(await harness.head('factsheets/gone.pdf')).toBeNull();
    expect(await harness.head('errors/gone.json')).toBeNull();
  });

  it('refuses a source over the size limit without downloading it', async () => {
    // Prepare
    const limited = await startHarness({ renderer, environment: { MAX_SOURCE_BYTES: '200' } });
    const downloads: string[] = [];
    limited.localS3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand') downloads.push((args.input as { Key: string }).Key);
        return next(args);
      },
      { step: 'initialize', name: 'recordDownloads' },
    );

    try {
      // Act
      await limited.put('content/big.yaml', Buffer.alloc(201, 'a'));

      // Assert
      const report = JSON.parse((await limited.bytes('errors/big.json')).toString('utf8')) as ErrorReport;
      expect(report.error).toBe('InputError');
      expect(report.problems[0]?.message).toMatch(/201 bytes/);
      expect(report.problems[0]?.expected).toMatch(/200 bytes/);
      expect(downloads).not.toContain('content/big.yaml');
    } finally {
      await limited.close();
    }
  });
});

describe('publisher: at least once, in any order', () => {
  it('skips a duplicate delivery and leaves the fact sheet untouched', async () => {
    // Prepare
    await harness.put('content/twice.yaml', await read('sommet.yaml'));
    const [event] = eventsFor('content/twice.yaml');
    const before = await harness.head('factsheets/twice.pdf');

    // Act
    const result = await harness.handle(event as S3Event);

    // Assert
    expect(result.records).toMatchObject([{ status: 'skipped', reason: textMatching(/duplicate/) }]);
    expect((await harness.head('factsheets/twice.pdf'))?.ETag).toBe(before?.ETag);
  });

  it('skips a duplicate delivery of bad content and leaves its error report byte for byte', async () => {
    await harness.put('content/twice-bad.yaml', await read('sommet-missing-title.yaml'));
    const [event] = eventsFor('content/twice-bad.yaml');
    const before = await harness.bytes('errors/twice-bad.json');

    const result = await harness.handle(event as S3Event);

    expect(result.records).toMatchObject([{ status: 'skipped', reason: textMatching(/duplicate/) }]);
    expect(await harness.bytes('errors/twice-bad.json')).toEqual(before);
  });

  it('never lets an older event overwrite the fact sheet of a newer upload', async () => {
    // Prepare
    await harness.put('content/order.yaml', await read('sommet-missing-title.yaml'));
    const newer = await harness.put('content/order.yaml', await read('sommet.yaml'));
    const [older] = eventsFor('content/order.yaml');

    // Act
    const result = await harness.handle(older as S3Event);

    // Assert
    expect(result.records).toMatchObject([{ status: 'skipped' }]);
    expect((await harness.head('factsheets/order.pdf'))?.Metadata?.[METADATA_SOURCE_ETAG]).toBe(newer);
    expect(await harness.head('errors/order.json')).toBeNull();
  });

  it('never lets an older sequencer overwrite, even for the same bytes', async () => {
    // Prepare
    await harness.put('content/sequenced.yaml', await read('sommet.yaml'));
    const recorded = (await harness.head('factsheets/sequenced.pdf'))?.Metadata?.[METADATA_SEQUENCER] ?? '';
    const stale = await harness.createdEvent('content/sequenced.yaml', '0'.repeat(recorded.length));

    // Act
    const result = await harness.handle(stale);

    // Assert
    expect(result.records).toMatchObject([{ status: 'skipped', reason: textMatching(/newer event/) }]);
    expect((await harness.head('factsheets/sequenced.pdf'))?.Metadata?.[METADATA_SEQUENCER]).toBe(recorded);
  });

  it('ignores an older removal once the document was uploaded again', async () => {
    // Prepare
    await harness.put('content/back.yaml', await read('sommet.yaml'));
    await harness.localS3.client.send(new DeleteObjectCommand({ Bucket: harness.bucket.name, Key: 'content/back.yaml' }));
    await harness.settled();
    await harness.put('content/back.yaml', await read('sommet.yaml'));
    const removal = eventsFor('content/back.yaml').find((event) => event.Records[0]?.eventName.startsWith('ObjectRemoved:'));

    // Act
    const result = await harness.handle(removal as S3Event);

    // Assert
    expect(result.records).toMatchObject([{ status: 'skipped' }]);
    expect(await harness.head('factsheets/back.pdf')).not.toBeNull();
  });

  it('publishes a document whose deletion was undone (a removal event while the source is there)', async () => {
    // Prepare: a published document whose fact sheet is gone, as after a delete and a restore
    // of the deleted version, which S3 announces with a removal event only.
    await harness.put('content/restored.yaml', await read('sommet.yaml'));
    await harness.localS3.client.send(new DeleteObjectCommand({ Bucket: harness.bucket.name, Key: 'factsheets/restored.pdf' }));
    await harness.settled();

    // Act
    const result = await harness.handle(harness.removedEvent('content/restored.yaml', 'FFFFFFFFFFFFFFFFFF'));

    // Assert
    expect(result.records).toMatchObject([{ status: 'published' }]);
    expect(await harness.head('factsheets/restored.pdf')).not.toBeNull();
  });

  it('does not republish a removed document when its creation event arrives late', async () => {
    // Prepare
    await harness.put('content/late.yaml', await read('sommet.yaml'));
    const [created] = eventsFor('content/late.yaml');
    await harness.localS3.client.send(new DeleteObjectCommand({ Bucket: harness.bucket.name, Key: 'content/late.yaml' }));
    await harness.settled();

    // Act
    const result = await harness.handle(created as S3Event);

    // Assert
    expect(result.records).toMatchObject([{ status: 'skipped' }]);
    expect(await harness.head('factsheets/late.pdf')).toBeNull();
  });

  it('ignores records outside content/, of another bucket, and folder markers', async () => {
    // Prepare
    const published = await harness.head('factsheets/macron-poutine.pdf');
    const [template] = eventsFor('content/macron-poutine.txt');
    const record = template?.Records[0];
    const variants = [
      { ...record, s3: { ...record?.s3, object: { ...record?.s3.object, key: 'factsheets/macron-poutine.pdf' } } },
      { ...record, s3: { ...record?.s3, bucket: { ...record?.s3.bucket, name: 'someone-else' } } },
      { ...record, s3: { ...record?.s3, object: { ...record?.s3.object, key: 'content/world/' } } },
      { ...record, eventName: 'ObjectRestore:Completed' },
    ];

    // Act
    const result = await harness.handle({ Records: variants } as S3Event);

    // Assert
    expect(result.records.map((outcome) => outcome.status)).toEqual(['ignored', 'ignored', 'ignored', 'ignored']);
    expect((await harness.head('factsheets/macron-poutine.pdf'))?.ETag).toBe(published?.ETag);
  });
});

describe('publisher: two sources for one fact sheet', () => {
  it('refuses the second source, keeps the first one’s PDF, and publishes the survivor when one is deleted', async () => {
    // Prepare
    await harness.put('content/twin.yaml', await read('sommet.yaml'));

    // Act
    await harness.put('content/twin.md', await read('kyiv.md'));
    const conflict = await errorReport('errors/twin.json');
    const sourceDuringConflict = await sourceKeyOf('factsheets/twin.pdf');
    await harness.localS3.client.send(new DeleteObjectCommand({ Bucket: harness.bucket.name, Key: 'content/twin.yaml' }));
    await harness.settled();

    // Assert
    expect(conflict.error).toBe('SourceConflictError');
    expect(conflict.file).toBe('content/twin.md');
    expect(conflict.problems[0]?.message).toContain('content/twin.yaml');
    expect(sourceDuringConflict).toBe('content/twin.yaml');
    expect(await sourceKeyOf('factsheets/twin.pdf')).toBe('content/twin.md');
    expect(await harness.head('errors/twin.json')).toBeNull();
    const pdf = await readPdf(await harness.bytes('factsheets/twin.pdf'));
    expect(pdf.text).toContain('Переговори в Києві');
  });
});
