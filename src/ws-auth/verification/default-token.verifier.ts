import { Inject, Injectable } from '@nestjs/common';

import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { INTROSPECTION_BREAKER, IntrospectionTokenVerifier } from '../remote/introspection-token.verifier.js';
import { JWKS_BREAKER } from '../remote/jwks-key.provider.js';
import { JwtTokenVerifier } from './jwt-token.verifier.js';
import { isBearerTokenSyntax, looksLikeJwt } from './token-shape.js';
import { rejected, type TokenVerdict } from './token-verdict.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Routes each token to its verifier: a token shaped like a JWT to JWT verification (local keys
 * or JWKS), any other token to OAuth2 introspection when it is configured, and is
 * `TOKEN_MALFORMED` otherwise.
 */
@Injectable()
export class DefaultTokenVerifier extends TokenVerifier {
  constructor(
    @Inject(JwtTokenVerifier) private readonly jwt: JwtTokenVerifier,
    @Inject(IntrospectionTokenVerifier) private readonly introspection: IntrospectionTokenVerifier,
  ) {
    super();
  }

  verify(token: string): Promise<TokenVerdict> {
    if (looksLikeJwt(token)) {
      return this.jwt.verify(token);
    }
    if (this.introspection.enabled && isBearerTokenSyntax(token)) {
      return this.introspection.verify(token);
    }
    return Promise.resolve(rejected(WsAuthErrorCode.TOKEN_MALFORMED));
  }

  /** Returns the name of the circuit breaker that verifying `token` goes through, if any. */
  breakerFor(token: string): string | null {
    if (looksLikeJwt(token)) {
      return this.jwt.usesJwks(token) ? JWKS_BREAKER : null;
    }
    return this.introspection.enabled && isBearerTokenSyntax(token) ? INTROSPECTION_BREAKER : null;
  }
}
