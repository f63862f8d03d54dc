/**
 * What a picture file is, read from its headers before anything decodes it: a hostile file
 * (a PNG claiming 50 000 × 50 000 pixels, a JPEG cut short, a GIF named .png) is refused here,
 * so pdfkit only ever sees well-formed JPEG and PNG within the limits (docs/content-format.md, "Pictures").
 */
import { crc32, inflateSync } from 'node:zlib';
/** The raster formats; SVG is read by svg.ts. */
export type ImageFormat = 'jpeg' | 'png';

export interface ImageLimits {
  /** PNG is decoded to be embedded (4 bytes a pixel and more), so its pixel count bounds our memory. */
  readonly maxPngPixels: number;
  /** JPEG is embedded as it is; this bounds what a PDF reader must decode. */
  readonly maxJpegPixels: number;
}

export type Inspection =
  | {
      readonly kind: 'ok';
      readonly format: ImageFormat;
      /** As displayed: a JPEG's EXIF orientation of 5 to 8 swaps width and height. */
      readonly width: number;
      readonly height: number;
    }
  | { readonly kind: 'refused'; readonly reason: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const RASTER_NAMES: Readonly<Record<ImageFormat, { readonly name: string; readonly extension: string }>> = {
  png: { name: 'PNG', extension: '.png' },
  jpeg: { name: 'JPEG', extension: '.jpg' },
};

/** `extension`: the file's, as named (`.png`, `.JPEG`), for the message when the bytes are something else. */
export function inspectImage(bytes: Uint8Array, expected: ImageFormat, limits: ImageLimits, extension: string): Inspection {
  const actual = sniff(bytes);
  if (actual === null) return refused(`is named ${extension} but is not a picture the publisher knows`);
  switch (actual.kind) {
    case 'other':
      return refused(`is named ${extension} but holds ${actual.holds}; ${actual.fix}`);
    case 'raster': {
      if (actual.format === expected) break;
      const held = RASTER_NAMES[actual.format];
      return refused(`is named ${extension} but holds a ${held.name} image; rename it to ${held.extension} or convert it to ${RASTER_NAMES[expected].name}`);
    }
    default: {
      const unknown: never = actual;
      throw new Error(`unknown sniffed format ${JSON.stringify(unknown)}`);
    }
  }
  return expected === 'png' ? inspectPng(bytes, limits.maxPngPixels) : inspectJpeg(bytes, limits.maxJpegPixels);
}

/** What the first bytes announce: a raster format we print, another one named with what to do, or none we know. */
type Sniffed = { readonly kind: 'raster'; readonly format: ImageFormat } | { readonly kind: 'other'; readonly holds: string; readonly fix: string };

const SAVE_AS_RASTER = 'save it as a PNG or JPEG file';

function sniff(bytes: Uint8Array): Sniffed | null {
  const ascii = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  if (PNG_SIGNATURE.every((byte, index) => bytes[index] === byte)) return { kind: 'raster', format: 'png' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { kind: 'raster', format: 'jpeg' };
  if (ascii.startsWith('GIF8')) return { kind: 'other', holds: 'a GIF picture', fix: SAVE_AS_RASTER };
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return { kind: 'other', holds: 'a WebP picture', fix: SAVE_AS_RASTER };
  if (ascii.startsWith('%PDF')) return { kind: 'other', holds: 'a PDF document', fix: 'save its page as a PNG or JPEG file' };
  if (/^\s*<(\?xml|svg)/i.test(ascii)) return { kind: 'other', holds: 'XML or SVG text', fix: 'an SVG drawing is named .svg' };
  return null;
}

function refused(reason: string): Inspection {
  return { kind: 'refused', reason };
}

function tooManyPixels(width: number, height: number, max: number): Inspection | null {
  if (width * height <= max) return null;
  return refused(`is ${width} × ${height} pixels, more than the ${(max / 1e6).toFixed(0)} megapixels a fact sheet picture may have`);
}

/** PNG colour types and the bit depths each allows (PNG specification, 11.2.2). */
const PNG_DEPTHS = new Map<number, { channels: number; depths: readonly number[] }>([
  [0, { channels: 1, depths: [1, 2, 4, 8, 16] }],
  [2, { channels: 3, depths: [8, 16] }],
  [3, { channels: 1, depths: [1, 2, 4, 8] }],
  [4, { channels: 2, depths: [8, 16] }],
  [6, { channels: 4, depths: [8, 16] }],
]);

function inspectPng(bytes: Uint8Array, maxPixels: number): Inspection {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data: Uint8Array[] = [];
  let header: { width: number; height: number; depth: number; colour: number; interlaced: boolean } | null = null;
  let palette = false;
  for (let offset = PNG_SIGNATURE.length; ; ) {
    if (offset + 8 > bytes.length) return refused('is cut short: it ends before its IEND chunk');
    const length = view.getUint32(offset);
    const type = Buffer.from(bytes.subarray(offset + 4, offset + 8)).toString('latin1');
    const end = offset + 12 + length;
    if (end > bytes.length) return refused(`is cut short: it ends inside its ${type} chunk`);
    if (crc32(bytes.subarray(offset + 4, end - 4)) !== view.getUint32(end - 4)) return refused(`is damaged: its ${type} chunk fails its checksum`);
    const body = bytes.subarray(offset + 8, end - 4);
    if (header === null && type !== 'IHDR') return refused('is not a valid PNG: it does not start with an IHDR chunk');
    if (type === 'IHDR') {
      if (length !== 13 || header !== null) return refused('is not a valid PNG: its IHDR chunk is malformed');
      const fields = new DataView(body.buffer, body.byteOffset, 13);
      header = { width: fields.getUint32(0), height: fields.getUint32(4), depth: body[8] ?? 0, colour: body[9] ?? 0, interlaced: body[12] === 1 };
      const allowed = PNG_DEPTHS.get(header.colour);
      if (header.width === 0 || header.height === 0) return refused('is not a valid PNG: it has no pixels');
      if (allowed === undefined || !allowed.depths.includes(header.depth) || body[10] !== 0 || body[11] !== 0 || (body[12] ?? 2) > 1) {
        return refused('is not a valid PNG: its IHDR chunk names an unknown colour type, depth or method');
      }
      const excess = tooManyPixels(header.width, header.height, maxPixels);
      if (excess) return excess;
    } else if (type === 'PLTE') {
      palette = true;
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      break;
    }
    offset = end;
  }
  if (header === null || data.length === 0) return refused('is not a valid PNG: it has no image data');
  if (header.colour === 3 && !palette) return refused('is not a valid PNG: a palette picture without its palette');
  const expected = rawSize(header.width, header.height, (PNG_DEPTHS.get(header.colour)?.channels ?? 1) * header.depth, header.interlaced);
  try {
    // Bounded: a small file that inflates to gigabytes (a "zip bomb") stops at the size the header promises.
    const pixels = inflateSync(Buffer.concat(data), { maxOutputLength: expected });
    if (pixels.length !== expected) return refused('is cut short: its image data holds fewer pixels than its header announces');
  } catch {
    return refused('is damaged: its image data does not decompress to the pixels its header announces');
  }
  return { kind: 'ok', format: 'png', width: header.width, height: header.height };
}

/** Bytes of the filtered scanlines: one filter byte a line, per Adam7 pass when interlaced. */
function rawSize(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const lines = (w: number, h: number): number => (w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bitsPerPixel) / 8)));
  if (!interlaced) return lines(width, height);
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ] as const;
  return passes.reduce((sum, [x, y, dx, dy]) => sum + lines(Math.ceil((width - x) / dx), Math.ceil((height - y) / dy)), 0);
}

/** Baseline, extended and progressive Huffman JPEG: what PDF's DCTDecode reads everywhere. */
const JPEG_FRAMES = new Set([0xc0, 0xc1, 0xc2]);
const OTHER_FRAMES = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function inspectJpeg(bytes: Uint8Array, maxPixels: number): Inspection {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let frame: { width: number; height: number; components: number; precision: number } | null = null;
  let orientation = 1;
  let offset = 2;
  for (;;) {
    while (offset < bytes.length && bytes[offset] === 0xff && bytes[offset + 1] === 0xff) offset++;
    if (offset + 4 > bytes.length) return refused('is cut short: it ends before its image data');
    if (bytes[offset] !== 0xff) return refused('is damaged: its headers are not JPEG markers');
    const marker = bytes[offset + 1] as number;
    const length = view.getUint16(offset + 2);
    if (length < 2 || offset + 2 + length > bytes.length) return refused('is cut short: it ends inside its headers');
    const segment = bytes.subarray(offset + 4, offset + 2 + length);
    if (marker === 0xda) break;
    if (JPEG_FRAMES.has(marker)) {
      if (segment.length < 6) return refused('is damaged: its frame header is too short');
      const fields = new DataView(segment.buffer, segment.byteOffset, segment.length);
      frame = { precision: segment[0] ?? 0, height: fields.getUint16(1), width: fields.getUint16(3), components: segment[5] ?? 0 };
    } else if (OTHER_FRAMES.has(marker)) {
      return refused('uses a JPEG coding (lossless, hierarchical or arithmetic) that PDF readers do not all show; save it as an ordinary JPEG');
    } else if (marker === 0xe1) {
      orientation = exifOrientation(segment) ?? orientation;
    }
    offset += 2 + length;
  }
  if (frame === null) return refused('is damaged: its image data comes before its frame header');
  if (frame.precision !== 8) return refused(`has ${frame.precision}-bit samples; PDF takes 8-bit JPEG`);
  if (![1, 3, 4].includes(frame.components)) return refused(`has ${frame.components} colour components; PDF takes grey, RGB or CMYK`);
  if (frame.width === 0 || frame.height === 0) return refused('is not a JPEG a PDF can hold: its frame header gives no size');
  const excess = tooManyPixels(frame.width, frame.height, maxPixels);
  if (excess) return excess;
  // Entropy-coded data escapes every 0xFF, so the end-of-image marker cannot occur before the end.
  if (Buffer.from(bytes.buffer, bytes.byteOffset + offset, bytes.byteLength - offset).lastIndexOf(Buffer.from([0xff, 0xd9])) < 0) {
    return refused('is cut short: its image data ends before the end-of-image marker');
  }
  const turned = orientation >= 5;
  return { kind: 'ok', format: 'jpeg', width: turned ? frame.height : frame.width, height: turned ? frame.width : frame.height };
}

/** The EXIF orientation tag (1 to 8) of an APP1 segment, as pdfkit applies it when drawing. */
function exifOrientation(segment: Uint8Array): number | null {
  if (Buffer.from(segment.subarray(0, 6)).toString('latin1') !== 'Exif\0\0' || segment.length < 14) return null;
  const tiff = new DataView(segment.buffer, segment.byteOffset + 6, segment.length - 6);
  const little = tiff.getUint16(0) === 0x4949;
  if (!little && tiff.getUint16(0) !== 0x4d4d) return null;
  const ifd = tiff.getUint32(4, little);
  if (ifd + 2 > tiff.byteLength) return null;
  const entries = tiff.getUint16(ifd, little);
  for (let entry = 0; entry < entries; entry++) {
    const at = ifd + 2 + entry * 12;
    if (at + 12 > tiff.byteLength) return null;
    if (tiff.getUint16(at, little) === 0x0112) {
      const value = tiff.getUint16(at + 8, little);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return null;
}
