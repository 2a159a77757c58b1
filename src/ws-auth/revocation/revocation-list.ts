import { Inject, Injectable } from '@nestjs/common';

import { matchesPrincipal } from '../cache/token-cache.selector.js';
import { type Clock, WS_AUTH_CLOCK } from '../clock/clock.js';
import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';
import type { WsPrincipal } from '../verification/ws-principal.js';
import type { ResolvedRevocation } from './revocation-request.js';

/** A revocation of the tokens of one subject issued before a moment. */
interface SubjectEntry {
  issuedBefore: number;
  /** Time in milliseconds since the epoch after which the entry is dropped. */
  keptUntil: number;
}

/**
 * Revoked token ids and subjects of this process, each kept only as long as a matching token
 * can still be valid, so memory stays bounded by the revocations of one token lifetime.
 *
 * A revocation by `jti` is kept until that token's `exp` plus the clock tolerance when its
 * expiry is known, else for `maxTokenLifetimeMs`. A revocation by `sub` is kept until
 * `issuedBefore + maxTokenLifetimeMs`, or later when a matching token that expires later is
 * known. Expired entries are dropped on the next revocation and on lookup.
 *
 * NOTE: The list lives in process memory. An application that runs several processes must
 * revoke in each of them; a revocation is also lost when the process restarts.
 */
@Injectable()
export class RevocationList {
  private readonly jtis = new Map<string, number>();
  private readonly subjects = new Map<string, SubjectEntry>();

  constructor(
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(WS_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWsAuthOptions,
  ) {}

  /** Number of revocations kept now, by `jti` and by `sub` together. */
  get size(): number {
    return this.jtis.size + this.subjects.size;
  }

  /**
   * Stores `revocation` and returns the time until which it is kept, in milliseconds since the
   * epoch.
   *
   * @param knownExpiresAt latest `exp` in milliseconds of the matching tokens that the caller
   *   knows of, such as those of live sockets, or `null` when none is known.
   */
  add(revocation: ResolvedRevocation, knownExpiresAt: number | null): number {
    const now = this.clock.now();
    this.dropExpired(now);

    if ('jti' in revocation) {
      const keptUntil = this.keptUntil(knownExpiresAt ?? now + this.options.maxTokenLifetimeMs);
      const merged = Math.max(keptUntil, this.jtis.get(revocation.jti) ?? keptUntil);
      this.jtis.set(revocation.jti, merged);
      return merged;
    }

    const lastPossibleExpiry = revocation.issuedBefore + this.options.maxTokenLifetimeMs;
    const keptUntil = this.keptUntil(Math.max(lastPossibleExpiry, knownExpiresAt ?? lastPossibleExpiry));
    const existing = this.subjects.get(revocation.sub);
    const merged: SubjectEntry = {
      issuedBefore: Math.max(revocation.issuedBefore, existing?.issuedBefore ?? revocation.issuedBefore),
      keptUntil: Math.max(keptUntil, existing?.keptUntil ?? keptUntil),
    };
    this.subjects.set(revocation.sub, merged);
    return merged.keptUntil;
  }

  /**
   * Tells whether a revocation kept now matches `principal`.
   *
   * A match keeps its revocation at least until the principal's token expires, or for
   * `maxTokenLifetimeMs` more when the token has no `exp`, so a token seen after its revocation
   * stays revoked for as long as it is used.
   */
  isRevoked(principal: WsPrincipal): boolean {
    const now = this.clock.now();
    const keptAtLeastUntil = this.keptUntil(principal.expiresAt ?? now + this.options.maxTokenLifetimeMs);

    const jti = principal.jti;
    const jtiKeptUntil = jti === undefined ? undefined : this.jtis.get(jti);
    if (jti !== undefined && jtiKeptUntil !== undefined) {
      if (jtiKeptUntil > now) {
        this.jtis.set(jti, Math.max(jtiKeptUntil, keptAtLeastUntil));
        return true;
      }
      this.jtis.delete(jti);
    }

    const subject = this.subjects.get(principal.sub);
    if (subject === undefined) {
      return false;
    }
    if (subject.keptUntil <= now) {
      this.subjects.delete(principal.sub);
      return false;
    }
    if (!matchesPrincipal(principal, { sub: principal.sub, issuedBefore: subject.issuedBefore })) {
      return false;
    }
    subject.keptUntil = Math.max(subject.keptUntil, keptAtLeastUntil);
    return true;
  }

  private keptUntil(expiresAt: number): number {
    return expiresAt + this.options.clockToleranceMs;
  }

  private dropExpired(now: number): void {
    for (const [jti, keptUntil] of this.jtis) {
      if (keptUntil <= now) {
        this.jtis.delete(jti);
      }
    }
    for (const [sub, entry] of this.subjects) {
      if (entry.keptUntil <= now) {
        this.subjects.delete(sub);
      }
    }
  }
}
