/**
 * State of a circuit breaker: `closed` admits every call, `open` rejects every call, and
 * `half-open` admits a limited number of probe calls whose outcome decides the next state.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Cause of a state change.
 *
 * - `failure-threshold`: the failure rate in the window reached the threshold (closed to open).
 * - `reset-timeout`: the reset timeout passed and a call arrived (open to half-open).
 * - `probe-succeeded`: a probe call succeeded (half-open to closed).
 * - `probe-failed`: a probe call failed (half-open to open).
 * - `isolate`: an operator isolated the breaker (any state to open).
 * - `reset`: an operator reset the breaker (open or half-open to closed).
 */
export type CircuitStateChangeTrigger =
  | 'failure-threshold'
  | 'reset-timeout'
  | 'probe-succeeded'
  | 'probe-failed'
  | 'isolate'
  | 'reset';

/**
 * Event emitted on every state change of a breaker. `from` equals `to` only when an operator
 * isolates a breaker that is already open.
 */
export interface CircuitStateChange {
  /** Name of the breaker, which is the name of the remote dependency it protects. */
  readonly name: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly trigger: CircuitStateChangeTrigger;
  /** Time of the change in milliseconds since the Unix epoch, read from the breaker's clock. */
  readonly at: number;
  /** Failed calls in the window at `at`, counted before a change to `closed` empties the window. */
  readonly failures: number;
  /** Completed calls in the window at `at`, counted before a change to `closed` empties the window. */
  readonly calls: number;
  /**
   * Reason of the failure that caused a change to `open`: the `reason` of an
   * `AuthUnavailableError`, or `error` for other errors. It is `null` for every other change.
   */
  readonly reason: string | null;
}

/** Point-in-time view of a breaker, for health checks, metrics and operators. */
export interface CircuitBreakerSnapshot {
  readonly name: string;
  /**
   * State that the next call meets: an open breaker whose reset timeout has passed is reported as
   * `half-open`, although it changes state only when that call arrives.
   */
  readonly state: CircuitState;
  /** Time the breaker last opened in milliseconds since the Unix epoch, or `null` while closed. */
  readonly openedAt: number | null;
  /**
   * Time from which the open breaker admits a probe call, `openedAt + resetTimeoutMs`, in
   * milliseconds since the Unix epoch. It is `null` unless `state` is `open` and the breaker is
   * not isolated, because only then is there a time to wait for.
   */
  readonly probeAt: number | null;
  /** Completed calls that count in the window at the time of the snapshot. */
  readonly calls: number;
  /** Failed calls that count in the window at the time of the snapshot. */
  readonly failures: number;
  /** `failures / calls`, or 0 when there are no calls in the window. */
  readonly failureRate: number;
  /** Reason of the latest counted failure, such as `timeout`, or `null` before the first failure. */
  readonly lastFailureReason: string | null;
  /** Time of the latest counted failure in milliseconds since the Unix epoch, or `null` before the first. */
  readonly lastFailureAt: number | null;
  /** Whether an operator isolated the breaker, which keeps it open until it is reset. */
  readonly isolated: boolean;
}
