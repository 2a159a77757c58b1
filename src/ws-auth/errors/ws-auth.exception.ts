import { WsException } from '@nestjs/websockets';

import { WS_AUTH_ERROR_MESSAGES, WsAuthErrorCode } from './ws-auth-error-code.js';

/** Body of a denial, as the client receives it in acknowledgements and `connect_error.data`. */
export interface WsAuthErrorBody {
  code: WsAuthErrorCode;
  message: string;
}

/** Payload of the `exception` event that Nest's WebSocket exception filter emits for a denial. */
export interface WsAuthExceptionPayload extends WsAuthErrorBody {
  status: 'error';
}

/**
 * Denial of a handshake or a message, carrying a stable {@link WsAuthErrorCode}.
 *
 * It extends Nest's `WsException` with an object error, so Nest's default WebSocket exception
 * filter emits `{ status: 'error', code, message }` as the `exception` event.
 */
export class WsAuthException extends WsException {
  /** Marker that survives duplicated package copies, where `instanceof` fails. */
  readonly isWsAuthException = true;

  constructor(
    readonly code: WsAuthErrorCode,
    message: string = WS_AUTH_ERROR_MESSAGES[code],
  ) {
    const payload: WsAuthExceptionPayload = { status: 'error', code, message };
    super(payload);
    this.message = message;
    this.name = 'WsAuthException';
  }

  /** Returns the `{ code, message }` body sent to clients. */
  toBody(): WsAuthErrorBody {
    return { code: this.code, message: this.message };
  }
}

/** Tells whether `error` is a {@link WsAuthException}, also across duplicated package copies. */
export function isWsAuthException(error: unknown): error is WsAuthException {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isWsAuthException?: unknown }).isWsAuthException === true
  );
}
