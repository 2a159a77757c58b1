import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { WsAuthException } from '../errors/ws-auth.exception.js';
import { extractHandshakeToken, type TokenExtractionPolicy } from '../handshake/extract-token.js';
import type { AuthRefreshAck } from './lifecycle-events.js';

/** Acknowledgement callback that Socket.IO passes as the last argument of an event. */
export type RefreshAcknowledgement = (reply: AuthRefreshAck) => void;

/** Arguments of one `auth:refresh` event, split into payload and acknowledgement. */
export interface RefreshEventArguments {
  readonly payload: unknown;
  readonly ack: RefreshAcknowledgement | undefined;
}

/**
 * Splits the arguments of an `auth:refresh` event. Socket.IO passes the acknowledgement, when
 * the client sent one, as the last argument, so a client that sent only an acknowledgement
 * produces a payload of `undefined`.
 */
export function splitRefreshArguments(args: readonly unknown[]): RefreshEventArguments {
  const last = args.at(-1);
  if (typeof last === 'function') {
    return { payload: args.length > 1 ? args[0] : undefined, ack: last as RefreshAcknowledgement };
  }
  return { payload: args[0], ack: undefined };
}

/**
 * Returns the token of an `auth:refresh` payload, which must be `{ token: string }`.
 *
 * The token follows the rules of the handshake's `auth.token`: a `Bearer ` prefix is accepted,
 * white space is trimmed and `maxTokenBytes` applies.
 *
 * @throws WsAuthException `BAD_REQUEST` when the payload is not an object with a string
 *   `token`, `TOKEN_MISSING` when the token is empty and `TOKEN_MALFORMED` when it is too long.
 */
export function readRefreshToken(payload: unknown, policy: TokenExtractionPolicy): string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new WsAuthException(WsAuthErrorCode.BAD_REQUEST, 'The auth:refresh payload must be an object { token }.');
  }

  const { token } = payload as { token?: unknown };
  if (typeof token !== 'string') {
    throw new WsAuthException(WsAuthErrorCode.BAD_REQUEST, 'The auth:refresh payload must contain the new token as a string.');
  }

  const extracted = extractHandshakeToken({ auth: { token }, headers: {}, query: {} }, policy);
  if (!extracted.ok) {
    throw new WsAuthException(extracted.code, extracted.message);
  }
  return extracted.token;
}
