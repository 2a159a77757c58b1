import type { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import type { WsAuthErrorBody } from '../errors/ws-auth.exception.js';
import type { WsDeniedAck } from '../guard/acknowledge-denial.js';

/**
 * Socket.IO events of a token's lifecycle. The module sends the first three and listens to
 * `auth:refresh` on every authenticated socket, so gateways must not use these names.
 */
export const WS_AUTH_EVENTS = Object.freeze({
  /** Server to client: the token expires soon; payload {@link AuthExpiringEvent}. */
  expiring: 'auth:expiring',
  /** Server to client, just before the disconnect: the token has expired; payload {@link AuthExpiredEvent}. */
  expired: 'auth:expired',
  /** Server to client, just before the disconnect: the token was revoked; payload {@link AuthRevokedEvent}. */
  revoked: 'auth:revoked',
  /** Client to server, with an acknowledgement: replace the token; payload {@link AuthRefreshRequest}. */
  refresh: 'auth:refresh',
} as const);

/** Payload of `auth:expiring`. */
export interface AuthExpiringEvent {
  /** Expiry of the socket's token (`exp`) in milliseconds since the epoch. */
  expiresAt: number;
}

/** Payload of `auth:expired`. */
export interface AuthExpiredEvent extends WsAuthErrorBody {
  code: WsAuthErrorCode.TOKEN_EXPIRED;
}

/** Payload of `auth:revoked`. */
export interface AuthRevokedEvent extends WsAuthErrorBody {
  code: WsAuthErrorCode.TOKEN_REVOKED;
}

/** Payload of `auth:refresh`. */
export interface AuthRefreshRequest {
  /** The new token, with or without a `Bearer ` prefix. */
  token: string;
}

/** Acknowledgement of a successful `auth:refresh`. */
export interface AuthRefreshedAck {
  ok: true;
  /** Expiry of the new token in milliseconds since the epoch, or `null` when it has no `exp`. */
  expiresAt: number | null;
}

/** Acknowledgement of `auth:refresh`: success, or the denial with its code. */
export type AuthRefreshAck = AuthRefreshedAck | WsDeniedAck;
