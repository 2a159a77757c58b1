/**
 * The one real timer behind the deadline scheduler. Provide a replacement under
 * {@link WS_AUTH_TIMER} to decide in tests when the scheduler wakes up. The scheduler still reads
 * the time from `WS_AUTH_CLOCK`.
 */
export interface SchedulerTimer {
  /** Calls `callback` once after `delayMs` milliseconds and returns a handle for {@link clear}. */
  set(callback: () => void, delayMs: number): unknown;
  /** Cancels a call that {@link set} scheduled. A handle that already fired is ignored. */
  clear(handle: unknown): void;
}

/** Injection token of the {@link SchedulerTimer}. */
export const WS_AUTH_TIMER = Symbol('WS_AUTH_TIMER');

/**
 * Timer backed by `setTimeout`, the default value of {@link WS_AUTH_TIMER}. Its timers are
 * `unref()`'d, so a pending deadline never keeps the process alive.
 */
export const systemTimer: SchedulerTimer = {
  set: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
