import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { SpiedFunction } from 'jest-mock';
import type { Socket } from 'socket.io';

import { FakeSocket } from '../../../test/support/fake-socket.js';
import { ManualTimer } from '../../../test/support/manual-timer.js';
import { TestClock } from '../../../test/support/test-clock.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { WsAuthException } from '../errors/ws-auth.exception.js';
import { AuthenticatedSockets } from '../handshake/authenticated-sockets.js';
import { resolveWsAuthOptions } from '../options/resolve-options.js';
import type { WsAuthModuleOptions } from '../options/ws-auth-options.interface.js';
import type { TokenAuthenticator } from '../verification/token-authenticator.js';
import type { WsPrincipal } from '../verification/ws-principal.js';
import { DeadlineScheduler } from './deadline-scheduler.js';
import type { AuthRefreshAck } from './lifecycle-events.js';
import { MAX_PENDING_REFRESHES, TokenLifecycleService } from './token-lifecycle.service.js';
import type { WsAuthRecorder } from '../telemetry/ws-auth.recorder.js';

const T0 = Date.UTC(2030, 0, 1);

function principal(sub: string, expiresAt: number | null, extra: Partial<WsPrincipal> = {}): WsPrincipal {
  return { sub, scopes: ['chat:write'], expiresAt, claims: { sub }, ...extra };
}

/** Authenticator that returns, for each token, the result a test set, including results it releases later. */
class ScriptedAuthenticator {
  readonly calls: string[] = [];
  private readonly answers = new Map<string, () => Promise<WsPrincipal>>();

  accept(token: string, result: WsPrincipal): void {
    this.answers.set(token, () => Promise.resolve(result));
  }

  reject(token: string, error: Error): void {
    this.answers.set(token, () => Promise.reject(error));
  }

  /** Resolves `token` to `result` only once the returned function is called. */
  hold(token: string, result: WsPrincipal): () => void {
    let release: () => void = () => undefined;
    const answer = new Promise<WsPrincipal>((resolve) => {
      release = () => resolve(result);
    });
    this.answers.set(token, () => answer);
    return () => release();
  }

  authenticate(token: string): Promise<WsPrincipal> {
    this.calls.push(token);
    const answer = this.answers.get(token);
    return answer === undefined ? Promise.reject(new WsAuthException(WsAuthErrorCode.TOKEN_INVALID)) : answer();
  }
}

function setup(options: Partial<WsAuthModuleOptions> = {}) {
  const clock = new TestClock(T0);
  const timer = new ManualTimer();
  const scheduler = new DeadlineScheduler<Socket>(clock, timer);
  const sockets = new AuthenticatedSockets();
  const tokens = new ScriptedAuthenticator();
  const resolved = resolveWsAuthOptions({ secret: 's'.repeat(32), ...options });
  const attempts: [string, string][] = [];
  const recorder = {
    recordAttempt: (stage: string, result: string) => attempts.push([stage, result]),
  } as unknown as WsAuthRecorder;
  const lifecycle = new TokenLifecycleService(scheduler, sockets, tokens as unknown as TokenAuthenticator, clock, resolved, recorder);

  const connect = (user?: WsPrincipal): FakeSocket => {
    const socket = new FakeSocket(user);
    lifecycle.start(socket.asSocket());
    return socket;
  };

  /** Moves the clock by `ms` and runs what is due, as the real timer would. */
  const advance = (ms: number): void => {
    clock.advance(ms);
    scheduler.runDue();
  };

  return { clock, timer, scheduler, sockets, tokens, lifecycle, connect, advance, attempts };
}

/** Sends `auth:refresh` with an acknowledgement and resolves with its reply. */
function refresh(socket: FakeSocket, ...payload: unknown[]): Promise<AuthRefreshAck> {
  return new Promise((resolve) => socket.receive('auth:refresh', ...payload, resolve));
}

/** Lets every pending promise callback run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('TokenLifecycleService', () => {
  let logError: SpiedFunction<Logger['error']>;

  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    logError.mockRestore();
  });

  describe('expiry', () => {
    it('emits auth:expiring at the lead time', () => {
      const { connect, advance, scheduler } = setup();
      const socket = connect(principal('alice', T0 + 120_000));

      advance(59_999);
      expect(socket.sent).toEqual([]);

      advance(1);
      expect(socket.sent).toEqual([{ event: 'auth:expiring', payload: { expiresAt: T0 + 120_000 } }]);
      expect(scheduler.deadlineOf(socket.asSocket())).toBe(T0 + 120_000);
      expect(socket.connected).toBe(true);
    });

    it('disconnects with auth:expired at exp', () => {
      const { connect, advance, scheduler, sockets } = setup();
      const socket = connect(principal('alice', T0 + 120_000));

      advance(119_999);
      expect(socket.sentEvents()).toEqual(['auth:expiring']);
      expect(socket.connected).toBe(true);

      advance(1);
      expect(socket.sent[1]).toEqual({
        event: 'auth:expired',
        payload: { code: WsAuthErrorCode.TOKEN_EXPIRED, message: 'Authentication token has expired.' },
      });
      expect(socket.connected).toBe(false);
      expect(scheduler.size).toBe(0);
      expect(sockets.size).toBe(0);
    });

    it('waits for the clock tolerance before expiring', () => {
      const { connect, advance } = setup({ clockToleranceSec: 5 });
      const socket = connect(principal('alice', T0 + 120_000));

      advance(124_999);
      expect(socket.connected).toBe(true);
      expect(socket.sentEvents()).toEqual(['auth:expiring']);

      advance(1);
      expect(socket.sentEvents()).toEqual(['auth:expiring', 'auth:expired']);
      expect(socket.connected).toBe(false);
    });

    it('warns a short-lived token halfway through', () => {
      const { connect, scheduler } = setup();

      const socket = connect(principal('alice', T0 + 30_000));

      expect(scheduler.deadlineOf(socket.asSocket())).toBe(T0 + 15_000);
    });

    it('warns at once inside the tolerance window', () => {
      const { connect, advance } = setup({ clockToleranceSec: 30 });
      const socket = connect(principal('alice', T0 - 10_000));

      advance(0);
      expect(socket.sentEvents()).toEqual(['auth:expiring']);

      advance(19_999);
      expect(socket.connected).toBe(true);
      advance(1);
      expect(socket.connected).toBe(false);
    });

    it('sends no warning with a lead time of 0', () => {
      const { connect, advance, scheduler } = setup({ expiryWarningLeadMs: 0 });
      const socket = connect(principal('alice', T0 + 120_000));

      expect(scheduler.deadlineOf(socket.asSocket())).toBe(T0 + 120_000);
      advance(120_000);
      expect(socket.sentEvents()).toEqual(['auth:expired']);
    });

    it('expires in the same run when the clock jumps past exp', () => {
      const { connect, advance } = setup();
      const socket = connect(principal('alice', T0 + 120_000));

      advance(600_000);

      expect(socket.sentEvents()).toEqual(['auth:expiring', 'auth:expired']);
      expect(socket.connected).toBe(false);
    });

    it('schedules nothing for a token without exp', () => {
      const { connect, scheduler, sockets } = setup();

      connect(principal('alice', null));

      expect(scheduler.size).toBe(0);
      expect(sockets.size).toBe(1);
    });

    it('ignores a socket without a principal', () => {
      const { connect, scheduler, sockets } = setup();

      const socket = connect();

      expect(scheduler.size).toBe(0);
      expect(sockets.size).toBe(0);
      expect(socket.listenerCount('auth:refresh')).toBe(0);
    });

    it('removes the deadline on disconnect', () => {
      const { connect, scheduler, sockets, timer } = setup();
      const socket = connect(principal('alice', T0 + 120_000));

      socket.disconnect();

      expect(scheduler.size).toBe(0);
      expect(sockets.size).toBe(0);
      expect(timer.activeCount).toBe(0);
    });
  });

  describe('refresh', () => {
    it('replaces the principal and the deadline', async () => {
      const { connect, tokens, scheduler } = setup();
      const socket = connect(principal('alice', T0 + 120_000));
      const renewed = principal('alice', T0 + 900_000, { scopes: ['chat:read'] });
      tokens.accept('token-2', renewed);

      const reply = await refresh(socket, { token: 'token-2' });

      expect(reply).toEqual({ ok: true, expiresAt: T0 + 900_000 });
      expect(socket.data.user).toBe(renewed);
      expect(scheduler.deadlineOf(socket.asSocket())).toBe(T0 + 840_000);
      expect(scheduler.size).toBe(1);
    });

    it('records each refresh attempt', async () => {
      const { connect, tokens, attempts } = setup();
      const socket = connect(principal('alice', T0 + 120_000));
      tokens.accept('token-2', principal('alice', T0 + 900_000));
      tokens.accept('bob-token', principal('bob', T0 + 900_000));

      await refresh(socket, { token: 'token-2' });
      await refresh(socket, { token: 'bob-token' });

      expect(attempts).toEqual([
        ['refresh', 'ok'],
        ['refresh', WsAuthErrorCode.FORBIDDEN],
      ]);
    });

    it('keeps the socket past the first exp', async () => {
      const { connect, tokens, advance } = setup();
      const socket = connect(principal('alice', T0 + 120_000));
      tokens.accept('token-2', principal('alice', T0 + 900_000));
      await refresh(socket, { token: 'token-2' });

      advance(600_000);

      expect(socket.connected).toBe(true);
      expect(socket.sentEvents()).toEqual([]);
    });

    it('leaves one deadline after five refreshes', async () => {
      const { connect, tokens, scheduler, timer } = setup();
      const socket = connect(principal('alice', T0 + 120_000));

      for (let i = 1; i <= 5; i += 1) {
        tokens.accept(`token-${i}`, principal('alice', T0 + 120_000 + i * 60_000));
        await expect(refresh(socket, { token: `token-${i}` })).resolves.toMatchObject({ ok: true });
      }

      expect(scheduler.size).toBe(1);
      expect(scheduler.deadlineOf(socket.asSocket())).toBe(T0 + 360_000);
      expect(timer.activeCount).toBe(1);
    });

    it('applies concurrent refreshes in arrival order', async () => {
      const { connect, tokens, scheduler } = setup();
      const socket = connect(principal('alice', T0 + 120_000));
      const slow = principal('alice', T0 + 300_000);
      const fast = principal('alice', T0 + 600_000);
      const releaseSlow = tokens.hold('slow', slow);
      tokens.accept('fast', fast);

      const slowReply = refresh(socket, { token: 'slow' });
      const fastReply = refresh(socket, { token: 'fast' });
      await settle();
      expect(tokens.calls).toEqual(['slow']);
      releaseSlow();

      await expect(slowReply).resolves.toEqual({ ok: true, expiresAt: T0 + 300_000 });
      await expect(fastReply).resolves.toEqual({ ok: true, expiresAt: T0 + 600_000 });
      expect(socket.data.user).toBe(fast);
      expect(scheduler.size).toBe(1);
      expect(scheduler.deadlineOf(socket.asSocket())).toBe(T0 + 540_000);
    });

    it('denies refreshes beyond the pending limit', async () => {
      const { connect, tokens } = setup();
      const socket = connect(principal('alice', T0 + 120_000));
      const release = tokens.hold('slow', principal('alice', T0 + 900_000));

      const queued = Array.from({ length: MAX_PENDING_REFRESHES }, () => refresh(socket, { token: 'slow' }));
      const rejected = await refresh(socket, { token: 'slow' });
      release();
      const replies = await Promise.all(queued);
      const afterwards = await refresh(socket, { token: 'slow' });

      expect(rejected).toEqual({
        ok: false,
        error: {
          code: WsAuthErrorCode.BAD_REQUEST,
          message: 'At most 4 auth:refresh requests may wait at a time. Wait for their acknowledgements.',
        },
      });
      expect(replies.every((reply) => reply.ok)).toBe(true);
      expect(afterwards.ok).toBe(true);
    });

    it('denies a token of another subject', async () => {
      const { connect, tokens, scheduler, advance } = setup();
      const original = principal('alice', T0 + 120_000);
      const socket = connect(original);
      tokens.accept('bob-token', principal('bob', T0 + 900_000));

      const reply = await refresh(socket, { token: 'bob-token' });

      expect(reply).toEqual({
        ok: false,
        error: { code: WsAuthErrorCode.FORBIDDEN, message: 'The new token belongs to another subject than the socket.' },
      });
      expect(socket.data.user).toBe(original);
      expect(scheduler.deadlineOf(socket.asSocket())).toBe(T0 + 60_000);
      advance(120_000);
      expect(socket.connected).toBe(false);
    });

    it.each([
      ['no payload', [], WsAuthErrorCode.BAD_REQUEST],
      ['null', [null], WsAuthErrorCode.BAD_REQUEST],
      ['a string', ['token-2'], WsAuthErrorCode.BAD_REQUEST],
      ['an array', [['token-2']], WsAuthErrorCode.BAD_REQUEST],
      ['an empty object', [{}], WsAuthErrorCode.BAD_REQUEST],
      ['a numeric token', [{ token: 42 }], WsAuthErrorCode.BAD_REQUEST],
      ['an empty token', [{ token: '' }], WsAuthErrorCode.TOKEN_MISSING],
      ['a token of spaces', [{ token: '   ' }], WsAuthErrorCode.TOKEN_MISSING],
      ['an oversized token', [{ token: 'x'.repeat(8193) }], WsAuthErrorCode.TOKEN_MALFORMED],
    ])('denies %s before verification', async (_name, payload, code) => {
      const { connect, tokens, scheduler } = setup();
      const socket = connect(principal('alice', T0 + 120_000));

      const reply = await refresh(socket, ...payload);

      expect(reply).toMatchObject({ ok: false, error: { code } });
      expect(tokens.calls).toEqual([]);
      expect(scheduler.deadlineOf(socket.asSocket())).toBe(T0 + 60_000);
    });

    it('accepts a Bearer prefix', async () => {
      const { connect, tokens } = setup();
      const socket = connect(principal('alice', T0 + 120_000));
      tokens.accept('token-2', principal('alice', T0 + 900_000));

      const reply = await refresh(socket, { token: 'Bearer token-2' });

      expect(reply).toEqual({ ok: true, expiresAt: T0 + 900_000 });
      expect(tokens.calls).toEqual(['token-2']);
    });

    it('refreshes without an acknowledgement', async () => {
      const { connect, tokens } = setup();
      const socket = connect(principal('alice', T0 + 120_000));
      const renewed = principal('alice', T0 + 900_000);
      tokens.accept('token-2', renewed);

      socket.receive('auth:refresh', { token: 'token-2' });
      await settle();

      expect(socket.data.user).toBe(renewed);
    });

    it('drops a bad payload without an acknowledgement', async () => {
      const { connect, tokens } = setup();
      const socket = connect(principal('alice', T0 + 120_000));

      socket.receive('auth:refresh', 'not an object');
      socket.receive('auth:refresh');
      await settle();

      expect(tokens.calls).toEqual([]);
      expect(socket.sent).toEqual([]);
      expect(logError).not.toHaveBeenCalled();
    });

    it.each([
      WsAuthErrorCode.TOKEN_EXPIRED,
      WsAuthErrorCode.TOKEN_INVALID,
      WsAuthErrorCode.TOKEN_REVOKED,
      WsAuthErrorCode.AUTH_UNAVAILABLE,
    ])('passes on %s and keeps the old deadline', async (code) => {
      const { connect, tokens, scheduler } = setup();
      const original = principal('alice', T0 + 120_000);
      const socket = connect(original);
      tokens.reject('token-2', new WsAuthException(code));

      const reply = await refresh(socket, { token: 'token-2' });

      expect(reply).toMatchObject({ ok: false, error: { code } });
      expect(socket.data.user).toBe(original);
      expect(scheduler.deadlineOf(socket.asSocket())).toBe(T0 + 60_000);
    });

    it('answers an unexpected failure with AUTH_UNAVAILABLE', async () => {
      const { connect, tokens } = setup();
      const socket = connect(principal('alice', T0 + 120_000));
      const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl';
      tokens.reject(token, new Error(`verifier bug while reading ${token}`));

      const reply = await refresh(socket, { token });

      expect(reply).toMatchObject({ ok: false, error: { code: WsAuthErrorCode.AUTH_UNAVAILABLE } });
      expect(logError).toHaveBeenCalledTimes(1);
      const [line] = logError.mock.calls[0] as [string];
      expect(line).toContain(`Token refresh of socket ${socket.id} failed unexpectedly`);
      expect(line).not.toContain('eyJ');
    });

    it('changes nothing when the socket left meanwhile', async () => {
      const { connect, tokens, scheduler } = setup();
      const original = principal('alice', T0 + 120_000);
      const socket = connect(original);
      const release = tokens.hold('token-2', principal('alice', T0 + 900_000));
      const acks: unknown[] = [];

      socket.receive('auth:refresh', { token: 'token-2' }, (reply: unknown) => acks.push(reply));
      await settle();
      socket.disconnect();
      release();
      await settle();

      expect(socket.data.user).toBe(original);
      expect(scheduler.size).toBe(0);
      expect(acks).toEqual([]);
    });

    it('logs a throwing acknowledgement and keeps serving', async () => {
      const { connect, tokens } = setup();
      const socket = connect(principal('alice', T0 + 120_000));
      tokens.accept('token-2', principal('alice', T0 + 900_000));

      socket.receive('auth:refresh', { token: 'token-2' }, () => {
        throw new Error('ack failed');
      });
      const reply = await refresh(socket, { token: 'token-2' });

      expect(reply).toMatchObject({ ok: true });
      expect(logError).toHaveBeenCalledWith(`Token refresh of socket ${socket.id} failed with Error: ack failed.`);
    });
  });

  describe('revocation', () => {
    it('sends auth:revoked, then disconnects', () => {
      const { connect, lifecycle, scheduler } = setup();
      const socket = connect(principal('alice', T0 + 120_000));

      lifecycle.disconnectRevoked(socket.asSocket());

      expect(socket.sent).toEqual([
        {
          event: 'auth:revoked',
          payload: { code: WsAuthErrorCode.TOKEN_REVOKED, message: 'Authentication token has been revoked.' },
        },
      ]);
      expect(socket.connected).toBe(false);
      expect(scheduler.size).toBe(0);
    });
  });
});
