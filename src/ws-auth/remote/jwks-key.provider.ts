import { KeyObject } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, errors as joseErrors } from 'jose';

import { CircuitBreakerService } from '../breaker/circuit-breaker.service.js';
import { type Clock, WS_AUTH_CLOCK } from '../clock/clock.js';
import { AuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';
import type { JwtHeader } from '../verification/token-shape.js';
import { fetchJson } from './fetch-json.js';

/** Name of the circuit breaker that guards JWKS fetches. */
export const JWKS_BREAKER = 'jwks';

/** Most keys read from one key set; real providers publish a handful. */
const MAX_JWKS_KEYS = 100;

type KeySelector = ReturnType<typeof createLocalJWKSet>;
type WebCryptoKey = Parameters<typeof KeyObject.from>[0];

/** A fetched key set and the time it was fetched. */
interface FetchedKeySet {
  readonly select: KeySelector;
  readonly fetchedAt: number;
}

/**
 * Public keys from the configured JWKS endpoint, for RS, PS and ES tokens.
 *
 * jose's `createLocalJWKSet` selects the key for a token header (by `kid`, `alg`, `kty`, `use`
 * and `key_ops`). Fetching, caching and the refetch cooldown are done here instead of with
 * jose's remote key set, because that one reads `Date.now()`: here every lifetime reads the
 * injected clock and every fetch goes through the `jwks` circuit breaker.
 */
@Injectable()
export class JwksKeyProvider {
  private keySet: FetchedKeySet | null = null;
  private lastFetchStartedAt = Number.NEGATIVE_INFINITY;
  private inFlightFetch: Promise<FetchedKeySet> | null = null;
  private readonly keyObjects = new WeakMap<object, KeyObject>();

  constructor(
    @Inject(WS_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWsAuthOptions,
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(CircuitBreakerService) private readonly breakers: CircuitBreakerService,
  ) {}

  /** Tells whether a JWKS endpoint is configured. */
  get enabled(): boolean {
    return this.options.jwks !== null;
  }

  /**
   * Returns the key for a token header, or `null` when the key set has no matching key, even
   * after the one refetch that the cooldown allows.
   *
   * @throws AuthUnavailableError when the key set must be fetched and the fetch fails.
   */
  async getKey(header: JwtHeader): Promise<KeyObject | null> {
    const settings = this.options.jwks;
    if (settings === null) {
      return null;
    }

    const now = this.clock.now();
    let keySet = this.keySet;
    if (keySet === null || now >= keySet.fetchedAt + settings.maxAgeMs) {
      keySet = await this.fetchKeySet();
    }

    const key = await this.selectKey(keySet, header);
    if (key !== null || now < this.lastFetchStartedAt + settings.cooldownMs) {
      return key;
    }

    // A kid that is not in the set may come from a key rotation: fetch once more.
    return this.selectKey(await this.fetchKeySet(), header);
  }

  /** Fetches the key set, sharing one fetch among all concurrent callers. */
  private fetchKeySet(): Promise<FetchedKeySet> {
    this.inFlightFetch ??= this.breakers
      .get(JWKS_BREAKER)
      .execute(() => this.downloadKeySet())
      .finally(() => {
        this.inFlightFetch = null;
      });
    return this.inFlightFetch;
  }

  private async downloadKeySet(): Promise<FetchedKeySet> {
    const settings = this.options.jwks;
    /* istanbul ignore next -- fetchKeySet is only reached with a JWKS configured */
    if (settings === null) {
      throw new AuthUnavailableError('not_configured', 'No JWKS endpoint is configured.');
    }

    this.lastFetchStartedAt = this.clock.now();
    const body = await fetchJson({
      url: settings.uri,
      method: 'GET',
      headers: { accept: 'application/json' },
      timeoutMs: this.options.remoteTimeoutMs,
    });

    const keySet: FetchedKeySet = { select: buildSelector(body), fetchedAt: this.clock.now() };
    this.keySet = keySet;
    return keySet;
  }

  private async selectKey(keySet: FetchedKeySet, header: JwtHeader): Promise<KeyObject | null> {
    let key: WebCryptoKey;
    try {
      key = await keySet.select({ alg: header.alg, ...(header.kid === undefined ? {} : { kid: header.kid }) });
    } catch (error) {
      if (isNoUsableKeyError(error)) {
        return null;
      }
      throw error;
    }

    let keyObject = this.keyObjects.get(key);
    if (keyObject === undefined) {
      keyObject = KeyObject.from(key);
      this.keyObjects.set(key, keyObject);
    }
    return keyObject;
  }
}

/** Validates a JWKS document and builds jose's key selector over it. */
function buildSelector(body: unknown): KeySelector {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_JWKS_KEYS) {
    throw new AuthUnavailableError(
      'invalid_body',
      `The JWKS endpoint sent no valid key set: "keys" must be an array of 1 to ${MAX_JWKS_KEYS} keys.`,
    );
  }

  try {
    return createLocalJWKSet({ keys: keys as never[] });
  } catch (error) {
    throw new AuthUnavailableError('invalid_body', 'The JWKS endpoint sent a malformed key set.', { cause: error });
  }
}

/** jose's errors for a header that no key, or more than one key, of the set matches. */
function isNoUsableKeyError(error: unknown): boolean {
  return (
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSMultipleMatchingKeys ||
    error instanceof joseErrors.JOSENotSupported ||
    error instanceof joseErrors.JWKSInvalid ||
    error instanceof joseErrors.JWKInvalid
  );
}
