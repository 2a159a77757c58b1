import { Inject, Injectable } from '@nestjs/common';

import { TokenCacheService } from '../cache/token-cache.service.js';
import { type Clock, WS_AUTH_CLOCK } from '../clock/clock.js';
import { isAuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { WsAuthException } from '../errors/ws-auth.exception.js';
import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';
import { RevocationList } from '../revocation/revocation-list.js';
import { evaluateVerdictAt, type TokenVerdict } from './token-verdict.js';
import { TokenVerifier } from './token-verifier.js';
import type { WsPrincipal } from './ws-principal.js';

/**
 * Turns a token into a principal: a cached or fresh verdict, then the time window at the
 * injected clock's now. Handshakes and refreshes both go through here.
 */
@Injectable()
export class TokenAuthenticator {
  private readonly verifyFresh = (token: string): Promise<TokenVerdict> => this.verifier.verify(token);

  constructor(
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(TokenCacheService) private readonly cache: TokenCacheService,
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(WS_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWsAuthOptions,
    @Inject(RevocationList) private readonly revocations: RevocationList,
  ) {}

  /**
   * Returns the principal of a valid token that has not been revoked.
   *
   * @throws WsAuthException with the denial code, or `AUTH_UNAVAILABLE` when a verification
   *   dependency failed. Any other error comes from a custom verifier and is rethrown.
   */
  async authenticate(token: string): Promise<WsPrincipal> {
    let verdict: TokenVerdict;
    try {
      verdict = await this.cache.verify(token, this.verifyFresh);
    } catch (error) {
      if (isAuthUnavailableError(error)) {
        throw new WsAuthException(WsAuthErrorCode.AUTH_UNAVAILABLE);
      }
      throw error;
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
}
