/** Options of the token verdict cache, as the user writes them. Every field is optional. */
export interface TokenCacheOptions {
  /**
   * Whether verdicts are cached. When `false`, every `verify` call runs a fresh verification,
   * but concurrent calls for the same token still share one verification.
   *
   * @default true
   */
  enabled?: boolean;

  /**
   * Maximum number of accepted verdicts kept. The least recently used one is evicted first.
   *
   * @default 10_000
   */
  maxEntries?: number;

  /**
   * Maximum time in milliseconds that an accepted verdict is kept. A verdict never stays
   * longer than its token's `exp` plus `clockToleranceMs`.
   *
   * @default 300_000
   */
  maxTtlMs?: number;

  /**
   * Time in milliseconds that a rejected verdict (invalid signature, malformed token) is kept,
   * so repeated bad tokens do not reach the identity provider. `0` disables caching of
   * rejected verdicts.
   *
   * @default 30_000
   */
  negativeTtlMs?: number;

  /**
   * Maximum number of rejected verdicts kept. They have their own bounded space, so a flood of
   * bad tokens evicts other bad tokens and never an accepted verdict.
   *
   * @default 1_000
   */
  negativeMaxEntries?: number;

  /**
   * Clock skew in milliseconds allowed on `exp`, as in the token verification. An accepted
   * verdict is kept until `exp + clockToleranceMs` at most. The module passes its resolved JWT
   * clock tolerance here.
   *
   * @default 0
   */
  clockToleranceMs?: number;
}

/** Token cache options after validation, with every default filled in. */
export type ResolvedTokenCacheOptions = Readonly<Required<TokenCacheOptions>>;

/** Default value of every token cache option. */
export const CACHE_DEFAULTS: ResolvedTokenCacheOptions = Object.freeze({
  enabled: true,
  maxEntries: 10_000,
  maxTtlMs: 300_000,
  negativeTtlMs: 30_000,
  negativeMaxEntries: 1_000,
  clockToleranceMs: 0,
});

/** Injection token of the {@link ResolvedTokenCacheOptions} read by the cache and its store. */
export const TOKEN_CACHE_OPTIONS = Symbol('TOKEN_CACHE_OPTIONS');

/** Upper bound of `maxEntries` and `negativeMaxEntries`. */
const MAX_ENTRIES_LIMIT = 10_000_000;

/** Upper bound of every duration option: one day in milliseconds. */
const MAX_DURATION_MS = 86_400_000;

interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

const INTEGER_RANGES: Readonly<Record<Exclude<keyof TokenCacheOptions, 'enabled'>, IntegerRange>> = {
  maxEntries: { min: 1, max: MAX_ENTRIES_LIMIT },
  maxTtlMs: { min: 1, max: MAX_DURATION_MS },
  negativeTtlMs: { min: 0, max: MAX_DURATION_MS },
  negativeMaxEntries: { min: 1, max: MAX_ENTRIES_LIMIT },
  clockToleranceMs: { min: 0, max: MAX_DURATION_MS },
};

const OPTION_NAMES = Object.keys(CACHE_DEFAULTS);

/**
 * Validates token cache options and returns a frozen copy with the defaults filled in.
 *
 * A missing or `undefined` option takes its default. The caller's object is not changed.
 *
 * @param optionPath prefix of the option names in error messages, such as `cache` or
 *   `wsAuth.cache`.
 * @throws TypeError when `options` is not an object, an option has the wrong type, or an
 *   option name is unknown.
 * @throws RangeError when a number is not an integer or lies outside its allowed range.
 */
export function resolveTokenCacheOptions(
  options: TokenCacheOptions | undefined = {},
  optionPath = 'cache',
): ResolvedTokenCacheOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${optionPath} must be an object; received ${describeValue(options)}.`);
  }

  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new TypeError(
        `${optionPath}.${name} is not a known option. The known options are ${OPTION_NAMES.join(', ')}.`,
      );
    }
  }

  const enabled: unknown = options.enabled === undefined ? CACHE_DEFAULTS.enabled : options.enabled;
  if (typeof enabled !== 'boolean') {
    throw new TypeError(`${optionPath}.enabled must be a boolean; received ${describeValue(enabled)}.`);
  }

  const integer = (name: keyof typeof INTEGER_RANGES): number => {
    const value: unknown = options[name] === undefined ? CACHE_DEFAULTS[name] : options[name];
    return validateInteger(`${optionPath}.${name}`, value, INTEGER_RANGES[name]);
  };

  return Object.freeze({
    enabled,
    maxEntries: integer('maxEntries'),
    maxTtlMs: integer('maxTtlMs'),
    negativeTtlMs: integer('negativeTtlMs'),
    negativeMaxEntries: integer('negativeMaxEntries'),
    clockToleranceMs: integer('clockToleranceMs'),
  });
}

function validateInteger(path: string, value: unknown, range: IntegerRange): number {
  const expected = `${path} must be an integer from ${range.min} to ${range.max}; received ${describeValue(value)}.`;

  if (typeof value !== 'number') {
    throw new TypeError(expected);
  }

  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new RangeError(expected);
  }

  return value;
}

/** Formats a received value for an error message, quoting strings and naming the kind of objects. */
function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return 'a function';
    case 'object':
      if (value === null) {
        return 'null';
      }
      return Array.isArray(value) ? 'an array' : 'an object';
    default:
      return String(value);
  }
}
