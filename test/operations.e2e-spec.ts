import type { Socket } from 'socket.io-client';

import {
  AuthFailureLog,
  CircuitBreakerService,
  TokenVerifier,
  WS_AUTH_CLOCK,
  WsAuthErrorCode,
  type WsDeniedAck,
} from '../src/ws-auth/index.js';
import { startChatApp, type RunningChatApp } from './support/chat-app.js';
import { BreakerGuardedVerifier, InMemoryIdentityProvider } from './support/identity-provider.js';
import { CapturingLogger } from './support/log-capture.js';
import { connect, emitWithAck, expectRejectedHandshake, openClient } from './support/socket-client.js';
import { TestClock } from './support/test-clock.js';
import { seconds, signHs256, TEST_SECRET } from './support/tokens.js';

const BREAKER = 'test-idp';
const RESET_TIMEOUT_MS = 30_000;

interface HealthBody {
  status: string;
  details: Record<string, { status: string; breakers: Record<string, Record<string, unknown>>; [key: string]: unknown }>;
}

describe('Operations endpoints (e2e)', () => {
  let clock: TestClock;
  let provider: InMemoryIdentityProvider;
  let logger: CapturingLogger;
  let chat: RunningChatApp;
  const sockets: Socket[] = [];
  const tokens: string[] = [];

  function token(sub: string, scope = 'chat:write'): string {
    const signed = signHs256({ sub, scope, email: `${sub}@mail.test`, jti: `jti-${sub}`, exp: seconds(clock.now()) + 600 });
    tokens.push(signed);
    return signed;
  }

  async function connected(sub: string, scope?: string): Promise<Socket> {
    const socket = await connect(chat.chatUrl, { token: token(sub, scope) });
    sockets.push(socket);
    return socket;
  }

  async function get(path: string): Promise<{ status: number; contentType: string | null; text: string }> {
    const response = await fetch(`${chat.baseUrl}${path}`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  }

  async function health(): Promise<{ status: number; body: HealthBody }> {
    const response = await get('/health');
    return { status: response.status, body: JSON.parse(response.text) as HealthBody };
  }

  async function metricsText(): Promise<string> {
    return (await get('/metrics')).text;
  }

  async function failHandshakes(count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const error = await expectRejectedHandshake(chat.chatUrl, { token: token(`outage-subject-${i}`) });
      expect(error.message).toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
    }
  }

  beforeEach(async () => {
    clock = new TestClock();
    provider = new InMemoryIdentityProvider();
    logger = new CapturingLogger();
    tokens.length = 0;
    chat = await startChatApp(
      {},
      (builder) =>
        builder
          .overrideProvider(WS_AUTH_CLOCK)
          .useValue(clock)
          .overrideProvider(TokenVerifier)
          .useFactory({
            factory: (breakers: CircuitBreakerService) => new BreakerGuardedVerifier(breakers.get(BREAKER), provider),
            inject: [CircuitBreakerService],
          }),
      logger,
    );
  });

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    provider.releaseHanging();
    await chat.close();
  });

  it('serves /health as up while the breaker is closed', async () => {
    await connected('subject-alice');

    const { status, body } = await health();

    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.details['ws-auth']).toMatchObject({
      status: 'up',
      breakers: { [BREAKER]: { state: 'closed', openedAt: null, calls: 1, failures: 0 } },
      cache: { entries: 1, misses: 1, hitRatio: 0 },
      authenticatedSockets: 1,
    });
  });

  it('serves /metrics in the Prometheus text format', async () => {
    const writer = await connected('subject-alice');
    const reader = await connected('subject-carol', 'chat:read');
    await emitWithAck(writer, 'chat:join', { room: 'lobby' });
    await emitWithAck(reader, 'chat:join', { room: 'lobby' });
    const denied = await emitWithAck<WsDeniedAck>(reader, 'chat:message', { room: 'lobby', text: 'hi' });
    await expectRejectedHandshake(chat.chatUrl, { token: 'not-a-token' });

    const response = await get('/metrics');

    expect(denied.error.code).toBe(WsAuthErrorCode.FORBIDDEN);
    expect(response.status).toBe(200);
    expect(response.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.text).toContain('# TYPE ws_auth_attempts_total counter');
    expect(response.text).toContain('ws_auth_attempts_total{stage="handshake",result="ok"} 2');
    expect(response.text).toContain('ws_auth_attempts_total{stage="handshake",result="TOKEN_INVALID"} 1');
    expect(response.text).toContain('ws_auth_attempts_total{stage="message",result="ok"} 2');
    expect(response.text).toContain('ws_auth_attempts_total{stage="message",result="FORBIDDEN"} 1');
    expect(response.text).toContain(`ws_auth_circuit_state{breaker="${BREAKER}"} 0`);
    expect(response.text).toContain('ws_auth_cache_events_total{event="miss"} 3');
    expect(response.text).toContain('ws_auth_cache_entries{verdict="accepted"} 2');
    expect(response.text).toContain('ws_auth_cache_entries{verdict="rejected"} 1');
    expect(response.text).toContain('ws_auth_authenticated_sockets 2');
  });

  it('follows a provider outage from start to recovery', async () => {
    provider.mode = 'down';
    await failHandshakes(5);

    const open = await health();
    expect(open.status).toBe(503);
    expect(open.body.status).toBe('error');
    expect(open.body.details['ws-auth']?.status).toBe('down');
    expect(open.body.details['ws-auth']?.breakers[BREAKER]).toMatchObject({
      state: 'open',
      openedAt: new Date(clock.now()).toISOString(),
      calls: 5,
      failures: 5,
      lastFailureReason: 'http_503',
    });
    const openMetrics = await metricsText();
    expect(openMetrics).toContain(`ws_auth_circuit_state{breaker="${BREAKER}"} 2`);
    expect(openMetrics).toContain(`ws_auth_circuit_transitions_total{breaker="${BREAKER}",to="open"} 1`);
    expect(openMetrics).toContain('ws_auth_attempts_total{stage="handshake",result="AUTH_UNAVAILABLE"} 5');

    const callsBefore = provider.calls;
    await failHandshakes(1);
    expect(provider.calls).toBe(callsBefore);

    clock.advance(RESET_TIMEOUT_MS);
    const halfOpen = await health();
    expect(halfOpen.status).toBe(200);
    expect(halfOpen.body.status).toBe('degraded');
    expect(halfOpen.body.details['ws-auth']?.status).toBe('degraded');
    expect(await metricsText()).toContain(`ws_auth_circuit_state{breaker="${BREAKER}"} 1`);

    provider.mode = 'up';
    await connected('subject-alice');
    const recovered = await health();
    expect(recovered.status).toBe(200);
    expect(recovered.body.details['ws-auth']?.status).toBe('up');
    const recoveredMetrics = await metricsText();
    expect(recoveredMetrics).toContain(`ws_auth_circuit_transitions_total{breaker="${BREAKER}",to="half-open"} 1`);
    expect(recoveredMetrics).toContain(`ws_auth_circuit_transitions_total{breaker="${BREAKER}",to="closed"} 1`);
  });

  it('logs an outage in a few lines', async () => {
    provider.mode = 'down';
    await failHandshakes(6);

    clock.advance(60_000);
    chat.app.get(AuthFailureLog).flushIfDue();

    const breakerLines = logger.inContext('CircuitBreaker');
    expect(breakerLines).toHaveLength(1);
    expect(breakerLines[0]?.level).toBe('warn');
    expect(breakerLines[0]?.text).toContain(`Circuit breaker "${BREAKER}" opened: 5 of 5 calls failed`);
    const summaries = logger.inContext('WsAuth').filter((line) => line.text.includes('authentication failure'));
    expect(summaries.map((line) => line.level)).toEqual(['warn', 'warn']);
    expect(summaries[0]?.text).toContain('AUTH_UNAVAILABLE 1 (handshake 1). AUTH_UNAVAILABLE causes: http_503 1.');
    expect(summaries[1]?.text).toContain(
      'AUTH_UNAVAILABLE 5 (handshake 5). AUTH_UNAVAILABLE causes: http_503 4, circuit_open 1.',
    );
  });

  it('serves /health at once while the provider hangs', async () => {
    provider.mode = 'hang';
    const waiting = ['subject-a', 'subject-b', 'subject-c'].map((sub) => openClient(chat.chatUrl, { token: token(sub) }));
    sockets.push(...waiting);
    await provider.whenPending(3);

    // The provider never responds in this mode, so any response proves that /health did not wait on it.
    const response = await get('/health');

    expect(response.status).toBe(200);
    expect(waiting.map((socket) => socket.connected)).toEqual([false, false, false]);
  });

  it('keeps tokens, secrets and claim values out of the logs', async () => {
    const alice = await connected('subject-alice');
    await emitWithAck(alice, 'chat:join', { room: 'lobby' });
    const reader = await connected('subject-carol', 'chat:read');
    await emitWithAck(reader, 'chat:message', { room: 'lobby', text: 'denied' });
    provider.mode = 'down';
    await failHandshakes(6);
    await expectRejectedHandshake(chat.chatUrl, { token: 'Bearer junk-token-with-a-long-body-0123456789abcdef' });
    clock.advance(60_000);
    chat.app.get(AuthFailureLog).flushIfDue();
    await health();

    const forbidden = [
      ...tokens,
      ...tokens.flatMap((signed) => signed.split('.')),
      'junk-token-with-a-long-body-0123456789abcdef',
      TEST_SECRET,
      ...['subject-alice', 'subject-carol', 'outage-subject-0', '@mail.test', 'jti-subject'],
    ];
    expect(logger.lines.length).toBeGreaterThan(10);
    expect(logger.inContext('CircuitBreaker')).toHaveLength(1);
    for (const line of logger.lines) {
      for (const secret of forbidden) {
        expect({ line: line.text, leaks: line.text.includes(secret) }).toEqual({ line: line.text, leaks: false });
      }
    }
  });
});
