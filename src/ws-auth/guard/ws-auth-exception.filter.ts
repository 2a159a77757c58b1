import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Socket } from 'socket.io';

import { WsAuthException } from '../errors/ws-auth.exception.js';
import { acknowledgeDenial } from './acknowledge-denial.js';

/**
 * Sends a `WsAuthException` thrown anywhere in a message handler (a pipe, the handler itself)
 * through the same channels as a guard denial: the `exception` event and the acknowledgement.
 * Apply it with `@UseFilters(WsAuthExceptionFilter)` to report payload errors as `BAD_REQUEST`.
 */
@Catch(WsAuthException)
export class WsAuthExceptionFilter implements ExceptionFilter<WsAuthException> {
  catch(exception: WsAuthException, host: ArgumentsHost): void {
    const client = host.switchToWs().getClient<Socket>();
    client.emit('exception', exception.getError());
    acknowledgeDenial(host, exception);
  }
}
