import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io-client';

import {
  AuthUnavailableError,
  type TokenVerdict,
  TokenVerifier,
  WS_AUTH_CLOCK,
  WS_AUTH_ERROR_CODES,
  WsAuthErrorCode,
  type WsAuthExceptionPayload,
  type WsDeniedAck,
} from '../src/ws-auth/index.js';
import { startProbeApp, type RunningProbeApp } from './support/probe-app.js';
import { connect, emitWithAck, expectRejectedHandshake, nextEvent } from './support/socket-client.js';
import { TestClock } from './support/test-clock.js';
import { seconds, signHs256 } from './support/tokens.js';

/** Verifier that returns, for a token `code-<CODE>`, a rejection with that code. */
class ScriptedVerifier extends TokenVerifier {
  verify(token: string): Promise<TokenVerdict> {
    if (token === 'unavailable') {
      return Promise.reject(new AuthUnavailableError('timeout', 'The identity provider timed out.'));
    }
    if (token.startsWith('crash')) {
      return Promise.reject(new Error(`verifier bug while reading ${token}`));
    }
    if (token.startsWith('code-')) {
      return Promise.resolve({ accepted: false, code: token.slice('code-'.length) as WsAuthErrorCode });
    }
    return Promise.resolve({
      accepted: true,
      principal: { sub: token, scopes: [], expiresAt: null, claims: { sub: token } },
      expiresAt: null,
      notBefore: null,
    });
  }
}

describe('Error channels (e2e)', () => {
  describe('connect_error', () => {
    let probe: RunningProbeApp;

    beforeAll(async () => {
      probe = await startProbeApp({}, (builder) => builder.overrideProvider(TokenVerifier).useClass(ScriptedVerifier));
    });

    afterAll(async () => {
      await probe.close();
    });

    it.each(WS_AUTH_ERROR_CODES.filter((code) => code !== WsAuthErrorCode.TOKEN_MISSING && code !== WsAuthErrorCode.AUTH_UNAVAILABLE))(
      'carries %s as message and data',
      async (code) => {
        const error = await expectRejectedHandshake(`${probe.baseUrl}/probe`, { token: `code-${code}` });

        expect(error.message).toBe(code);
        expect(error.data).toEqual({ code, message: expect.any(String) as string });
      },
    );

    it('carries TOKEN_MISSING without a token', async () => {
      const error = await expectRejectedHandshake(`${probe.baseUrl}/probe`);

      expect(error.data?.code).toBe(WsAuthErrorCode.TOKEN_MISSING);
    });

    it('carries AUTH_UNAVAILABLE when the verifier cannot reach its provider', async () => {
      const error = await expectRejectedHandshake(`${probe.baseUrl}/probe`, { token: 'unavailable' });

      expect(error.message).toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
    });

    it('turns a verifier bug into AUTH_UNAVAILABLE and one log line without the token', async () => {
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const token = `crash${'A'.repeat(40)}`;

      const error = await expectRejectedHandshake(`${probe.baseUrl}/probe`, { token });

      expect(error.message).toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
      expect(errors).toHaveBeenCalledTimes(1);
      const line = String(errors.mock.calls[0]?.[0]);
      expect(line).toContain('failed unexpectedly');
      expect(line).not.toContain(token);
      errors.mockRestore();
    });

    it('never reaches handleConnection for a rejected handshake', async () => {
      const before = probe.gateway.connections;

      await expectRejectedHandshake(`${probe.baseUrl}/probe`, { token: 'code-TOKEN_INVALID' });

      expect(probe.gateway.connections).toBe(before);
    });

    it('authenticates the handshake of a gateway that guards one handler', async () => {
      const error = await expectRejectedHandshake(`${probe.baseUrl}/method-guard`);

      expect(error.message).toBe(WsAuthErrorCode.TOKEN_MISSING);
    });

    it('leaves a gateway without the guard open', async () => {
      const socket = await connect(`${probe.baseUrl}/open`);

      await expect(emitWithAck(socket, 'open:ping', {})).resolves.toEqual({ ok: true });
      socket.close();
    });
  });

  describe('exception event and acknowledgement', () => {
    const clock = new TestClock();
    let probe: RunningProbeApp;
    let socket: Socket;

    beforeAll(async () => {
      probe = await startProbeApp({ clockToleranceSec: 5 }, (builder) =>
        builder.overrideProvider(WS_AUTH_CLOCK).useValue(clock),
      );
    });

    beforeEach(async () => {
      const token = signHs256({ sub: 'alice', scope: 'admin', exp: seconds(clock.now()) + 60 });
      socket = await connect(`${probe.baseUrl}/probe`, { token });
    });

    afterEach(() => {
      socket.close();
    });

    afterAll(async () => {
      await probe.close();
    });

    it.each(WS_AUTH_ERROR_CODES)('carries %s through both channels', async (code) => {
      const exception = nextEvent<WsAuthExceptionPayload>(socket, 'exception');

      const ack = await emitWithAck<WsDeniedAck>(socket, 'probe:throw', code);

      expect(ack).toEqual({ ok: false, error: { code, message: expect.any(String) as string } });
      await expect(exception).resolves.toEqual({ status: 'error', code, message: ack.error.message });
    });

    it('hands the principal to @WsUser()', async () => {
      await expect(emitWithAck(socket, 'probe:whoami', {})).resolves.toEqual({ sub: 'alice', hasUser: true });
    });

    it('denies a handler whose scopes are not all granted', async () => {
      const exception = nextEvent<WsAuthExceptionPayload>(socket, 'exception');

      const ack = await emitWithAck<WsDeniedAck>(socket, 'probe:admin', {});

      expect(ack.error.code).toBe(WsAuthErrorCode.FORBIDDEN);
      await expect(exception).resolves.toMatchObject({ code: WsAuthErrorCode.FORBIDDEN });
    });

    it('denies messages once the token expires, and keeps the socket', async () => {
      await expect(emitWithAck(socket, 'probe:whoami', {})).resolves.toMatchObject({ sub: 'alice' });

      clock.advance(64_999);
      await expect(emitWithAck(socket, 'probe:whoami', {})).resolves.toMatchObject({ sub: 'alice' });

      clock.advance(1);
      const exception = nextEvent<WsAuthExceptionPayload>(socket, 'exception');
      const ack = await emitWithAck<WsDeniedAck>(socket, 'probe:whoami', {});

      expect(ack.error.code).toBe(WsAuthErrorCode.TOKEN_EXPIRED);
      await expect(exception).resolves.toMatchObject({ code: WsAuthErrorCode.TOKEN_EXPIRED });
      expect(socket.connected).toBe(true);
      await expect(emitWithAck(socket, 'probe:public', {})).resolves.toEqual({ ok: true });
    });

    it('denies without an acknowledgement through the exception event alone', async () => {
      clock.advance(120_000);
      const exception = nextEvent<WsAuthExceptionPayload>(socket, 'exception');

      socket.emit('probe:whoami', {});

      await expect(exception).resolves.toEqual({
        status: 'error',
        code: WsAuthErrorCode.TOKEN_EXPIRED,
        message: expect.any(String) as string,
      });
    });
  });
});
