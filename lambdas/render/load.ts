/**
 * load: a local file as a SourceFile (the command line and the benchmark; the Lambda reads S3).
 * A file the user named wrongly, cannot read, or that is too large is the user's to fix, so it is
 * an InputError with the reason rather than a Node stack trace.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { InputError } from './errors';
import { type InputLimits, sourceSizeError } from './limits';
import type { SourceFile } from './types';

const UNREADABLE: Readonly<Record<string, string>> = {
  ENOENT: 'there is no such file',
  ENOTDIR: 'there is no such file (a folder on the way is a file)',
  EACCES: 'the file cannot be read: permission denied',
  EPERM: 'the file cannot be read: permission denied',
};

export async function loadFile(path: string, limits: Partial<Pick<InputLimits, 'maxBytes'>> = {}): Promise<SourceFile> {
  // Non-blocking, so that a FIFO named x.yaml is refused below instead of waiting forever for a
  // writer (in libuv's thread pool, where Ctrl-C cannot reach it); regular files read as usual.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: unknown) => {
    const reason = UNREADABLE[(error as NodeJS.ErrnoException).code ?? ''];
    if (reason === undefined) throw error;
    throw new InputError(path, [{ message: reason, expected: 'the path of an event document' }], { cause: error });
  });
  try {
    // Stat the open handle, not the path, so that size and content belong to the same file.
    const info = await handle.stat();
    if (!info.isFile()) {
      const message = info.isDirectory() ? 'this is a folder, not a file' : 'this is not a regular file';
      throw new InputError(path, [{ message, expected: 'the path of an event document' }]);
    }
    const tooLarge = sourceSizeError(path, info.size, limits.maxBytes);
    if (tooLarge !== null) throw tooLarge;
    return { name: path, bytes: await handle.readFile(), modifiedAt: info.mtime };
  } finally {
    await handle.close();
  }
}
