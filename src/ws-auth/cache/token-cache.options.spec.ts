import { CACHE_DEFAULTS, resolveTokenCacheOptions, type TokenCacheOptions } from './token-cache.options.js';

describe('resolveTokenCacheOptions', () => {
  it('returns the defaults without options', () => {
    expect(resolveTokenCacheOptions()).toEqual({
      enabled: true,
      maxEntries: 10_000,
      maxTtlMs: 300_000,
      negativeTtlMs: 30_000,
      negativeMaxEntries: 1_000,
      clockToleranceMs: 0,
    });
  });

  it('keeps the given values', () => {
    const options: TokenCacheOptions = {
      enabled: false,
      maxEntries: 1,
      maxTtlMs: 86_400_000,
      negativeTtlMs: 0,
      negativeMaxEntries: 10_000_000,
      clockToleranceMs: 5_000,
    };

    expect(resolveTokenCacheOptions(options)).toEqual(options);
  });

  it('fills undefined values with defaults', () => {
    expect(resolveTokenCacheOptions({ maxEntries: undefined, enabled: undefined })).toEqual(CACHE_DEFAULTS);
  });

  it('leaves the caller object unchanged', () => {
    const options = Object.freeze({ maxEntries: 5 });

    const resolved = resolveTokenCacheOptions(options);

    expect(options).toEqual({ maxEntries: 5 });
    expect(resolved).not.toBe(options);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(resolveTokenCacheOptions({}))).toBe(true);
  });

  it.each([
    ['zero', 'maxEntries', 0, RangeError, 'cache.maxEntries must be an integer from 1 to 10000000; received 0.'],
    [
      'above the maximum',
      'maxEntries',
      10_000_001,
      RangeError,
      'cache.maxEntries must be an integer from 1 to 10000000; received 10000001.',
    ],
    ['a fraction', 'maxTtlMs', 1.5, RangeError, 'cache.maxTtlMs must be an integer from 1 to 86400000; received 1.5.'],
    ['NaN', 'maxTtlMs', Number.NaN, RangeError, 'cache.maxTtlMs must be an integer from 1 to 86400000; received NaN.'],
    [
      'Infinity',
      'negativeTtlMs',
      Number.POSITIVE_INFINITY,
      RangeError,
      'cache.negativeTtlMs must be an integer from 0 to 86400000; received Infinity.',
    ],
    [
      'a negative number',
      'clockToleranceMs',
      -1,
      RangeError,
      'cache.clockToleranceMs must be an integer from 0 to 86400000; received -1.',
    ],
    [
      'a numeric string',
      'negativeMaxEntries',
      '100',
      TypeError,
      'cache.negativeMaxEntries must be an integer from 1 to 10000000; received "100".',
    ],
    ['null', 'maxEntries', null, TypeError, 'cache.maxEntries must be an integer from 1 to 10000000; received null.'],
    ['a boolean', 'maxEntries', true, TypeError, 'cache.maxEntries must be an integer from 1 to 10000000; received true.'],
    ['a bigint', 'maxEntries', 5n, TypeError, 'cache.maxEntries must be an integer from 1 to 10000000; received 5n.'],
    [
      'an array',
      'maxEntries',
      [5],
      TypeError,
      'cache.maxEntries must be an integer from 1 to 10000000; received an array.',
    ],
    [
      'an object',
      'maxEntries',
      { value: 5 },
      TypeError,
      'cache.maxEntries must be an integer from 1 to 10000000; received an object.',
    ],
    [
      'a function',
      'maxEntries',
      () => 5,
      TypeError,
      'cache.maxEntries must be an integer from 1 to 10000000; received a function.',
    ],
    ['a string', 'enabled', 'yes', TypeError, 'cache.enabled must be a boolean; received "yes".'],
    ['a number', 'enabled', 1, TypeError, 'cache.enabled must be a boolean; received 1.'],
  ])('rejects %s as %s', (_kind, name, value, errorClass, message) => {
    const resolve = () => resolveTokenCacheOptions({ [name]: value });

    expect(resolve).toThrow(errorClass);
    expect(resolve).toThrow(message);
  });

  it('names the option path in messages', () => {
    expect(() => resolveTokenCacheOptions({ maxEntries: 0 }, 'wsAuth.cache')).toThrow(
      'wsAuth.cache.maxEntries must be an integer from 1 to 10000000; received 0.',
    );
  });

  it('rejects an unknown option', () => {
    const resolve = () => resolveTokenCacheOptions({ maxTTLMs: 5 } as TokenCacheOptions);

    expect(resolve).toThrow(TypeError);
    expect(resolve).toThrow(
      'cache.maxTTLMs is not a known option. The known options are enabled, maxEntries, maxTtlMs, negativeTtlMs, negativeMaxEntries, clockToleranceMs.',
    );
  });

  it.each([
    ['null', null, 'cache must be an object; received null.'],
    ['a number', 5, 'cache must be an object; received 5.'],
    ['an array', [], 'cache must be an object; received an array.'],
  ])('rejects %s as the options object', (_kind, value, message) => {
    const resolve = () => resolveTokenCacheOptions(value as TokenCacheOptions);

    expect(resolve).toThrow(TypeError);
    expect(resolve).toThrow(message);
  });
});
