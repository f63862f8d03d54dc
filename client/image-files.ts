/**
 * Pictures of a document rendered from local files: read from the folder that stands for the
 * bucket's content/ prefix, so a document and its pictures keep the same relative layout locally
 * and in the bucket.
 */
import { realpath, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ImageAccess, ImageRead } from '../lambdas/render';

/** `root` is the content folder; `documentFile` the document's path (inside `root`). */
export function folderImages(root: string, documentFile: string): ImageAccess {
  return {
    documentPath: relative(root, documentFile).split(sep).join('/'),
    async read(path, maxBytes): Promise<ImageRead> {
      const file = join(root, ...path.split('/'));
      const [info, realFile, realRoot] = await Promise.all([stat(file).catch(() => null), realpath(file).catch(() => null), realpath(root)]);
      if (info === null || realFile === null) return { kind: 'missing' };
      // A symbolic link inside the folder must not reach a file outside it.
      if (relative(realRoot, realFile).startsWith('..')) return { kind: 'outside' };
      if (!info.isFile()) return { kind: 'missing' };
      if (info.size > maxBytes) return { kind: 'too-large', bytes: info.size };
      return { kind: 'found', bytes: await readFile(realFile) };
    },
  };
}
