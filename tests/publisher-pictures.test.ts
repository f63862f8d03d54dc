/**
 * Pictures change, fact sheets follow: against the local S3 server over HTTP, with the real SDK,
 * the real renderer and the event records the server's adapter makes, as S3 would send them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, paginateListObjectsV2, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reconcile } from '../lambdas/publisher/reconcile';
import { createRenderer, type Renderer } from '../lambdas/render/index';
import { BUCKET, startHarness, type Harness } from './publisher-harness';

const photo = readFileSync(new URL('./fixtures/images/photo.jpg', import.meta.url));
const otherPhoto = readFileSync(new URL('./fixtures/images/photo-2mb.jpg', import.meta.url));
const truncated = readFileSync(new URL('./fixtures/images/hostile/truncated.jpg', import.meta.url));

function documentWith(title: string, ...sources: string[]): string {
  const images = sources.map((src) => `  - src: ${src}\n    alt: Hills under a blue sky\n`).join('');
  return `title: ${title}\ndate: 2022-02-28\nimages:\n${images}`;
}

/** The image XObjects of a PDF as poppler lists them: width × height and bytes of each. */
function imagesIn(pdf: Buffer): { width: number; height: number; encoding: string }[] {
  const folder = mkdtempSync(join(tmpdir(), 'pictures-'));
  try {
    const file = join(folder, 'a.pdf');
    writeFileSync(file, pdf);
    const listing = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).split('\n').slice(2).filter((line) => line.trim() !== '');
    return listing.map((line) => {
      const columns = line.trim().split(/\s+/);
      return { width: Number(columns[3]), height: Number(columns[4]), encoding: columns[8] ?? '' };
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

interface ErrorReportBody {
  readonly error: string;
  readonly problems: readonly { path?: string; message: string }[];
}

describe('store: pictures change, fact sheets follow', () => {
  let harness: Harness;
  let renderer: Renderer;
  let photoSize: { width: number; height: number };
  let otherSize: { width: number; height: number };

  beforeAll(async () => {
    renderer = await createRenderer();
    harness = await startHarness({ renderer });
  });
  afterAll(async () => {
    await harness.close();
  });

  const remove = async (key: string) => {
    await harness.localS3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    await harness.settled();
  };
  const json = async <T>(key: string): Promise<T> => JSON.parse((await harness.bytes(key)).toString('utf8')) as T;
  const keysUnder = async (prefix: string): Promise<string[]> => {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: harness.localS3.client }, { Bucket: BUCKET, Prefix: prefix })) {
      keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
    }
    return keys.sort();
  };
  const etag = async (key: string) => (await harness.head(key))?.ETag;

  beforeEach(() => {
    harness.invocations.length = 0;
  });

  it('publishes a document with its picture and indexes who uses the picture', async () => {
    // Prepare
    await harness.put('content/photos/kyiv.jpg', photo);

    // Act
    await harness.put('content/world/kyiv.yaml', documentWith('Kyiv', '../photos/kyiv.jpg'));

    // Assert
    const pdf = await harness.bytes('factsheets/world/kyiv.pdf');
    const [image, ...more] = imagesIn(pdf);
    expect(more).toEqual([]);
    expect(image?.encoding).toBe('jpeg');
    expect(pdf.indexOf(photo)).toBeGreaterThan(0);
    photoSize = { width: image?.width ?? 0, height: image?.height ?? 0 };
    expect(await json('index/pictures/photos/kyiv.jpg.json')).toEqual({ picture: 'content/photos/kyiv.jpg', documents: ['content/world/kyiv.yaml'] });
    expect(await json('index/documents/world/kyiv.yaml.json')).toEqual({
      document: 'content/world/kyiv.yaml',
      sourceEtag: (await etag('content/world/kyiv.yaml'))?.replace(/"/g, ''),
      pictures: { 'content/photos/kyiv.jpg': (await etag('content/photos/kyiv.jpg'))?.replace(/"/g, '') },
    });
  });

  it('re-publishes the document with the new picture when a new version is uploaded, and writes nothing for the picture itself', async () => {
    // Act
    await harness.put('content/photos/kyiv.jpg', otherPhoto);

    // Assert
    expect(harness.outcomesFor('content/photos/kyiv.jpg')).toEqual([
      { status: 'followed', key: 'content/photos/kyiv.jpg', documents: ['content/world/kyiv.yaml'], deleted: [] },
    ]);
    expect(harness.outcomesFor('content/world/kyiv.yaml')).toMatchObject([{ status: 'published' }]);
    const pdf = await harness.bytes('factsheets/world/kyiv.pdf');
    const [image] = imagesIn(pdf);
    otherSize = { width: image?.width ?? 0, height: image?.height ?? 0 };
    expect(otherSize).not.toEqual(photoSize);
    expect(pdf.indexOf(otherPhoto)).toBeGreaterThan(0);
    expect(pdf.indexOf(photo)).toBe(-1);
    expect(await keysUnder('errors/')).toEqual([]);
    expect(await harness.head('factsheets/photos/kyiv.pdf')).toBeNull();
    expect(await harness.head('reports/photos/kyiv.json')).toBeNull();
  });

  it('skips a redelivered picture event: the fact sheet already shows the picture as it is', async () => {
    // Prepare
    const before = await etag('factsheets/world/kyiv.pdf');

    // Act
    const result = await harness.handle(await harness.createdEvent('content/photos/kyiv.jpg', 'FFFF'));

    // Assert
    expect(result.records).toEqual([
      { status: 'followed', key: 'content/photos/kyiv.jpg', documents: ['content/world/kyiv.yaml'], deleted: [] },
      { status: 'skipped', sourceKey: 'content/world/kyiv.yaml', reason: 'already answered with the picture as it is now (duplicate event)' },
    ]);
    expect(await etag('factsheets/world/kyiv.pdf')).toBe(before);
  });

  it('reports a deleted picture by its key and field, and keeps the last good fact sheet', async () => {
    // Prepare
    const lastGood = await harness.bytes('factsheets/world/kyiv.pdf');

    // Act
    await remove('content/photos/kyiv.jpg');

    // Assert
    const report = await json<ErrorReportBody>('errors/world/kyiv.json');
    expect(report.error).toBe('ImageError');
    expect(report.problems).toMatchObject([
      { path: 'images[0].src', message: '"../photos/kyiv.jpg" does not exist (looked for content/photos/kyiv.jpg)' },
    ]);
    expect((await harness.bytes('factsheets/world/kyiv.pdf')).equals(lastGood)).toBe(true);
    expect(await json('reports/world/kyiv.json')).toMatchObject({ status: 'rejected', factsheet: 'factsheets/world/kyiv.pdf' });
    // The document still names the picture: putting it back must find it.
    expect(await json('index/pictures/photos/kyiv.jpg.json')).toEqual({ picture: 'content/photos/kyiv.jpg', documents: ['content/world/kyiv.yaml'] });
  });

  it('publishes again when the picture is put back, and removes the error report', async () => {
    // Act
    await harness.put('content/photos/kyiv.jpg', photo);

    // Assert
    expect(harness.outcomesFor('content/world/kyiv.yaml')).toMatchObject([{ status: 'published' }]);
    expect(await harness.head('errors/world/kyiv.json')).toBeNull();
    const pdf = await harness.bytes('factsheets/world/kyiv.pdf');
    expect(imagesIn(pdf).map(({ width, height }) => ({ width, height }))).toEqual([photoSize]);
    expect(await json('reports/world/kyiv.json')).toMatchObject({ status: 'published' });
  });

  it('reports a broken picture (cut short) by its key and field, and keeps the last good fact sheet', async () => {
    // Prepare
    const lastGood = await harness.bytes('factsheets/world/kyiv.pdf');

    // Act
    await harness.put('content/photos/kyiv.jpg', truncated);

    // Assert
    const report = await json<ErrorReportBody>('errors/world/kyiv.json');
    expect(report.problems).toEqual([
      expect.objectContaining({ path: 'images[0].src', message: expect.stringMatching(/^"\.\.\/photos\/kyiv\.jpg" \(content\/photos\/kyiv\.jpg\) is cut short/) as unknown }),
    ]);
    expect((await harness.bytes('factsheets/world/kyiv.pdf')).equals(lastGood)).toBe(true);
  });

  it('re-publishes every document that uses a picture', async () => {
    // Prepare
    await harness.put('content/photos/kyiv.jpg', photo);
    await harness.put('content/world/kyiv-2.md', `---\n${documentWith('Kyiv again', '../photos/kyiv.jpg')}---\n`);
    harness.invocations.length = 0;

    // Act
    await harness.put('content/photos/kyiv.jpg', otherPhoto);

    // Assert
    expect(harness.outcomesFor('content/photos/kyiv.jpg')).toMatchObject([
      { status: 'followed', documents: ['content/world/kyiv-2.md', 'content/world/kyiv.yaml'] },
    ]);
    for (const factsheet of ['factsheets/world/kyiv.pdf', 'factsheets/world/kyiv-2.pdf']) {
      expect(imagesIn(await harness.bytes(factsheet)).map(({ width, height }) => ({ width, height }))).toEqual([otherSize]);
    }
  });

  it('does nothing for a picture nobody uses: no fact sheet, no report, no index', async () => {
    // Prepare
    const before = { errors: await keysUnder('errors/'), reports: await keysUnder('reports/'), index: await keysUnder('index/') };

    // Act
    await harness.put('content/photos/unused.png', readFileSync(new URL('./fixtures/images/small.png', import.meta.url)));

    // Assert
    expect(harness.invocations.flatMap((invocation) => ('result' in invocation ? invocation.result.records : []))).toEqual([
      { status: 'followed', key: 'content/photos/unused.png', documents: [], deleted: [] },
    ]);
    expect({ errors: await keysUnder('errors/'), reports: await keysUnder('reports/'), index: await keysUnder('index/') }).toEqual(before);
    expect(await keysUnder('factsheets/photos/')).toEqual([]);
  });

  it('deletes the unsupported-format report an older publisher wrote for an uploaded picture', async () => {
    // Prepare: what the previous version wrote for content/maps/old.jpg.
    await harness.localS3.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'errors/maps/old.json', Body: '{"error":"UnsupportedFormatError"}', Metadata: { 'source-key': 'content%2Fmaps%2Fold.jpg' } }),
    );

    // Act
    await harness.put('content/maps/old.jpg', photo);

    // Assert
    expect(harness.outcomesFor('content/maps/old.jpg')).toEqual([
      { status: 'followed', key: 'content/maps/old.jpg', documents: [], deleted: ['errors/maps/old.json'] },
    ]);
    expect(await harness.head('errors/maps/old.json')).toBeNull();
  });

  it('lets content/x.jpg lie beside content/x.yaml: no conflict, and the picture is not a source of factsheets/x.pdf', async () => {
    // Prepare
    await harness.put('content/x.jpg', photo);

    // Act
    await harness.put('content/x.yaml', documentWith('X', 'x.jpg'));
    await harness.put('content/x.jpg', otherPhoto);

    // Assert
    expect(await harness.head('errors/x.json')).toBeNull();
    expect(harness.outcomesFor('content/x.yaml').map((outcome) => outcome.status)).toEqual(['published', 'published']);
    expect(pdfHolds(await harness.bytes('factsheets/x.pdf'), otherPhoto)).toBe(true);
    expect(await json('reports/x.json')).toMatchObject({ status: 'published', file: 'content/x.yaml' });

    // Act: deleting the picture does not unpublish x.yaml's fact sheet.
    await remove('content/x.jpg');

    // Assert
    expect(await harness.head('factsheets/x.pdf')).not.toBeNull();
    expect((await json<ErrorReportBody>('errors/x.json')).problems).toMatchObject([{ path: 'images[0].src', message: expect.stringContaining('content/x.jpg') as unknown }]);
  });

  it('takes a document out of the picture’s index when it stops using the picture, and when it is deleted', async () => {
    // Prepare
    await harness.put('content/photos/map.jpg', photo);
    await harness.put('content/a.yaml', documentWith('A', 'photos/map.jpg'));
    await harness.put('content/b.yaml', documentWith('B', 'photos/map.jpg'));

    // Act
    await harness.put('content/a.yaml', documentWith('A', 'photos/kyiv.jpg'));
    await remove('content/b.yaml');

    // Assert
    expect(await harness.head('index/pictures/photos/map.jpg.json')).toBeNull();
    expect(await harness.head('index/documents/b.yaml.json')).toBeNull();
    harness.invocations.length = 0;
    await harness.put('content/photos/map.jpg', otherPhoto);
    expect(harness.outcomesFor('content/photos/map.jpg')).toMatchObject([{ status: 'followed', documents: [] }]);
    expect(harness.outcomesFor('content/a.yaml')).toEqual([]);
  });

  it('reconcile rebuilds a lost picture index from the document indexes, without rendering anything', async () => {
    // Prepare
    await harness.put('content/photos/gone.jpg', photo);
    await harness.put('content/gone.yaml', documentWith('Gone', 'photos/gone.jpg'));
    await remove('index/pictures/photos/gone.jpg.json');
    const before = await etag('factsheets/gone.pdf');

    // Act
    const report = await reconcile({
      s3: harness.localS3.client,
      bucket: BUCKET,
      currentVersion: (await json<{ publisherVersion: string }>('reports/gone.json')).publisherVersion,
      concurrency: 2,
      invoke: (event) => harness.handle(event).then(() => undefined),
    });

    // Assert
    expect(report.republished).toEqual([]);
    expect(report.relinked).toEqual([{ picture: 'content/photos/gone.jpg', document: 'content/gone.yaml' }]);
    expect(await etag('factsheets/gone.pdf')).toBe(before);
    harness.invocations.length = 0;
    await harness.put('content/photos/gone.jpg', otherPhoto);
    expect(harness.outcomesFor('content/gone.yaml')).toMatchObject([{ status: 'published' }]);
  });

  it('reconcile rebuilds a lost document index (and the picture’s) by publishing the document again, after which a new picture version re-publishes the document again', async () => {
    // Prepare
    await harness.put('content/photos/lost.jpg', photo);
    await harness.put('content/lost.yaml', documentWith('Lost', 'photos/lost.jpg'));
    await remove('index/pictures/photos/lost.jpg.json');
    await remove('index/documents/lost.yaml.json');

    // Act
    const report = await reconcile({
      s3: harness.localS3.client,
      bucket: BUCKET,
      currentVersion: (await json<{ publisherVersion: string }>('reports/lost.json')).publisherVersion,
      concurrency: 2,
      invoke: (event) => harness.handle(event).then(() => undefined),
    });

    // Assert
    expect(report.republished).toEqual(['content/lost.yaml']);
    expect(await json('index/pictures/photos/lost.jpg.json')).toEqual({ picture: 'content/photos/lost.jpg', documents: ['content/lost.yaml'] });
    harness.invocations.length = 0;
    await harness.put('content/photos/lost.jpg', otherPhoto);
    expect(harness.outcomesFor('content/lost.yaml')).toMatchObject([{ status: 'published' }]);
    expect(pdfHolds(await harness.bytes('factsheets/lost.pdf'), otherPhoto)).toBe(true);
  });
});

function pdfHolds(pdf: Buffer, picture: Buffer): boolean {
  return pdf.indexOf(picture) > 0;
}

describe('store: pictures and documents published at once', () => {
  it('publishes a document whose missing picture was uploaded while it rendered (its event found nobody in the index yet)', async () => {
    // Prepare: the render reads the picture as missing; only then is the picture uploaded, and
    // its event handled to the end, before the document's answer is written.
    const real = await createRenderer();
    // The renderer is made before the harness that it then uploads through.
    const started: { harness?: Harness } = {};
    let first = true;
    const renderer: Renderer = {
      templates: real.templates,
      async render(source, options) {
        try {
          return await real.render(source, options);
        } finally {
          const { harness } = started;
          if (first && harness !== undefined) {
            first = false;
            await harness.localS3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'content/late.jpg', Body: photo }));
            await until(() => harness.outcomesFor('content/late.jpg').length === 1);
          }
        }
      },
    };
    const harness = await startHarness({ renderer });
    started.harness = harness;
    try {
      // Act
      await harness.put('content/late.yaml', documentWith('Late', 'late.jpg'));

      // Assert
      expect(harness.outcomesFor('content/late.jpg')).toEqual([{ status: 'followed', key: 'content/late.jpg', documents: [], deleted: [] }]);
      expect(harness.outcomesFor('content/late.yaml').map((outcome) => outcome.status)).toEqual(['rejected', 'published']);
      expect(await harness.head('errors/late.json')).toBeNull();
      expect((await harness.bytes('factsheets/late.pdf')).indexOf(photo)).toBeGreaterThan(0);
    } finally {
      await harness.close();
    }
  });

  it('loses no document from a picture’s index when many that use it are published at once', async () => {
    // Prepare
    const harness = await startHarness({ renderer: await createRenderer() });
    try {
      await harness.put('content/shared.png', readFileSync(new URL('./fixtures/images/small.png', import.meta.url)));
      const documents = Array.from({ length: 12 }, (_, index) => `content/many/${String(index).padStart(2, '0')}.yaml`);

      // Act
      await Promise.all(
        documents.map((key) => harness.localS3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: documentWith(key, '../shared.png') }))),
      );
      await harness.settled();

      // Assert
      const index = JSON.parse((await harness.bytes('index/pictures/shared.png.json')).toString('utf8')) as { documents: string[] };
      expect(index.documents).toEqual(documents);
    } finally {
      await harness.close();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
