/** Order statistics over the samples of one benchmark figure. */

/** Returns the median of `values`, the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new RangeError('median needs at least one value; received none.');
  }

  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Returns the `p`-th percentile (0 to 100) of `values` by the nearest-rank method. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    throw new RangeError('percentile needs at least one value; received none.');
  }
  if (!(p >= 0 && p <= 100)) {
    throw new RangeError(`percentile must be from 0 to 100; received ${p}.`);
  }

  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Median and range of per-round comparisons, each computed between two samples of the same round. */
export interface RoundSummary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Divides each round's sample of `measured` by the same round's sample of `baseline` and
 * summarises the quotients. Ratios within a round cancel the machine's drift between rounds.
 */
export function ratiosWithinRounds(measured: readonly number[], baseline: readonly number[]): RoundSummary {
  if (measured.length !== baseline.length || measured.length === 0) {
    throw new RangeError(
      `ratiosWithinRounds needs one sample per round on both sides; received ${measured.length} and ${baseline.length}.`,
    );
  }

  const ratios = measured.map((value, round) => value / baseline[round]!);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** Subtracts each round's `baseline` sample from its `measured` sample and returns the median difference. */
export function differenceWithinRounds(measured: readonly number[], baseline: readonly number[]): RoundSummary {
  if (measured.length !== baseline.length || measured.length === 0) {
    throw new RangeError(
      `differenceWithinRounds needs one sample per round on both sides; received ${measured.length} and ${baseline.length}.`,
    );
  }

  const differences = measured.map((value, round) => value - baseline[round]!);
  return { median: median(differences), min: Math.min(...differences), max: Math.max(...differences) };
}
