import { jest } from '@jest/globals';
import type { Socket } from 'socket.io-client';

import { TokenCacheService } from '../src/ws-auth/index.js';
import { FakeIdentityProvider } from './support/fake-identity-provider.js';
import { createGate } from './support/gate.js';
import { startProbeApp, type RunningProbeApp } from './support/probe-app.js';
import { connect } from './support/socket-client.js';
import { seconds } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

const HANDSHAKES = 10;

describe('Connections to the introspection endpoint (e2e)', () => {
  let provider: FakeIdentityProvider;
  let probe: RunningProbeApp | undefined;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    provider = await FakeIdentityProvider.start();
    provider.introspect = (token) => ({ active: true, sub: `user-of-${token}`, exp: seconds(Date.now()) + 600 });
  });

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    await probe?.close();
    probe = undefined;
    await provider.close();
  });

  /**
   * Starts the app, holds every introspection response until `ready()` holds after all
   * handshakes have reached the cache, then releases them and waits for every handshake.
   */
  async function storm(maxConnections: number | undefined, ready: () => boolean): Promise<void> {
    probe = await startProbeApp({
      introspection: { url: provider.introspectionUrl, clientId: 'chat', clientSecret: 'chat-secret', maxConnections },
      // Long enough that held responses are released by the test, never cut by the timeout.
      remoteTimeoutMs: 10_000,
    });
    const responses = createGate();
    provider.introspectionBehaviour = { kind: 'held', release: responses.opened };
    const verify = jest.spyOn(probe.app.get(TokenCacheService), 'verify');

    const connecting = Array.from({ length: HANDSHAKES }, (_, index) =>
      connect(`${probe!.baseUrl}/probe`, { token: `opaque-token-${index}` }),
    );
    await waitUntil(() => verify.mock.calls.length === HANDSHAKES && ready(), 'the handshakes wait for the provider', 10_000);
    responses.open();

    sockets.push(...(await Promise.all(connecting)));
    verify.mockRestore();
  }

  it('opens no more connections than maxConnections', async () => {
    await storm(3, () => provider.introspectionRequests.length === 3);

    expect(sockets.every((socket) => socket.connected)).toBe(true);
    expect(provider.introspectionRequests).toHaveLength(HANDSHAKES);
    expect(provider.connectionsAccepted).toBe(3);
  });

  it('opens a connection per waiting request without a limit', async () => {
    await storm(undefined, () => provider.introspectionRequests.length === HANDSHAKES);

    expect(sockets.every((socket) => socket.connected)).toBe(true);
    expect(provider.connectionsAccepted).toBe(HANDSHAKES);
  });
});
