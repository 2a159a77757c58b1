import type { KeyObject } from 'node:crypto';

import { resolveCircuitBreakerOptions, type CircuitBreakerOptions } from '../breaker/circuit-breaker.options.js';
import { resolveTokenCacheOptions, type ResolvedTokenCacheOptions } from '../cache/token-cache.options.js';
import { resolveLoggingOptions, type ResolvedWsAuthLoggingOptions } from '../logging/ws-auth-logging.options.js';
import { resolveMetricsOptions, type ResolvedWsAuthMetricsOptions } from '../metrics/ws-auth-metrics.options.js';
import {
  describeReceived,
  requireBoolean,
  requireFiniteNumber,
  requireInteger,
  requireNonEmptyString,
  requireOneOf,
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
import type { WhenBreakerOpen } from './remote-options.interface.js';
import {
  resolveIntrospectionOptions,
  resolveJwksOptions,
  resolveRemoteTimeoutMs,
  type ResolvedIntrospectionOptions,
  type ResolvedJwksOptions,
} from './resolve-remote-options.js';
import type { JwtAlgorithm, WsAuthModuleOptions } from './ws-auth-options.interface.js';

/** Options after validation, with defaults applied and key material prepared. */
export interface ResolvedWsAuthOptions {
  readonly algorithms: readonly JwtAlgorithm[];
  readonly secretKey: KeyObject | null;
  readonly publicKey: KeyObject | null;
  readonly jwks: ResolvedJwksOptions | null;
  readonly introspection: ResolvedIntrospectionOptions | null;
  readonly remoteTimeoutMs: number;
  readonly whenBreakerOpen: WhenBreakerOpen;
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
  readonly metrics: ResolvedWsAuthMetricsOptions;
  readonly logging: ResolvedWsAuthLoggingOptions;
  readonly expiryWarningLeadMs: number;
  readonly maxTokenLifetimeMs: number;
  readonly broadcastRevocations: boolean;
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
  'jwksUri',
  'jwks',
  'introspection',
  'remoteTimeoutMs',
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
  'metrics',
  'logging',
  'expiryWarningLeadMs',
  'maxTokenLifetimeMs',
  'broadcastRevocations',
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
  const jwks = resolveJwksOptions(source.jwksUri, source.jwks);
  const introspection = resolveIntrospectionOptions(source.introspection);
  if (publicKey !== null && jwks !== null) {
    throw new TypeError('publicKey and jwksUri are both set; RS, PS and ES tokens are verified with one of them, so set only one.');
  }
  if (secretKey === null && publicKey === null && jwks === null && introspection === null) {
    throw new TypeError(
      'WsAuthModule needs a way to verify tokens: set secret (HS algorithms), publicKey or jwksUri (RS, PS and ES algorithms), or introspection (opaque tokens).',
    );
  }

  const algorithms = resolveAlgorithms(source.algorithms, secretKey, publicKey, jwks !== null);
  const breakerSource = requireOptionalObject('breaker', source.breaker);
  const { whenOpen, ...breakerOptions } = breakerSource ?? {};

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
    jwks,
    introspection,
    remoteTimeoutMs: resolveRemoteTimeoutMs(source.remoteTimeoutMs),
    whenBreakerOpen:
      whenOpen === undefined ? 'use-cache' : requireOneOf('breaker.whenOpen', whenOpen, ['use-cache', 'deny-all'] as const),
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
    breaker: resolveCircuitBreakerOptions(breakerOptions, 'breaker'),
    metrics: resolveMetricsOptions(source.metrics, 'metrics'),
    logging: resolveLoggingOptions(source.logging, 'logging'),
    expiryWarningLeadMs:
      source.expiryWarningLeadMs === undefined
        ? 60_000
        : requireInteger('expiryWarningLeadMs', source.expiryWarningLeadMs, 0, MAX_EXPIRY_WARNING_LEAD_MS, ' ms'),
    maxTokenLifetimeMs:
      source.maxTokenLifetimeMs === undefined
        ? 86_400_000
        : requireInteger('maxTokenLifetimeMs', source.maxTokenLifetimeMs, 1_000, MAX_TOKEN_LIFETIME_LIMIT_MS, ' ms'),
    broadcastRevocations:
      source.broadcastRevocations === undefined ? false : requireBoolean('broadcastRevocations', source.broadcastRevocations),
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
  hasJwks: boolean,
): readonly JwtAlgorithm[] {
  if (value === undefined) {
    const symmetricDefault: JwtAlgorithm[] = secretKey === null ? [] : ['HS256'];
    const keyDefault = publicKey === null ? [] : defaultAlgorithmsForKey(publicKey);
    const jwksDefault: JwtAlgorithm[] = hasJwks ? ['RS256'] : [];
    return [...symmetricDefault, ...keyDefault, ...jwksDefault];
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
  assertOneKeyFamily(symmetric, asymmetric, secretKey, publicKey !== null || hasJwks);

  if (publicKey !== null) {
    for (const algorithm of asymmetric) {
      assertKeyFitsAlgorithm(publicKey, algorithm);
    }
  }
  if (asymmetric.length === 0 && (publicKey !== null || hasJwks)) {
    const keySource = publicKey === null ? 'jwksUri' : 'publicKey';
    throw new TypeError(
      `${keySource} is set, but algorithms (${algorithms.join(', ')}) has no RS, PS or ES algorithm to use it with; add one, such as RS256.`,
    );
  }

  return [...new Set(algorithms)];
}

/**
 * Requires one key family per key: HS algorithms verify with `secret` only, and RS, PS and ES
 * algorithms with `publicKey` or the JWKS only. Mixing both families for one key is how an RS public key's
 * PEM text ends up accepted as an HS secret.
 */
function assertOneKeyFamily(
  symmetric: readonly JwtAlgorithm[],
  asymmetric: readonly JwtAlgorithm[],
  secretKey: KeyObject | null,
  hasAsymmetricKeys: boolean,
): void {
  const mixed = symmetric.length > 0 && asymmetric.length > 0;

  if (symmetric.length > 0 && secretKey === null) {
    const detail = mixed ? 'mixes symmetric and asymmetric algorithms for one key' : 'contains HS algorithms';
    throw new TypeError(`algorithms ${detail} (${symmetric.join(', ')}), but no secret is set; set secret or remove them.`);
  }

  if (asymmetric.length > 0 && !hasAsymmetricKeys) {
    const detail = mixed ? 'mixes symmetric and asymmetric algorithms for one key' : 'contains asymmetric algorithms';
    throw new TypeError(
      `algorithms ${detail} (${asymmetric.join(', ')}), but neither publicKey nor jwksUri is set; set one or remove them.`,
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

/**
 * Checks module options exactly as `WsAuthModule` does at start, without starting anything,
 * so that an application can reject its configuration before it creates the Nest application.
 *
 * @throws TypeError or RangeError naming the option, the allowed range and the value received.
 */
export function validateWsAuthOptions(options: WsAuthModuleOptions): void {
  resolveWsAuthOptions(options);
}
