/**
 * Records every command an S3 client sends to the server (once per command, whatever its
 * retries), with the key or prefix it named and, for a listing, how many objects the server
 * returned: what a test needs to show how much of the bucket a stage reads. And holds chosen
 * commands back, as a slow server would (holdRequests). Both are SDK middleware on the real client.
 */
import type { S3Client } from '@aws-sdk/client-s3';

export interface CountedRequest {
  readonly command: string;
  readonly key?: string;
  readonly prefix?: string;
  /** ListObjectsV2: the objects in the page. */
  readonly listed?: number;
}

export function countRequests(client: S3Client): CountedRequest[] {
  const requests: CountedRequest[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string; Prefix?: string };
      const request: { -readonly [name in keyof CountedRequest]: CountedRequest[name] } = {
        command: context.commandName ?? 'unknown',
        ...(input.Key === undefined ? {} : { key: input.Key }),
        ...(input.Prefix === undefined ? {} : { prefix: input.Prefix }),
      };
      // Recorded before it is answered: a 404 is a request too.
      requests.push(request);
      const result = await next(args);
      const output = result.output as { KeyCount?: number };
      if (output.KeyCount !== undefined) request.listed = output.KeyCount;
      return result;
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return requests;
}

/**
 * A server that answers some commands slowly, on demand: each command `held` picks (by name and
 * key) waits until `until()` has passed before it is sent. What a deadline test needs, since the
 * local server is never slow by itself.
 */
export function holdRequests(client: S3Client, held: (command: string, key: string | undefined) => boolean, until: () => number): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const { Key: key } = args.input as { Key?: string };
      if (held(context.commandName ?? 'unknown', key)) await new Promise((resolve) => setTimeout(resolve, Math.max(0, until() - Date.now())));
      return next(args);
    },
    { step: 'initialize', name: 'holdRequests' },
  );
}
