import type { Clock } from '../clock/clock.js';
import { isAuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { resolveCircuitBreakerOptions, type CircuitBreakerOptions } from './circuit-breaker.options.js';
import { CircuitOpenError, isCircuitOpenError } from './circuit-open.error.js';
import type {
  CircuitBreakerSnapshot,
  CircuitState,
  CircuitStateChange,
  CircuitStateChangeTrigger,
} from './circuit-state.js';
import { RollingWindow, type WindowCounts } from './rolling-window.js';

/** Function called with every state change of a breaker. */
export type CircuitStateListener = (event: CircuitStateChange) => void;

/** Function called with the error of a state-change listener that threw, and the event it received. */
export type CircuitListenerErrorHandler = (error: unknown, event: CircuitStateChange) => void;

/** Pattern of a breaker name: the name of the remote dependency, such as `jwks` or `introspection`. */
const BREAKER_NAME_PATTERN = /^[a-z0-9_-]{1,64}$/;

interface ClosedState {
  readonly kind: 'closed';
}

interface OpenState {
  readonly kind: 'open';
  readonly openedAt: number;
  /** Whether an operator isolated the breaker, which then ignores the reset timeout until a reset. */
  readonly isolated: boolean;
}

interface HalfOpenState {
  readonly kind: 'half-open';
  /** Time of the opening that this half-open period follows. */
  readonly openedAt: number;
  probesInFlight: number;
}

type BreakerState = ClosedState | OpenState | HalfOpenState;

const CLOSED: ClosedState = Object.freeze({ kind: 'closed' });

/**
 * Circuit breaker for one remote dependency, driven by an injected clock and without timers.
 *
 * Closed, it runs every call and counts completed calls and failures in a rolling window. It opens
 * when the window contains at least `minimumCalls` calls and the failure rate is at or above
 * `failureThreshold`. The rate is checked each time a failure is recorded, so a success never
 * opens the breaker. Open, it rejects every call with a {@link CircuitOpenError} without running
 * it. The first call at or after `openedAt + resetTimeoutMs` turns it half-open, where up to
 * `halfOpenMaxProbes` probe calls run at once. A successful probe closes it with an empty window,
 * and a failed probe opens it again from the time of that failure.
 *
 * Only errors for which `isFailure` returns true count as failures, except a CircuitOpenError of this
 * breaker that a nested call passes on. Other errors are rethrown without being recorded. Every
 * state change starts a new generation, and the outcome of a call admitted in an earlier generation
 * is ignored, also by the snapshot figures. So a slow call cannot close or re-open the breaker after
 * the state it started in has ended.
 */
export class CircuitBreaker {
  private state: BreakerState = CLOSED;
  /** Incremented with every change of `state` and every reset. */
  private generation = 0;
  private readonly options: Readonly<CircuitBreakerOptions>;
  private readonly window: RollingWindow;
  private lastFailureReason: string | null = null;
  private lastFailureAt: number | null = null;
  private readonly listeners = new Set<CircuitStateListener>();

  /**
   * @param name name of the protected dependency: 1 to 64 characters of `a-z`, `0-9`, `_` and `-`.
   * @param options breaker settings, validated again here.
   * @param clock source of time for the window and the reset timeout.
   * @param onListenerError receives errors thrown by state-change listeners. Without it, such errors
   *   are dropped, so a listener can never break the breaker.
   * @throws TypeError when `name` or an option has the wrong type or form, RangeError when an
   *   option is out of range.
   */
  constructor(
    readonly name: string,
    options: Readonly<CircuitBreakerOptions>,
    private readonly clock: Clock,
    private readonly onListenerError?: CircuitListenerErrorHandler,
  ) {
    assertBreakerName(name);
    this.options = resolveCircuitBreakerOptions(options);
    this.window = new RollingWindow(this.options.windowMs, this.options.windowBuckets);
  }

  /**
   * Runs `call` unless the breaker rejects it, and records its outcome.
   *
   * @param call the request to the dependency.
   * @param isFailure returns true for an error of `call` that is an infrastructure failure and
   *   counts against the dependency. By default only an `AuthUnavailableError` counts. If it throws,
   *   the outcome is not recorded and its error replaces the error of `call`.
   * @returns the value of `call`.
   * @throws CircuitOpenError without running `call` while the breaker is open, isolated, or
   *   half-open with every probe slot in use; otherwise whatever `call` throws, unchanged.
   */
  async execute<T>(
    call: () => Promise<T>,
    isFailure: (error: unknown) => boolean = isAuthUnavailableError,
  ): Promise<T> {
    const generation = this.state.kind === 'closed' ? this.generation : this.admitProbe(this.state);
    let value: T;

    try {
      value = await call();
    } catch (error) {
      this.settleRejection(generation, error, isFailure);
      throw error;
    }

    this.settleSuccess(generation);
    return value;
  }

  /** Forces the breaker open and keeps it open, ignoring the reset timeout, until {@link reset}. */
  isolate(): void {
    const state = this.state;
    if (state.kind === 'open' && state.isolated) {
      return;
    }

    const now = this.clock.now();
    const openedAt = state.kind === 'open' ? state.openedAt : now;
    const isolated: OpenState = { kind: 'open', openedAt, isolated: true };
    this.transition(isolated, 'isolate', now, this.window.countAt(now), null);
  }

  /**
   * Closes the breaker with an empty window and ends isolation. Outcomes of calls already running
   * are ignored. A breaker that is already closed only has its window emptied, without an event.
   */
  reset(): void {
    if (this.state.kind === 'closed') {
      this.window.clear();
      this.generation += 1;
      return;
    }
    this.close('reset', this.clock.now());
  }

  /**
   * Registers `listener` for every later state change. A listener that throws does not affect the
   * breaker or the other listeners, and its error goes to `onListenerError`.
   *
   * @returns a function that removes the listener.
   */
  onStateChange(listener: CircuitStateListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Reads the state and the window at the clock's current time, without changing the breaker. An
   * open breaker whose reset timeout has passed is reported as `half-open`, because the next call
   * will be admitted as a probe.
   */
  snapshot(): CircuitBreakerSnapshot {
    const now = this.clock.now();
    const state = this.state;
    const { calls, failures } = this.window.countAt(now);
    const seenState = this.stateSeenAt(state, now);

    return {
      name: this.name,
      state: seenState,
      openedAt: state.kind === 'closed' ? null : state.openedAt,
      probeAt:
        seenState === 'open' && state.kind === 'open' && !state.isolated ? state.openedAt + this.options.resetTimeoutMs : null,
      calls,
      failures,
      failureRate: calls === 0 ? 0 : failures / calls,
      lastFailureReason: this.lastFailureReason,
      lastFailureAt: this.lastFailureAt,
      isolated: state.kind === 'open' && state.isolated,
    };
  }

  /**
   * Admits a probe call or throws a {@link CircuitOpenError}, moving an open breaker whose reset
   * timeout has passed to half-open. Returns the generation the admitted call belongs to.
   */
  private admitProbe(state: OpenState | HalfOpenState): number {
    if (state.kind === 'open') {
      return this.admitFirstProbe(state);
    }
    if (state.probesInFlight >= this.options.halfOpenMaxProbes) {
      throw new CircuitOpenError(this.name, 'circuit_open', 'half-open');
    }

    state.probesInFlight += 1;
    return this.generation;
  }

  private admitFirstProbe(state: OpenState): number {
    if (state.isolated) {
      throw new CircuitOpenError(this.name, 'isolated');
    }

    const now = this.clock.now();
    if (now < state.openedAt + this.options.resetTimeoutMs) {
      throw new CircuitOpenError(this.name, 'circuit_open');
    }

    // The probe slot is taken before listeners run, so a listener that changes the state turns
    // this call into one of an older generation instead of a probe of a state that has ended.
    const halfOpen: HalfOpenState = { kind: 'half-open', openedAt: state.openedAt, probesInFlight: 1 };
    const generation = this.generation + 1;
    this.transition(halfOpen, 'reset-timeout', now, this.window.countAt(now), null);
    return generation;
  }

  private settleSuccess(generation: number): void {
    if (generation !== this.generation) {
      return;
    }

    const now = this.clock.now();
    if (this.state.kind === 'closed') {
      this.window.record(now, false);
    } else {
      // A call of the current generation outside the closed state is always a half-open probe,
      // because entering the open state starts a new generation and admits no call.
      this.close('probe-succeeded', now);
    }
  }

  private settleRejection(generation: number, error: unknown, isFailure: (error: unknown) => boolean): void {
    let counted = false;

    // The finally block frees the probe slot also when isFailure throws.
    try {
      counted = !this.isOwnRejection(error) && isFailure(error);
    } finally {
      if (generation === this.generation) {
        if (counted) {
          this.recordFailure(error);
        } else {
          this.releaseProbeSlot();
        }
      }
    }
  }

  private recordFailure(error: unknown): void {
    const now = this.clock.now();
    const reason = isAuthUnavailableError(error) ? error.reason : 'error';

    this.lastFailureReason = reason;
    this.lastFailureAt = now;
    this.window.record(now, true);

    const counts = this.window.countAt(now);
    if (this.state.kind === 'half-open') {
      this.open('probe-failed', now, counts, reason);
    } else if (this.reachesThreshold(counts)) {
      this.open('failure-threshold', now, counts, reason);
    }
  }

  private reachesThreshold({ calls, failures }: WindowCounts): boolean {
    return calls >= this.options.minimumCalls && failures / calls >= this.options.failureThreshold;
  }

  private releaseProbeSlot(): void {
    if (this.state.kind === 'half-open') {
      this.state.probesInFlight -= 1;
    }
  }

  private open(
    trigger: 'failure-threshold' | 'probe-failed',
    now: number,
    counts: WindowCounts,
    reason: string,
  ): void {
    this.transition({ kind: 'open', openedAt: now, isolated: false }, trigger, now, counts, reason);
  }

  private close(trigger: 'probe-succeeded' | 'reset', now: number): void {
    const counts = this.window.countAt(now);

    this.window.clear();
    this.transition(CLOSED, trigger, now, counts, null);
  }

  /** Sets the new state, starts a new generation, then notifies the listeners. */
  private transition(
    next: BreakerState,
    trigger: CircuitStateChangeTrigger,
    at: number,
    counts: WindowCounts,
    reason: string | null,
  ): void {
    const from = this.state.kind;

    this.state = next;
    this.generation += 1;
    this.emit({
      name: this.name,
      from,
      to: next.kind,
      trigger,
      at,
      failures: counts.failures,
      calls: counts.calls,
      reason,
    });
  }

  private emit(event: CircuitStateChange): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError?.(error, event);
      }
    }
  }

  private isOwnRejection(error: unknown): boolean {
    return isCircuitOpenError(error) && error.breakerName === this.name;
  }

  private stateSeenAt(state: BreakerState, now: number): CircuitState {
    if (state.kind === 'open' && !state.isolated && now >= state.openedAt + this.options.resetTimeoutMs) {
      return 'half-open';
    }
    return state.kind;
  }
}

/**
 * Checks that `name` can name a breaker: 1 to 64 characters of `a-z`, `0-9`, `_` and `-`.
 *
 * @throws TypeError naming the rejected value.
 */
export function assertBreakerName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !BREAKER_NAME_PATTERN.test(name)) {
    const received = typeof name === 'string' ? JSON.stringify(name) : `a value of type ${typeof name}`;
    throw new TypeError(
      'Circuit breaker name must be 1 to 64 characters of a-z, 0-9, "_" and "-", such as "jwks"; ' +
        `received ${received}.`,
    );
  }
}
