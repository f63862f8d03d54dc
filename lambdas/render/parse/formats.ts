/**
 * The encodings the content format accepts, told apart by extension. Apart from the parsers, so
 * that the command line can list and filter files without loading them.
 */
import { extname } from 'node:path';
import { UnsupportedFormatError } from '../errors';
import type { SourceFormat } from '../types';

const FORMAT_BY_EXTENSION: Readonly<Record<string, SourceFormat>> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'dispatch',
};

/** Lower case, with the dot, as `path.extname` gives them. */
export const ACCEPTED_EXTENSIONS: readonly string[] = Object.keys(FORMAT_BY_EXTENSION);

/**
 * The pictures a document may name, by extension (the image stage checks that the bytes are what
 * the name says). The publisher tells pictures from documents by it: an uploaded picture is not a
 * document, it re-publishes the documents that use it.
 */
export const PICTURE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.svg'];

export function formatOf(name: string): SourceFormat {
  const extension = extname(name).toLowerCase();
  const format = FORMAT_BY_EXTENSION[extension];
  if (format) return format;
  throw new UnsupportedFormatError(name, [
    {
      message: extension === '' ? 'the file name has no extension, so its encoding is unknown' : `"${extname(name)}" files are not accepted`,
      expected: `one of ${ACCEPTED_EXTENSIONS.join(', ')}`,
    },
  ]);
}
