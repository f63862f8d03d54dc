/**
 * The one concurrency limit of the project, for the republish client (documents checked at once)
 * and the local emulator (invocations at once). It lives here because both may import lambdas/
 * and nothing else they share.
 */

/** Runs each task it is given once fewer than `limit` are running, in the order given. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`concurrency ${limit}: expected a whole number of at least 1`);
  }
  let running = 0;
  const waiting: (() => void)[] = [];
  // A finishing task hands its place to the first waiting one, so `running` never overshoots.
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) running -= 1;
    else next();
  };
  return async (task) => {
    if (running < limit) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
