import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import type { WsPrincipal } from './ws-principal.js';

/**
 * Outcome of checking a token's signature and claims, before its time window is applied.
 *
 * The time window (`nbf`, `exp`) is applied by {@link evaluateVerdictAt} at the moment of use, so
 * a verdict read from the cache and a fresh one give the same result at every instant.
 */
export type TokenVerdict = AcceptedVerdict | RejectedVerdict;

/** Token whose signature, issuer, audience and algorithm are valid. */
export interface AcceptedVerdict {
  readonly accepted: true;
  readonly principal: WsPrincipal;
  /** `exp` in milliseconds since the epoch, or `null` when the token has none. */
  readonly expiresAt: number | null;
  /** `nbf` in milliseconds since the epoch, or `null` when the token has none. */
  readonly notBefore: number | null;
}

/** Token that will never be accepted: bad signature, wrong issuer, inactive, malformed. */
export interface RejectedVerdict {
  readonly accepted: false;
  readonly code: WsAuthErrorCode;
}

/** Result of {@link evaluateVerdictAt}: the principal, or the code of the denial. */
export type VerdictEvaluation =
  | { readonly ok: true; readonly principal: WsPrincipal }
  | { readonly ok: false; readonly code: WsAuthErrorCode };

/**
 * Applies the token's time window at `nowMs`, allowing `clockToleranceMs` of skew on each side.
 *
 * The bounds match jsonwebtoken's: a token is expired from `exp + tolerance` on, and not yet
 * valid while `now + tolerance < nbf`.
 */
export function evaluateVerdictAt(
  verdict: TokenVerdict,
  nowMs: number,
  clockToleranceMs: number,
): VerdictEvaluation {
  if (!verdict.accepted) {
    return { ok: false, code: verdict.code };
  }

  if (verdict.notBefore !== null && nowMs + clockToleranceMs < verdict.notBefore) {
    return { ok: false, code: WsAuthErrorCode.TOKEN_NOT_YET_VALID };
  }

  if (verdict.expiresAt !== null && nowMs >= verdict.expiresAt + clockToleranceMs) {
    return { ok: false, code: WsAuthErrorCode.TOKEN_EXPIRED };
  }

  return { ok: true, principal: verdict.principal };
}

/** Builds a {@link RejectedVerdict}. */
export function rejected(code: WsAuthErrorCode): RejectedVerdict {
  return { accepted: false, code };
}
