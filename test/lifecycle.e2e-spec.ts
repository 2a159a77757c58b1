import type { Socket } from 'socket.io-client';

import {
  type AuthExpiredEvent,
  type AuthExpiringEvent,
  type AuthRefreshAck,
  DeadlineScheduler,
  WS_AUTH_CLOCK,
  WsAuthErrorCode,
  type WsDeniedAck,
} from '../src/ws-auth/index.js';
import { startChatApp } from './support/chat-app.js';
import { connect, emitWithAck, nextEvent } from './support/socket-client.js';
import { TestClock } from './support/test-clock.js';
import { startTimedChatApp, type TimedChatApp } from './support/timed-chat-app.js';
import { seconds, signHs256 } from './support/tokens.js';

describe('Token lifecycle (e2e)', () => {
  const clock = new TestClock();
  let chat: TimedChatApp;
  const sockets: Socket[] = [];

  function token(sub: string, ttlSec: number, scope = 'chat:write'): string {
    return signHs256({ sub, scope, exp: seconds(clock.now()) + ttlSec });
  }

  async function open(sub: string, ttlSec: number, scope?: string): Promise<Socket> {
    const socket = await connect(chat.chatUrl, { token: token(sub, ttlSec, scope) });
    sockets.push(socket);
    return socket;
  }

  const advance = (ms: number): void => chat.advance(ms);

  beforeAll(async () => {
    chat = await startTimedChatApp(clock);
  });

  afterEach(async () => {
    await chat.closeSockets(sockets);
  });

  afterAll(async () => {
    await chat.close();
  });

  describe('expiry', () => {
    it('warns, denies, then disconnects with auth:expired', async () => {
      const socket = await open('alice', 120);
      const expiresAt = (seconds(clock.now()) + 120) * 1000;
      const expiring = nextEvent<AuthExpiringEvent>(socket, 'auth:expiring');

      advance(60_000);
      await expect(expiring).resolves.toEqual({ expiresAt });

      clock.advance(60_000);
      const late = await emitWithAck<WsDeniedAck>(socket, 'chat:join', { room: 'lobby' });
      expect(late.error.code).toBe(WsAuthErrorCode.TOKEN_EXPIRED);

      const expired = nextEvent<AuthExpiredEvent>(socket, 'auth:expired');
      const disconnected = nextEvent<string>(socket, 'disconnect');
      chat.scheduler.runDue();

      await expect(expired).resolves.toEqual({ code: WsAuthErrorCode.TOKEN_EXPIRED, message: 'Authentication token has expired.' });
      await expect(disconnected).resolves.toBe('io server disconnect');
    });

    it('disconnects only the sockets whose tokens expired', async () => {
      const shortLived = await open('alice', 120);
      const longLived = await open('bob', 900);
      const disconnected = nextEvent<string>(shortLived, 'disconnect');

      advance(120_000);
      await disconnected;

      expect(longLived.connected).toBe(true);
      await expect(emitWithAck(longLived, 'chat:join', { room: 'lobby' })).resolves.toEqual({ ok: true });
    });
  });

  describe('refresh', () => {
    it('keeps the socket alive past the first exp', async () => {
      const socket = await open('alice', 120);
      const renewedExp = seconds(clock.now()) + 900;

      const ack = await emitWithAck<AuthRefreshAck>(socket, 'auth:refresh', {
        token: signHs256({ sub: 'alice', scope: 'chat:write', exp: renewedExp }),
      });
      advance(130_000);

      expect(ack).toEqual({ ok: true, expiresAt: renewedExp * 1000 });
      expect(socket.connected).toBe(true);
      await expect(emitWithAck(socket, 'chat:join', { room: 'lobby' })).resolves.toEqual({ ok: true });
    });

    it('grants the scopes of the new token', async () => {
      const socket = await open('carol', 600, 'chat:read');
      await emitWithAck(socket, 'chat:join', { room: 'lobby' });
      const before = await emitWithAck<WsDeniedAck>(socket, 'chat:message', { room: 'lobby', text: 'hi' });

      await emitWithAck(socket, 'auth:refresh', { token: token('carol', 600, 'chat:write') });
      const after = await emitWithAck<{ ok: boolean }>(socket, 'chat:message', { room: 'lobby', text: 'hi' });

      expect(before.error.code).toBe(WsAuthErrorCode.FORBIDDEN);
      expect(after.ok).toBe(true);
    });

    it('denies a token of another subject', async () => {
      const socket = await open('alice', 120);
      const expired = nextEvent<AuthExpiredEvent>(socket, 'auth:expired');

      const ack = await emitWithAck<AuthRefreshAck>(socket, 'auth:refresh', { token: token('mallory', 900) });
      advance(120_000);

      expect(ack).toEqual({
        ok: false,
        error: { code: WsAuthErrorCode.FORBIDDEN, message: 'The new token belongs to another subject than the socket.' },
      });
      await expect(expired).resolves.toMatchObject({ code: WsAuthErrorCode.TOKEN_EXPIRED });
    });

    it('denies an invalid token and keeps the socket', async () => {
      const socket = await open('alice', 600);

      const forged = signHs256({ sub: 'alice', exp: seconds(clock.now()) + 900 }, 'another-secret-that-is-long-enough!!');
      const ack = await emitWithAck<AuthRefreshAck>(socket, 'auth:refresh', { token: forged });

      expect(ack).toMatchObject({ ok: false, error: { code: WsAuthErrorCode.TOKEN_INVALID } });
      await expect(emitWithAck(socket, 'chat:join', { room: 'lobby' })).resolves.toEqual({ ok: true });
    });

    it.each([
      ['a string', 'not-an-object'],
      ['an object without token', { jwt: 'x' }],
      ['a numeric token', { token: 7 }],
    ])('answers %s with BAD_REQUEST', async (_name, payload) => {
      const socket = await open('alice', 600);

      const ack = await emitWithAck<AuthRefreshAck>(socket, 'auth:refresh', payload);

      expect(ack).toMatchObject({ ok: false, error: { code: WsAuthErrorCode.BAD_REQUEST } });
    });

    it('survives a refresh without acknowledgement', async () => {
      const socket = await open('alice', 600);

      socket.emit('auth:refresh', { token: 42 });
      socket.emit('auth:refresh');

      await expect(emitWithAck(socket, 'chat:join', { room: 'lobby' })).resolves.toEqual({ ok: true });
    });
  });

  it('stops the scheduler on application shutdown', async () => {
    const other = await startChatApp({}, (builder) => builder.overrideProvider(WS_AUTH_CLOCK).useValue(clock));
    const otherScheduler = other.app.get(DeadlineScheduler);
    const socket = await connect(other.chatUrl, { token: token('alice', 600) });

    expect(otherScheduler.size).toBe(1);
    expect(otherScheduler.timerArmed).toBe(true);

    await other.close();
    socket.close();

    expect(otherScheduler.size).toBe(0);
    expect(otherScheduler.timerArmed).toBe(false);
    expect(otherScheduler.schedule('late', clock.now(), () => undefined)).toBe(false);
  });
});
