/**
 * images: the pictures an event document names, read through the caller's ImageAccess (a local
 * folder, the bucket) and checked before anything decodes them. The engine never reads files
 * or the network itself. Loaded only by documents that have pictures (lambdas/render/index.ts).
 */
import { ContentError, RendererConfigError, type Problem } from '../errors';
import type { EventDocument, ImageAccess, ImageSet, LoadedImage, SourcePosition } from '../types';
import { inspectImage, type ImageFormat, type ImageLimits } from './inspect';

export interface PictureLimits extends ImageLimits {
  /** Larger files are refused before they are read whole. */
  readonly maxImageBytes: number;
}

export const PICTURE_LIMITS: PictureLimits = {
  maxImageBytes: 10 * 1024 * 1024,
  maxPngPixels: 25_000_000,
  maxJpegPixels: 60_000_000,
};

/** A picture the document names that cannot be printed: missing, outside the content folder, hostile. */
export class ImageError extends ContentError {}

interface Reference {
  readonly src: string;
  /** `images[0].src`, `sections[2].image.src` */
  readonly field: string;
}

/** Every picture of the document, in document order. */
function figureReferences(document: EventDocument): Reference[] {
  return [
    ...document.images.map((figure, index) => ({ src: figure.src, field: `images[${index}].src` })),
    ...document.sections.flatMap((section, index) => (section.image ? [{ src: section.image.src, field: `sections[${index}].image.src` }] : [])),
  ];
}

/**
 * `src` resolved against the document's folder, '/'-separated; null when it climbs out of the
 * content folder. Validation already refused absolute paths, addresses, `\` and %-escapes.
 */
export function resolveInside(documentPath: string, src: string): string | null {
  const segments = documentPath.split('/').slice(0, -1);
  for (const segment of src.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') segments.push(segment);
    else if (segments.pop() === undefined) return null;
  }
  return segments.join('/');
}

export async function loadImages(
  file: string,
  document: EventDocument,
  positions: ReadonlyMap<string, SourcePosition>,
  access: ImageAccess | undefined,
  limits: PictureLimits = PICTURE_LIMITS,
): Promise<ImageSet> {
  if (access === undefined) throw new RendererConfigError(`${file} has pictures, but this renderer was given no way to read them (RenderOptions.images)`);
  const references = figureReferences(document);
  const problems: Problem[] = [];
  const loaded = new Map<string, LoadedImage>();
  await Promise.all(
    references.map(async ({ src, field }) => {
      const problem = (message: string, expected?: string): void => {
        problems.push({ path: field, ...(positions.get(field) ?? {}), message: `"${src}" ${message}`, ...(expected ? { expected } : {}) });
      };
      const path = resolveInside(access.documentPath, src);
      const inside = 'a picture inside the content folder, relative to this document';
      if (path === null) return problem('leaves the content folder', inside);
      const read = await access.read(path, limits.maxImageBytes);
      // Where the caller has a name of its own for the file (the bucket key), the message gives it.
      const key = access.namePrefix === undefined ? undefined : `${access.namePrefix}${path}`;
      const named = key === undefined ? '' : `(${key}) `;
      switch (read.kind) {
        case 'missing':
          return problem(`does not exist (looked for ${key ?? `${path} in the content folder`})`, 'the path of an uploaded picture, relative to this document');
        case 'outside':
          return problem('is a symbolic link that leads outside the content folder', inside);
        case 'too-large':
          return problem(`${named}is ${mebibytes(read.bytes)}, more than the ${mebibytes(limits.maxImageBytes)} a picture may have`, 'a smaller picture');
        case 'found': {
          const format = formatOf(src);
          if (format === 'svg') {
            const { readSvg } = await import('./svg');
            const reading = readSvg(read.bytes);
            if (reading.kind === 'refused') return problem(`${named}${reading.reason}`);
            loaded.set(src, { format, width: reading.drawing.width, height: reading.drawing.height, drawing: reading.drawing });
            return undefined;
          }
          const inspection = inspectImage(read.bytes, format, limits, src.slice(src.lastIndexOf('.')));
          if (inspection.kind === 'refused') return problem(`${named}${inspection.reason}`);
          loaded.set(src, { format: inspection.format, width: inspection.width, height: inspection.height, bytes: read.bytes });
          return undefined;
        }
        default: {
          const unknown: never = read;
          throw new Error(`unknown image read ${JSON.stringify(unknown)}`);
        }
      }
    }),
  );
  if (problems.length > 0) {
    const order = new Map(references.map((reference, index) => [reference.field, index]));
    throw new ImageError(file, problems.sort((a, b) => (order.get(a.path ?? '') ?? 0) - (order.get(b.path ?? '') ?? 0)));
  }
  return loaded;
}

function formatOf(src: string): ImageFormat | 'svg' {
  const name = src.toLowerCase();
  if (name.endsWith('.svg')) return 'svg';
  return name.endsWith('.png') ? 'png' : 'jpeg';
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
