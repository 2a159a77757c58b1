import type { Socket } from 'socket.io-client';

import {
  type AuthRefreshAck,
  type AuthRevokedEvent,
  WsAuthErrorCode,
  WsAuthService,
} from '../src/ws-auth/index.js';
import { connect, emitWithAck, expectRejectedHandshake, nextEvent } from './support/socket-client.js';
import { TestClock } from './support/test-clock.js';
import { startTimedChatApp, type TimedChatApp } from './support/timed-chat-app.js';
import { seconds, signHs256 } from './support/tokens.js';

describe('Token revocation (e2e)', () => {
  const clock = new TestClock();
  let chat: TimedChatApp;
  let wsAuth: WsAuthService;
  const sockets: Socket[] = [];

  function token(sub: string, jti: string): string {
    const nowSec = seconds(clock.now());
    return signHs256({ sub, jti, scope: 'chat:write', iat: nowSec, exp: nowSec + 600 });
  }

  async function open(sub: string, jti: string): Promise<Socket> {
    const socket = await connect(chat.chatUrl, { token: token(sub, jti) });
    sockets.push(socket);
    return socket;
  }

  async function stillServed(socket: Socket): Promise<void> {
    expect(socket.connected).toBe(true);
    await expect(emitWithAck(socket, 'chat:join', { room: 'lobby' })).resolves.toEqual({ ok: true });
  }

  beforeAll(async () => {
    chat = await startTimedChatApp(clock);
    wsAuth = chat.app.get(WsAuthService);
  });

  beforeEach(() => {
    // Each test starts in a new second, so tokens issued now postdate earlier revocations.
    clock.advance(10_000);
  });

  afterEach(async () => {
    await chat.closeSockets(sockets);
  });

  afterAll(async () => {
    await chat.close();
  });

  // The server disconnects before `revoke` returns, so the delay is bounded by the call itself
  // rather than by a timer. The client learns of it one network hop later.
  it('disconnects a revoked jti before returning', async () => {
    const revoked = await open('alice', 'jti-a1');
    const sameUser = await open('alice', 'jti-a2');
    const other = await open('bob', 'jti-b1');
    const revokedEvent = nextEvent<AuthRevokedEvent>(revoked, 'auth:revoked');
    const disconnected = nextEvent<string>(revoked, 'disconnect');
    expect(chat.scheduler.size).toBe(3);

    const result = wsAuth.revoke({ jti: 'jti-a1' });

    expect(chat.scheduler.size).toBe(2);
    expect(result.disconnectedSockets).toBe(1);
    const reason = await disconnected;
    await expect(revokedEvent).resolves.toEqual({
      code: WsAuthErrorCode.TOKEN_REVOKED,
      message: 'Authentication token has been revoked.',
    });
    expect(reason).toBe('io server disconnect');
    await stillServed(sameUser);
    await stillServed(other);
  });

  it('disconnects every socket of a revoked sub', async () => {
    const first = await open('alice', 'jti-a3');
    const second = await open('alice', 'jti-a4');
    const other = await open('bob', 'jti-b2');
    const disconnects = [nextEvent(first, 'disconnect'), nextEvent(second, 'disconnect')];
    clock.advance(1_000);

    const result = wsAuth.revoke({ sub: 'alice' });
    await Promise.all(disconnects);

    expect(result.disconnectedSockets).toBe(2);
    await stillServed(other);
  });

  it('denies a reconnect with a revoked token', async () => {
    const byJti = token('carol', 'jti-c1');
    const bySub = token('dave', 'jti-d1');
    (await connect(chat.chatUrl, { token: byJti })).close();
    clock.advance(1_000);

    wsAuth.revoke({ jti: 'jti-c1' });
    wsAuth.revoke({ sub: 'dave' });

    await expect(expectRejectedHandshake(chat.chatUrl, { token: byJti })).resolves.toEqual({
      message: WsAuthErrorCode.TOKEN_REVOKED,
      data: { code: WsAuthErrorCode.TOKEN_REVOKED, message: 'Authentication token has been revoked.' },
    });
    await expect(expectRejectedHandshake(chat.chatUrl, { token: bySub })).resolves.toMatchObject({
      message: WsAuthErrorCode.TOKEN_REVOKED,
    });
  });

  it('denies a refresh with a revoked token', async () => {
    const socket = await open('erin', 'jti-e1');
    const revokedToken = token('erin', 'jti-e2');
    wsAuth.revoke({ jti: 'jti-e2' });

    const ack = await emitWithAck<AuthRefreshAck>(socket, 'auth:refresh', { token: revokedToken });

    expect(ack).toMatchObject({ ok: false, error: { code: WsAuthErrorCode.TOKEN_REVOKED } });
    await stillServed(socket);
  });

  it('accepts a token issued at or after the revocation', async () => {
    const old = await open('frank', 'jti-f1');
    const disconnected = nextEvent(old, 'disconnect');
    clock.advance(1_000);

    wsAuth.revoke({ sub: 'frank' });
    await disconnected;
    const renewed = await open('frank', 'jti-f2');

    await stillServed(renewed);
  });
});
