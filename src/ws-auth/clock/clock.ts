/**
 * Source of the current time for every time-dependent path of the module: token expiry,
 * cache lifetimes, circuit-breaker windows and reset timeouts.
 *
 * Provide a replacement under {@link WS_AUTH_CLOCK} to move time in tests without sleeping.
 */
export interface Clock {
  /** Current time in milliseconds since the Unix epoch. */
  now(): number;
}

/** Injection token of the {@link Clock} that the whole module reads. */
export const WS_AUTH_CLOCK = Symbol('WS_AUTH_CLOCK');

/** Clock backed by `Date.now()`, the default value of {@link WS_AUTH_CLOCK}. */
export const systemClock: Clock = {
  now: () => Date.now(),
};
