import { createHash } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { WS_AUTH_CLOCK, type Clock } from '../clock/clock.js';
import type { AcceptedVerdict, RejectedVerdict, TokenVerdict } from '../verification/token-verdict.js';
import {
  resolveTokenCacheOptions,
  TOKEN_CACHE_OPTIONS,
  type ResolvedTokenCacheOptions,
} from './token-cache.options.js';
import { matchesPrincipal, type PrincipalSelector } from './token-cache.selector.js';

/** Sizes and eviction count of a {@link TokenCacheStore}. */
export interface TokenCacheStoreStats {
  /** Accepted verdicts stored now, expired entries excluded. */
  readonly entries: number;
  /** Rejected verdicts stored now, expired entries excluded. */
  readonly negativeEntries: number;
  /** Entries of either kind removed to make room for new ones since the store was created. */
  readonly evictions: number;
}

/**
 * Storage of token verdicts behind `TokenCacheService`, keyed by token.
 *
 * Accepted and rejected verdicts are kept in separate bounded spaces, so rejected verdicts never
 * evict accepted ones. A token has at most one entry.
 *
 * The interface is synchronous. `TokenCacheService.peek`, `invalidate` and `stats` are
 * synchronous, and a cache hit must cost about as much as one `Map` lookup, which a promise per
 * lookup would not. A shared store such as Redis needs network I/O, so it would be a local
 * in-memory store kept in step with the shared one (for example through pub/sub), still
 * implementing this interface. Such a store must key the shared copy with
 * {@link sharedStoreKey}, never with the raw token.
 */
export interface TokenCacheStore {
  /**
   * Returns the verdict stored for `token`, or `undefined` when there is none or its entry has
   * expired at `nowMs`. Counts as a use for least-recently-used eviction.
   *
   * @param nowMs time of the lookup in milliseconds since the epoch, read from the module's
   *   clock by the caller, so that a lookup and the evaluation of its verdict share one reading.
   */
  get(token: string, nowMs: number): TokenVerdict | undefined;

  /**
   * Stores `verdict` for `token`, replacing any entry of the token, until `expiresAtMs`
   * (milliseconds since the epoch, exclusive).
   *
   * An entry is never returned at or after `expiresAtMs`. The store may drop it earlier, or not
   * store it at all, for example when 1 ms or less remains.
   */
  set(token: string, verdict: TokenVerdict, expiresAtMs: number): void;

  /** Removes the entry of `token`. Returns whether there was one. */
  delete(token: string): boolean;

  /** Removes every accepted verdict whose principal matches `selector`. Returns how many. */
  deleteMatching(selector: PrincipalSelector): number;

  /** Removes every entry. */
  clear(): void;

  /** Returns the current sizes and the eviction count. */
  stats(): TokenCacheStoreStats;
}

/** Injection token of the {@link TokenCacheStore} used by `TokenCacheService`. */
export const TOKEN_CACHE_STORE = Symbol('TOKEN_CACHE_STORE');

/**
 * Computes the key under which a store shared between processes (such as Redis) must keep a
 * token's verdict: the SHA-256 digest of the token in lowercase hex, 64 characters.
 *
 * A shared store must never use the raw token as its key. Keys leave the process and show up in
 * the store's key listings, logs and backups, where a raw token could be replayed.
 */
export function sharedStoreKey(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * {@link TokenCacheStore} in process memory, built on two lru-cache instances: one for accepted
 * verdicts (`maxEntries`) and one for rejected verdicts (`negativeMaxEntries`).
 *
 * Entries are keyed by the raw token string, not by a digest. The token already lives in this
 * process's memory, its length is bounded by the module's maximum token size (8 KiB by default),
 * and hashing it would cost far more than the lookup. A Node 20 micro-benchmark on an AMD EPYC
 * server used a `Map` of 1,000 tokens of 300 bytes and 10 million lookups. A lookup took 30-45 ns,
 * and a SHA-256 hex digest of one token took 0.8-0.9 µs, 20 to 30 times as long.
 * A store shared between processes must use {@link sharedStoreKey} instead.
 *
 * Each entry carries its own expiry, checked against the time the caller passes to {@link get},
 * and no timer is started: expired entries are removed when read, evicted, or counted by
 * {@link stats}. lru-cache's own TTL is not used because it reads its clock on every lookup and
 * cannot take the caller's reading, which would cost a second clock read per cache hit.
 */
@Injectable()
export class InMemoryTokenCacheStore implements TokenCacheStore {
  private readonly accepted: LRUCache<string, StoredVerdict<AcceptedVerdict>>;
  private readonly rejected: LRUCache<string, StoredVerdict<RejectedVerdict>>;
  private evictions = 0;

  constructor(
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(TOKEN_CACHE_OPTIONS) options: ResolvedTokenCacheOptions,
  ) {
    const resolved = resolveTokenCacheOptions(options);
    this.accepted = this.createSpace<AcceptedVerdict>(resolved.maxEntries);
    this.rejected = this.createSpace<RejectedVerdict>(resolved.negativeMaxEntries);
  }

  get(token: string, nowMs: number): TokenVerdict | undefined {
    return readLive(this.accepted, token, nowMs) ?? readLive(this.rejected, token, nowMs);
  }

  set(token: string, verdict: TokenVerdict, expiresAtMs: number): void {
    const nowMs = this.clock.now();

    // A token has one entry at most, so any entry of the other kind goes too.
    this.delete(token);

    // An entry with 1 ms or less to live would be gone before it could serve a lookup.
    if (!Number.isFinite(expiresAtMs) || !(expiresAtMs - nowMs > 1)) {
      return;
    }

    if (verdict.accepted) {
      this.accepted.set(token, { verdict, expiresAtMs });
    } else {
      this.rejected.set(token, { verdict, expiresAtMs });
    }
  }

  delete(token: string): boolean {
    const deletedAccepted = this.accepted.delete(token);
    const deletedRejected = this.rejected.delete(token);
    return deletedAccepted || deletedRejected;
  }

  deleteMatching(selector: PrincipalSelector): number {
    // Keys are collected first, so entries are not deleted while lru-cache iterates over them.
    const matching: string[] = [];
    for (const [token, entry] of this.accepted.entries()) {
      if (matchesPrincipal(entry.verdict.principal, selector)) {
        matching.push(token);
      }
    }

    for (const token of matching) {
      this.accepted.delete(token);
    }

    return matching.length;
  }

  clear(): void {
    this.accepted.clear();
    this.rejected.clear();
  }

  /** Returns the sizes after removing expired entries, which takes time proportional to the size. */
  stats(): TokenCacheStoreStats {
    const nowMs = this.clock.now();
    deleteExpired(this.accepted, nowMs);
    deleteExpired(this.rejected, nowMs);

    return {
      entries: this.accepted.size,
      negativeEntries: this.rejected.size,
      evictions: this.evictions,
    };
  }

  private createSpace<V extends TokenVerdict>(max: number): LRUCache<string, StoredVerdict<V>> {
    return new LRUCache<string, StoredVerdict<V>>({
      max,
      dispose: (_entry, _token, reason) => {
        if (reason === 'evict') {
          this.evictions += 1;
        }
      },
    });
  }
}

/** Entry of {@link InMemoryTokenCacheStore}: a verdict and the moment it stops being served. */
interface StoredVerdict<V extends TokenVerdict> {
  readonly verdict: V;
  /** Milliseconds since the epoch, exclusive. */
  readonly expiresAtMs: number;
}

/** Returns the verdict of `token` while its entry lives at `nowMs`, and removes an expired entry. */
function readLive<V extends TokenVerdict>(space: LRUCache<string, StoredVerdict<V>>, token: string, nowMs: number): V | undefined {
  const entry = space.get(token);
  if (entry === undefined) {
    return undefined;
  }

  if (nowMs < entry.expiresAtMs) {
    return entry.verdict;
  }

  space.delete(token);
  return undefined;
}

/** Removes the entries of `space` that have expired at `nowMs`. */
function deleteExpired<V extends TokenVerdict>(space: LRUCache<string, StoredVerdict<V>>, nowMs: number): void {
  // Keys are collected first, so entries are not deleted while lru-cache iterates over them.
  const expired: string[] = [];
  for (const [token, entry] of space.entries()) {
    if (entry.expiresAtMs <= nowMs) {
      expired.push(token);
    }
  }

  for (const token of expired) {
    space.delete(token);
  }
}
