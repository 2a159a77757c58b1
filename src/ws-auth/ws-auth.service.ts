import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';

import { TokenCacheService } from './cache/token-cache.service.js';
import { matchesPrincipal } from './cache/token-cache.selector.js';
import { type Clock, WS_AUTH_CLOCK } from './clock/clock.js';
import { AuthenticatedSockets } from './handshake/authenticated-sockets.js';
import { readSocketPrincipal } from './handshake/socket-principal.js';
import { TokenLifecycleService } from './lifecycle/token-lifecycle.service.js';
import { RevocationBroadcaster } from './revocation/revocation-broadcaster.js';
import { RevocationList } from './revocation/revocation-list.js';
import { type ResolvedRevocation, type RevocationRequest, resolveRevocationRequest } from './revocation/revocation-request.js';
import type { WsPrincipal } from './verification/ws-principal.js';
import { fingerprint } from './logging/fingerprint.js';

/** Outcome of {@link WsAuthService.revoke}. */
export interface RevocationResult {
  /** Live sockets of this process that received `auth:revoked` and were disconnected. */
  readonly disconnectedSockets: number;
  /** Cached verdicts removed. */
  readonly removedCacheEntries: number;
  /** Time in milliseconds since the epoch until which this process keeps the revocation. */
  readonly keptUntil: number;
  /**
   * Whether the revocation was sent to the other servers of the Socket.IO cluster, which apply it
   * to their own sockets and caches. Only with the `broadcastRevocations` option.
   */
  readonly broadcast: boolean;
}

/** Changes that applying a revocation made in this process. */
type LocalRevocationResult = Omit<RevocationResult, 'broadcast'>;

/** Operations on the tokens of live sockets, for application code such as an admin endpoint. */
@Injectable()
export class WsAuthService {
  private readonly logger = new Logger('WsAuth');

  constructor(
    @Inject(RevocationList) private readonly revocations: RevocationList,
    @Inject(TokenCacheService) private readonly cache: TokenCacheService,
    @Inject(AuthenticatedSockets) private readonly sockets: AuthenticatedSockets,
    @Inject(TokenLifecycleService) private readonly lifecycle: TokenLifecycleService,
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(RevocationBroadcaster) private readonly broadcaster: RevocationBroadcaster,
  ) {
    broadcaster.onRemoteRevocation((payload) => this.applyRemote(payload));
  }

  /**
   * Revokes the token with a `jti`, or the tokens of a `sub` issued before `issuedBefore` (by
   * default, now).
   *
   * From then on a handshake, a refresh or a message with a matching token is denied with
   * `TOKEN_REVOKED`. Matching cached verdicts are removed, and every matching live socket of this
   * process receives `auth:revoked` and is disconnected before this call returns. The revocation
   * is kept until the matching tokens have expired, as `RevocationList` describes.
   *
   * With `broadcastRevocations`, the revocation, with its `issuedBefore` filled in, is also sent
   * to the other servers of the Socket.IO cluster, which apply it in the same way a moment later.
   *
   * @throws TypeError when `request` is not `{ jti }` or `{ sub, issuedBefore? }` with a
   *   non-empty string and, if present, a finite, non-negative `issuedBefore`.
   */
  revoke(request: RevocationRequest): RevocationResult {
    const revocation = resolveRevocationRequest(request, this.clock.now());

    const result = this.apply(revocation, 'Revoked');
    const broadcast = this.broadcaster.send(revocation);
    return { ...result, broadcast };
  }

  /** Applies a revocation that another server of the cluster sent; an invalid one is logged and ignored. */
  private applyRemote(payload: unknown): void {
    let revocation: ResolvedRevocation;
    try {
      revocation = resolveRevocationRequest(payload, this.clock.now());
    } catch (error) {
      // The message names fields, never their values.
      this.logger.warn(`Ignored a revocation from another server: ${(error as Error).message}`);
      return;
    }

    this.apply(revocation, 'Applied a revocation from another server to');
  }

  private apply(revocation: ResolvedRevocation, verb: string): LocalRevocationResult {
    const matching: Socket[] = [];
    const principals: WsPrincipal[] = [];
    for (const socket of this.sockets.values()) {
      const principal = readSocketPrincipal(socket);
      if (principal !== undefined && matchesPrincipal(principal, revocation)) {
        matching.push(socket);
        principals.push(principal);
      }
    }

    const keptUntil = this.revocations.add(revocation, latestExpiry(principals));
    const removedCacheEntries = this.cache.invalidate(revocation);
    for (const socket of matching) {
      this.lifecycle.disconnectRevoked(socket);
    }

    // Log lines contain no claim value, so the revoked id appears as a fingerprint.
    const target = 'jti' in revocation ? `jti ${fingerprint(revocation.jti)}` : `sub ${fingerprint(revocation.sub)}`;
    this.logger.log(
      `${verb} the tokens of ${target}: disconnected ${count(matching.length, 'socket')}, ` +
        `removed ${count(removedCacheEntries, 'cached verdict')}, kept until ${new Date(keptUntil).toISOString()}.`,
    );
    return { disconnectedSockets: matching.length, removedCacheEntries, keptUntil };
  }
}

/** Returns `amount` followed by `noun`, with an `s` unless `amount` is 1. */
function count(amount: number, noun: string): string {
  return `${amount} ${amount === 1 ? noun : `${noun}s`}`;
}

/** Returns the latest `expiresAt` of `principals`, or `null` when there is none or one has no `exp`. */
function latestExpiry(principals: readonly WsPrincipal[]): number | null {
  let latest: number | null = null;
  for (const { expiresAt } of principals) {
    if (expiresAt === null) {
      return null;
    }
    latest = Math.max(latest ?? expiresAt, expiresAt);
  }
  return latest;
}
