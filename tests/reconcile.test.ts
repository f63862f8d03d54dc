import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexKeyFor, METADATA_SOURCE_ETAG, METADATA_SOURCE_KEY } from '../lambdas/publisher/keys';
import { reconcile } from '../lambdas/publisher/reconcile';
import { countRequests, holdRequests } from './helpers/count-requests';
import { createLimiter } from '../lambdas/publisher/concurrency';
import { BUCKET, type Harness, startHarness, stubRenderer } from './publisher-harness';

const VERSION = '3.0.0+reconcile';

describe('reconcile', () => {
  let harness: Harness;

  beforeEach(async () => {
    // Events are not delivered: every change below is one the publisher never heard of.
    harness = await startHarness({ renderer: stubRenderer(), autoPublish: false, environment: { PUBLISHER_VERSION: VERSION } });
  });
  afterEach(async () => {
    await harness.close();
  });

  async function published(key: string): Promise<void> {
    await harness.handle(await harness.createdEvent(key, '0000000000000001'));
  }

  function unheardPut(key: string, body: string, metadata?: Record<string, string>): Promise<unknown> {
    return harness.localS3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, Metadata: metadata }));
  }

  function unheardDelete(key: string): Promise<unknown> {
    return harness.localS3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
  }

  const run = (progress: string[] = []) =>
    reconcile({
      s3: harness.localS3.client,
      bucket: BUCKET,
      currentVersion: VERSION,
      concurrency: 2,
      invoke: async (event) => {
        await harness.handle(event);
      },
      onProgress: (done, total) => progress.push(`sources ${done}/${total}`),
      onOrphansProgress: (done, total) => progress.push(`orphans ${done}/${total}`),
    });

  it('publishes what is missing or stale, removes orphans, leaves current and foreign objects alone', async () => {
    // Prepare
    await unheardPut('content/current.yaml', 'title: current');
    await published('content/current.yaml');
    await unheardPut('content/stale.yaml', 'title: first');
    await published('content/stale.yaml');
    await unheardPut('content/stale.yaml', 'title: second, never announced');
    await unheardPut('content/missing.yaml', 'title: never announced');
    await unheardPut('content/gone.yaml', 'title: deleted while nobody listened');
    await published('content/gone.yaml');
    await unheardDelete('content/gone.yaml');
    await unheardPut('errors/gone-too.json', '{}');
    await unheardPut('factsheets/by-hand.pdf', '%PDF-1.7 made by hand');
    await unheardPut('reports/by-hand.json', '{}');
    // Another tool's: no source key the publisher records reads like this.
    await unheardPut('factsheets/other-tool.pdf', '%PDF-1.7', { [METADATA_SOURCE_KEY]: 'sha256:not-a-digest' });
    const current = await harness.head('factsheets/current.pdf');
    const progress: string[] = [];

    // Act
    const report = await run(progress);

    // Assert
    expect(report.republished).toEqual(['content/missing.yaml', 'content/stale.yaml']);
    expect(report.upToDate).toEqual(['content/current.yaml']);
    // The report of how gone.yaml was published goes with its fact sheet.
    expect(report.removed).toEqual([
      { key: 'factsheets/gone.pdf', sourceKey: 'content/gone.yaml' },
      { key: 'reports/gone.json', sourceKey: 'content/gone.yaml' },
    ]);
    expect(report.foreign).toEqual(['errors/gone-too.json', 'factsheets/by-hand.pdf', 'factsheets/other-tool.pdf', 'reports/by-hand.json']);
    expect(await harness.head('factsheets/other-tool.pdf')).not.toBeNull();
    expect(report.failed).toEqual([]);
    expect(await harness.head('factsheets/gone.pdf')).toBeNull();
    expect(await harness.head('reports/gone.json')).toBeNull();
    expect(await harness.head('reports/current.json')).not.toBeNull();
    expect(await harness.head('factsheets/missing.pdf')).not.toBeNull();
    const stale = await harness.head('content/stale.yaml');
    expect((await harness.head('factsheets/stale.pdf'))?.Metadata?.[METADATA_SOURCE_ETAG]).toBe(stale?.ETag?.replace(/"/g, ''));
    expect((await harness.head('factsheets/current.pdf'))?.ETag).toBe(current?.ETag);
    expect(await harness.head('factsheets/by-hand.pdf')).not.toBeNull();
    expect(await harness.head('reports/by-hand.json')).not.toBeNull();
    expect(progress).toContain('sources 3/3');
    expect(progress.at(-1)).toBe('orphans 6/6');
  });

  it('leaves alone, without failing, objects whose source-key is no value the publisher writes', async () => {
    // Prepare: read as keys, `hello` and `content/gone.yaml` (slash unescaped) would name sources
    // that do not exist, and the objects would go as orphans; `%ZZ` does not decode at all.
    const values = { 'factsheets/hello.pdf': 'hello', 'factsheets/escape.pdf': '%ZZ', 'errors/slash.json': 'content/gone.yaml', 'reports/latin1.json': '%E9t%E9' };
    for (const [key, value] of Object.entries(values)) await unheardPut(key, '{}', { [METADATA_SOURCE_KEY]: value });

    // Act
    const report = await run();

    // Assert
    expect(report).toMatchObject({ removed: [], failed: [] });
    expect(report.foreign).toEqual(Object.keys(values).sort());
    for (const key of Object.keys(values)) expect((await harness.head(key))?.Metadata?.[METADATA_SOURCE_KEY]).toBe(values[key as keyof typeof values]);
  });

  it('finds nothing to do on a bucket that is in order', async () => {
    // Prepare
    await unheardPut('content/a.yaml', 'title: a');
    await published('content/a.yaml');
    await run();

    // Act
    const report = await run();

    // Assert
    expect(report).toMatchObject({ republished: [], upToDate: ['content/a.yaml'], removed: [], foreign: [], failed: [] });
  });

  it('keeps the output of a source uploaded again after the orphan was listed', async () => {
    // Prepare: the orphan's source reappears between the listing and the removal.
    await unheardPut('content/back.yaml', 'title: back');
    await published('content/back.yaml');
    await unheardDelete('content/back.yaml');
    const client = harness.localS3.client;
    const send = client.send.bind(client);
    let reuploaded = false;
    client.send = (async (command: Parameters<typeof send>[0]) => {
      const input = command.input as { Key?: string };
      if (!reuploaded && command.constructor.name === 'HeadObjectCommand' && input.Key === 'content/back.yaml') {
        reuploaded = true;
        await unheardPut('content/back.yaml', 'title: back again');
      }
      return send(command);
    }) as typeof client.send;

    // Act
    const report = await run();

    // Assert
    expect(reuploaded).toBe(true);
    expect(report.removed).toEqual([]);
    expect(await harness.head('factsheets/back.pdf')).not.toBeNull();
  });

  it('repairs the picture index from the document indexes alone: the picture indexes are read only where a document names them', async () => {
    // Prepare: ten documents with a picture each, their indexes in order, and one document whose
    // key is too long for a readable index key (indexed by hash) whose picture index was lost.
    const documents = Array.from({ length: 10 }, (_, index) => `content/doc-${index}.yaml`);
    const long = `content/${'l'.repeat(1_000)}.yaml`;
    for (const [index, document] of [...documents, long].entries()) {
      const picture = `content/photos/p${index}.jpg`;
      const etag = ((await unheardPut(document, `title: ${index}`)) as { ETag?: string }).ETag?.replace(/"/g, '') ?? '';
      await unheardPut(indexKeyFor('documents', document), JSON.stringify({ document, sourceEtag: etag, pictures: { [picture]: null } }));
      if (document !== long) await unheardPut(indexKeyFor('pictures', picture), JSON.stringify({ picture, documents: [document] }));
    }
    expect(indexKeyFor('documents', long)).toMatch(/^index\/documents-by-hash\//);
    const requests = countRequests(harness.localS3.client);

    // Act: the index stage alone.
    const report = await reconcile({
      s3: harness.localS3.client,
      bucket: BUCKET,
      currentVersion: VERSION,
      concurrency: 2,
      invoke: () => Promise.resolve(),
      cursor: { stage: 'index', after: '' },
    });

    // Assert
    expect(report).toMatchObject({ relinked: [{ picture: 'content/photos/p10.jpg', document: long }], failed: [] });
    const listings = requests.filter((request) => request.command === 'ListObjectsV2Command');
    expect(listings).toEqual([{ command: 'ListObjectsV2Command', prefix: 'index/documents', listed: 11 }]);
    // Each document index read once, each picture index once for the document naming it, and the lost one looked for.
    const reads = requests.filter((request) => request.command === 'GetObjectCommand').map((request) => request.key);
    const pictureIndexes = Array.from({ length: 11 }, (_, index) => indexKeyFor('pictures', `content/photos/p${index}.jpg`));
    expect(reads.sort()).toEqual([...[...documents, long].map((document) => indexKeyFor('documents', document)), ...pictureIndexes].sort());
  });

  /**
   * Runs the outputs stage alone from `after`; the step's time runs out while a HEAD that
   * `runsOutAt` picks is on its way, as when S3 answers it slowly. Says what each run listed, by prefix.
   */
  function outputsStage(runsOutAt: (key: string | undefined) => boolean) {
    const client = harness.localS3.client;
    const requests = countRequests(client);
    let deadline = Number.POSITIVE_INFINITY;
    holdRequests(client, (command, key) => command === 'HeadObjectCommand' && runsOutAt(key), () => (deadline = Date.now()) + 20);
    return async (after: string) => {
      deadline = Number.POSITIVE_INFINITY;
      const from = requests.length;
      const options = { s3: client, bucket: BUCKET, currentVersion: VERSION, concurrency: 2, invoke: () => Promise.resolve(), cursor: { stage: 'outputs', after } as const };
      const report = await reconcile({ ...options, get deadline() { return deadline; } });
      const listed = requests.slice(from).flatMap((request) => (request.command === 'ListObjectsV2Command' ? [request.prefix] : []));
      return { report, listed };
    };
  }

  it('continues the outputs after the cursor, and lists no further prefix once the time is spent', async () => {
    // Prepare: objects the publisher did not write, each read once and left.
    for (const key of ['errors/a.json', 'factsheets/a.pdf', 'factsheets/c.pdf', 'reports/a.json']) await unheardPut(key, 'by hand');

    // Act
    const run = outputsStage((key) => key === 'errors/a.json');
    const continued = await run('factsheets/b.pdf');
    const stopped = await run('');

    // Assert
    expect(continued.report).toMatchObject({ foreign: ['factsheets/c.pdf', 'reports/a.json'], failed: [] });
    expect(continued.report).not.toHaveProperty('continueFrom');
    expect(stopped.report).toMatchObject({ foreign: ['errors/a.json'], continueFrom: { stage: 'outputs', after: 'errors/a.json' } });
    expect(stopped.listed).toEqual(['errors/']);
  });

  it('lists no further page of outputs once the time is spent, and says the page’s last key', async () => {
    // Prepare: 1 001 fact sheets the publisher did not write, two listing pages.
    const keys = Array.from({ length: 1001 }, (_, index) => `factsheets/f-${String(index).padStart(4, '0')}.pdf`);
    const limit = createLimiter(32);
    await Promise.all(keys.map((key) => limit(() => unheardPut(key, 'by hand'))));

    // Act: the time runs out on the first page's last object.
    const { report, listed } = await outputsStage((key) => key === 'factsheets/f-0999.pdf')('');

    // Assert
    expect(report.continueFrom).toEqual({ stage: 'outputs', after: 'factsheets/f-0999.pdf' });
    expect(report.foreign).toEqual(keys.slice(0, 1000));
    expect(listed).toEqual(['errors/', 'factsheets/']);
  }, 60_000);
});
