/**
 * A worker thread that renders for the local server (see render-pool.ts): the renderer built
 * once from `workerData`, one message per render.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ContentError, createRenderer, type ImageAccess, type ImageRead, type RendererOptions } from '../lambdas/render';
import type { RenderRequest, RenderResponse, WorkerMessage } from './render-pool';

const port = parentPort;
if (port === null) throw new Error('render-worker.ts runs as a worker thread');
const renderer = await createRenderer(workerData as RendererOptions);

/** Picture reads asked of the main thread, which holds the reader, by the number of the read. */
const reads = new Map<number, { resolve: (read: ImageRead) => void; reject: (error: Error) => void }>();
let nextRead = 0;

function imagesFor(request: RenderRequest, { documentPath, namePrefix }: Pick<ImageAccess, 'documentPath' | 'namePrefix'>): ImageAccess {
  return {
    documentPath,
    ...(namePrefix === undefined ? {} : { namePrefix }),
    read(path, maxBytes) {
      const read = nextRead++;
      return new Promise<ImageRead>((resolve, reject) => {
        reads.set(read, { resolve, reject });
        port?.postMessage({ id: request.id, read, path, maxBytes } satisfies RenderResponse);
      });
    },
  };
}

function render(request: RenderRequest): void {
  const answer = (response: RenderResponse) => port?.postMessage(response);
  const { imagesOf, ...options } = request.options ?? {};
  const images = imagesOf === undefined ? undefined : imagesFor(request, imagesOf);
  renderer.render(request.source, { ...options, ...(images === undefined ? {} : { images }) }).then(
    (result) => answer({ id: request.id, result }),
    (error: unknown) => {
      const failure =
        error instanceof ContentError
          ? { kind: 'content' as const, name: error.name, file: error.file, problems: error.problems }
          : { kind: 'other' as const, name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) };
      answer({ id: request.id, failure });
    },
  );
}

port.on('message', (message: WorkerMessage) => {
  if ('render' in message) {
    render(message.render);
    return;
  }
  const waiting = reads.get(message.read);
  reads.delete(message.read);
  if ('found' in message.answer) waiting?.resolve(message.answer.found);
  else waiting?.reject(new Error(message.answer.error));
});
port.postMessage({ ready: renderer.templates } satisfies RenderResponse);
