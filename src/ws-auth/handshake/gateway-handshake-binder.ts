import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy, type Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { WebSocketServer } from '@nestjs/websockets';
import { GATEWAY_METADATA } from '@nestjs/websockets/constants.js';
import type { Namespace, Server, Socket } from 'socket.io';

import { WsAuthGuard } from '../guard/ws-auth.guard.js';
import { TokenLifecycleService } from '../lifecycle/token-lifecycle.service.js';
import { RevocationBroadcaster } from '../revocation/revocation-broadcaster.js';
import { HandshakeAuthenticator, type SocketMiddleware } from './handshake-authenticator.js';
import { RecoveredSessions } from './recovered-sessions.js';

/**
 * Property that the binder declares, with Nest's own `@WebSocketServer()`, on every gateway
 * class that uses `WsAuthGuard`. Nest assigns the gateway's server to it while it connects the
 * gateway, before it subscribes `handleConnection`. The property's setter attaches the handshake
 * middleware at that moment, so no client can connect unauthenticated in between.
 */
export const WS_AUTH_SERVER_PROPERTY = 'wsAuthServer';

/** Binders that watch each hooked gateway prototype; several applications may share a class. */
const bindersByPrototype = new WeakMap<object, Set<GatewayHandshakeBinder>>();

/** Server assigned by Nest to each gateway instance, read back through the hooked property. */
const serverByGateway = new WeakMap<object, Server | Namespace>();

/**
 * Protects the handshake of every gateway that applies `WsAuthGuard`, on the class or on any
 * handler: its namespace gets the handshake middleware before any client can connect.
 *
 * Socket.IO's connection state recovery restores a socket, with its `socket.data`, without
 * running namespace middlewares unless `skipMiddlewares` is false. The start fails for such a
 * server, so that a recovered socket is authenticated like a new one.
 */
@Injectable()
export class GatewayHandshakeBinder implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly guardedGateways: { metatype: Type; instance: () => unknown }[];
  private readonly protectedGateways = new WeakSet<object>();
  private readonly protectedNamespaces = new WeakSet<object>();
  private readonly middleware: SocketMiddleware;
  private readonly startLifecycle: (socket: Socket) => void;

  constructor(
    @Inject(DiscoveryService) discovery: DiscoveryService,
    @Inject(HandshakeAuthenticator) handshake: HandshakeAuthenticator,
    @Inject(TokenLifecycleService) lifecycle: TokenLifecycleService,
    @Inject(RevocationBroadcaster) private readonly broadcaster: RevocationBroadcaster,
    @Inject(RecoveredSessions) private readonly recoveredSessions: RecoveredSessions,
  ) {
    this.middleware = handshake.middleware();
    this.startLifecycle = (socket) => lifecycle.start(socket);

    // This runs while Nest creates providers, before it connects gateways to their servers,
    // which is why the hook is installed here rather than in onModuleInit.
    const scanner = new MetadataScanner();
    this.guardedGateways = discovery
      .getProviders()
      .filter((wrapper) => isGuardedGateway(wrapper.metatype, scanner))
      .map((wrapper) => ({ metatype: wrapper.metatype as Type, instance: (): unknown => wrapper.instance }));

    for (const gateway of this.guardedGateways) {
      installServerHook(gateway.metatype.prototype as object, this);
    }
  }

  /**
   * Fails the start when a guarded gateway was connected without its handshake protected, or
   * when its server would let recovered sockets skip the handshake middleware.
   */
  onApplicationBootstrap(): void {
    for (const gateway of this.guardedGateways) {
      const instance = gateway.instance();
      if (typeof instance !== 'object' || instance === null) {
        continue;
      }

      if (!this.protectedGateways.has(instance)) {
        throw new Error(
          `WsAuthGuard is applied to ${gateway.metatype.name}, but its handshake could not be protected: ` +
            'Nest did not assign it a Socket.IO server. Use @nestjs/platform-socket.io as the WebSocket adapter.',
        );
      }

      const skipMiddlewares = recoverySkipsMiddlewares(serverByGateway.get(instance));
      if (skipMiddlewares !== false) {
        throw new Error(
          `WsAuthGuard is applied to ${gateway.metatype.name}, whose Socket.IO server enables connectionStateRecovery ` +
            'with skipMiddlewares, so a recovered socket would connect without its token being checked. ' +
            'Set connectionStateRecovery.skipMiddlewares to false (Socket.IO defaults it to true) in the options of the ' +
            'gateway that creates this server: Nest creates one server per port, with the options of its first gateway. ' +
            `Received ${String(skipMiddlewares)}.`,
        );
      }
    }
  }

  onModuleDestroy(): void {
    for (const gateway of this.guardedGateways) {
      bindersByPrototype.get(gateway.metatype.prototype as object)?.delete(this);
    }
  }

  /**
   * Attaches the handshake middleware and the lifecycle's connection listener once Nest assigns a
   * server to one of this binder's gateways.
   */
  protectServer(gatewayInstance: object, server: Server | Namespace): void {
    if (!this.guardedGateways.some((gateway) => gateway.instance() === gatewayInstance)) {
      return;
    }

    // A gateway without a namespace gets the root server, whose `use` guards the main namespace.
    const namespace = isRootServer(server) ? server.sockets : server;
    if (!this.protectedNamespaces.has(namespace)) {
      namespace.use(this.middleware);
      // Registered before Nest subscribes the gateway's handleConnection, so it runs first. A
      // socket whose handshake is cut short after the middleware never connects, and is never tracked.
      namespace.on('connection', this.startLifecycle);
      this.broadcaster.attach(namespace);
      if (recoveryOptions(server) !== null) {
        this.recoveredSessions.protect(namespace);
      }
      this.protectedNamespaces.add(namespace);
    }
    this.protectedGateways.add(gatewayInstance);
  }
}

/**
 * Returns the `skipMiddlewares` setting of the server's connection state recovery, or `false`
 * when recovery is off.
 */
function recoverySkipsMiddlewares(server: Server | Namespace | undefined): unknown {
  const recovery = server === undefined ? null : recoveryOptions(server);
  return recovery === null ? false : recovery.skipMiddlewares;
}

/** Returns the connection state recovery options of the server, or `null` when recovery is off. */
function recoveryOptions(server: Server | Namespace): { skipMiddlewares?: unknown } | null {
  const root = isRootServer(server) ? server : server.server;
  const recovery: unknown = root._opts.connectionStateRecovery;
  return typeof recovery === 'object' && recovery !== null ? recovery : null;
}

function isRootServer(server: Server | Namespace): server is Server {
  return typeof (server as Partial<Server>).of === 'function';
}

function isGuardedGateway(metatype: unknown, scanner: MetadataScanner): boolean {
  if (typeof metatype !== 'function' || !Reflect.hasMetadata(GATEWAY_METADATA, metatype)) {
    return false;
  }
  if (listsWsAuthGuard(Reflect.getMetadata(GUARDS_METADATA, metatype))) {
    return true;
  }

  const prototype = metatype.prototype as Record<string, unknown>;
  return scanner
    .getAllMethodNames(prototype)
    .some((name) => listsWsAuthGuard(Reflect.getMetadata(GUARDS_METADATA, prototype[name] as object)));
}

function listsWsAuthGuard(guards: unknown): boolean {
  if (!Array.isArray(guards)) {
    return false;
  }
  return guards.some(
    (guard: unknown) =>
      guard === WsAuthGuard ||
      guard instanceof WsAuthGuard ||
      (typeof guard === 'function' && guard.prototype instanceof WsAuthGuard),
  );
}

function installServerHook(prototype: object, binder: GatewayHandshakeBinder): void {
  let binders = bindersByPrototype.get(prototype);
  if (binders !== undefined) {
    binders.add(binder);
    return;
  }

  binders = new Set([binder]);
  bindersByPrototype.set(prototype, binders);

  WebSocketServer()(prototype, WS_AUTH_SERVER_PROPERTY);
  Object.defineProperty(prototype, WS_AUTH_SERVER_PROPERTY, {
    configurable: true,
    enumerable: true,
    get(this: object): Server | Namespace | undefined {
      return serverByGateway.get(this);
    },
    set(this: object, server: Server | Namespace | null) {
      if (server === null || server === undefined || this === prototype) {
        return;
      }
      serverByGateway.set(this, server);
      for (const watcher of bindersByPrototype.get(prototype) ?? []) {
        watcher.protectServer(this, server);
      }
    },
  });
}
