/** Settings shared by every benchmark section. */
export interface BenchSettings {
  /** Measured rounds of every comparison between servers, after one warm-up round. */
  readonly rounds: number;
  /**
   * Measured rounds of every in-process micro-benchmark. Its batches are short, so more rounds
   * fit in the same time, and their median is less moved by other processes on the machine.
   */
  readonly microRounds: number;
  /** Prints a progress line. */
  readonly log: (line: string) => void;
}
