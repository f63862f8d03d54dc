/**
 * The Lambda Invoke API on 127.0.0.1, running a handler in this process, so that code which
 * invokes the function with the real @aws-sdk/client-lambda (the scheduled reconcile's hand-overs,
 * the redrive) is tested through the SDK and HTTP. `Event` invocations answer 202 and run after
 * the answer, as Lambda queues them; `RequestResponse` ones answer the handler's result, or its
 * error with `X-Amz-Function-Error: Unhandled` and Lambda's error payload.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalLambda {
  readonly endpoint: string;
  /** Every invocation received: the function name from the path, the invocation type, the payload. */
  readonly invocations: { readonly functionName: string; readonly type: string; readonly payload: unknown }[];
  /** Resolves once every Event invocation received so far (and those they caused) has run. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalLambda(handler: (payload: unknown) => Promise<unknown>): Promise<LocalLambda> {
  const invocations: { functionName: string; type: string; payload: unknown }[] = [];
  const running = new Set<Promise<unknown>>();
  const server = createServer((request, response) => {
    void (async () => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.url ?? '');
      if (request.method !== 'POST' || match === null) {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `no route ${request.url}` }));
        return;
      }
      const payload = JSON.parse((await bodyOf(request)) || 'null') as unknown;
      const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      invocations.push({ functionName: decodeURIComponent(match[1] ?? ''), type, payload });
      if (type === 'Event') {
        response.writeHead(202).end();
        const run = handler(payload).catch(() => undefined);
        running.add(run);
        void run.finally(() => running.delete(run));
        return;
      }
      try {
        const result = await handler(payload);
        response.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' }).end(JSON.stringify(result ?? null));
      } catch (error) {
        const { name, message } = error instanceof Error ? error : new Error(String(error));
        response
          .writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' })
          .end(JSON.stringify({ errorType: name, errorMessage: message }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    invocations,
    async idle() {
      while (running.size > 0) await Promise.all(running);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
