/** Settings shared by every benchmark section. */
export interface BenchSettings {
  /** Measured rounds of every comparison, after one warm-up round. */
  readonly rounds: number;
  /** Prints a progress line. */
  readonly log: (line: string) => void;
}
