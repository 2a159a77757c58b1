import type { KeyObject } from 'node:crypto';

import { resolveCircuitBreakerOptions, type CircuitBreakerOptions } from '../breaker/circuit-breaker.options.js';
import { resolveTokenCacheOptions, type ResolvedTokenCacheOptions } from '../cache/token-cache.options.js';
import {
  describeReceived,
  requireBoolean,
  requireFiniteNumber,
  requireInteger,
  requireNonEmptyString,
  requireOptionalObject,
} from './option-checks.js';
import {
  assertKeyFitsAlgorithm,
  defaultAlgorithmsForKey,
  isSymmetricAlgorithm,
  preparePublicKey,
  prepareSecretKey,
  SUPPORTED_ALGORITHMS,
} from './resolve-key-material.js';
import type { JwtAlgorithm, WsAuthModuleOptions } from './ws-auth-options.interface.js';

/** Options after validation, with defaults applied and key material prepared. */
export interface ResolvedWsAuthOptions {
  readonly algorithms: readonly JwtAlgorithm[];
  readonly secretKey: KeyObject | null;
  readonly publicKey: KeyObject | null;
  readonly issuer: string | [string, ...string[]] | undefined;
  readonly audience: string | [string, ...string[]] | undefined;
  readonly clockToleranceSec: number;
  readonly clockToleranceMs: number;
  readonly requireExpiration: boolean;
  readonly maxTokenBytes: number;
  readonly allowQueryToken: boolean;
  readonly queryTokenParameter: string;
  readonly cache: ResolvedTokenCacheOptions;
  readonly breaker: Readonly<CircuitBreakerOptions>;
  readonly expiryWarningLeadMs: number;
  readonly maxTokenLifetimeMs: number;
}

/** Largest clock tolerance accepted: five minutes, beyond which expiry stops meaning much. */
export const MAX_CLOCK_TOLERANCE_SEC = 300;

/** Largest `maxTokenBytes` accepted: 64 KiB, well above any real JWT. */
export const MAX_TOKEN_BYTES_LIMIT = 65_536;

/** Largest `expiryWarningLeadMs` accepted: one day. */
export const MAX_EXPIRY_WARNING_LEAD_MS = 86_400_000;

/** Largest `maxTokenLifetimeMs` accepted: 30 days, which bounds how long a revocation is kept. */
export const MAX_TOKEN_LIFETIME_LIMIT_MS = 2_592_000_000;

const KNOWN_OPTIONS: ReadonlySet<string> = new Set<keyof WsAuthModuleOptions>([
  'secret',
  'publicKey',
  'algorithms',
  'issuer',
  'audience',
  'clockToleranceSec',
  'requireExpiration',
  'maxTokenBytes',
  'allowQueryToken',
  'queryTokenParameter',
  'cache',
  'breaker',
  'expiryWarningLeadMs',
  'maxTokenLifetimeMs',
]);

/**
 * Validates the module options once, at start-up, and prepares key material.
 *
 * Throws a `TypeError` or `RangeError` that names the option, the allowed range and the value
 * received; secrets are described by their length only.
 */
export function resolveWsAuthOptions(options: WsAuthModuleOptions | undefined): ResolvedWsAuthOptions {
  const source = requireOptionalObject('WsAuthModule options', options) ?? {};
  rejectUnknownOptions(source);

  const secretKey = source.secret === undefined ? null : prepareSecretKey(source.secret);
  const publicKey = source.publicKey === undefined ? null : preparePublicKey(source.publicKey);
  if (secretKey === null && publicKey === null) {
    throw new TypeError(
      'WsAuthModule needs key material: set secret (HS algorithms) or publicKey (RS, PS and ES algorithms).',
    );
  }

  const algorithms = resolveAlgorithms(source.algorithms, secretKey, publicKey);

  const clockToleranceSec =
    source.clockToleranceSec === undefined
      ? 0
      : requireFiniteNumber('clockToleranceSec', source.clockToleranceSec, 0, MAX_CLOCK_TOLERANCE_SEC, ' seconds');
  const clockToleranceMs = Math.round(clockToleranceSec * 1000);

  const cacheSource = requireOptionalObject('cache', source.cache);
  if (cacheSource?.clockToleranceMs !== undefined) {
    throw new TypeError(
      'cache.clockToleranceMs is derived from clockToleranceSec, so that cached and fresh verdicts agree; set clockToleranceSec instead.',
    );
  }

  return {
    algorithms,
    secretKey,
    publicKey,
    issuer: resolveStringList('issuer', source.issuer),
    audience: resolveStringList('audience', source.audience),
    clockToleranceSec,
    clockToleranceMs,
    requireExpiration:
      source.requireExpiration === undefined ? true : requireBoolean('requireExpiration', source.requireExpiration),
    maxTokenBytes:
      source.maxTokenBytes === undefined
        ? 8192
        : requireInteger('maxTokenBytes', source.maxTokenBytes, 1, MAX_TOKEN_BYTES_LIMIT, ' bytes'),
    allowQueryToken:
      source.allowQueryToken === undefined ? false : requireBoolean('allowQueryToken', source.allowQueryToken),
    queryTokenParameter:
      source.queryTokenParameter === undefined
        ? 'token'
        : requireNonEmptyString('queryTokenParameter', source.queryTokenParameter),
    cache: resolveTokenCacheOptions({ ...cacheSource, clockToleranceMs }, 'cache'),
    breaker: resolveCircuitBreakerOptions(requireOptionalObject('breaker', source.breaker), 'breaker'),
    expiryWarningLeadMs:
      source.expiryWarningLeadMs === undefined
        ? 60_000
        : requireInteger('expiryWarningLeadMs', source.expiryWarningLeadMs, 0, MAX_EXPIRY_WARNING_LEAD_MS, ' ms'),
    maxTokenLifetimeMs:
      source.maxTokenLifetimeMs === undefined
        ? 86_400_000
        : requireInteger('maxTokenLifetimeMs', source.maxTokenLifetimeMs, 1_000, MAX_TOKEN_LIFETIME_LIMIT_MS, ' ms'),
  };
}

function rejectUnknownOptions(source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) {
    if (!KNOWN_OPTIONS.has(key)) {
      const known = [...KNOWN_OPTIONS].join(', ');
      throw new TypeError(`WsAuthModule received an unknown option ${JSON.stringify(key)}; known options: ${known}.`);
    }
  }
}

function resolveAlgorithms(
  value: unknown,
  secretKey: KeyObject | null,
  publicKey: KeyObject | null,
): readonly JwtAlgorithm[] {
  if (value === undefined) {
    const symmetricDefault: JwtAlgorithm[] = secretKey === null ? [] : ['HS256'];
    const asymmetricDefault = publicKey === null ? [] : defaultAlgorithmsForKey(publicKey);
    return [...symmetricDefault, ...asymmetricDefault];
  }

  const allowed = SUPPORTED_ALGORITHMS.join(', ');
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`algorithms must be a non-empty array of ${allowed}; received ${describeReceived(value)}.`);
  }

  const algorithms: JwtAlgorithm[] = [];
  for (const algorithm of value as unknown[]) {
    if (typeof algorithm === 'string' && algorithm.toLowerCase() === 'none') {
      throw new TypeError('algorithms must not contain "none": unsigned tokens are never accepted.');
    }
    if (!SUPPORTED_ALGORITHMS.includes(algorithm as JwtAlgorithm)) {
      throw new TypeError(`algorithms must contain only ${allowed}; received ${describeReceived(algorithm)}.`);
    }
    algorithms.push(algorithm as JwtAlgorithm);
  }

  const symmetric = algorithms.filter(isSymmetricAlgorithm);
  const asymmetric = algorithms.filter((algorithm) => !isSymmetricAlgorithm(algorithm));
  assertOneKeyFamily(symmetric, asymmetric, secretKey, publicKey);

  if (publicKey !== null) {
    for (const algorithm of asymmetric) {
      assertKeyFitsAlgorithm(publicKey, algorithm);
    }
  }

  return [...new Set(algorithms)];
}

/**
 * Requires one key family per key: HS algorithms verify with `secret` only, and RS, PS and ES
 * algorithms with `publicKey` only. Mixing both families for one key is how an RS public key's
 * PEM text ends up accepted as an HS secret.
 */
function assertOneKeyFamily(
  symmetric: readonly JwtAlgorithm[],
  asymmetric: readonly JwtAlgorithm[],
  secretKey: KeyObject | null,
  publicKey: KeyObject | null,
): void {
  const mixed = symmetric.length > 0 && asymmetric.length > 0;

  if (symmetric.length > 0 && secretKey === null) {
    const detail = mixed ? 'mixes symmetric and asymmetric algorithms for one key' : 'contains HS algorithms';
    throw new TypeError(`algorithms ${detail} (${symmetric.join(', ')}), but no secret is set; set secret or remove them.`);
  }

  if (asymmetric.length > 0 && publicKey === null) {
    const detail = mixed ? 'mixes symmetric and asymmetric algorithms for one key' : 'contains asymmetric algorithms';
    throw new TypeError(
      `algorithms ${detail} (${asymmetric.join(', ')}), but no publicKey is set; set publicKey or remove them.`,
    );
  }
}

function resolveStringList(path: string, value: unknown): string | [string, ...string[]] | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value === 'string') {
    return requireNonEmptyString(path, value);
  }
  if (Array.isArray(value) && value.length > 0) {
    const items = value.map((item, index) => requireNonEmptyString(`${path}[${index}]`, item));
    return items as [string, ...string[]];
  }
  throw new TypeError(`${path} must be a non-empty string or a non-empty array of strings; received ${describeReceived(value)}.`);
}

/** Injection token of the {@link ResolvedWsAuthOptions}; internal to the module. */
export const WS_AUTH_RESOLVED_OPTIONS = Symbol('WS_AUTH_RESOLVED_OPTIONS');
