import { WS_AUTH_ERROR_MESSAGES, type WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import type { WsAuthErrorBody } from '../errors/ws-auth.exception.js';

/**
 * Error passed to a Socket.IO middleware's `next()` to reject a handshake. The client receives
 * a `connect_error` whose `message` is the code and whose `data` is `{ code, message }`.
 */
export class WsAuthConnectError extends Error {
  readonly data: WsAuthErrorBody;

  constructor(code: WsAuthErrorCode, message: string = WS_AUTH_ERROR_MESSAGES[code]) {
    super(code);
    this.name = 'WsAuthConnectError';
    this.data = { code, message };
  }
}
