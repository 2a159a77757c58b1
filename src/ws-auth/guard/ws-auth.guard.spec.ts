import { jest } from '@jest/globals';
import type { ExecutionContext, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Socket } from 'socket.io';

import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { WsAuthException } from '../errors/ws-auth.exception.js';
import { resolveWsAuthOptions } from '../options/resolve-options.js';
import type { WsPrincipal } from '../verification/ws-principal.js';
import type { WsDeniedAck } from './acknowledge-denial.js';
import { Public, WsScopes } from './ws-auth.decorators.js';
import { WsAuthGuard } from './ws-auth.guard.js';
import { noopRecorder } from '../../../test/support/noop-recorder.js';

/** 2030-01-01T00:00:00Z. */
const T0 = Date.UTC(2030, 0, 1);
const TOLERANCE_MS = 5_000;

@WsScopes('chat:read')
class ChatGateway {
  @WsScopes('chat:write', 'chat:read')
  send(): void {}

  read(): void {}

  @Public()
  status(): void {}
}

@Public()
class PublicGateway {
  first(): void {}

  @WsScopes('admin')
  second(): void {}
}

class PlainGateway {
  handle(): void {}
}

interface WsContextParts {
  type?: string;
  handler?: (...args: never[]) => unknown;
  class?: Type;
  client?: unknown;
  data?: unknown;
  ack?: unknown;
}

/** Builds the `ExecutionContext` Nest passes to a guard of a gateway handler `(client, data, ack)`. */
function wsContext(parts: WsContextParts = {}): ExecutionContext {
  const type = parts.type ?? 'ws';
  const client = parts.client ?? { data: {} };
  const args: unknown[] = [client, parts.data ?? {}, parts.ack];
  const unsupported = (): never => {
    throw new Error(`The test context is a ${type} context.`);
  };
  const context = {
    getType: () => type,
    getHandler: () => parts.handler ?? PlainGateway.prototype.handle,
    getClass: () => parts.class ?? PlainGateway,
    getArgs: () => args,
    getArgByIndex: (index: number) => args[index],
    switchToWs: () => ({ getClient: () => client, getData: () => args[1], getPattern: () => 'message' }),
    switchToHttp: unsupported,
    switchToRpc: unsupported,
  };
  return context as unknown as ExecutionContext;
}

function principal(fields: Partial<WsPrincipal> = {}): WsPrincipal {
  return { sub: 'alice', scopes: [], expiresAt: T0 + 60_000, claims: { sub: 'alice' }, ...fields };
}

function clientOf(user: WsPrincipal): { data: { user: WsPrincipal } } {
  return { data: { user } };
}

function setup() {
  const clock = { t: T0, now: (): number => clock.t };
  const reflector = new Reflector();
  const options = resolveWsAuthOptions({ secret: 's'.repeat(32), clockToleranceSec: TOLERANCE_MS / 1000 });
  const guard = new WsAuthGuard(reflector, clock, options, noopRecorder());
  return { clock, reflector, guard };
}

/** Runs `canActivate` and returns the code of its denial. Fails the test when it allows the message. */
function denialCode(guard: WsAuthGuard, context: ExecutionContext): WsAuthErrorCode {
  let result: boolean;
  try {
    result = guard.canActivate(context);
  } catch (error) {
    expect(error).toBeInstanceOf(WsAuthException);
    return (error as WsAuthException).code;
  }
  throw new Error(`Expected a denial, but canActivate returned ${String(result)}.`);
}

class BaseGateway {
  send(): void {}
}

@Public()
class LobbyGateway extends BaseGateway {}

@WsScopes('admin')
class AdminGateway extends BaseGateway {}

describe('WsAuthGuard', () => {
  describe('inherited handlers', () => {
    it('reads the policy of each gateway class', () => {
      const { guard } = setup();
      const client = clientOf(principal({ scopes: [] }));

      expect(guard.canActivate(wsContext({ handler: BaseGateway.prototype.send, class: LobbyGateway, client }))).toBe(true);
      expect(denialCode(guard, wsContext({ handler: BaseGateway.prototype.send, class: AdminGateway, client }))).toBe(
        WsAuthErrorCode.FORBIDDEN,
      );
    });

    it('reads the policy of each class in either order', () => {
      const { guard } = setup();
      const client = clientOf(principal({ scopes: [] }));

      expect(denialCode(guard, wsContext({ handler: BaseGateway.prototype.send, class: AdminGateway, client }))).toBe(
        WsAuthErrorCode.FORBIDDEN,
      );
      expect(guard.canActivate(wsContext({ handler: BaseGateway.prototype.send, class: LobbyGateway, client }))).toBe(true);
    });
  });

  describe('context type', () => {
    it.each(['http', 'rpc', 'graphql'])('rejects a %s context', (type) => {
      const { guard } = setup();

      expect(() => guard.canActivate(wsContext({ type }))).toThrow(TypeError);
      expect(() => guard.canActivate(wsContext({ type }))).toThrow(`it was applied to a ${type} handler`);
    });
  });

  describe('principal', () => {
    it('allows a valid principal', () => {
      const { guard } = setup();
      const ack = jest.fn();

      expect(guard.canActivate(wsContext({ client: clientOf(principal()), ack }))).toBe(true);
      expect(ack).not.toHaveBeenCalled();
    });

    it('denies a socket without principal', () => {
      const { guard } = setup();

      expect(() => guard.canActivate(wsContext({ client: { data: {} } }))).toThrow(WsAuthException);
      expect(denialCode(guard, wsContext({ client: { data: {} } }))).toBe(WsAuthErrorCode.TOKEN_MISSING);
    });

    it('sends the denial to the acknowledgement', () => {
      const { guard } = setup();
      const ack = jest.fn<(payload: WsDeniedAck) => void>();

      denialCode(guard, wsContext({ client: { data: {} }, ack }));

      expect(ack).toHaveBeenCalledTimes(1);
      expect(ack).toHaveBeenCalledWith({
        ok: false,
        error: { code: WsAuthErrorCode.TOKEN_MISSING, message: 'Authentication token is missing.' },
      });
    });

    it('denies a socket without data', () => {
      const { guard } = setup();

      expect(denialCode(guard, wsContext({ client: {} }))).toBe(WsAuthErrorCode.TOKEN_MISSING);
    });

    it('denies without an acknowledgement', () => {
      const { guard } = setup();

      expect(denialCode(guard, wsContext({ client: { data: {} }, ack: 'not a function' }))).toBe(
        WsAuthErrorCode.TOKEN_MISSING,
      );
    });

    it('reads the principal through an override', () => {
      class UserFieldGuard extends WsAuthGuard {
        protected override getPrincipal(client: Socket): WsPrincipal | undefined {
          return (client as unknown as { user?: WsPrincipal }).user;
        }
      }
      const options = resolveWsAuthOptions({ secret: 's'.repeat(32) });
      const guard = new UserFieldGuard(new Reflector(), { now: () => T0 }, options, noopRecorder());

      expect(guard.canActivate(wsContext({ client: { user: principal() } }))).toBe(true);
    });
  });

  describe('expiry', () => {
    const expiresAt = T0 + 60_000;

    it('allows 1 ms before exp plus tolerance', () => {
      const { clock, guard } = setup();
      clock.t = expiresAt + TOLERANCE_MS - 1;

      expect(guard.canActivate(wsContext({ client: clientOf(principal({ expiresAt })) }))).toBe(true);
    });

    it('denies at exp plus tolerance', () => {
      const { clock, guard } = setup();
      clock.t = expiresAt + TOLERANCE_MS;

      expect(denialCode(guard, wsContext({ client: clientOf(principal({ expiresAt })) }))).toBe(
        WsAuthErrorCode.TOKEN_EXPIRED,
      );
    });

    it('sends the expiry to the acknowledgement', () => {
      const { clock, guard } = setup();
      const ack = jest.fn<(payload: WsDeniedAck) => void>();
      clock.t = expiresAt + TOLERANCE_MS;

      denialCode(guard, wsContext({ client: clientOf(principal({ expiresAt })), ack }));

      expect(ack).toHaveBeenCalledWith({
        ok: false,
        error: { code: WsAuthErrorCode.TOKEN_EXPIRED, message: 'Authentication token has expired.' },
      });
    });

    it('never expires without exp', () => {
      const { clock, guard } = setup();
      clock.t = Number.MAX_SAFE_INTEGER;

      expect(guard.canActivate(wsContext({ client: clientOf(principal({ expiresAt: null })) }))).toBe(true);
    });

    it('reads the clock on every message', () => {
      const { clock, guard } = setup();
      const context = wsContext({ client: clientOf(principal({ expiresAt })) });

      expect(guard.canActivate(context)).toBe(true);

      clock.t = expiresAt + TOLERANCE_MS;
      expect(denialCode(guard, context)).toBe(WsAuthErrorCode.TOKEN_EXPIRED);
    });
  });

  describe('scopes', () => {
    const send = { handler: ChatGateway.prototype.send, class: ChatGateway };
    const read = { handler: ChatGateway.prototype.read, class: ChatGateway };

    it('allows every required scope', () => {
      const { guard } = setup();
      const client = clientOf(principal({ scopes: ['chat:read', 'chat:write'] }));

      expect(guard.canActivate(wsContext({ ...send, client }))).toBe(true);
    });

    it('requires handler scopes', () => {
      const { guard } = setup();
      const client = clientOf(principal({ scopes: ['chat:read'] }));

      expect(denialCode(guard, wsContext({ ...send, client }))).toBe(WsAuthErrorCode.FORBIDDEN);
    });

    it('requires class scopes', () => {
      const { guard } = setup();
      const client = clientOf(principal({ scopes: ['chat:write'] }));

      expect(denialCode(guard, wsContext({ ...send, client }))).toBe(WsAuthErrorCode.FORBIDDEN);
    });

    it('applies class scopes alone', () => {
      const { guard } = setup();

      expect(guard.canActivate(wsContext({ ...read, client: clientOf(principal({ scopes: ['chat:read'] })) }))).toBe(true);
      expect(denialCode(guard, wsContext({ ...read, client: clientOf(principal()) }))).toBe(WsAuthErrorCode.FORBIDDEN);
    });

    it('sends FORBIDDEN to the acknowledgement', () => {
      const { guard } = setup();
      const ack = jest.fn<(payload: WsDeniedAck) => void>();

      denialCode(guard, wsContext({ ...send, client: clientOf(principal()), ack }));

      expect(ack).toHaveBeenCalledWith({
        ok: false,
        error: { code: WsAuthErrorCode.FORBIDDEN, message: 'The token lacks a scope required for this action.' },
      });
    });

    it('checks expiry before scopes', () => {
      const { clock, guard } = setup();
      clock.t = T0 + 60_000 + TOLERANCE_MS;

      expect(denialCode(guard, wsContext({ ...send, client: clientOf(principal()) }))).toBe(
        WsAuthErrorCode.TOKEN_EXPIRED,
      );
    });
  });

  describe('public handlers', () => {
    it('exempts a public handler', () => {
      const { guard } = setup();
      const ack = jest.fn();

      const context = wsContext({ handler: ChatGateway.prototype.status, class: ChatGateway, client: { data: {} }, ack });

      expect(guard.canActivate(context)).toBe(true);
      expect(ack).not.toHaveBeenCalled();
    });

    it('exempts every handler of a public class', () => {
      const { guard } = setup();

      for (const handler of [PublicGateway.prototype.first, PublicGateway.prototype.second]) {
        expect(guard.canActivate(wsContext({ handler, class: PublicGateway, client: { data: {} } }))).toBe(true);
      }
    });

    it('skips expiry for a public handler', () => {
      const { clock, guard } = setup();
      clock.t = T0 + 3_600_000;
      const client = clientOf(principal());

      expect(guard.canActivate(wsContext({ handler: ChatGateway.prototype.status, class: ChatGateway, client }))).toBe(
        true,
      );
    });
  });

  describe('policy cache', () => {
    it('reads metadata once per handler', () => {
      const { reflector, guard } = setup();
      const override = jest.spyOn(reflector, 'getAllAndOverride');
      const merge = jest.spyOn(reflector, 'getAllAndMerge');
      const client = clientOf(principal({ scopes: ['chat:read', 'chat:write'] }));

      guard.canActivate(wsContext({ handler: ChatGateway.prototype.send, class: ChatGateway, client }));
      guard.canActivate(wsContext({ handler: ChatGateway.prototype.send, class: ChatGateway, client }));

      expect(override).toHaveBeenCalledTimes(1);
      expect(merge).toHaveBeenCalledTimes(1);
    });

    it('reads metadata again for another handler', () => {
      const { reflector, guard } = setup();
      const override = jest.spyOn(reflector, 'getAllAndOverride');
      const client = clientOf(principal({ scopes: ['chat:read', 'chat:write'] }));

      guard.canActivate(wsContext({ handler: ChatGateway.prototype.send, class: ChatGateway, client }));
      guard.canActivate(wsContext({ handler: ChatGateway.prototype.read, class: ChatGateway, client }));

      expect(override).toHaveBeenCalledTimes(2);
    });

    it('keeps the policy after a denial', () => {
      const { reflector, guard } = setup();
      const override = jest.spyOn(reflector, 'getAllAndOverride');
      const send = { handler: ChatGateway.prototype.send, class: ChatGateway };

      denialCode(guard, wsContext({ ...send, client: clientOf(principal()) }));
      denialCode(guard, wsContext({ ...send, client: clientOf(principal()) }));

      expect(override).toHaveBeenCalledTimes(1);
    });
  });
});
