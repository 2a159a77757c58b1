import type { Clock } from './clock.js';

/** Reads the clock's monotonic time in milliseconds, or `now()` when it has none. */
export function monotonicMs(clock: Clock): number {
  return clock.monotonicNow?.() ?? clock.now();
}

/** Returns the seconds elapsed since `startedMs`, a reading of {@link monotonicMs}; never negative. */
export function secondsSince(clock: Clock, startedMs: number): number {
  return Math.max(0, monotonicMs(clock) - startedMs) / 1000;
}
