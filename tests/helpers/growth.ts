/**
 * How an operation's time grows with its input, measured so that the machine's load does not
 * decide the result: the CPU time of this process (not the wall clock, which other processes
 * stretch) for inputs of size n and 4n, interleaved so that a slow phase of the machine hits
 * both alike, the fastest of several rounds each.
 */

/** Linear code takes about 4 times as long for 4 times the input, quadratic 16 times: the bound lies between. */
export const LINEAR_GROWTH_BOUND = 8;

export async function growthRatio<T>(prepare: (size: number) => T, act: (input: T) => unknown, size: number, rounds = 3): Promise<number> {
  const small = prepare(size);
  const large = prepare(size * 4);
  // Compiled and warmed before anything is timed.
  await act(small);
  let fastestSmall = Number.POSITIVE_INFINITY;
  let fastestLarge = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    fastestSmall = Math.min(fastestSmall, await cpuMs(() => act(small)));
    fastestLarge = Math.min(fastestLarge, await cpuMs(() => act(large)));
  }
  return fastestLarge / fastestSmall;
}

/** An asynchronous operation is awaited inside the measure, so that the work after its first await counts too. */
async function cpuMs(action: () => unknown): Promise<number> {
  const started = process.cpuUsage();
  await action();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}
