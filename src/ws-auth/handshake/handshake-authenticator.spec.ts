import { EventEmitter } from 'node:events';

import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';

import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { WsAuthException } from '../errors/ws-auth.exception.js';
import { resolveWsAuthOptions } from '../options/resolve-options.js';
import type { TokenAuthenticator } from '../verification/token-authenticator.js';
import type { WsPrincipal } from '../verification/ws-principal.js';
import { HandshakeAuthenticator, type SocketMiddleware } from './handshake-authenticator.js';
import { WsAuthConnectError } from './ws-auth-connect-error.js';
import { noopRecorder } from '../../../test/support/noop-recorder.js';

const PRINCIPAL: WsPrincipal = { sub: 'alice', scopes: [], expiresAt: null, claims: { sub: 'alice' } };

function fakeSocket(auth: Record<string, unknown>): Socket {
  const socket = Object.assign(new EventEmitter(), {
    id: 'socket-1',
    data: {},
    handshake: { auth, headers: {}, query: {} },
  });
  return socket as unknown as Socket;
}

function setup() {
  const authenticate = jest.fn<(token: string) => Promise<WsPrincipal>>();
  const tokens = { authenticate } as unknown as TokenAuthenticator;
  const options = resolveWsAuthOptions({ secret: 's'.repeat(32) });
  const handshake = new HandshakeAuthenticator(tokens, options, noopRecorder());
  return { authenticate, middleware: handshake.middleware() };
}

/** Runs the middleware and resolves with what it passed to `next`. */
function run(middleware: SocketMiddleware, socket: Socket): Promise<Error | undefined> {
  return new Promise((resolve) => {
    middleware(socket, resolve);
  });
}

function asConnectError(error: Error | undefined): WsAuthConnectError {
  expect(error).toBeInstanceOf(WsAuthConnectError);
  return error as WsAuthConnectError;
}

describe('HandshakeAuthenticator', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('admits a valid handshake', async () => {
    const { authenticate, middleware } = setup();
    authenticate.mockResolvedValue(PRINCIPAL);
    const socket = fakeSocket({ token: 'Bearer abc' });

    const error = await run(middleware, socket);

    expect(error).toBeUndefined();
    expect(authenticate).toHaveBeenCalledWith('abc');
    expect((socket.data as { user?: WsPrincipal }).user).toBe(PRINCIPAL);
  });

  it('rejects a missing token without verifying', async () => {
    const { authenticate, middleware } = setup();

    const error = asConnectError(await run(middleware, fakeSocket({})));

    expect(error.message).toBe(WsAuthErrorCode.TOKEN_MISSING);
    expect(authenticate).not.toHaveBeenCalled();
  });

  it('passes a denial code and message', async () => {
    const { authenticate, middleware } = setup();
    authenticate.mockRejectedValue(new WsAuthException(WsAuthErrorCode.TOKEN_REVOKED, 'Signed out elsewhere.'));
    const socket = fakeSocket({ token: 'abc' });

    const error = asConnectError(await run(middleware, socket));

    expect(error.message).toBe(WsAuthErrorCode.TOKEN_REVOKED);
    expect(error.data).toEqual({ code: WsAuthErrorCode.TOKEN_REVOKED, message: 'Signed out elsewhere.' });
    expect((socket.data as { user?: WsPrincipal }).user).toBeUndefined();
  });

  it('turns an unexpected error into AUTH_UNAVAILABLE', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { authenticate, middleware } = setup();
    const token = `abc${'x'.repeat(40)}`;
    authenticate.mockRejectedValue(new Error(`verifier failed on ${token}`));

    const error = asConnectError(await run(middleware, fakeSocket({ token })));

    expect(error.message).toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
    expect(errors).toHaveBeenCalledTimes(1);
    const line = String(errors.mock.calls[0]?.[0]);
    expect(line).toContain('socket-1');
    expect(line).toContain('Error: verifier failed on [redacted]');
    expect(line).not.toContain(token);
  });

  it('logs no error for a denial', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { authenticate, middleware } = setup();
    authenticate.mockRejectedValue(new WsAuthException(WsAuthErrorCode.TOKEN_INVALID));

    await run(middleware, fakeSocket({ token: 'abc' }));

    expect(errors).not.toHaveBeenCalled();
  });
});
