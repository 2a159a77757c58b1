import {
  DEFAULT_CIRCUIT_BREAKER_OPTIONS,
  resolveCircuitBreakerOptions,
  type CircuitBreakerOptions,
} from './circuit-breaker.options.js';

/** Passes a value that the type system would reject, as configuration loaded at runtime can. */
function resolveUnchecked(partial: unknown, optionPath?: string): Readonly<CircuitBreakerOptions> {
  return resolveCircuitBreakerOptions(partial as Partial<CircuitBreakerOptions>, optionPath);
}

describe('resolveCircuitBreakerOptions', () => {
  it('returns the defaults for undefined', () => {
    expect(resolveCircuitBreakerOptions(undefined)).toEqual({
      windowMs: 10_000,
      windowBuckets: 10,
      minimumCalls: 5,
      failureThreshold: 0.5,
      resetTimeoutMs: 30_000,
      halfOpenMaxProbes: 1,
    });
  });

  it('freezes the defaults', () => {
    expect(Object.isFrozen(DEFAULT_CIRCUIT_BREAKER_OPTIONS)).toBe(true);
  });

  it('fills missing and undefined keys with defaults', () => {
    const resolved = resolveCircuitBreakerOptions({ resetTimeoutMs: 5_000, minimumCalls: undefined });

    expect(resolved.resetTimeoutMs).toBe(5_000);
    expect(resolved.minimumCalls).toBe(5);
    expect(resolved.windowMs).toBe(10_000);
  });

  it('accepts every option at its limits', () => {
    const lowest = { windowMs: 1, windowBuckets: 1, minimumCalls: 1, failureThreshold: Number.MIN_VALUE };
    const highest = {
      windowMs: 86_400_000,
      windowBuckets: 1_000,
      minimumCalls: 1_000_000,
      failureThreshold: 1,
      resetTimeoutMs: 86_400_000,
      halfOpenMaxProbes: 1_000,
    };

    expect(resolveCircuitBreakerOptions(lowest)).toMatchObject(lowest);
    expect(resolveCircuitBreakerOptions(highest)).toEqual(highest);
  });

  it('returns a frozen copy without changing the input', () => {
    const input = Object.freeze({ windowMs: 20_000 });
    const resolved = resolveCircuitBreakerOptions(input);

    expect(resolved).not.toBe(input);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(input).toEqual({ windowMs: 20_000 });
  });

  const DURATION_RULE = 'must be an integer from 1 to 86400000 ms';
  const COUNT_RULE = 'must be an integer from 1 to 1000';
  const MINIMUM_CALLS_RULE = 'must be an integer from 1 to 1000000';
  const SHARE_RULE = 'must be a number greater than 0 and at most 1';

  it.each([
    ['a string', { resetTimeoutMs: '5000' }, `resetTimeoutMs ${DURATION_RULE}`, 'the string "5000"'],
    ['null', { windowMs: null }, `windowMs ${DURATION_RULE}`, 'null'],
    ['a boolean', { minimumCalls: true }, `minimumCalls ${MINIMUM_CALLS_RULE}`, 'the boolean true'],
    ['a bigint', { halfOpenMaxProbes: 2n }, `halfOpenMaxProbes ${COUNT_RULE}`, 'the bigint 2'],
    ['an object', { windowBuckets: { value: 10 } }, `windowBuckets ${COUNT_RULE}`, 'an object'],
    ['an array', { windowBuckets: [10] }, `windowBuckets ${COUNT_RULE}`, 'an array'],
    ['a function', { windowMs: () => 10 }, `windowMs ${DURATION_RULE}`, 'a value of type function'],
    ['a string share', { failureThreshold: '0.5' }, `failureThreshold ${SHARE_RULE}`, 'the string "0.5"'],
  ])('rejects %s with a TypeError', (_kind, partial, rule, received) => {
    expect(() => resolveUnchecked(partial)).toThrow(TypeError);
    expect(() => resolveUnchecked(partial)).toThrow(`breaker.${rule}; received ${received}.`);
  });

  it.each([
    ['a negative duration', { resetTimeoutMs: -5 }, `resetTimeoutMs ${DURATION_RULE}`, '-5'],
    ['a zero duration', { windowMs: 0 }, `windowMs ${DURATION_RULE}`, '0'],
    ['a duration above one day', { resetTimeoutMs: 86_400_001 }, `resetTimeoutMs ${DURATION_RULE}`, '86400001'],
    ['a fractional duration', { windowMs: 1_000.5 }, `windowMs ${DURATION_RULE}`, '1000.5'],
    ['NaN', { resetTimeoutMs: Number.NaN }, `resetTimeoutMs ${DURATION_RULE}`, 'NaN'],
    ['Infinity', { windowMs: Number.POSITIVE_INFINITY }, `windowMs ${DURATION_RULE}`, 'Infinity'],
    ['zero buckets', { windowBuckets: 0 }, `windowBuckets ${COUNT_RULE}`, '0'],
    ['too many buckets', { windowBuckets: 1_001 }, `windowBuckets ${COUNT_RULE}`, '1001'],
    ['a fractional bucket count', { windowBuckets: 2.5 }, `windowBuckets ${COUNT_RULE}`, '2.5'],
    ['zero minimum calls', { minimumCalls: 0 }, `minimumCalls ${MINIMUM_CALLS_RULE}`, '0'],
    ['a fractional minimum', { minimumCalls: 4.2 }, `minimumCalls ${MINIMUM_CALLS_RULE}`, '4.2'],
    ['zero probes', { halfOpenMaxProbes: 0 }, `halfOpenMaxProbes ${COUNT_RULE}`, '0'],
    ['-Infinity probes', { halfOpenMaxProbes: Number.NEGATIVE_INFINITY }, `halfOpenMaxProbes ${COUNT_RULE}`, '-Infinity'],
    ['a zero threshold', { failureThreshold: 0 }, `failureThreshold ${SHARE_RULE}`, '0'],
    ['a negative threshold', { failureThreshold: -0.1 }, `failureThreshold ${SHARE_RULE}`, '-0.1'],
    ['a threshold above 1', { failureThreshold: 1.01 }, `failureThreshold ${SHARE_RULE}`, '1.01'],
    ['a NaN threshold', { failureThreshold: Number.NaN }, `failureThreshold ${SHARE_RULE}`, 'NaN'],
    ['an infinite threshold', { failureThreshold: Number.POSITIVE_INFINITY }, `failureThreshold ${SHARE_RULE}`, 'Infinity'],
  ])('rejects %s with a RangeError', (_kind, partial, rule, received) => {
    expect(() => resolveCircuitBreakerOptions(partial)).toThrow(RangeError);
    expect(() => resolveCircuitBreakerOptions(partial)).toThrow(`breaker.${rule}; received ${received}.`);
  });

  it('rejects more buckets than milliseconds in the window', () => {
    const partial = { windowMs: 100, windowBuckets: 200 };

    expect(() => resolveCircuitBreakerOptions(partial)).toThrow(RangeError);
    expect(() => resolveCircuitBreakerOptions(partial)).toThrow(
      'breaker.windowBuckets must not exceed breaker.windowMs (100), so that each bucket spans at least 1 ms; received 200.',
    );
  });

  it('rejects an unknown option', () => {
    expect(() => resolveUnchecked({ windowMS: 5_000 })).toThrow(TypeError);
    expect(() => resolveUnchecked({ windowMS: 5_000 })).toThrow(
      'breaker.windowMS is not a circuit breaker option; valid options are windowMs, windowBuckets, minimumCalls, ' +
        'failureThreshold, resetTimeoutMs, halfOpenMaxProbes.',
    );
  });

  it.each([
    ['null', null, 'received null'],
    ['an array', [], 'received an array'],
    ['a number', 5, 'received 5'],
    ['a string', 'fast', 'received the string "fast"'],
  ])('rejects %s in place of the options object', (_kind, partial, received) => {
    expect(() => resolveUnchecked(partial)).toThrow(TypeError);
    expect(() => resolveUnchecked(partial)).toThrow(`breaker must be an object of circuit breaker options; ${received}.`);
  });

  it('names the option by the given path', () => {
    expect(() => resolveCircuitBreakerOptions({ minimumCalls: 0 }, 'verification.jwks.breaker')).toThrow(
      'verification.jwks.breaker.minimumCalls must be an integer from 1 to 1000000; received 0.',
    );
  });
});
