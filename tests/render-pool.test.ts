import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentError, type ImageAccess } from '../lambdas/render';
import { folderImages } from '../client/image-files';
import { HUNDRED_PAGE_SHAPE, longDocument } from '../bench/long-document';
import { type RenderPool, startRenderPool } from '../emulator/render-pool';
import { readPdf } from './helpers/pdf';

describe('render pool: renders in worker threads for the local server', () => {
  let pool: RenderPool;

  beforeAll(async () => {
    pool = await startRenderPool({}, 1);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('renders a document whose PDF reads back', async () => {
    // Act
    const bytes = await readFile('content/macron-putin-call-en.json');
    const result = await pool.render({ name: 'content/macron-putin-call-en.json', bytes, modifiedAt: new Date(0) });

    // Assert
    expect(Buffer.isBuffer(result.pdf)).toBe(true);
    expect(result.template).toBe('briefing');
    const pdf = await readPdf(result.pdf);
    expect(pdf.pages).toBe(result.pages);
    expect(pdf.text).toContain('Macron');
  });

  it('reads the pictures of a document through the reader of the thread that asked for the render', async () => {
    // Prepare: the reader is a function of this thread; the worker can only ask for each picture.
    const file = 'tests/fixtures/images/figures.yaml';
    const asked: string[] = [];
    const folder = folderImages('tests/fixtures/images', file);
    const images: ImageAccess = {
      documentPath: folder.documentPath,
      read(path, maxBytes) {
        asked.push(path);
        return folder.read(path, maxBytes);
      },
    };

    // Act
    const result = await pool.render({ name: file, bytes: await readFile(file), modifiedAt: new Date(0) }, { images });

    // Assert
    expect(asked.sort()).toEqual(['map.png', 'photo.jpg']);
    const pdf = await readPdf(result.pdf);
    expect(pdf.text).toContain('The meeting place, east of the river.');
  });

  it('hands a bad document back as the ContentError class the publisher tells apart', async () => {
    // Act
    const error = await pool
      .render({ name: 'content/bad.yaml', bytes: Buffer.from('summary: no title\n'), modifiedAt: new Date(0) })
      .catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(ContentError);
    expect((error as ContentError).toReport().error).toBe('ValidationError');
    expect((error as ContentError).file).toBe('content/bad.yaml');
    expect((error as ContentError).problems.map((problem) => problem.path)).toContain('title');
  });

  it('keeps this thread’s event loop free while a long document renders', async () => {
    // Prepare
    const bytes = Buffer.from(longDocument(HUNDRED_PAGE_SHAPE).yaml);
    let longestGapMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
    }, 5);

    // Act
    const started = performance.now();
    const result = await pool.render({ name: 'content/long.yaml', bytes, modifiedAt: new Date(0) });
    const renderMs = performance.now() - started;
    clearInterval(ticker);
    // A loop blocked to the end never ticked: the time since the last tick counts too.
    longestGapMs = Math.max(longestGapMs, performance.now() - last);

    // Assert
    expect(result.pages).toBeGreaterThan(80);
    expect(renderMs).toBeGreaterThan(300);
    // In this thread the same render blocks the loop for its whole length (seconds); the margin
    // is for a shared 2-core machine (garbage collection, the PDF handed over).
    expect(longestGapMs).toBeLessThan(250);
  });
});
