import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { rejected, type TokenVerdict } from './token-verdict.js';
import type { WsPrincipal } from './ws-principal.js';

/** Policy applied when claims become a principal. */
export interface ClaimsPolicy {
  /** Rejects claims without `exp`. */
  requireExpiration: boolean;
}

/**
 * Turns verified claims (of a JWT, or of an OAuth2 introspection response) into a verdict.
 *
 * `sub` must be a non-empty string; `exp`, `nbf` and `iat` must be finite numbers of seconds
 * when present. Scopes come from `scope` (space-separated, RFC 8693) or `scp` (string or array).
 */
export function claimsToVerdict(claims: Record<string, unknown>, policy: ClaimsPolicy): TokenVerdict {
  const { sub, exp, nbf, iat, jti } = claims;

  if (typeof sub !== 'string' || sub.length === 0) {
    return rejected(WsAuthErrorCode.TOKEN_INVALID);
  }
  if (!isOptionalSeconds(exp) || !isOptionalSeconds(nbf) || !isOptionalSeconds(iat)) {
    return rejected(WsAuthErrorCode.TOKEN_INVALID);
  }
  if (exp === undefined && policy.requireExpiration) {
    return rejected(WsAuthErrorCode.TOKEN_INVALID);
  }

  const expiresAt = exp === undefined ? null : exp * 1000;
  const principal: WsPrincipal = {
    sub,
    scopes: readScopes(claims),
    expiresAt,
    claims,
    ...(typeof jti === 'string' && jti.length > 0 ? { jti } : {}),
    ...(iat === undefined ? {} : { issuedAt: iat * 1000 }),
  };

  return {
    accepted: true,
    principal,
    expiresAt,
    notBefore: nbf === undefined ? null : nbf * 1000,
  };
}

function isOptionalSeconds(value: unknown): value is number | undefined {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value));
}

function readScopes(claims: Record<string, unknown>): readonly string[] {
  const { scope, scp } = claims;
  const source = scope ?? scp;

  if (typeof source === 'string') {
    return source.split(' ').filter((item) => item.length > 0);
  }
  if (Array.isArray(source)) {
    return source.filter((item): item is string => typeof item === 'string' && item.length > 0);
  }
  return [];
}
