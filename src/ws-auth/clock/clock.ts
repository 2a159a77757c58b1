/**
 * Source of the current time for every time-dependent path of the module: token expiry,
 * cache lifetimes, circuit-breaker windows and reset timeouts.
 *
 * Provide a replacement under {@link WS_AUTH_CLOCK} to move time in tests without sleeping.
 */
export interface Clock {
  /** Current time in milliseconds since the Unix epoch. */
  now(): number;

  /**
   * Monotonic time in milliseconds, with sub-millisecond resolution, from an arbitrary origin.
   * Only the difference of two readings means something. The module measures durations for its
   * metrics with it, and with `now()` when a clock does not implement it.
   */
  monotonicNow?(): number;
}

/** Injection token of the {@link Clock} that the whole module reads. */
export const WS_AUTH_CLOCK = Symbol('WS_AUTH_CLOCK');

/**
 * Clock backed by `Date.now()` and `performance.now()`, the default value of
 * {@link WS_AUTH_CLOCK}.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicNow: () => performance.now(),
};
