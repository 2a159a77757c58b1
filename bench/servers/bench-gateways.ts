import { createSecretKey } from 'node:crypto';

import { Inject, UseGuards } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { JwtService } from '@nestjs/jwt';
import { type OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import jsonwebtoken from 'jsonwebtoken';
import type { Namespace } from 'socket.io';

import { ChatGateway } from '../../src/chat/chat.gateway.js';
import { WsAuthGuard } from '../../src/ws-auth/index.js';
import { BENCH_AUDIENCE, BENCH_ISSUER, BENCH_SECRET } from '../fixtures.js';

/** Namespaces of the benchmark server, one per variant. */
export const BENCH_NAMESPACES = {
  /** A gateway without authentication: the bare server the others are compared with. */
  bare: '/bare',
  /** A gateway guarded by `WsAuthGuard`, so the module authenticates its handshake. */
  wsAuth: '/ws-auth',
  /** A gateway that authenticates in its own `io.use` middleware with `@nestjs/jwt`. */
  ioUseJwt: '/io-use-jwt',
  /** A gateway with an `io.use` middleware that lets every handshake through unchecked. */
  ioUsePassThrough: '/io-use-pass-through',
  /** A gateway that verifies in its own `io.use` middleware with jsonwebtoken and a `KeyObject`. */
  ioUseKeyObject: '/io-use-key-object',
  /** The demo chat gateway, guarded by `WsAuthGuard` as in the demo. */
  chatGuarded: '/chat-guarded',
  /** The demo chat gateway whose message handlers run without `WsAuthGuard`. */
  chatUnguarded: '/chat-unguarded',
} as const;

/** Gateway without authentication or handlers. It keeps the server so the benchmark can count clients. */
@WebSocketGateway({ namespace: BENCH_NAMESPACES.bare })
export class BareGateway {
  @WebSocketServer()
  readonly server!: Namespace;
}

/** Gateway whose handshake the module authenticates, because it applies `WsAuthGuard`. */
@UseGuards(WsAuthGuard)
@WebSocketGateway({ namespace: BENCH_NAMESPACES.wsAuth })
export class WsAuthGuardedGateway {}

/**
 * Gateway that authenticates handshakes the way many applications do without this module: an
 * `io.use` middleware that calls `JwtService.verify`, configured with a string secret.
 */
@WebSocketGateway({ namespace: BENCH_NAMESPACES.ioUseJwt })
export class IoUseJwtGateway implements OnGatewayInit<Namespace> {
  constructor(@Inject(JwtService) private readonly jwt: JwtService) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      const token: unknown = socket.handshake.auth.token;
      try {
        (socket.data as { user?: unknown }).user = this.jwt.verify(typeof token === 'string' ? token : '');
        next();
      } catch {
        next(new Error('unauthorized'));
      }
    });
  }
}

/**
 * Gateway with a middleware that does nothing but call `next()`: what Socket.IO's middleware path
 * costs a handshake, before any verification.
 */
@WebSocketGateway({ namespace: BENCH_NAMESPACES.ioUsePassThrough })
export class IoUsePassThroughGateway implements OnGatewayInit<Namespace> {
  afterInit(namespace: Namespace): void {
    namespace.use((_socket, next) => next());
  }
}

/**
 * Gateway whose middleware verifies the token with jsonwebtoken, the library under
 * `@nestjs/jwt`, and a `KeyObject` prepared once, with the same checks as the module: an estimate
 * of the floor for any middleware that verifies with that library.
 */
@WebSocketGateway({ namespace: BENCH_NAMESPACES.ioUseKeyObject })
export class IoUseKeyObjectGateway implements OnGatewayInit<Namespace> {
  private readonly key = createSecretKey(Buffer.from(BENCH_SECRET, 'utf8'));

  afterInit(namespace: Namespace): void {
    const checks = { algorithms: ['HS256' as const], issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE };
    namespace.use((socket, next) => {
      const token: unknown = socket.handshake.auth.token;
      try {
        (socket.data as { user?: unknown }).user = jsonwebtoken.verify(typeof token === 'string' ? token : '', this.key, checks);
        next();
      } catch {
        next(new Error('unauthorized'));
      }
    });
  }
}

/** The demo chat gateway on its own namespace, with the class-level `WsAuthGuard` it declares. */
@WebSocketGateway({ namespace: BENCH_NAMESPACES.chatGuarded })
export class GuardedChatGateway extends ChatGateway {}

/**
 * The demo chat gateway with its message handlers unguarded. One extra handler applies
 * `WsAuthGuard`, so the module still authenticates the handshake and the handlers still find
 * the principal at `socket.data.user`: only the per-message check differs from
 * {@link GuardedChatGateway}.
 */
@WebSocketGateway({ namespace: BENCH_NAMESPACES.chatUnguarded })
export class UnguardedChatGateway extends ChatGateway {
  @UseGuards(WsAuthGuard)
  @SubscribeMessage('bench:authenticated')
  authenticated(): { ok: true } {
    return { ok: true };
  }
}

// Nest reads class guards with Reflect.getMetadata, which also finds those that ChatGateway
// declares. The subclass's own empty list hides them.
Reflect.defineMetadata(GUARDS_METADATA, [], UnguardedChatGateway);
