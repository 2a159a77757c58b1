import type { ArgumentsHost } from '@nestjs/common';

import type { WsAuthErrorBody, WsAuthException } from '../errors/ws-auth.exception.js';

/** Payload an acknowledgement callback receives when a message is denied. */
export interface WsDeniedAck {
  ok: false;
  error: WsAuthErrorBody;
}

/**
 * Calls the client's acknowledgement callback, when it sent one, with
 * `{ ok: false, error: { code, message } }`. Socket.IO ignores a second call of the same
 * acknowledgement, so calling this twice for one message is harmless.
 */
export function acknowledgeDenial(host: ArgumentsHost, exception: WsAuthException): void {
  // Nest passes gateway handlers (client, data, ack): the acknowledgement is the third argument.
  const ack: unknown = host.getArgByIndex(2);
  if (typeof ack === 'function') {
    const payload: WsDeniedAck = { ok: false, error: exception.toBody() };
    (ack as (payload: WsDeniedAck) => void)(payload);
  }
}
