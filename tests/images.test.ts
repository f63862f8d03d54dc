import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { folderImages } from '../client/image-files';
import { renderTarget } from '../client/render-files';
import { createRenderer, type Renderer } from '../lambdas/render';
import { ContentError, RendererConfigError, ValidationError } from '../lambdas/render/errors';
import { ImageError, PICTURE_LIMITS, resolveInside } from '../lambdas/render/images';
import type { SourceFile } from '../lambdas/render/types';

const imagesDir = new URL('./fixtures/images/', import.meta.url).pathname;
const hostileDir = join(imagesDir, 'hostile');
const MODIFIED_AT = new Date('2022-03-01T09:15:00Z');
const PAPER = { A4: { width: 595.28, height: 841.89 } };
/** The briefing's page: A4, 56 pt margins, content from 72 pt to 62 pt above the bottom (layout/styles.ts). */
const COLUMN = { left: 56, width: PAPER.A4.width - 2 * 56, height: PAPER.A4.height - 62 - 72 };

function source(name: string, yaml: string): SourceFile {
  return { name, bytes: new TextEncoder().encode(yaml), modifiedAt: MODIFIED_AT };
}

function withImage(src: string): string {
  return `title: Pictures\ndate: 2022-02-28\nimages:\n  - src: '${src}'\n    alt: A picture\n`;
}

async function refusal(renderer: Renderer, root: string, yaml: string, documentName = 'doc.yaml'): Promise<ContentError> {
  const file = join(root, documentName);
  const error = await renderer.render(source(file, yaml), { images: folderImages(root, file) }).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ContentError);
  return error as ContentError;
}

interface PlacedImage {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The pictures each page draws, from its content stream, in top-left coordinates like the layout's. */
function placedImages(pdf: Buffer): PlacedImage[][] {
  const dir = mkdtempSync(join(tmpdir(), 'images-qdf-'));
  writeFileSync(join(dir, 'in.pdf'), pdf);
  execFileSync('qpdf', ['--qdf', '--object-streams=disable', join(dir, 'in.pdf'), join(dir, 'out.pdf')]);
  const text = readFileSync(join(dir, 'out.pdf'), 'latin1');
  const pages = text.split(/%% Contents for page \d+\n/).slice(1);
  return pages.map((page) =>
    [...page.matchAll(/(-?[\d.]+) 0 0 (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) cm\s*\/(I\d+) Do/g)].map((match) => {
      const [width, height, x, y] = match.slice(1, 5).map(Number) as [number, number, number, number];
      // pdfkit flips the image: the matrix's height is negative and y is its top edge in PDF space.
      return { name: match[5] as string, x, y: PAPER.A4.height - y, width, height: -height };
    }),
  );
}

interface StructNode {
  readonly role?: string;
  readonly alt?: string;
  readonly children?: readonly StructNode[];
}

async function structureTrees(pdf: Buffer): Promise<StructNode[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  try {
    const trees: StructNode[] = [];
    for (let number = 1; number <= doc.numPages; number++) trees.push((await (await doc.getPage(number)).getStructTree()) as StructNode);
    return trees;
  } finally {
    await doc.destroy();
  }
}

function nodesWithRole(node: StructNode, role: string): StructNode[] {
  return [...(node.role === role ? [node] : []), ...(node.children ?? []).flatMap((child) => nodesWithRole(child, role))];
}

function pdftotext(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8').replace(/\s+/g, ' ');
}

describe('validate: pictures', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer();
  });

  it('requires alt on every picture and names the field', async () => {
    // Prepare
    const yaml = `title: T\ndate: 2022\nimages:\n  - src: photo.jpg\nsections:\n  - heading: H\n    image:\n      src: map.png\n      alt: "  "\n`;

    // Act
    const error = await refusal(renderer, imagesDir, yaml);

    // Assert
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.problems.map((problem) => problem.path)).toEqual(['images[0].alt', 'sections[0].image.alt']);
    expect(error.message).toMatch(/doc\.yaml:4:5: images\[0\]\.alt: is required/);
  });

  it.each([
    ['https://example.org/photo.jpg', 'is a web address'],
    ['/etc/photo.png', 'is an absolute path'],
    ['C:\\photos\\kyiv.jpg', 'is an absolute path'],
    ['%2e%2e/%2e%2e/factsheets/x.png', 'without %-escapes'],
    ['photos\\kyiv.jpg', 'folders are separated by "/"'],
    ['../../factsheets/x.pdf', 'is a .pdf file, not a picture'],
    ['map.gif', 'is a .gif file, not a picture'],
    ['photo', 'has no extension'],
  ])('refuses src "%s" before reading anything', async (src, message) => {
    const error = await refusal(renderer, imagesDir, withImage(src));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.path).toBe('images[0].src');
    expect(error.problems[0]?.line).toBe(4);
    expect(error.problems[0]?.message).toContain(message);
  });
});

describe('images: reading and checking the pictures', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer();
  });

  it('resolves a path against the document, never above the content folder', () => {
    expect(resolveInside('world/europe/doc.yaml', '../photos/kyiv.jpg')).toBe('world/photos/kyiv.jpg');
    expect(resolveInside('world/doc.yaml', './a/./b.png')).toBe('world/a/b.png');
    expect(resolveInside('world/doc.yaml', '../../factsheets/x.png')).toBeNull();
    expect(resolveInside('doc.yaml', '../content/x.png')).toBeNull();
    expect(resolveInside('world/doc.yaml', 'a/../../b.png')).toBe('b.png');
  });

  it.each([
    ['huge.png', 'is 50000 × 50000 pixels, more than the 25 megapixels'],
    ['bomb.png', 'does not decompress to the pixels its header announces'],
    ['truncated.jpg', 'is cut short: its image data ends before the end-of-image marker'],
    ['truncated.png', 'is cut short'],
    ['not-a-png.png', 'is named .png but holds a GIF picture; save it as a PNG or JPEG file'],
    ['text.png', 'is named .png but is not a picture the publisher knows'],
    ['../photo.jpg', 'leaves the content folder'],
    ['../../../factsheets/x.png', 'leaves the content folder'],
    ['nowhere.jpg', 'does not exist (looked for nowhere.jpg in the content folder)'],
  ])('refuses tests/fixtures/images/hostile/%s with its reason and writes no PDF', async (src, reason) => {
    // Prepare
    const out = mkdtempSync(join(tmpdir(), 'images-out-'));
    const documentFile = join(mkdtempSync(join(tmpdir(), 'images-doc-')), 'doc.yaml');
    writeFileSync(documentFile, withImage(src));

    // Act: the hostile folder stands for the content folder; the document is rendered as if it lay there.
    const error = await refusal(renderer, hostileDir, withImage(src));
    const outcome = await renderTarget(renderer, { path: documentFile, root: hostileDir, outputName: 'doc' }, out);

    // Assert
    expect(error).toBeInstanceOf(ImageError);
    expect(error.message.startsWith(`${join(hostileDir, 'doc.yaml')}:4:5: images[0].src: "${src}" `)).toBe(true);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.message).toContain(reason);
    expect(outcome.ok).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses a picture over the size limit without reading it whole', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'images-big-'));
    writeFileSync(join(root, 'big.jpg'), Buffer.alloc(PICTURE_LIMITS.maxImageBytes + 1, 0xff));

    // Act
    const error = await refusal(renderer, root, withImage('big.jpg'));

    // Assert
    expect(PICTURE_LIMITS.maxImageBytes).toBe(10 * 1024 * 1024);
    expect(error.message).toContain('"big.jpg" is 10.0 MiB, more than the 10.0 MiB a picture may have');
  });

  it('does not follow a symbolic link out of the content folder', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'images-link-'));
    mkdirSync(join(root, 'content'));
    symlinkSync(join(imagesDir, 'photo.jpg'), join(root, 'content', 'photo.jpg'));

    // Act
    const error = await refusal(renderer, join(root, 'content'), withImage('photo.jpg'));

    // Assert
    expect(error.message).toBe(`${join(root, 'content', 'doc.yaml')}:4:5: images[0].src: "photo.jpg" is a symbolic link that leads outside the content folder (expected a picture inside the content folder, relative to this document)`);
  });

  it.each([
    ['photo.jpg', 'photo.png', 'is named .png but holds a JPEG image; rename it to .jpg or convert it to PNG'],
    ['small.png', 'small.JPEG', 'is named .JPEG but holds a PNG image; rename it to .png or convert it to JPEG'],
  ])('says what a picture named like another format holds and how to fix it (%s as %s)', async (fixture, name, reason) => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'images-misnamed-'));
    writeFileSync(join(root, name), readFileSync(join(imagesDir, fixture)));

    // Act
    const error = await refusal(renderer, root, withImage(name));

    // Assert
    expect(error.message).toBe(`${join(root, 'doc.yaml')}:4:5: images[0].src: "${name}" ${reason}`);
  });

  it('reports every bad picture of a document at once, in document order', async () => {
    const yaml = `${withImage('nowhere.png')}sections:\n  - heading: H\n    image: { src: text.png, alt: x }\n`;

    const error = await refusal(renderer, hostileDir, yaml);

    expect(error.problems.map((problem) => problem.path)).toEqual(['images[0].src', 'sections[0].image.src']);
  });

  it('is an operator error when the renderer was given no way to read pictures', async () => {
    const error = await renderer.render(source('doc.yaml', withImage('photo.jpg'))).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RendererConfigError);
  });
});

describe('layout and draw: figures', () => {
  let renderer: Renderer;
  let pdf: Buffer;
  const photo = readFileSync(join(imagesDir, 'photo.jpg'));
  beforeAll(async () => {
    renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });
    const file = join(imagesDir, 'figures.yaml');
    pdf = (await renderer.render({ name: file, bytes: readFileSync(file), modifiedAt: MODIFIED_AT }, { images: folderImages(imagesDir, file) })).pdf;
  });

  it('embeds the JPEG as it is and the PNG with its transparency as a soft mask', () => {
    const raw = pdf.toString('latin1');

    expect(pdf.indexOf(photo)).toBeGreaterThan(0);
    expect(raw).toMatch(/\/Width 1200\s*\/Height 800\s*\/ColorSpace \/DeviceRGB\s*\/Filter \/DCTDecode/);
    expect(raw).toMatch(/\/Width 800\s*\/Height 600[^>]*\/SMask \d+ 0 R/);
  });

  it('draws the photo at the column width and the map at half the page height, centred, each whole on a page', () => {
    const pages = placedImages(pdf);
    const [first, second] = pages;
    const mapHeight = COLUMN.height / 2;
    const mapWidth = (mapHeight * 800) / 600;

    expect(pages.map((page) => page.length)).toEqual([1, 1]);
    expect(first?.[0]?.x).toBeCloseTo(COLUMN.left, 2);
    expect(first?.[0]?.width).toBeCloseTo(COLUMN.width, 2);
    expect(first?.[0]?.height).toBeCloseTo((COLUMN.width * 800) / 1200, 2);
    expect(second?.[0]?.width).toBeCloseTo(mapWidth, 2);
    expect(second?.[0]?.height).toBeCloseTo(mapHeight, 2);
    expect(second?.[0]?.x).toBeCloseTo(COLUMN.left + (COLUMN.width - mapWidth) / 2, 2);
    for (const placed of pages.flat()) {
      expect(placed.y).toBeGreaterThanOrEqual(72);
      expect(placed.y + placed.height).toBeLessThanOrEqual(PAPER.A4.height - 62);
    }
  });

  it('keeps a small picture at its own size instead of enlarging it', async () => {
    // Prepare: 200 × 100 pixels print at 150 × 75 points, less than the column.
    const file = join(imagesDir, 'doc.yaml');

    // Act
    const result = await renderer.render(source(file, withImage('small.png')), { images: folderImages(imagesDir, file) });

    // Assert
    const [placed] = placedImages(result.pdf)[0] ?? [];
    expect(placed?.width).toBeCloseTo(150, 2);
    expect(placed?.height).toBeCloseTo(75, 2);
  });

  it('tags each picture as a Figure with its /Alt, and its caption and credit as a Caption', async () => {
    const trees = await structureTrees(pdf);
    const figures = trees.flatMap((tree) => nodesWithRole(tree, 'Figure'));
    const captions = trees.flatMap((tree) => nodesWithRole(tree, 'Caption'));
    const text = pdftotext(pdf);

    expect(figures.map((figure) => figure.alt)).toEqual([
      'Green hills under a blue sky with the sun on the right',
      'Map of the river crossing the city, two roads, and a red mark at the meeting place',
    ]);
    expect(captions).toHaveLength(2);
    expect(text).toContain('The hills south of the city, seen from the ring road. Photo generated for the test suite (CC0)');
    expect(text).toContain('The meeting place, east of the river.');
  });

  it('gives the same bytes for the same document', async () => {
    const file = join(imagesDir, 'figures.yaml');
    const again = await renderer.render({ name: file, bytes: readFileSync(file), modifiedAt: MODIFIED_AT }, { images: folderImages(imagesDir, file) });

    expect(again.pdf.equals(pdf)).toBe(true);
  });
});
