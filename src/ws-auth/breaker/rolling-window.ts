/** Numbers of completed and failed calls counted in a {@link RollingWindow}. */
export interface WindowCounts {
  readonly calls: number;
  readonly failures: number;
}

/**
 * Counts of completed and failed calls over the last `windowMs` milliseconds, kept in a ring of
 * `bucketCount` buckets so memory and the cost of recording stay constant.
 *
 * Bucket `k` covers the times from `k * windowMs / bucketCount` (inclusive) to
 * `(k + 1) * windowMs / bucketCount` (exclusive), counted from the Unix epoch. A read at time `now`
 * counts the bucket that contains `now` and the `bucketCount - 1` buckets before it, so an outcome
 * counts for more than `windowMs - windowMs / bucketCount` and at most `windowMs` milliseconds.
 */
export class RollingWindow {
  /** Bucket number stored in each slot, or `-Infinity` for a slot not used yet. */
  private readonly bucketNumbers: Float64Array;
  private readonly callCounts: Float64Array;
  private readonly failureCounts: Float64Array;

  /**
   * @param windowMs length of the window in milliseconds, a positive integer.
   * @param bucketCount number of buckets, a positive integer of at most 1000 and at most `windowMs`.
   *   With times below 2^52 / 1000 ms (beyond the year 2100), bucket numbers are computed exactly.
   */
  constructor(
    private readonly windowMs: number,
    private readonly bucketCount: number,
  ) {
    this.bucketNumbers = new Float64Array(bucketCount).fill(-Infinity);
    this.callCounts = new Float64Array(bucketCount);
    this.failureCounts = new Float64Array(bucketCount);
  }

  /** Counts one completed call at time `now` (milliseconds since the Unix epoch). */
  record(now: number, failed: boolean): void {
    const bucket = this.bucketAt(now);
    const slot = this.slotOf(bucket);

    if (this.bucketNumbers[slot] !== bucket) {
      this.bucketNumbers[slot] = bucket;
      this.callCounts[slot] = 0;
      this.failureCounts[slot] = 0;
    }
    this.callCounts[slot]! += 1;
    if (failed) {
      this.failureCounts[slot]! += 1;
    }
  }

  /** Sums the calls and failures that count at time `now`. */
  countAt(now: number): WindowCounts {
    const newest = this.bucketAt(now);
    const oldest = newest - this.bucketCount + 1;
    let calls = 0;
    let failures = 0;

    for (let slot = 0; slot < this.bucketCount; slot += 1) {
      const bucket = this.bucketNumbers[slot]!;
      if (bucket >= oldest && bucket <= newest) {
        calls += this.callCounts[slot]!;
        failures += this.failureCounts[slot]!;
      }
    }
    return { calls, failures };
  }

  /** Forgets every recorded call. */
  clear(): void {
    this.bucketNumbers.fill(-Infinity);
    this.callCounts.fill(0);
    this.failureCounts.fill(0);
  }

  private bucketAt(now: number): number {
    // Multiplying before dividing gives the exact bucket number for integer times, where dividing
    // by a rounded bucket width could put a time at a bucket edge into the wrong bucket.
    return Math.floor((now * this.bucketCount) / this.windowMs);
  }

  private slotOf(bucket: number): number {
    const slot = bucket % this.bucketCount;
    return slot < 0 ? slot + this.bucketCount : slot;
  }
}
