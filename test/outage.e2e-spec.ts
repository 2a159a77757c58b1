import type { Socket } from 'socket.io-client';

import type { ChatMessageEvent } from '../src/chat/chat.gateway.js';
import { AuthFailureLog, CircuitBreakerService, WS_AUTH_CLOCK, WsAuthErrorCode } from '../src/ws-auth/index.js';
import { startChatApp, type RunningChatApp } from './support/chat-app.js';
import { FakeIdentityProvider } from './support/fake-identity-provider.js';
import { createGate } from './support/gate.js';
import { CapturingLogger } from './support/log-capture.js';
import { connect, emitWithAck, expectRejectedHandshake, nextEvent } from './support/socket-client.js';
import { TestClock } from './support/test-clock.js';
import { seconds, signHs256 } from './support/tokens.js';

const RESET_TIMEOUT_MS = 30_000;

describe('Identity provider outage (e2e)', () => {
  const clock = new TestClock();
  let provider: FakeIdentityProvider;
  let chat: RunningChatApp;
  const sockets: Socket[] = [];

  async function startWith(whenOpen: 'use-cache' | 'deny-all'): Promise<void> {
    provider = await FakeIdentityProvider.start();
    provider.introspect = (token) => ({ active: true, sub: token.replace(/-token.*$/, ''), scope: 'chat:write', exp: seconds(clock.now()) + 3600 });
    chat = await startChatApp(
      {
        introspection: { url: provider.introspectionUrl, clientId: 'chat', clientSecret: 'chat-secret' },
        // Long enough that a held probe is released by the test, never cut by the timeout.
        remoteTimeoutMs: 10_000,
        breaker: { resetTimeoutMs: RESET_TIMEOUT_MS, whenOpen },
      },
      (builder) => builder.overrideProvider(WS_AUTH_CLOCK).useValue(clock),
    );
  }

  async function join(token: string): Promise<Socket> {
    const socket = await connect(chat.chatUrl, { token });
    sockets.push(socket);
    await emitWithAck(socket, 'chat:join', { room: 'lobby' });
    return socket;
  }

  async function openBreaker(): Promise<void> {
    provider.introspectionBehaviour = { kind: 'status', status: 503 };
    for (let index = 0; index < 5; index += 1) {
      await expectRejectedHandshake(chat.chatUrl, { token: `newcomer-token-${index}` });
    }
    expect(chat.app.get(CircuitBreakerService).get('introspection').snapshot().state).toBe('open');
  }

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    await chat.close();
    await provider.close();
  });

  it('keeps connected users chatting and recovers through one probe', async () => {
    await startWith('use-cache');
    const alice = await join('alice-token');
    const bob = await join('bob-token');

    await openBreaker();
    const requestsWhileOpen = provider.introspectionRequests.length;
    const newcomer = await expectRejectedHandshake(chat.chatUrl, { token: 'carol-token' });
    const received = nextEvent<ChatMessageEvent>(bob, 'chat:message');
    const ack = await emitWithAck<{ ok: boolean }>(alice, 'chat:message', { room: 'lobby', text: 'still here' });

    expect(newcomer.message).toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
    expect(provider.introspectionRequests.length).toBe(requestsWhileOpen);
    expect(ack.ok).toBe(true);
    await expect(received).resolves.toMatchObject({ from: 'alice', text: 'still here' });

    // The provider delays its response to the probe until the other two handshakes were rejected,
    // so they arrive while the probe is in flight however slow the machine is.
    const probeAnswer = createGate();
    provider.introspectionBehaviour = { kind: 'held', release: probeAnswer.opened };
    clock.advance(RESET_TIMEOUT_MS);
    let rejected = 0;
    const probes = await Promise.allSettled(
      ['dave-token', 'erin-token', 'frank-token'].map((token) =>
        connect(chat.chatUrl, { token }).catch((error: unknown) => {
          rejected += 1;
          if (rejected === 2) {
            probeAnswer.open();
          }
          throw error;
        }),
      ),
    );
    probes.forEach((result) => result.status === 'fulfilled' && sockets.push(result.value));

    expect(provider.introspectionRequests.length).toBe(requestsWhileOpen + 1);
    expect(probes.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(chat.app.get(CircuitBreakerService).get('introspection').snapshot().state).toBe('closed');

    provider.introspectionBehaviour = { kind: 'ok' };
    const carol = await join('carol-token');
    expect(carol.connected).toBe(true);
  });

  it('lets a cached token reconnect while the breaker is open', async () => {
    await startWith('use-cache');
    (await join('alice-token')).close();

    await openBreaker();
    const again = await connect(chat.chatUrl, { token: 'alice-token' });

    expect(again.connected).toBe(true);
    again.close();
  });

  it('denies even cached tokens with deny-all', async () => {
    await startWith('deny-all');
    (await join('alice-token')).close();

    await openBreaker();
    const error = await expectRejectedHandshake(chat.chatUrl, { token: 'alice-token' });

    expect(error.message).toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
  });

  it('keeps locally verified tokens working with deny-all', async () => {
    await startWith('deny-all');
    await openBreaker();

    const socket = await connect(chat.chatUrl, { token: signHs256({ sub: 'local', exp: seconds(clock.now()) + 60 }) });

    expect(socket.connected).toBe(true);
    socket.close();
  });
});

describe('Identity provider outage logs (e2e)', () => {
  const clock = new TestClock();
  const clientSecret = 'introspection-client-secret-0123456789';
  let provider: FakeIdentityProvider;
  let chat: RunningChatApp;
  let logger: CapturingLogger;

  beforeEach(async () => {
    provider = await FakeIdentityProvider.start();
    provider.introspect = (token) => ({ active: true, sub: `subject-of-${token}`, scope: 'chat:write', exp: seconds(clock.now()) + 3600 });
    logger = new CapturingLogger();
    chat = await startChatApp(
      {
        introspection: { url: provider.introspectionUrl, clientId: 'chat', clientSecret },
        remoteTimeoutMs: 200,
      },
      (builder) => builder.overrideProvider(WS_AUTH_CLOCK).useValue(clock),
      logger,
    );
  });

  afterEach(async () => {
    await chat.close();
    await provider.close();
  });

  it('logs the first remote failure at once, with its cause', async () => {
    provider.introspectionBehaviour = { kind: 'status', status: 401 };

    await expectRejectedHandshake(chat.chatUrl, { token: 'opaque-token-0123456789abcdefghij' });

    const summaries = logger.lines.filter((line) => line.text.includes('AUTH_UNAVAILABLE'));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.text).toContain('http_401');
  });

  it('keeps tokens, client secrets and subjects out of the logs', async () => {
    const tokens = Array.from({ length: 8 }, (_, index) => `opaque-token-${index}-0123456789abcdefghij`);
    const alice = await connect(chat.chatUrl, { token: tokens[0] });
    alice.close();

    provider.introspectionBehaviour = { kind: 'status', status: 503 };
    for (const token of tokens.slice(1, 7)) {
      await expectRejectedHandshake(chat.chatUrl, { token });
    }
    provider.introspectionBehaviour = { kind: 'hang' };
    clock.advance(30_000);
    await expectRejectedHandshake(chat.chatUrl, { token: tokens[7] });
    clock.advance(60_000);
    chat.app.get(AuthFailureLog).flushIfDue();

    const forbidden = [...tokens, clientSecret, Buffer.from(`chat:${clientSecret}`).toString('base64'), 'subject-of-'];
    expect(logger.inContext('CircuitBreaker').length).toBeGreaterThanOrEqual(2);
    for (const line of logger.lines) {
      for (const secret of forbidden) {
        expect({ line: line.text, leaks: line.text.includes(secret) }).toEqual({ line: line.text, leaks: false });
      }
    }
  });
});
