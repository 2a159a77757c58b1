import { jest } from '@jest/globals';
import { type CanActivate, type Type, UseGuards } from '@nestjs/common';
import { type DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { GatewayMetadataExplorer } from '@nestjs/websockets/gateway-metadata-explorer.js';

import { WsAuthGuard } from '../guard/ws-auth.guard.js';
import { resolveWsAuthOptions } from '../options/resolve-options.js';
import { GatewayHandshakeBinder, WS_AUTH_SERVER_PROPERTY } from './gateway-handshake-binder.js';
import type { HandshakeAuthenticator, SocketMiddleware } from './handshake-authenticator.js';
import { thrownBy } from '../../../test/support/thrown-by.js';
import { noopRecorder } from '../../../test/support/noop-recorder.js';
import type { TokenLifecycleService } from '../lifecycle/token-lifecycle.service.js';
import type { RevocationBroadcaster } from '../revocation/revocation-broadcaster.js';
import type { RecoveredSessions } from './recovered-sessions.js';

/** The part of Nest's `InstanceWrapper` that the binder reads. */
interface FakeWrapper {
  metatype: unknown;
  instance: unknown;
}

/** Options of a Socket.IO server, as the binder reads them. */
interface FakeServerOptions {
  connectionStateRecovery?: { skipMiddlewares?: unknown };
}

interface FakeNamespace {
  use: jest.Mock<(middleware: SocketMiddleware) => void>;
  on: jest.Mock<(event: string, listener: (...args: never[]) => void) => void>;
  server: { _opts: FakeServerOptions };
}

interface FakeRootServer extends Omit<FakeNamespace, 'server'> {
  of: jest.Mock<(name: string) => FakeNamespace>;
  sockets: FakeNamespace;
  _opts: FakeServerOptions;
}

function fakeNamespace(options: FakeServerOptions = {}): FakeNamespace {
  return { use: jest.fn(), on: jest.fn(), server: { _opts: options } };
}

function fakeRootServer(options: FakeServerOptions = {}): FakeRootServer {
  return { use: jest.fn(), on: jest.fn(), of: jest.fn(() => fakeNamespace(options)), sockets: fakeNamespace(options), _opts: options };
}

/** Creates a binder over the given providers, as Nest does before any provider instance exists. */
function setup(...metatypes: unknown[]) {
  const wrappers: FakeWrapper[] = metatypes.map((metatype) => ({ metatype, instance: undefined }));
  const discovery = { getProviders: () => wrappers } as unknown as DiscoveryService;
  const middleware: SocketMiddleware = (_socket, next) => next();
  const handshake = { middleware: () => middleware } as unknown as HandshakeAuthenticator;
  const lifecycle = { start: () => undefined } as unknown as TokenLifecycleService;
  const attached: unknown[] = [];
  const broadcaster = { attach: (namespace: unknown) => attached.push(namespace) } as unknown as RevocationBroadcaster;
  const protectedSessions: unknown[] = [];
  const recoveredSessions = { protect: (namespace: unknown) => protectedSessions.push(namespace) } as unknown as RecoveredSessions;
  const binder = new GatewayHandshakeBinder(discovery, handshake, lifecycle, broadcaster, recoveredSessions);

  /** Creates the instance of provider `index`, as Nest does after constructing the binder. */
  const instantiate = (index: number): object => {
    const wrapper = wrappers[index];
    if (wrapper === undefined) {
      throw new Error(`No provider at index ${index}.`);
    }
    const instance = new (wrapper.metatype as Type)() as object;
    wrapper.instance = instance;
    return instance;
  };

  return { binder, middleware, instantiate, attached, protectedSessions };
}

/** Assigns the server the way Nest's `WebSocketsController` does. */
function assignServer(instance: object, server: FakeNamespace | FakeRootServer | null | undefined): void {
  Reflect.set(instance, WS_AUTH_SERVER_PROPERTY, server);
}

// Each test declares its own classes, because the binder hooks their prototypes permanently.

function classGuardedGateway(): Type {
  @UseGuards(WsAuthGuard)
  @WebSocketGateway({ namespace: '/guarded' })
  class ClassGuardedGateway {
    @SubscribeMessage('ping')
    ping(): string {
      return 'pong';
    }
  }
  return ClassGuardedGateway;
}

function openGateway(): Type {
  @WebSocketGateway({ namespace: '/open' })
  class OpenGateway {
    @SubscribeMessage('ping')
    ping(): string {
      return 'pong';
    }
  }
  return OpenGateway;
}

describe('GatewayHandshakeBinder', () => {
  describe('protecting a server', () => {
    it('attaches the middleware to the namespace', () => {
      const { middleware, instantiate } = setup(classGuardedGateway());
      const namespace = fakeNamespace();

      assignServer(instantiate(0), namespace);

      expect(namespace.use).toHaveBeenCalledTimes(1);
      expect(namespace.use).toHaveBeenCalledWith(middleware);
      expect(namespace.on).toHaveBeenCalledTimes(1);
      expect(namespace.on).toHaveBeenCalledWith('connection', expect.any(Function));
    });

    it('guards the main namespace of a root server', () => {
      const { middleware, instantiate } = setup(classGuardedGateway());
      const server = fakeRootServer();

      assignServer(instantiate(0), server);

      expect(server.sockets.use).toHaveBeenCalledWith(middleware);
      expect(server.use).not.toHaveBeenCalled();
      expect(server.of).not.toHaveBeenCalled();
    });

    it('protects a shared namespace once', () => {
      const { binder, instantiate, attached } = setup(classGuardedGateway(), classGuardedGateway());
      const namespace = fakeNamespace();

      assignServer(instantiate(0), namespace);
      assignServer(instantiate(1), namespace);

      expect(namespace.use).toHaveBeenCalledTimes(1);
      expect(attached).toEqual([namespace]);
      expect(() => binder.onApplicationBootstrap()).not.toThrow();
    });

    it('reads back the assigned server', () => {
      const { instantiate } = setup(classGuardedGateway());
      const instance = instantiate(0);
      const namespace = fakeNamespace();

      assignServer(instance, namespace);

      expect(Reflect.get(instance, WS_AUTH_SERVER_PROPERTY)).toBe(namespace);
    });

    it('ignores a null or undefined server', () => {
      const { binder, instantiate } = setup(classGuardedGateway());
      const instance = instantiate(0);

      assignServer(instance, null);
      assignServer(instance, undefined);

      expect(Reflect.get(instance, WS_AUTH_SERVER_PROPERTY)).toBeUndefined();
      expect(() => binder.onApplicationBootstrap()).toThrow(/could not be protected/);
    });

    it('ignores a server set on the prototype', () => {
      const gateway = classGuardedGateway();
      const { instantiate } = setup(gateway);
      const namespace = fakeNamespace();
      const instance = instantiate(0);

      assignServer(gateway.prototype as object, namespace);

      expect(namespace.use).not.toHaveBeenCalled();
      expect(Reflect.get(instance, WS_AUTH_SERVER_PROPERTY)).toBeUndefined();
    });

    it('ignores an instance it did not discover', () => {
      const gateway = classGuardedGateway();
      setup(gateway);
      const namespace = fakeNamespace();

      assignServer(new gateway() as object, namespace);

      expect(namespace.use).not.toHaveBeenCalled();
    });

    it('exposes the property to Nest', () => {
      const { instantiate } = setup(classGuardedGateway());
      const explorer = new GatewayMetadataExplorer(new MetadataScanner());

      const hooks = [...explorer.scanForServerHooks(instantiate(0))];

      expect(hooks).toEqual([WS_AUTH_SERVER_PROPERTY]);
    });
  });

  describe('two binders on one class', () => {
    it('lets each protect its own instance', () => {
      const gateway = classGuardedGateway();
      const first = setup(gateway);
      const second = setup(gateway);
      const firstNamespace = fakeNamespace();
      const secondNamespace = fakeNamespace();

      assignServer(first.instantiate(0), firstNamespace);
      assignServer(second.instantiate(0), secondNamespace);

      expect(firstNamespace.use.mock.calls).toEqual([[first.middleware]]);
      expect(secondNamespace.use.mock.calls).toEqual([[second.middleware]]);
    });
  });

  describe('onApplicationBootstrap', () => {
    it('names the gateway that got no server', () => {
      const { binder, instantiate } = setup(classGuardedGateway());
      instantiate(0);

      const error = thrownBy(() => binder.onApplicationBootstrap());

      expect(error.message).toContain('WsAuthGuard is applied to ClassGuardedGateway');
      expect(error.message).toContain('@nestjs/platform-socket.io');
    });

    it('passes once every gateway is protected', () => {
      const { binder, instantiate } = setup(classGuardedGateway());
      assignServer(instantiate(0), fakeNamespace());

      expect(() => binder.onApplicationBootstrap()).not.toThrow();
    });

    it('skips a gateway without an instance', () => {
      const { binder } = setup(classGuardedGateway());

      expect(() => binder.onApplicationBootstrap()).not.toThrow();
    });

    it.each([
      ['a namespace', (options: FakeServerOptions) => fakeNamespace(options)],
      ['a root server', (options: FakeServerOptions) => fakeRootServer(options)],
    ])('rejects recovery that skips middlewares on %s', (_kind, server) => {
      const { binder, instantiate } = setup(classGuardedGateway());
      assignServer(instantiate(0), server({ connectionStateRecovery: { skipMiddlewares: true } }));

      const error = thrownBy(() => binder.onApplicationBootstrap());

      expect(error.message).toContain('WsAuthGuard is applied to ClassGuardedGateway');
      expect(error.message).toContain('Set connectionStateRecovery.skipMiddlewares to false');
      expect(error.message).toContain('Received true.');
    });

    it.each([
      [{ connectionStateRecovery: {} }, 'Received undefined.'],
      [{ connectionStateRecovery: { skipMiddlewares: 0 } }, 'Received 0.'],
    ])('accepts only false for skipMiddlewares: %j', (options, received) => {
      const { binder, instantiate } = setup(classGuardedGateway());
      assignServer(instantiate(0), fakeNamespace(options));

      expect(thrownBy(() => binder.onApplicationBootstrap()).message).toContain(received);
    });

    it('accepts recovery that runs middlewares', () => {
      const { binder, instantiate, protectedSessions } = setup(classGuardedGateway());
      const namespace = fakeNamespace({ connectionStateRecovery: { skipMiddlewares: false } });
      assignServer(instantiate(0), namespace);

      expect(() => binder.onApplicationBootstrap()).not.toThrow();
      expect(protectedSessions).toEqual([namespace]);
    });

    it('leaves session restore alone without recovery', () => {
      const { instantiate, protectedSessions } = setup(classGuardedGateway());

      assignServer(instantiate(0), fakeNamespace());

      expect(protectedSessions).toEqual([]);
    });
  });

  describe('onModuleDestroy', () => {
    it('stops protecting later servers', () => {
      const { binder, instantiate } = setup(classGuardedGateway());
      const instance = instantiate(0);
      const namespace = fakeNamespace();

      binder.onModuleDestroy();
      assignServer(instance, namespace);

      expect(namespace.use).not.toHaveBeenCalled();
    });

    it('leaves other binders watching', () => {
      const gateway = classGuardedGateway();
      const destroyed = setup(gateway);
      const live = setup(gateway);
      const namespace = fakeNamespace();

      destroyed.binder.onModuleDestroy();
      assignServer(live.instantiate(0), namespace);

      expect(namespace.use.mock.calls).toEqual([[live.middleware]]);
    });
  });

  describe('gateway discovery', () => {
    it('detects a guard on one handler', () => {
      @WebSocketGateway()
      class MethodGuardedGateway {
        @SubscribeMessage('open')
        open(): string {
          return 'open';
        }

        @UseGuards(WsAuthGuard)
        @SubscribeMessage('closed')
        closed(): string {
          return 'closed';
        }
      }
      const { instantiate } = setup(MethodGuardedGateway);
      const namespace = fakeNamespace();

      assignServer(instantiate(0), namespace);

      expect(namespace.use).toHaveBeenCalledTimes(1);
    });

    it('detects a guard on an inherited handler', () => {
      class BaseGateway {
        @UseGuards(WsAuthGuard)
        @SubscribeMessage('closed')
        closed(): string {
          return 'closed';
        }
      }

      @WebSocketGateway()
      class DerivedGateway extends BaseGateway {}
      const { instantiate } = setup(DerivedGateway);
      const namespace = fakeNamespace();

      assignServer(instantiate(0), namespace);

      expect(namespace.use).toHaveBeenCalledTimes(1);
    });

    it('detects a guard subclass', () => {
      class TenantGuard extends WsAuthGuard {}

      @UseGuards(TenantGuard)
      @WebSocketGateway()
      class SubclassGuardedGateway {}
      const { instantiate } = setup(SubclassGuardedGateway);
      const namespace = fakeNamespace();

      assignServer(instantiate(0), namespace);

      expect(namespace.use).toHaveBeenCalledTimes(1);
    });

    it('detects a guard instance', () => {
      const options = resolveWsAuthOptions({ secret: 's'.repeat(32) });
      const guard = new WsAuthGuard(new Reflector(), { now: () => 0 }, options, noopRecorder());

      @UseGuards(guard)
      @WebSocketGateway()
      class InstanceGuardedGateway {}
      const { instantiate } = setup(InstanceGuardedGateway);
      const namespace = fakeNamespace();

      assignServer(instantiate(0), namespace);

      expect(namespace.use).toHaveBeenCalledTimes(1);
    });

    it('ignores a gateway without the guard', () => {
      const gateway = openGateway();
      const { binder, instantiate } = setup(gateway);

      instantiate(0);

      expect(WS_AUTH_SERVER_PROPERTY in (gateway.prototype as object)).toBe(false);
      expect(() => binder.onApplicationBootstrap()).not.toThrow();
    });

    it('ignores other guards', () => {
      class OtherGuard implements CanActivate {
        canActivate(): boolean {
          return true;
        }
      }
      const objectGuard: CanActivate = { canActivate: () => true };

      @UseGuards(OtherGuard, objectGuard)
      @WebSocketGateway()
      class OtherGuardedGateway {
        @UseGuards(OtherGuard)
        @SubscribeMessage('ping')
        ping(): string {
          return 'pong';
        }
      }
      const { binder } = setup(OtherGuardedGateway);

      expect(WS_AUTH_SERVER_PROPERTY in OtherGuardedGateway.prototype).toBe(false);
      expect(() => binder.onApplicationBootstrap()).not.toThrow();
    });

    it('ignores a guarded class that is no gateway', () => {
      @UseGuards(WsAuthGuard)
      class GuardedController {}

      setup(GuardedController);

      expect(WS_AUTH_SERVER_PROPERTY in GuardedController.prototype).toBe(false);
    });

    it('ignores providers without a class', () => {
      const { binder } = setup(null, undefined, 'a value');

      expect(() => binder.onApplicationBootstrap()).not.toThrow();
    });
  });
});
