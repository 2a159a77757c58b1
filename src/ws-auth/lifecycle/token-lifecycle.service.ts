import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';

import { type Clock, WS_AUTH_CLOCK } from '../clock/clock.js';
import { WS_AUTH_ERROR_MESSAGES, WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { isWsAuthException, WsAuthException, type WsAuthErrorBody } from '../errors/ws-auth.exception.js';
import { AuthenticatedSockets } from '../handshake/authenticated-sockets.js';
import { readSocketPrincipal, writeSocketPrincipal } from '../handshake/socket-principal.js';
import { describeErrorForLog } from '../logging/redact.js';
import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';
import { TokenAuthenticator } from '../verification/token-authenticator.js';
import type { WsPrincipal } from '../verification/ws-principal.js';
import { DeadlineScheduler } from './deadline-scheduler.js';
import { computeExpiryDeadlines } from './expiry-deadlines.js';
import {
  type AuthExpiredEvent,
  type AuthExpiringEvent,
  type AuthRefreshAck,
  type AuthRevokedEvent,
  WS_AUTH_EVENTS,
} from './lifecycle-events.js';
import { readRefreshToken, splitRefreshArguments } from './refresh-request.js';
import { WsAuthRecorder } from '../telemetry/ws-auth.recorder.js';

/**
 * Maximum number of `auth:refresh` events of one socket that wait or run at a time. More are
 * denied at once, so a client that floods the event cannot make the server hold its payloads.
 */
export const MAX_PENDING_REFRESHES = 4;

/** State of one connected socket, kept by its event listeners. */
interface Session {
  /** Set on disconnect. A refresh that completes afterwards changes nothing. */
  ended: boolean;
  /** Refreshes of this socket, run one after the other in the order they arrived. */
  refreshes: Promise<void>;
  /** Refreshes queued or running. */
  pending: number;
}

/**
 * Enforces each authenticated socket's token for as long as the socket lives.
 *
 * For every socket that connects through the handshake middleware it tracks the socket, listens
 * to `auth:refresh`, and schedules `auth:expiring` and, at `exp` plus the clock tolerance,
 * `auth:expired` followed by a disconnect. All sockets share one {@link DeadlineScheduler}.
 */
@Injectable()
export class TokenLifecycleService {
  private readonly logger = new Logger('WsAuth');

  constructor(
    @Inject(DeadlineScheduler) private readonly scheduler: DeadlineScheduler<Socket>,
    @Inject(AuthenticatedSockets) private readonly sockets: AuthenticatedSockets,
    @Inject(TokenAuthenticator) private readonly tokens: TokenAuthenticator,
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(WS_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWsAuthOptions,
    @Inject(WsAuthRecorder) private readonly recorder: WsAuthRecorder,
  ) {}

  /**
   * Starts enforcing the token of a socket that has just connected. A socket without a
   * principal did not pass the handshake middleware and is left alone.
   */
  start(socket: Socket): void {
    const principal = readSocketPrincipal(socket);
    if (principal === undefined) {
      return;
    }

    const session: Session = { ended: false, refreshes: Promise.resolve(), pending: 0 };
    this.sockets.add(socket);
    socket.on(WS_AUTH_EVENTS.refresh, (...args: unknown[]) => this.enqueueRefresh(socket, session, args));
    socket.once('disconnect', () => {
      session.ended = true;
      this.scheduler.cancel(socket);
    });

    this.scheduleDeadlines(socket, principal);
  }

  /** Sends `auth:revoked` to the socket and disconnects it. */
  disconnectRevoked(socket: Socket): void {
    const event: AuthRevokedEvent = {
      code: WsAuthErrorCode.TOKEN_REVOKED,
      message: WS_AUTH_ERROR_MESSAGES[WsAuthErrorCode.TOKEN_REVOKED],
    };
    socket.emit(WS_AUTH_EVENTS.revoked, event);
    socket.disconnect();
  }

  /** Queues one `auth:refresh` event behind the earlier ones of the socket, or denies it when too many wait. */
  private enqueueRefresh(socket: Socket, session: Session, args: readonly unknown[]): void {
    if (session.pending >= MAX_PENDING_REFRESHES) {
      const { ack } = splitRefreshArguments(args);
      const message = `At most ${MAX_PENDING_REFRESHES} auth:refresh requests may wait at a time. Wait for their acknowledgements.`;
      ack?.({ ok: false, error: new WsAuthException(WsAuthErrorCode.BAD_REQUEST, message).toBody() });
      this.recorder.recordAttempt('refresh', WsAuthErrorCode.BAD_REQUEST);
      return;
    }

    session.pending += 1;
    session.refreshes = session.refreshes
      .then(() => this.refresh(socket, session, args))
      .catch((error: unknown) => {
        this.logger.error(`Token refresh of socket ${socket.id} failed with ${describeErrorForLog(error)}.`);
      })
      .finally(() => {
        session.pending -= 1;
      });
  }

  /**
   * Handles one `auth:refresh` event and sends the reply to its acknowledgement, if any. Denials
   * go to the acknowledgement, so a bad event cannot crash the server. Only an acknowledgement
   * that throws makes it reject.
   */
  private async refresh(socket: Socket, session: Session, args: readonly unknown[]): Promise<void> {
    const { payload, ack } = splitRefreshArguments(args);
    let reply: AuthRefreshAck;

    try {
      const principal = await this.verifyRefresh(socket, payload);
      if (session.ended) {
        return;
      }
      writeSocketPrincipal(socket, principal);
      this.scheduleDeadlines(socket, principal);
      reply = { ok: true, expiresAt: principal.expiresAt };
    } catch (error) {
      reply = { ok: false, error: this.describeRefreshFailure(socket, error) };
    }

    this.recorder.recordAttempt('refresh', reply.ok ? 'ok' : reply.error.code);
    ack?.(reply);
  }

  /**
   * Verifies the token of a refresh exactly as a handshake token, and checks that it belongs to
   * the socket's subject.
   *
   * @throws WsAuthException with the denial code.
   */
  private async verifyRefresh(socket: Socket, payload: unknown): Promise<WsPrincipal> {
    const token = readRefreshToken(payload, this.options);
    const principal = await this.tokens.authenticate(token);

    if (principal.sub !== readSocketPrincipal(socket)?.sub) {
      throw new WsAuthException(WsAuthErrorCode.FORBIDDEN, 'The new token belongs to another subject than the socket.');
    }
    return principal;
  }

  private describeRefreshFailure(socket: Socket, error: unknown): WsAuthErrorBody {
    if (isWsAuthException(error)) {
      return error.toBody();
    }

    // Only a custom verifier or a bug gets here; the client sees a retryable code.
    this.logger.error(
      `Token refresh of socket ${socket.id} failed unexpectedly with ${describeErrorForLog(error)}. The client received AUTH_UNAVAILABLE.`,
    );
    return new WsAuthException(WsAuthErrorCode.AUTH_UNAVAILABLE).toBody();
  }

  /** Replaces the socket's deadline with those of `principal`; a token without `exp` gets none. */
  private scheduleDeadlines(socket: Socket, principal: WsPrincipal): void {
    const { expiresAt } = principal;
    if (expiresAt === null) {
      this.scheduler.cancel(socket);
      return;
    }

    const deadlines = computeExpiryDeadlines(
      expiresAt,
      this.clock.now(),
      this.options.expiryWarningLeadMs,
      this.options.clockToleranceMs,
    );

    if (deadlines.warnAt === null) {
      this.scheduler.schedule(socket, deadlines.expireAt, () => this.expire(socket));
      return;
    }
    this.scheduler.schedule(socket, deadlines.warnAt, () => this.warn(socket, expiresAt, deadlines.expireAt));
  }

  private warn(socket: Socket, expiresAt: number, expireAt: number): void {
    const event: AuthExpiringEvent = { expiresAt };
    socket.emit(WS_AUTH_EVENTS.expiring, event);

    // When the clock has jumped past the expiry too, expire now rather than in the next run.
    if (this.clock.now() >= expireAt) {
      this.expire(socket);
      return;
    }
    this.scheduler.schedule(socket, expireAt, () => this.expire(socket));
  }

  private expire(socket: Socket): void {
    const event: AuthExpiredEvent = {
      code: WsAuthErrorCode.TOKEN_EXPIRED,
      message: WS_AUTH_ERROR_MESSAGES[WsAuthErrorCode.TOKEN_EXPIRED],
    };
    socket.emit(WS_AUTH_EVENTS.expired, event);
    socket.disconnect();
  }
}
