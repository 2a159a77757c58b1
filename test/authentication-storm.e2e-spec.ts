import { jest } from '@jest/globals';
import type { Socket } from 'socket.io-client';

import { CircuitBreakerService, TokenCacheService, WsAuthErrorCode } from '../src/ws-auth/index.js';
import { FakeIdentityProvider } from './support/fake-identity-provider.js';
import { createGate } from './support/gate.js';
import { startProbeApp, type RunningProbeApp } from './support/probe-app.js';
import { type ConnectErrorEvent, openClient } from './support/socket-client.js';
import { seconds } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

/** Outcome of one handshake: the principal's `sub` as the server saw it, or the error code. */
type HandshakeOutcome = { connected: true; socket: Socket } | { connected: false; code: string };

function handshake(url: string, token: string): Promise<HandshakeOutcome> {
  const socket = openClient(url, { token });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: true, socket }));
    socket.once('connect_error', (error: ConnectErrorEvent) => {
      socket.close();
      resolve({ connected: false, code: error.message });
    });
  });
}

describe('Authentication storm (e2e)', () => {
  let provider: FakeIdentityProvider;
  let probe: RunningProbeApp;
  let url: string;
  const sockets: Socket[] = [];

  async function storm(tokens: string[]): Promise<HandshakeOutcome[]> {
    const outcomes = await Promise.all(tokens.map((token) => handshake(url, token)));
    outcomes.forEach((outcome) => outcome.connected && sockets.push(outcome.socket));
    return outcomes;
  }

  beforeEach(async () => {
    provider = await FakeIdentityProvider.start();
    provider.introspect = (token) => ({ active: true, sub: `user-of-${token}`, exp: seconds(Date.now()) + 600 });
    provider.introspectionBehaviour = { kind: 'delay', delayMs: 200 };
    probe = await startProbeApp({
      introspection: { url: provider.introspectionUrl, clientId: 'chat', clientSecret: 'chat-secret' },
      // Long enough that a held response is released by the test, never cut by the timeout.
      remoteTimeoutMs: 10_000,
    });
    url = `${probe.baseUrl}/probe`;
  });

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    await probe.close();
    await provider.close();
  });

  it('makes one introspection request for 100 handshakes with one token', async () => {
    const outcomes = await storm(Array.from({ length: 100 }, () => 'shared-token'));

    expect(provider.introspectionRequests).toHaveLength(1);
    expect(outcomes.every((outcome) => outcome.connected)).toBe(true);
    const subs = await Promise.all(
      outcomes.map((outcome) => (outcome.connected ? outcome.socket.emitWithAck('probe:whoami', {}) : Promise.resolve(null))),
    ) as unknown[];
    expect(new Set(subs.map((sub) => JSON.stringify(sub)))).toEqual(new Set([JSON.stringify({ sub: 'user-of-shared-token', hasUser: true })]));
  });

  it('shares one failure among 100 handshakes and retries on the next', async () => {
    // The 503 is held until all 100 handshakes have reached the cache, so that every one of them
    // joins the single request however slowly the clients connect.
    const failure = createGate();
    provider.introspectionScript = [{ kind: 'held', release: failure.opened, status: 503 }];
    const verify = jest.spyOn(probe.app.get(TokenCacheService), 'verify');

    const stormed = storm(Array.from({ length: 100 }, () => 'shared-token'));
    await waitUntil(() => verify.mock.calls.length === 100, '100 handshakes reach the cache', 30_000);
    failure.open();
    const outcomes = await stormed;
    verify.mockRestore();

    expect(provider.introspectionRequests).toHaveLength(1);
    expect(outcomes.map((outcome) => (outcome.connected ? 'connected' : outcome.code))).toEqual(
      Array.from({ length: 100 }, () => WsAuthErrorCode.AUTH_UNAVAILABLE),
    );
    expect(probe.app.get(CircuitBreakerService).get('introspection').snapshot().failures).toBe(1);
    expect(probe.app.get(TokenCacheService).stats().entries).toBe(0);

    const next = await storm(['shared-token']);
    expect(provider.introspectionRequests).toHaveLength(2);
    expect(next[0]?.connected).toBe(true);
  });

  it('makes one request per distinct token', async () => {
    const outcomes = await storm(Array.from({ length: 100 }, (_, index) => `token-${index}`));

    expect(provider.introspectionRequests).toHaveLength(100);
    expect(outcomes.every((outcome) => outcome.connected)).toBe(true);
  });
});
