import { Inject, Injectable } from '@nestjs/common';

import { CircuitBreakerService } from '../breaker/circuit-breaker.service.js';
import { TokenCacheService } from '../cache/token-cache.service.js';
import { type Clock, WS_AUTH_CLOCK } from '../clock/clock.js';
import { monotonicMs, secondsSince } from '../clock/elapsed.js';
import { isAuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { WsAuthException } from '../errors/ws-auth.exception.js';
import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';
import { DefaultTokenVerifier } from './default-token.verifier.js';
import { WsAuthRecorder } from '../telemetry/ws-auth.recorder.js';
import { RevocationList } from '../revocation/revocation-list.js';
import { evaluateVerdictAt, type TokenVerdict } from './token-verdict.js';
import { TokenVerifier } from './token-verifier.js';
import type { WsPrincipal } from './ws-principal.js';

/**
 * Turns a token into a principal: a cached or fresh verdict, then the time window at the
 * injected clock's now. Handshakes and refreshes both go through here.
 *
 * While a remote dependency's breaker is open, a token with a cached verdict keeps passing and
 * a token without one gets `AUTH_UNAVAILABLE` from the breaker. With `breaker.whenOpen` set to
 * `'deny-all'`, every token that needs that dependency gets `AUTH_UNAVAILABLE` at once.
 *
 * It records the time of each verdict that needed no verification of its own under the source
 * `cache`, and the cause of each `AuthUnavailableError`. Verifiers record their own verifications.
 */
@Injectable()
export class TokenAuthenticator {
  constructor(
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(TokenCacheService) private readonly cache: TokenCacheService,
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(WS_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWsAuthOptions,
    @Inject(DefaultTokenVerifier) private readonly routes: DefaultTokenVerifier,
    @Inject(CircuitBreakerService) private readonly breakers: CircuitBreakerService,
    @Inject(WsAuthRecorder) private readonly recorder: WsAuthRecorder,
    @Inject(RevocationList) private readonly revocations: RevocationList,
  ) {}

  /**
   * Returns the principal of a valid token that has not been revoked.
   *
   * @throws WsAuthException with the denial code, or `AUTH_UNAVAILABLE` when a verification
   *   dependency failed. Any other error comes from a custom verifier and is rethrown.
   */
  async authenticate(token: string): Promise<WsPrincipal> {
    if (this.options.whenBreakerOpen === 'deny-all' && this.isBreakerOpenFor(token)) {
      throw new WsAuthException(WsAuthErrorCode.AUTH_UNAVAILABLE);
    }

    const startedMs = monotonicMs(this.clock);
    let verifiedFresh = false;
    let verdict: TokenVerdict;

    try {
      verdict = await this.cache.verify(token, (freshToken) => {
        verifiedFresh = true;
        return this.verifier.verify(freshToken);
      });
    } catch (error) {
      if (isAuthUnavailableError(error)) {
        this.recorder.recordUnavailable(error.reason);
        throw new WsAuthException(WsAuthErrorCode.AUTH_UNAVAILABLE);
      }
      throw error;
    } finally {
      if (!verifiedFresh) {
        this.recorder.recordVerification('cache', secondsSince(this.clock, startedMs));
      }
    }

    const evaluation = evaluateVerdictAt(verdict, this.clock.now(), this.options.clockToleranceMs);
    if (!evaluation.ok) {
      throw new WsAuthException(evaluation.code);
    }

    // Checked on every call, cache hits included, because the cache stores verdicts, not revocations.
    if (this.revocations.isRevoked(evaluation.principal)) {
      throw new WsAuthException(WsAuthErrorCode.TOKEN_REVOKED);
    }
    return evaluation.principal;
  }

  private isBreakerOpenFor(token: string): boolean {
    const breakerName = this.routes.breakerFor(token);
    return breakerName !== null && this.breakers.get(breakerName).snapshot().state === 'open';
  }
}
