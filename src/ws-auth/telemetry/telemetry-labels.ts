import { WS_AUTH_ERROR_CODES, type WsAuthErrorCode } from '../errors/ws-auth-error-code.js';

/**
 * Step of authentication that an attempt belongs to: the Socket.IO handshake, a message checked
 * by `WsAuthGuard`, or a token refresh on a connected socket.
 */
export const WS_AUTH_STAGES = ['handshake', 'message', 'refresh'] as const;

/** One of {@link WS_AUTH_STAGES}. */
export type WsAuthStage = (typeof WS_AUTH_STAGES)[number];

/**
 * Origin of a verdict: `cache` for a verdict that needed no verification of its own (a cache hit,
 * or a share of a verification of the same token already in progress), otherwise the verifier
 * that produced it.
 */
export const VERIFICATION_SOURCES = ['cache', 'jwt', 'jwks', 'introspection'] as const;

/** One of {@link VERIFICATION_SOURCES}. */
export type VerificationSource = (typeof VERIFICATION_SOURCES)[number];

/** Result of an authentication attempt: `ok`, or the error code the client received. */
export type AttemptResult = 'ok' | WsAuthErrorCode;

/**
 * Result label of a code that is not a {@link WsAuthErrorCode}, which only a custom verifier
 * can produce. Mapping such codes to one value keeps the number of label values bounded.
 */
export const UNKNOWN_RESULT = 'unknown';

/** Every result label value, `unknown` included. */
export const ATTEMPT_RESULTS: readonly string[] = ['ok', ...WS_AUTH_ERROR_CODES, UNKNOWN_RESULT];

const KNOWN_RESULTS: ReadonlySet<string> = new Set(ATTEMPT_RESULTS);

/** Returns `result` when it is `ok` or a known error code, and {@link UNKNOWN_RESULT} otherwise. */
export function normalizeAttemptResult(result: string): string {
  return KNOWN_RESULTS.has(result) ? result : UNKNOWN_RESULT;
}
