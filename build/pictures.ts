/**
 * Writers for the pictures made by build/make-pictures.ts (test fixtures) and
 * build/make-sample-pictures.ts (the sample in content/): PNG written by hand, JPEG from poppler's
 * pdftocairo rasterising a one-image PDF, so that nothing but what the project installs is needed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';

export function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export function png(width: number, height: number, colourType: 2 | 6, pixel: (x: number, y: number) => number[]): Buffer {
  const channels = colourType === 6 ? 4 : 3;
  const raw = Buffer.alloc(height * (1 + width * channels));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * channels);
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * channels);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = colourType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** JPEG of `pngBytes` at its own pixel size: a PDF page of that size, rasterised at 72 dpi. */
export async function jpegFile(pngBytes: Buffer, width: number, height: number, quality: number, out: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fixture-jpeg-'));
  const doc = new PDFDocument({ size: [width, height], margin: 0 });
  const chunks: Buffer[] = [];
  doc.on('data', (part: Buffer) => chunks.push(part));
  const ended = new Promise((resolve) => doc.on('end', resolve));
  doc.image(pngBytes, 0, 0, { width, height });
  doc.end();
  await ended;
  writeFileSync(join(dir, 'page.pdf'), Buffer.concat(chunks));
  execFileSync('pdftocairo', ['-jpeg', '-jpegopt', `quality=${quality}`, '-r', '72', '-singlefile', join(dir, 'page.pdf'), out.replace(/\.jpg$/, '')]);
}

