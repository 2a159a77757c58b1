import {
  describeReceived,
  requireBoolean,
  requireFiniteNumber,
  requireInteger,
  requireNonEmptyString,
  requireOneOf,
  requireOptionalObject,
} from './option-checks.js';

describe('describeReceived', () => {
  it.each([
    ['a short string', 'HS256', '"HS256"'],
    ['an empty string', '', '""'],
    ['a string of 64 characters', 'x'.repeat(64), JSON.stringify('x'.repeat(64))],
    ['a string of 65 characters', 'x'.repeat(65), 'a string of 65 characters'],
    ['an integer', 42, '42'],
    ['a negative fraction', -1.5, '-1.5'],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['an empty array', [], 'an array of 0 items'],
    ['an array', ['a', 'b', 'c'], 'an array of 3 items'],
    ['an array of one', ['a'], 'an array of 1 item'],
    ['an object', { secret: 'hidden' }, 'a value of type object'],
    ['a function', () => 'hidden', 'a value of type function'],
    ['a symbol', Symbol('hidden'), 'a value of type symbol'],
    ['a bigint', 10n, 'a value of type bigint'],
  ])('describes %s', (_name, value, expected) => {
    expect(describeReceived(value)).toBe(expected);
  });

  it('never prints a long string', () => {
    const secret = 'super-secret-value-'.repeat(5);

    expect(describeReceived(secret)).not.toContain('super-secret');
  });

  it('never prints object contents', () => {
    expect(describeReceived({ secret: 'hidden-value' })).not.toContain('hidden-value');
  });
});

describe('requireInteger', () => {
  it('returns integers within the range', () => {
    expect(requireInteger('maxEntries', 1, 1, 10)).toBe(1);
    expect(requireInteger('maxEntries', 10, 1, 10)).toBe(10);
  });

  it.each([
    ['a fraction', 1.5, '1.5'],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['a numeric string', '5', '"5"'],
    ['null', null, 'null'],
    ['an array', [5, 6], 'an array of 2 items'],
    ['an object', { value: 5 }, 'a value of type object'],
  ])('rejects %s with a TypeError', (_name, value, rendered) => {
    expect(() => requireInteger('maxEntries', value, 1, 10)).toThrow(TypeError);
    expect(() => requireInteger('maxEntries', value, 1, 10)).toThrow(
      `maxEntries must be an integer from 1 to 10; received ${rendered}.`,
    );
  });

  it.each([
    ['below the minimum', 0],
    ['above the maximum', 11],
  ])('rejects a value %s with a RangeError', (_name, value) => {
    expect(() => requireInteger('maxEntries', value, 1, 10)).toThrow(RangeError);
    expect(() => requireInteger('maxEntries', value, 1, 10)).toThrow(
      `maxEntries must be an integer from 1 to 10; received ${value}.`,
    );
  });

  it('names the unit', () => {
    expect(() => requireInteger('ttlMs', -1, 0, 1000, ' ms')).toThrow('ttlMs must be an integer from 0 to 1000 ms; received -1.');
  });

  it('describes a long string by length', () => {
    expect(() => requireInteger('ttlMs', '9'.repeat(70), 0, 1000)).toThrow('received a string of 70 characters.');
  });
});

describe('requireFiniteNumber', () => {
  it('returns finite numbers within the range', () => {
    expect(requireFiniteNumber('toleranceSec', 0, 0, 300)).toBe(0);
    expect(requireFiniteNumber('toleranceSec', 1.5, 0, 300)).toBe(1.5);
    expect(requireFiniteNumber('toleranceSec', 300, 0, 300)).toBe(300);
  });

  it.each([
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['-Infinity', Number.NEGATIVE_INFINITY, '-Infinity'],
    ['a numeric string', '30', '"30"'],
    ['a boolean', true, 'true'],
    ['undefined', undefined, 'undefined'],
  ])('rejects %s with a TypeError', (_name, value, rendered) => {
    expect(() => requireFiniteNumber('toleranceSec', value, 0, 300, ' seconds')).toThrow(TypeError);
    expect(() => requireFiniteNumber('toleranceSec', value, 0, 300, ' seconds')).toThrow(
      `toleranceSec must be a finite number from 0 to 300 seconds; received ${rendered}.`,
    );
  });

  it.each([
    ['below the minimum', -0.5],
    ['above the maximum', 300.5],
  ])('rejects a value %s with a RangeError', (_name, value) => {
    expect(() => requireFiniteNumber('toleranceSec', value, 0, 300)).toThrow(RangeError);
    expect(() => requireFiniteNumber('toleranceSec', value, 0, 300)).toThrow(
      `toleranceSec must be a finite number from 0 to 300; received ${value}.`,
    );
  });
});

describe('requireBoolean', () => {
  it('returns booleans', () => {
    expect(requireBoolean('enabled', true)).toBe(true);
    expect(requireBoolean('enabled', false)).toBe(false);
  });

  it.each([
    ['a string', 'true', '"true"'],
    ['a number', 1, '1'],
    ['null', null, 'null'],
    ['an array', [true, false], 'an array of 2 items'],
    ['an object', { value: true }, 'a value of type object'],
  ])('rejects %s', (_name, value, rendered) => {
    expect(() => requireBoolean('enabled', value)).toThrow(TypeError);
    expect(() => requireBoolean('enabled', value)).toThrow(`enabled must be true or false; received ${rendered}.`);
  });
});

describe('requireOneOf', () => {
  const modes = ['strict', 'lenient'] as const;

  it('returns an allowed value', () => {
    expect(requireOneOf('mode', 'lenient', modes)).toBe('lenient');
  });

  it.each([
    ['another string', 'loose', '"loose"'],
    ['another case', 'Strict', '"Strict"'],
    ['a number', 1, '1'],
    ['an array', ['strict', 'lenient'], 'an array of 2 items'],
    ['an object', { mode: 'strict' }, 'a value of type object'],
    ['a long string', 's'.repeat(65), 'a string of 65 characters'],
  ])('rejects %s', (_name, value, rendered) => {
    expect(() => requireOneOf('mode', value, modes)).toThrow(TypeError);
    expect(() => requireOneOf('mode', value, modes)).toThrow(
      `mode must be one of 'strict', 'lenient'; received ${rendered}.`,
    );
  });
});

describe('requireNonEmptyString', () => {
  it('returns a non-empty string', () => {
    expect(requireNonEmptyString('issuer', 'https://issuer.test')).toBe('https://issuer.test');
  });

  it('keeps a string of spaces', () => {
    expect(requireNonEmptyString('issuer', ' ')).toBe(' ');
  });

  it.each([
    ['an empty string', '', '""'],
    ['a number', 7, '7'],
    ['undefined', undefined, 'undefined'],
    ['an array', ['a', 'b'], 'an array of 2 items'],
    ['an object', { value: 'a' }, 'a value of type object'],
  ])('rejects %s', (_name, value, rendered) => {
    expect(() => requireNonEmptyString('issuer', value)).toThrow(TypeError);
    expect(() => requireNonEmptyString('issuer', value)).toThrow(`issuer must be a non-empty string; received ${rendered}.`);
  });
});

describe('requireOptionalObject', () => {
  it('returns undefined for undefined', () => {
    expect(requireOptionalObject('cache', undefined)).toBeUndefined();
  });

  it('returns the same object', () => {
    const value = { enabled: false };

    expect(requireOptionalObject('cache', value)).toBe(value);
  });

  it.each([
    ['null', null, 'null'],
    ['an array', [{ enabled: false }, {}], 'an array of 2 items'],
    ['a string', 'cache', '"cache"'],
    ['a number', 5, '5'],
    ['a function', () => ({}), 'a value of type function'],
  ])('rejects %s', (_name, value, rendered) => {
    expect(() => requireOptionalObject('cache', value)).toThrow(TypeError);
    expect(() => requireOptionalObject('cache', value)).toThrow(`cache must be an object; received ${rendered}.`);
  });
});
