/** One side of a comparison: a way to take one sample of what it measures. */
export interface RoundVariant<T> {
  readonly name: string;
  /**
   * Takes one sample. `round` is 0 for the warm-up round and 1 to `rounds` for measured rounds, so a
   * variant can use fresh inputs (such as new tokens) in every round.
   */
  measure(round: number): Promise<T>;
}

/**
 * Samples every variant once per round, after one warm-up round whose samples are dropped, and
 * returns the samples by variant (in the order of `variants`) and then by round.
 *
 * The order of the variants rotates from round to round, so no variant always runs first, right
 * after a pause, or right after a given other variant.
 */
export async function interleaveRounds<T>(variants: readonly RoundVariant<T>[], rounds: number): Promise<T[][]> {
  const samples: T[][] = variants.map(() => []);

  for (let round = 0; round <= rounds; round += 1) {
    for (let offset = 0; offset < variants.length; offset += 1) {
      const index = (round + offset) % variants.length;
      const sample = await variants[index]!.measure(round);
      if (round > 0) {
        samples[index]!.push(sample);
      }
    }
  }

  return samples;
}
