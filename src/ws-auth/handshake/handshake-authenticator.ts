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
import { readSocketPrincipal, writeSocketPrincipal } from './socket-principal.js';
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
   * A socket restored by Socket.IO's connection state recovery keeps the rooms of its session, so
   * its new token must belong to the subject of that session, as for `auth:refresh`.
   *
   * NOTE: Socket.IO writes a recovered session's missed packets before this check runs, and
   * `RecoveredSessions` cannot see the new token, so a client that switches to another subject
   * on the same connection object has already received them when it gets `FORBIDDEN`.
   *
   * @throws WsAuthException with the denial code, `FORBIDDEN` for a recovered session of another
   *   subject.
   */
  async authenticate(socket: Socket): Promise<WsPrincipal> {
    const extracted = extractHandshakeToken(socket.handshake, this.options);
    if (!extracted.ok) {
      throw new WsAuthException(extracted.code, extracted.message);
    }

    const sessionPrincipal = socket.recovered ? readSocketPrincipal(socket) : undefined;
    const principal = await this.tokens.authenticate(extracted.token);
    if (sessionPrincipal !== undefined && sessionPrincipal.sub !== principal.sub) {
      throw new WsAuthException(
        WsAuthErrorCode.FORBIDDEN,
        'The recovered session belongs to another subject; connect with a new session to sign in as this one.',
      );
    }

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
