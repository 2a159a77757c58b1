/**
 * Settings shared by every circuit breaker of the module, one breaker per remote dependency.
 *
 * The breaker counts outcomes in a rolling window made of `windowBuckets` buckets of
 * `windowMs / windowBuckets` milliseconds each. An outcome stays in the window until its bucket
 * falls out of it, so it counts for more than `windowMs - windowMs / windowBuckets` and at most
 * `windowMs` milliseconds. With the defaults an outcome counts for 9 to 10 seconds.
 */
export interface CircuitBreakerOptions {
  /**
   * Length of the rolling window in which outcomes are counted, in milliseconds.
   * @default 10_000
   */
  readonly windowMs: number;

  /**
   * Number of buckets the window is divided into. Memory stays constant and each call updates one
   * bucket, while outcomes age out one bucket at a time, so a bucket spans the granularity of the
   * window (`windowMs / windowBuckets`). Must not exceed `windowMs`, so a bucket spans at least 1 ms.
   * @default 10
   */
  readonly windowBuckets: number;

  /**
   * Minimum number of completed calls in the window before the failure rate can open the breaker.
   * @default 5
   */
  readonly minimumCalls: number;

  /**
   * Share of failed calls in the window, greater than 0 and at most 1, at or above which the
   * breaker opens. `0.5` opens it when half of the calls or more failed.
   * @default 0.5
   */
  readonly failureThreshold: number;

  /**
   * Time an open breaker rejects every call before it admits probe calls, in milliseconds.
   * @default 30_000
   */
  readonly resetTimeoutMs: number;

  /**
   * Maximum number of probe calls a half-open breaker runs at the same time. Other calls are
   * rejected until a probe settles.
   * @default 1
   */
  readonly halfOpenMaxProbes: number;
}

/** Injection token of the resolved {@link CircuitBreakerOptions} that `CircuitBreakerService` reads. */
export const CIRCUIT_BREAKER_OPTIONS = Symbol('CIRCUIT_BREAKER_OPTIONS');

/** Values used for every option that the caller leaves out. */
export const DEFAULT_CIRCUIT_BREAKER_OPTIONS: Readonly<CircuitBreakerOptions> = Object.freeze({
  windowMs: 10_000,
  windowBuckets: 10,
  minimumCalls: 5,
  failureThreshold: 0.5,
  resetTimeoutMs: 30_000,
  halfOpenMaxProbes: 1,
});

/** One day, the upper limit of every duration option. */
const MAX_DURATION_MS = 86_400_000;

/** Upper limit of `windowBuckets`, which also keeps bucket numbers exact in double precision. */
const MAX_WINDOW_BUCKETS = 1_000;

const MAX_MINIMUM_CALLS = 1_000_000;

const MAX_HALF_OPEN_PROBES = 1_000;

const OPTION_NAMES: readonly (keyof CircuitBreakerOptions)[] = Object.keys(
  DEFAULT_CIRCUIT_BREAKER_OPTIONS,
) as (keyof CircuitBreakerOptions)[];

/**
 * Validates circuit-breaker options and fills in the defaults, without changing `partial`.
 *
 * @param partial options set by the application, where `undefined` or a missing key takes the default.
 * @param optionPath path of these options in the module options, used in error messages.
 * @returns a frozen object with every option set.
 * @throws TypeError when `partial` is not a plain object, contains an unknown key, or an option is
 *   not a number.
 * @throws RangeError when a number is outside its allowed range, not finite, or not an integer
 *   where an integer is required.
 */
export function resolveCircuitBreakerOptions(
  partial: Partial<CircuitBreakerOptions> | undefined,
  optionPath = 'breaker',
): Readonly<CircuitBreakerOptions> {
  if (partial === undefined) {
    return DEFAULT_CIRCUIT_BREAKER_OPTIONS;
  }
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    throw new TypeError(
      `${optionPath} must be an object of circuit breaker options; received ${describeValue(partial)}.`,
    );
  }
  rejectUnknownKeys(partial, optionPath);

  const read = (key: keyof CircuitBreakerOptions): unknown =>
    partial[key] === undefined ? DEFAULT_CIRCUIT_BREAKER_OPTIONS[key] : partial[key];
  const path = (key: keyof CircuitBreakerOptions): string => `${optionPath}.${key}`;

  const windowMs = requireInteger(read('windowMs'), path('windowMs'), 1, MAX_DURATION_MS, ' ms');
  const windowBuckets = requireInteger(
    read('windowBuckets'),
    path('windowBuckets'),
    1,
    MAX_WINDOW_BUCKETS,
    '',
  );
  if (windowBuckets > windowMs) {
    throw new RangeError(
      `${path('windowBuckets')} must not exceed ${path('windowMs')} (${windowMs}), so that each bucket ` +
        `spans at least 1 ms; received ${windowBuckets}.`,
    );
  }

  return Object.freeze({
    windowMs,
    windowBuckets,
    minimumCalls: requireInteger(read('minimumCalls'), path('minimumCalls'), 1, MAX_MINIMUM_CALLS, ''),
    failureThreshold: requireShare(read('failureThreshold'), path('failureThreshold')),
    resetTimeoutMs: requireInteger(read('resetTimeoutMs'), path('resetTimeoutMs'), 1, MAX_DURATION_MS, ' ms'),
    halfOpenMaxProbes: requireInteger(
      read('halfOpenMaxProbes'),
      path('halfOpenMaxProbes'),
      1,
      MAX_HALF_OPEN_PROBES,
      '',
    ),
  });
}

function rejectUnknownKeys(partial: object, optionPath: string): void {
  for (const key of Object.keys(partial)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      throw new TypeError(
        `${optionPath}.${key} is not a circuit breaker option; valid options are ${OPTION_NAMES.join(', ')}.`,
      );
    }
  }
}

function requireInteger(value: unknown, path: string, min: number, max: number, unit: string): number {
  const rule = `${path} must be an integer from ${min} to ${max}${unit}`;

  if (typeof value !== 'number') {
    throw new TypeError(`${rule}; received ${describeValue(value)}.`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${rule}; received ${describeValue(value)}.`);
  }
  return value;
}

function requireShare(value: unknown, path: string): number {
  const rule = `${path} must be a number greater than 0 and at most 1`;

  if (typeof value !== 'number') {
    throw new TypeError(`${rule}; received ${describeValue(value)}.`);
  }
  // The negated comparison also rejects NaN.
  if (!(value > 0 && value <= 1)) {
    throw new RangeError(`${rule}; received ${describeValue(value)}.`);
  }
  return value;
}

/** Describes a received value for an error message without printing the content of objects. */
function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return String(value);
    case 'string':
      return `the string ${JSON.stringify(value)}`;
    case 'boolean':
    case 'bigint':
      return `the ${typeof value} ${String(value)}`;
    case 'object':
      if (value === null) {
        return 'null';
      }
      return Array.isArray(value) ? 'an array' : 'an object';
    default:
      return `a value of type ${typeof value}`;
  }
}
