import { interleaveRounds } from './rounds.js';

/** One implementation of the operation that a micro-benchmark compares. */
export interface MicroCase {
  readonly name: string;
  /**
   * Runs the operation `iterations` times and returns a value derived from every result, so the
   * engine cannot drop the work. It may return a promise.
   *
   * Each case writes its own loop. One loop shared by all cases would make its call site
   * polymorphic and add the same dispatch cost to each case, which hides differences of a few
   * nanoseconds.
   */
  readonly batch: (iterations: number) => unknown;
}

/** Settings of {@link compareMicro}. */
export interface MicroOptions {
  /** Measured rounds, after one warm-up round. */
  readonly rounds: number;
  /** CPU time that one batch of one case should take, in milliseconds. */
  readonly batchMs: number;
}

/** Maximum iterations in one batch, so a case that does nothing cannot make a batch run for minutes. */
const MAX_ITERATIONS = 50_000_000;

/**
 * Measures the CPU time per operation, in nanoseconds, of every case in interleaved rounds and
 * returns the samples by case, then by round.
 *
 * The batch size of each case is calibrated first, so that a batch takes about `batchMs` of CPU time.
 */
export async function compareMicro(cases: readonly MicroCase[], options: MicroOptions): Promise<number[][]> {
  const iterations = new Map<MicroCase, number>();
  for (const microCase of cases) {
    iterations.set(microCase, await calibrate(microCase, options.batchMs));
  }

  return interleaveRounds(
    cases.map((microCase) => ({
      name: microCase.name,
      measure: async () => {
        const count = iterations.get(microCase)!;
        return (await timeBatch(microCase, count)) / count;
      },
    })),
    options.rounds,
  );
}

async function calibrate(microCase: MicroCase, batchMs: number): Promise<number> {
  const targetNs = batchMs * 1e6;
  let count = 1;

  while (count < MAX_ITERATIONS) {
    const elapsedNs = await timeBatch(microCase, count);
    if (elapsedNs >= targetNs / 8) {
      return Math.min(MAX_ITERATIONS, Math.max(1, Math.round((count * targetNs) / elapsedNs)));
    }
    count *= 4;
  }
  return MAX_ITERATIONS;
}

/**
 * Returns the CPU time of one batch in nanoseconds: user and system time of every thread of the
 * process. Time spent waiting while other processes run is not counted. Work done on helper
 * threads, such as garbage collection and the crypto thread pool, is.
 */
async function timeBatch(microCase: MicroCase, count: number): Promise<number> {
  const start = process.cpuUsage();
  const result = microCase.batch(count);
  const value: unknown = result instanceof Promise ? await result : result;
  const usage = process.cpuUsage(start);
  const elapsedNs = (usage.user + usage.system) * 1000;

  if (value === undefined) {
    throw new TypeError(`The batch of "${microCase.name}" returned undefined; return a value derived from every result.`);
  }
  return elapsedNs;
}
