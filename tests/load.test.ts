import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../lambdas/render/errors';
import { loadFile } from '../lambdas/render/load';
import { DEFAULT_LIMITS } from '../lambdas/render/limits';

const seedPath = new URL('../content/depeche-afp-2022-02-28.txt', import.meta.url).pathname;

async function loadError(path: string, limits = {}): Promise<InputError> {
  const error = await loadFile(path, limits).then(
    () => null,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('load', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'load-test-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads the bytes, keeps the path as given as the name, and takes the modification time', async () => {
    // Prepare
    const [bytes, info] = await Promise.all([readFile(seedPath), stat(seedPath)]);

    // Act
    const source = await loadFile(seedPath);

    // Assert
    expect(source.name).toBe(seedPath);
    expect(Buffer.compare(Buffer.from(source.bytes), bytes)).toBe(0);
    expect(source.modifiedAt.getTime()).toBe(info.mtime.getTime());
  });

  it('refuses a file over the limit from its size, with both sizes', async () => {
    const path = join(folder, 'huge.yaml');
    await writeFile(path, '');
    // Sparse: the size the file system reports, without writing a mebibyte.
    await truncate(path, DEFAULT_LIMITS.maxBytes + 1);

    const error = await loadError(path);

    expect(error.file).toBe(path);
    expect(error.problems).toEqual([
      {
        message: `the file is 1.0 MiB (${DEFAULT_LIMITS.maxBytes + 1} bytes), too large to publish`,
        expected: `at most 1 MiB (${DEFAULT_LIMITS.maxBytes} bytes)`,
      },
    ]);
  });

  it('takes a lower limit from the caller', async () => {
    const path = join(folder, 'small.yaml');
    await writeFile(path, 'title: Une dépêche\ndate: 2022-02-28\n');

    const error = await loadError(path, { maxBytes: 16 });

    expect(error.problems[0]?.expected).toBe('at most 16 bytes');
  });

  it('says so when the file does not exist', async () => {
    const path = join(folder, 'missing.yaml');

    const error = await loadError(path);

    expect(error.message).toBe(`${path}: there is no such file (expected the path of an event document)`);
  });

  it('says so when the path is a folder', async () => {
    const error = await loadError(folder);

    expect(error.problems[0]?.message).toBe('this is a folder, not a file');
  });

  it('refuses a FIFO named like a document at once instead of waiting for a writer', async () => {
    // Prepare
    const fifo = join(folder, 'x.yaml');
    execFileSync('mkfifo', [fifo]);

    // Act
    const error = await loadError(fifo);

    // Assert
    expect(error.problems[0]).toEqual({ message: 'this is not a regular file', expected: 'the path of an event document' });
  }, 5_000);
});
