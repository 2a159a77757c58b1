/**
 * Stable error codes that clients can switch on. They reach the client as the `message` of a
 * `connect_error`, as `code` in the `exception` event and in acknowledgement payloads.
 */
export enum WsAuthErrorCode {
  /** No token was sent. Client action: obtain a token and connect with it. */
  TOKEN_MISSING = 'TOKEN_MISSING',
  /** The token is not a well-formed token, or is larger than allowed. Client action: fix the client. */
  TOKEN_MALFORMED = 'TOKEN_MALFORMED',
  /** Signature, algorithm, issuer or audience check failed. Client action: obtain a new token. */
  TOKEN_INVALID = 'TOKEN_INVALID',
  /** The token's `exp` has passed. Client action: obtain a new token, then reconnect or refresh. */
  TOKEN_EXPIRED = 'TOKEN_EXPIRED',
  /** The token's `nbf` lies in the future. Client action: check the clock, retry after `nbf`. */
  TOKEN_NOT_YET_VALID = 'TOKEN_NOT_YET_VALID',
  /** The token was revoked. Client action: sign in again. */
  TOKEN_REVOKED = 'TOKEN_REVOKED',
  /** The token is valid but lacks a required scope. Client action: do not retry with this token. */
  FORBIDDEN = 'FORBIDDEN',
  /** The identity provider cannot be reached. Client action: retry with exponential backoff. */
  AUTH_UNAVAILABLE = 'AUTH_UNAVAILABLE',
  /** The message payload is invalid. Client action: fix the payload; retrying it unchanged fails again. */
  BAD_REQUEST = 'BAD_REQUEST',
}

/** Every error code, in declaration order. */
export const WS_AUTH_ERROR_CODES: readonly WsAuthErrorCode[] = Object.values(WsAuthErrorCode);

/** Default message sent to the client with each code; it never contains token data. */
export const WS_AUTH_ERROR_MESSAGES: Readonly<Record<WsAuthErrorCode, string>> = {
  [WsAuthErrorCode.TOKEN_MISSING]: 'Authentication token is missing.',
  [WsAuthErrorCode.TOKEN_MALFORMED]: 'Authentication token is malformed.',
  [WsAuthErrorCode.TOKEN_INVALID]: 'Authentication token is invalid.',
  [WsAuthErrorCode.TOKEN_EXPIRED]: 'Authentication token has expired.',
  [WsAuthErrorCode.TOKEN_NOT_YET_VALID]: 'Authentication token is not valid yet.',
  [WsAuthErrorCode.TOKEN_REVOKED]: 'Authentication token has been revoked.',
  [WsAuthErrorCode.FORBIDDEN]: 'The token lacks a scope required for this action.',
  [WsAuthErrorCode.AUTH_UNAVAILABLE]: 'Authentication is temporarily unavailable; retry with backoff.',
  [WsAuthErrorCode.BAD_REQUEST]: 'The message payload is invalid.',
};
