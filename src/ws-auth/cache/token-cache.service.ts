import { Inject, Injectable } from '@nestjs/common';

import { WS_AUTH_CLOCK, type Clock } from '../clock/clock.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { describeReceived } from '../options/option-checks.js';
import type { TokenVerdict } from '../verification/token-verdict.js';
import {
  resolveTokenCacheOptions,
  TOKEN_CACHE_OPTIONS,
  type ResolvedTokenCacheOptions,
} from './token-cache.options.js';
import { validateSelector, type TokenCacheSelector } from './token-cache.selector.js';
import { TOKEN_CACHE_STORE, type TokenCacheStore } from './token-cache.store.js';

/** Counters since the service started, and the current sizes. */
export interface TokenCacheStats {
  /** Accepted verdicts served from the cache by `verify` and `peek`. */
  readonly hits: number;
  /** `verify` calls that found no cached verdict, including those that joined a verification in progress. */
  readonly misses: number;
  /** Rejected verdicts served from the cache by `verify` and `peek`. */
  readonly negativeHits: number;
  /** Entries removed to make room for new ones. */
  readonly evictions: number;
  /** Accepted verdicts cached now. */
  readonly entries: number;
  /** Rejected verdicts cached now. */
  readonly negativeEntries: number;
  /** Distinct tokens whose verification is in progress. */
  readonly inFlight: number;
}

/**
 * Rejections that are not cached. `TOKEN_NOT_YET_VALID` turns into acceptance at `nbf`, which a
 * rejected verdict does not carry, so a cached copy could outlive it. `AUTH_UNAVAILABLE` is
 * transient. Verifiers should throw it as an `AuthUnavailableError` rather than return it.
 */
const UNCACHEABLE_REJECTIONS: ReadonlySet<WsAuthErrorCode> = new Set([
  WsAuthErrorCode.TOKEN_NOT_YET_VALID,
  WsAuthErrorCode.AUTH_UNAVAILABLE,
]);

/** Whether the result of a verification in progress may still be cached. */
interface FlightState {
  cacheable: boolean;
}

/** Verification in progress for one token, shared by every concurrent caller. */
interface Flight {
  readonly promise: Promise<TokenVerdict>;
  readonly state: FlightState;
}

/**
 * Cache of token verdicts with one verification at a time per token.
 *
 * Verdicts are stored without their time window applied. Callers apply it with
 * `evaluateVerdictAt(verdict, clock.now(), clockToleranceMs)` to cached and fresh verdicts
 * alike, so a hit gives exactly what a fresh verification would give at that instant.
 *
 * An accepted verdict is kept until `min(now + maxTtlMs, exp + clockToleranceMs)`, never longer
 * than its token is valid. A verdict whose `nbf` lies in the future is cached like any other,
 * because it carries `notBefore` and `evaluateVerdictAt` returns `TOKEN_NOT_YET_VALID` until
 * `nbf - clockToleranceMs` and accepts it from then on, as a fresh verification would. A
 * rejected verdict is kept for `negativeTtlMs`, except the codes in `UNCACHEABLE_REJECTIONS`.
 *
 * Failures thrown by the verification, such as `AuthUnavailableError`, are never cached.
 */
@Injectable()
export class TokenCacheService {
  private readonly options: ResolvedTokenCacheOptions;
  private readonly inFlight = new Map<string, Flight>();
  private hits = 0;
  private misses = 0;
  private negativeHits = 0;

  constructor(
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(TOKEN_CACHE_OPTIONS) options: ResolvedTokenCacheOptions,
    @Inject(TOKEN_CACHE_STORE) private readonly store: TokenCacheStore,
  ) {
    // Validated again because an application may provide TOKEN_CACHE_OPTIONS directly.
    this.options = resolveTokenCacheOptions(options);
  }

  /**
   * Returns the cached verdict of `token`, or runs `verifyFresh` and caches its verdict.
   *
   * Concurrent calls for the same token share one call of `verifyFresh` and receive the same
   * promise. When it rejects, every waiter receives the same rejection, nothing is cached, and
   * the next call starts a new verification.
   */
  verify(token: string, verifyFresh: (token: string) => Promise<TokenVerdict>): Promise<TokenVerdict> {
    const cached = this.peek(token);
    if (cached !== undefined) {
      return Promise.resolve(cached);
    }

    this.misses += 1;

    const flight = this.inFlight.get(token);
    if (flight !== undefined) {
      return flight.promise;
    }

    return this.startFlight(token, verifyFresh);
  }

  /**
   * Returns the cached verdict of `token` without verifying it, for example while a circuit
   * breaker is open. A hit is counted, a miss is not.
   *
   * @param nowMs time of the lookup in milliseconds since the epoch; the module's clock by
   *   default. A caller that reads the clock to evaluate the verdict passes that reading, so the
   *   lookup and the evaluation agree on the time and the clock is read once.
   * @throws TypeError when `nowMs` is not a finite number.
   */
  peek(token: string, nowMs: number = this.clock.now()): TokenVerdict | undefined {
    if (!this.options.enabled) {
      return undefined;
    }

    if (!Number.isFinite(nowMs)) {
      throw new TypeError(`peek() takes nowMs as a finite number of milliseconds since the epoch; received ${describeReceived(nowMs)}.`);
    }

    const cached = this.store.get(token, nowMs);
    if (cached === undefined) {
      return undefined;
    }

    if (cached.accepted) {
      this.hits += 1;
    } else {
      this.negativeHits += 1;
    }
    return cached;
  }

  /**
   * Removes the cached verdicts that match `selector` and returns how many were removed.
   *
   * A verification in progress that may match is detached: its callers still receive its
   * verdict, but the verdict is not cached and later calls start a new verification. For a `jti`
   * or `sub` selector that is every verification in progress, because a principal is known only
   * once its verification ends.
   *
   * @throws TypeError when `selector` is not exactly one of `{ token }`, `{ jti }` or
   *   `{ sub, issuedBefore? }` with non-empty strings.
   */
  invalidate(selector: TokenCacheSelector): number {
    validateSelector(selector);

    if ('token' in selector) {
      this.detachFlight(selector.token);
      return this.store.delete(selector.token) ? 1 : 0;
    }

    this.detachAllFlights();
    return this.store.deleteMatching(selector);
  }

  /**
   * Returns the counters since the service started and the current sizes. Takes time
   * proportional to the number of entries, because the store purges expired entries first.
   */
  stats(): TokenCacheStats {
    const storeStats = this.store.stats();

    return {
      hits: this.hits,
      misses: this.misses,
      negativeHits: this.negativeHits,
      evictions: storeStats.evictions,
      entries: storeStats.entries,
      negativeEntries: storeStats.negativeEntries,
      inFlight: this.inFlight.size,
    };
  }

  /**
   * Removes every cached verdict and detaches every verification in progress, as
   * {@link invalidate} does. The counters are kept.
   */
  clear(): void {
    this.detachAllFlights();
    this.store.clear();
  }

  private startFlight(token: string, verifyFresh: (token: string) => Promise<TokenVerdict>): Promise<TokenVerdict> {
    const state: FlightState = { cacheable: this.options.enabled };
    const promise = this.runFlight(token, verifyFresh, state);
    this.inFlight.set(token, { promise, state });
    return promise;
  }

  private async runFlight(
    token: string,
    verifyFresh: (token: string) => Promise<TokenVerdict>,
    state: FlightState,
  ): Promise<TokenVerdict> {
    try {
      const verdict = await callVerifyFresh(verifyFresh, token);

      if (state.cacheable) {
        this.cacheVerdict(token, verdict);
      }
      return verdict;
    } finally {
      // A detached flight may have been replaced by a newer one, which must stay.
      if (this.inFlight.get(token)?.state === state) {
        this.inFlight.delete(token);
      }
    }
  }

  private cacheVerdict(token: string, verdict: TokenVerdict): void {
    const now = this.clock.now();
    const expiresAtMs = this.entryExpiry(verdict, now);

    if (expiresAtMs !== undefined && expiresAtMs > now) {
      this.store.set(token, verdict, expiresAtMs);
    }
  }

  /** Computes when the cache entry of `verdict` must stop being served, or `undefined` to not cache it. */
  private entryExpiry(verdict: TokenVerdict, now: number): number | undefined {
    if (!verdict.accepted) {
      const cacheable = this.options.negativeTtlMs > 0 && !UNCACHEABLE_REJECTIONS.has(verdict.code);
      return cacheable ? now + this.options.negativeTtlMs : undefined;
    }

    const maxExpiry = now + this.options.maxTtlMs;
    if (verdict.expiresAt === null) {
      return maxExpiry;
    }
    return Math.min(maxExpiry, verdict.expiresAt + this.options.clockToleranceMs);
  }

  private detachFlight(token: string): void {
    const flight = this.inFlight.get(token);
    if (flight !== undefined) {
      flight.state.cacheable = false;
      this.inFlight.delete(token);
    }
  }

  private detachAllFlights(): void {
    for (const flight of this.inFlight.values()) {
      flight.state.cacheable = false;
    }
    this.inFlight.clear();
  }
}

/**
 * Calls `verifyFresh` and turns a synchronous throw into a rejected promise, so that `runFlight`
 * always settles after `startFlight` has registered the flight. Returning the verifier's promise
 * itself, rather than resolving a new promise with it, saves a promise and two microtask turns on
 * every cache miss.
 */
function callVerifyFresh(verifyFresh: (token: string) => Promise<TokenVerdict>, token: string): Promise<TokenVerdict> {
  try {
    return verifyFresh(token);
  } catch (error) {
    // The verifier's own value is passed on unchanged, as a throw inside an async function would be.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(error);
  }
}
