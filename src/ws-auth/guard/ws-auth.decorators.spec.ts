import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';

import type { WsPrincipal } from '../verification/ws-principal.js';
import { Public, WS_AUTH_PUBLIC_KEY, WS_AUTH_SCOPES_KEY, WsScopes, WsUser } from './ws-auth.decorators.js';

/** The parameter metadata Nest stores for a custom parameter decorator. */
interface ParamMetadata {
  index: number;
  data: unknown;
  factory: (data: unknown, context: ExecutionContext) => unknown;
}

const PRINCIPAL: WsPrincipal = { sub: 'alice', scopes: ['chat:write'], expiresAt: null, claims: { sub: 'alice' } };

class ProfileGateway {
  whoami(@WsUser() _user: WsPrincipal, @WsUser('sub') _sub: string): void {}
}

/** Returns the metadata of `@WsUser()` at parameter `index` of `ProfileGateway.whoami`. */
function paramMetadata(index: number): ParamMetadata {
  const entries = Reflect.getMetadata(ROUTE_ARGS_METADATA, ProfileGateway, 'whoami') as Record<string, ParamMetadata>;
  const entry = Object.values(entries).find((metadata) => metadata.index === index);
  if (entry === undefined) {
    throw new Error(`No parameter decorator at index ${index}.`);
  }
  return entry;
}

function contextFor(client: unknown): ExecutionContext {
  const context = { switchToWs: () => ({ getClient: () => client }) };
  return context as unknown as ExecutionContext;
}

describe('WsScopes', () => {
  const reflector = new Reflector();

  it('stores the scopes', () => {
    class Gateway {
      @WsScopes('chat:read', 'chat:write')
      send(): void {}
    }

    expect(reflector.get(WS_AUTH_SCOPES_KEY, Gateway.prototype.send)).toEqual(['chat:read', 'chat:write']);
  });

  it('stores no scopes', () => {
    @WsScopes()
    class Gateway {}

    expect(reflector.get(WS_AUTH_SCOPES_KEY, Gateway)).toEqual([]);
  });

  it.each([
    ['an empty name', '', '""'],
    ['a name with a space', 'chat write', '"chat write"'],
    ['a name with a tab', 'chat\twrite', '"chat\\twrite"'],
    ['a name with a newline', 'chat\n', '"chat\\n"'],
  ])('rejects %s', (_name, scope, rendered) => {
    expect(() => WsScopes('chat:read', scope)).toThrow(TypeError);
    expect(() => WsScopes('chat:read', scope)).toThrow(
      `@WsScopes() takes non-empty scope names without spaces; received ${rendered}.`,
    );
  });

  it('rejects a non-string name', () => {
    expect(() => WsScopes(42 as unknown as string)).toThrow('received 42.');
  });
});

describe('Public', () => {
  const reflector = new Reflector();

  it('marks a handler', () => {
    class Gateway {
      @Public()
      status(): void {}
    }

    expect(reflector.get(WS_AUTH_PUBLIC_KEY, Gateway.prototype.status)).toBe(true);
  });

  it('marks a class', () => {
    @Public()
    class Gateway {}

    expect(reflector.get(WS_AUTH_PUBLIC_KEY, Gateway)).toBe(true);
  });
});

describe('WsUser', () => {
  it('injects the whole principal', () => {
    const { factory, data } = paramMetadata(0);

    expect(factory(data, contextFor({ data: { user: PRINCIPAL } }))).toBe(PRINCIPAL);
  });

  it('injects one field', () => {
    const { factory, data } = paramMetadata(1);

    expect(data).toBe('sub');
    expect(factory(data, contextFor({ data: { user: PRINCIPAL } }))).toBe('alice');
  });

  it('injects undefined without a principal', () => {
    const whole = paramMetadata(0);
    const field = paramMetadata(1);

    expect(whole.factory(whole.data, contextFor({ data: {} }))).toBeUndefined();
    expect(field.factory(field.data, contextFor({ data: {} }))).toBeUndefined();
  });

  it('injects undefined without socket data', () => {
    const field = paramMetadata(1);

    expect(field.factory(field.data, contextFor({}))).toBeUndefined();
  });
});
