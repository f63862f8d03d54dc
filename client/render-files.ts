/**
 * Renders local files straight through the engine, with no S3 in between
 * (`npm run render`, and the benchmark's document source).
 */
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { ACCEPTED_EXTENSIONS, ContentError, loadFile, OperatorError, PICTURE_EXTENSIONS, type Problem, type Renderer } from '../lambdas/render';
import { folderImages } from './image-files';

export interface RenderTarget {
  readonly path: string;
  /** The folder that stands for the bucket's content/: the folder named, or a named file's own folder. */
  readonly root: string;
  /** Output path relative to the output folder, without `.pdf`. */
  readonly outputName: string;
}

export type RenderOutcome =
  | {
      readonly ok: true;
      readonly target: RenderTarget;
      readonly output: string;
      readonly template: string;
      readonly pages: number;
      readonly bytes: number;
      readonly ms: number;
      readonly warnings: readonly Problem[];
    }
  | { readonly ok: false; readonly target: RenderTarget; readonly message: string; readonly ms: number };

/** Files as named; folders searched recursively for documents with an accepted extension. */
export async function findTargets(paths: readonly string[]): Promise<RenderTarget[]> {
  const targets: RenderTarget[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (info?.isDirectory()) {
      for (const file of await listFiles(path, ACCEPTED_EXTENSIONS)) {
        const name = relative(path, file);
        targets.push({ path: file, root: path, outputName: name.slice(0, name.length - extname(name).length) });
      }
    } else {
      targets.push({ path, root: dirname(path), outputName: basename(path, extname(path)) });
    }
  }
  return targets;
}

/** The pictures under `folder`, which documents there may name (recursively, in name order). */
export function findPictures(folder: string): Promise<string[]> {
  return listFiles(folder, PICTURE_EXTENSIONS);
}

async function listFiles(folder: string, extensions: readonly string[]): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const files = await Promise.all(
    entries
      .filter((entry) => !entry.name.startsWith('.'))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(async (entry) => {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) return listFiles(path, extensions);
        return extensions.includes(extname(entry.name).toLowerCase()) ? [path] : [];
      }),
  );
  return files.flat();
}

/** The output folder cannot be used; the command says so in one line, before rendering anything. */
class OutputFolderError extends OperatorError {}

/**
 * `mkdir -p` one level at a time: Node's recursive mkdir loops forever where the kernel answers
 * ENOENT under a folder that exists (`--out /proc/x`), and says EEXIST for a file in the way.
 */
export async function ensureFolder(path: string): Promise<void> {
  const missing: string[] = [];
  for (let folder = resolve(path); ; folder = dirname(folder)) {
    const info = await stat(folder).catch((error: unknown) => {
      const { code } = error as NodeJS.ErrnoException;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw new OutputFolderError(`${path}: cannot use ${folder} as a folder (${(error as Error).message})`, { cause: error });
    });
    if (info?.isDirectory()) break;
    if (info !== null) throw new OutputFolderError(`${path}: ${folder} is a file, not a folder (expected a folder for the PDFs)`);
    missing.unshift(folder);
    if (dirname(folder) === folder) break;
  }
  for (const folder of missing) {
    await mkdir(folder).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw new OutputFolderError(`${path}: cannot create the folder ${folder} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    });
  }
}

/** Renders one file; a document the author must fix is an outcome, not an exception. */
export async function renderTarget(renderer: Renderer, target: RenderTarget, outDir: string): Promise<RenderOutcome> {
  const started = performance.now();
  try {
    const result = await renderer.render(await loadFile(target.path), { images: folderImages(target.root, target.path) });
    const output = join(outDir, `${target.outputName}.pdf`);
    await ensureFolder(dirname(output));
    // Written beside and renamed, so a reader never sees a half-written PDF.
    await writeFile(`${output}.partial`, result.pdf);
    await rename(`${output}.partial`, output);
    return {
      ok: true,
      target,
      output,
      template: result.template,
      pages: result.pages,
      bytes: result.pdf.length,
      ms: performance.now() - started,
      warnings: result.warnings,
    };
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    return { ok: false, target, message: error.message, ms: performance.now() - started };
  }
}
