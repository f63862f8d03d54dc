/**
 * A worker thread that renders for the local server (see render-pool.ts): the renderer built
 * once from `workerData`, one message per render.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ContentError, createRenderer, type RendererOptions } from '../lambdas/render';
import type { RenderRequest, RenderResponse } from './render-pool';

const port = parentPort;
if (port === null) throw new Error('render-worker.ts runs as a worker thread');
const renderer = await createRenderer(workerData as RendererOptions);

port.on('message', (request: RenderRequest) => {
  const answer = (response: RenderResponse) => port.postMessage(response);
  renderer.render(request.source, request.options).then(
    (result) => answer({ id: request.id, result }),
    (error: unknown) => {
      const failure =
        error instanceof ContentError
          ? { kind: 'content' as const, name: error.name, file: error.file, problems: error.problems }
          : { kind: 'other' as const, name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) };
      answer({ id: request.id, failure });
    },
  );
});
port.postMessage({ ready: renderer.templates } satisfies RenderResponse);
