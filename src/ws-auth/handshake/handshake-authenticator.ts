import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';

import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { isWsAuthException, WsAuthException } from '../errors/ws-auth.exception.js';
import { describeErrorForLog } from '../logging/redact.js';
import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';
import { WsAuthRecorder } from '../telemetry/ws-auth.recorder.js';
import { TokenAuthenticator } from '../verification/token-authenticator.js';
import type { WsPrincipal } from '../verification/ws-principal.js';
import { extractHandshakeToken } from './extract-token.js';
import { writeSocketPrincipal } from './socket-principal.js';
import { WsAuthConnectError } from './ws-auth-connect-error.js';

/** Socket.IO namespace middleware, as accepted by `namespace.use()`. */
export type SocketMiddleware = (socket: Socket, next: (error?: Error) => void) => void;

/**
 * Authenticates Socket.IO handshakes. Its middleware runs before the namespace emits
 * `connection`, so a rejected client never reaches a gateway's `handleConnection`.
 */
@Injectable()
export class HandshakeAuthenticator {
  private readonly logger = new Logger('WsAuth');

  constructor(
    @Inject(TokenAuthenticator) private readonly tokens: TokenAuthenticator,
    @Inject(WS_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWsAuthOptions,
    @Inject(WsAuthRecorder) private readonly recorder: WsAuthRecorder,
  ) {}

  /**
   * Returns a middleware for `namespace.use()` that admits only authenticated sockets and records
   * each handshake's result.
   */
  middleware(): SocketMiddleware {
    return (socket, next) => {
      this.authenticate(socket).then(
        () => {
          this.recorder.recordAttempt('handshake', 'ok');
          next();
        },
        (error: unknown) => {
          const connectError = this.toConnectError(socket, error);
          this.recorder.recordAttempt('handshake', connectError.data.code);
          next(connectError);
        },
      );
    };
  }

  /**
   * Verifies the handshake's token and, on success, stores the principal at `socket.data.user`.
   * `TokenLifecycleService.start` takes over once the socket has connected.
   *
   * @throws WsAuthException with the denial code.
   */
  async authenticate(socket: Socket): Promise<WsPrincipal> {
    const extracted = extractHandshakeToken(socket.handshake, this.options);
    if (!extracted.ok) {
      throw new WsAuthException(extracted.code, extracted.message);
    }

    const principal = await this.tokens.authenticate(extracted.token);
    writeSocketPrincipal(socket, principal);
    return principal;
  }

  private toConnectError(socket: Socket, error: unknown): WsAuthConnectError {
    if (isWsAuthException(error)) {
      return new WsAuthConnectError(error.code, error.message);
    }

    // Only a custom verifier or a bug gets here; the client sees a retryable code, never a 500.
    this.logger.error(
      `Handshake authentication of socket ${socket.id} failed unexpectedly (${describeErrorForLog(error)}); the client received AUTH_UNAVAILABLE.`,
    );
    return new WsAuthConnectError(WsAuthErrorCode.AUTH_UNAVAILABLE);
  }
}
