/**
 * Renders in worker threads for the local server: a long render (hundreds of pages, seconds of
 * CPU) would otherwise block the event loop that also serves the S3 API, so that every client
 * of `npm run dev` waited for it. In Lambda each invocation has its own process; here the pool
 * gives the local server the same isolation.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ContentError, type ImageAccess, type ImageRead, type Renderer, type RendererOptions, type RenderResult } from '../lambdas/render';

type RenderArguments = Parameters<Renderer['render']>;

/**
 * A render's options as they cross to the worker: the picture reader is a function of this
 * thread (it reads the bucket), so the worker gets the document's path and asks for each picture.
 */
export interface RenderRequest {
  readonly id: number;
  readonly source: RenderArguments[0];
  readonly options?: Omit<NonNullable<RenderArguments[1]>, 'images'> & {
    readonly imagesOf?: Pick<ImageAccess, 'documentPath' | 'namePrefix'>;
  };
}

/** Messages this thread sends a worker: a render, or the answer to one of its picture reads. */
export type WorkerMessage =
  | { readonly render: RenderRequest }
  | { readonly read: number; readonly answer: { readonly found: ImageRead } | { readonly error: string } };

export type RenderResponse =
  | { readonly ready: readonly string[] }
  | { readonly id: number; readonly read: number; readonly path: string; readonly maxBytes: number }
  | { readonly id: number; readonly result: RenderResult }
  | {
      readonly id: number;
      readonly failure:
        | { readonly kind: 'content'; readonly name: string; readonly file: string; readonly problems: ContentError['problems'] }
        | { readonly kind: 'other'; readonly name: string; readonly message: string };
    };

const WORKER_URL = new URL('./render-worker.ts', import.meta.url).href;

export interface RenderPool extends Renderer {
  close(): Promise<void>;
}

export async function startRenderPool(options: RendererOptions, size = Math.min(2, availableParallelism())): Promise<RenderPool> {
  const pending = new Map<number, { resolve: (result: RenderResult) => void; reject: (error: Error) => void; images?: ImageAccess }>();
  let nextId = 0;
  const workers = Array.from(
    { length: size },
    () =>
      // A worker thread does not inherit the TypeScript loader this process runs under (tsx, or
      // vitest's): it registers tsx itself before loading the worker's module.
      new Worker(
        `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL)}); })`,
        { eval: true, workerData: options },
      ),
  );
  const load = new Map(workers.map((worker) => [worker, 0]));
  let closing = false;
  for (const worker of workers) {
    // A worker that dies (out of memory) fails what it was rendering, never leaves it waiting.
    worker.once('exit', (code) => {
      if (closing) return;
      for (const [id, waiting] of pending) {
        pending.delete(id);
        waiting.reject(new Error(`a render worker stopped (exit code ${code})`));
      }
    });
  }
  const templates = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<readonly string[]>((resolve, reject) => {
          worker.once('error', reject);
          worker.on('message', (response: RenderResponse) => {
            if ('ready' in response) {
              worker.off('error', reject);
              resolve(response.ready);
              return;
            }
            const waiting = pending.get(response.id);
            if ('read' in response) {
              const { read, path, maxBytes } = response;
              const reading = waiting?.images?.read(path, maxBytes) ?? Promise.reject(new Error(`no picture reader for render ${response.id}`));
              void reading.then(
                (found) => worker.postMessage({ read, answer: { found } } satisfies WorkerMessage),
                (error: unknown) => worker.postMessage({ read, answer: { error: error instanceof Error ? error.message : String(error) } } satisfies WorkerMessage),
              );
              return;
            }
            pending.delete(response.id);
            load.set(worker, (load.get(worker) ?? 1) - 1);
            if (waiting === undefined) return;
            if ('result' in response) {
              // Structured cloning hands the PDF over as a plain Uint8Array.
              const { pdf } = response.result;
              waiting.resolve({ ...response.result, pdf: Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength) });
              return;
            }
            const { failure } = response;
            if (failure.kind === 'content') {
              // The publisher tells the document's faults from ours by this class; the report names the kind.
              waiting.reject(Object.assign(new ContentError(failure.file, failure.problems), { name: failure.name }));
            } else {
              waiting.reject(Object.assign(new Error(failure.message), { name: failure.name }));
            }
          });
        }),
    ),
  );
  return {
    templates: templates[0] ?? [],
    render(source, renderOptions) {
      // The least busy worker; ties go to the first.
      const worker = [...load.entries()].sort((a, b) => a[1] - b[1])[0]?.[0] as Worker;
      load.set(worker, (load.get(worker) ?? 0) + 1);
      const id = nextId++;
      const { images, ...options } = renderOptions ?? {};
      return new Promise<RenderResult>((resolve, reject) => {
        pending.set(id, { resolve, reject, images });
        const request: RenderRequest = { id, source, options: { ...options, imagesOf: images && { documentPath: images.documentPath, namePrefix: images.namePrefix } } };
        worker.postMessage({ render: request } satisfies WorkerMessage);
      });
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
