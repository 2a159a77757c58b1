import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';

import type { WsPrincipal } from '../verification/ws-principal.js';

/** Metadata key set by {@link Public}. */
export const WS_AUTH_PUBLIC_KEY = 'ws-auth:public';

/** Metadata key set by {@link WsScopes}. */
export const WS_AUTH_SCOPES_KEY = 'ws-auth:scopes';

/**
 * Exempts a message handler (or every handler of a gateway) from `WsAuthGuard`'s per-message
 * check. The handshake is still authenticated, because it protects the whole namespace.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(WS_AUTH_PUBLIC_KEY, true);

/**
 * Requires every listed scope for a message. Scopes on the gateway class and on the handler add
 * up. A token that lacks one is denied with `FORBIDDEN`.
 */
export const WsScopes = (...scopes: string[]): MethodDecorator & ClassDecorator => {
  for (const scope of scopes) {
    if (typeof scope !== 'string' || scope.length === 0 || /\s/.test(scope)) {
      throw new TypeError(`@WsScopes() takes non-empty scope names without spaces; received ${JSON.stringify(scope)}.`);
    }
  }
  return SetMetadata(WS_AUTH_SCOPES_KEY, scopes);
};

/**
 * Injects the authenticated principal of the socket into a message handler parameter, or one
 * of its fields with `@WsUser('sub')`.
 */
export const WsUser = createParamDecorator(
  (field: keyof WsPrincipal | undefined, context: ExecutionContext): unknown => {
    const client = context.switchToWs().getClient<{ data?: { user?: WsPrincipal } }>();
    const principal = client.data?.user;
    return field === undefined ? principal : principal?.[field];
  },
);
