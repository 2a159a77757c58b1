import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';

import { JwtService } from '@nestjs/jwt';

import type { Registry } from 'prom-client';

import { CircuitBreakerService, WS_AUTH_CLOCK, WS_AUTH_METRICS_REGISTRY, WsAuthErrorCode } from '../src/ws-auth/index.js';
import { closedPort, FakeIdentityProvider } from './support/fake-identity-provider.js';
import { seriesValue } from './support/metric-series.js';
import { startProbeApp, type RunningProbeApp } from './support/probe-app.js';
import { connect, expectRejectedHandshake } from './support/socket-client.js';
import { TestClock } from './support/test-clock.js';
import { seconds } from './support/tokens.js';

const jwt = new JwtService();

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: object;
}

function signingKey(kid: string): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

function signRs256(key: SigningKey, clock: TestClock, claims: Record<string, unknown> = {}): string {
  return jwt.sign(
    { sub: 'alice', exp: seconds(clock.now()) + 600, ...claims },
    { privateKey: key.privateKey as unknown as Buffer, algorithm: 'RS256', keyid: key.kid, noTimestamp: true },
  );
}

describe('JWKS verification (e2e)', () => {
  const clock = new TestClock();
  const first = signingKey('key-1');
  const rotated = signingKey('key-2');
  let provider: FakeIdentityProvider;
  let probe: RunningProbeApp;
  let url: string;

  beforeEach(async () => {
    provider = await FakeIdentityProvider.start();
    provider.jwks = { keys: [first.jwk] };
    probe = await startProbeApp(
      { secret: undefined, jwksUri: provider.jwksUrl, remoteTimeoutMs: 300, jwks: { cooldownMs: 30_000, maxAgeMs: 600_000 } },
      (builder) => builder.overrideProvider(WS_AUTH_CLOCK).useValue(clock),
    );
    url = `${probe.baseUrl}/probe`;
  });

  afterEach(async () => {
    await probe.close();
    await provider.close();
  });

  it('verifies RS256 tokens with one fetch of the key set', async () => {
    const alice = await connect(url, { token: signRs256(first, clock) });
    const bob = await connect(url, { token: signRs256(first, clock, { sub: 'bob' }) });

    expect([alice.connected, bob.connected]).toEqual([true, true]);
    expect(provider.jwksRequests).toBe(1);
    alice.close();
    bob.close();
  });

  it('shares one fetch among concurrent handshakes', async () => {
    const tokens = Array.from({ length: 20 }, (_, index) => signRs256(first, clock, { sub: `user-${index}` }));

    const sockets = await Promise.all(tokens.map((token) => connect(url, { token })));

    expect(sockets.every((socket) => socket.connected)).toBe(true);
    expect(provider.jwksRequests).toBe(1);
    sockets.forEach((socket) => socket.close());
  });

  it('fetches once more after a key rotation', async () => {
    (await connect(url, { token: signRs256(first, clock) })).close();
    provider.jwks = { keys: [first.jwk, rotated.jwk] };
    clock.advance(30_000);

    const socket = await connect(url, { token: signRs256(rotated, clock) });
    const again = await connect(url, { token: signRs256(rotated, clock, { sub: 'bob' }) });

    expect(provider.jwksRequests).toBe(2);
    socket.close();
    again.close();
  });

  it('limits fetches for unknown kids to one per cooldown', async () => {
    (await connect(url, { token: signRs256(first, clock) })).close();
    clock.advance(30_000);

    const stranger = signingKey('stranger');
    const codes: string[] = [];
    for (let index = 0; index < 200; index += 1) {
      const randomKid = { ...stranger, kid: randomUUID() };
      codes.push((await expectRejectedHandshake(url, { token: signRs256(randomKid, clock) })).message);
      if (index === 99) {
        clock.advance(30_000);
      }
    }

    expect(new Set(codes)).toEqual(new Set([WsAuthErrorCode.TOKEN_INVALID]));
    expect(provider.jwksRequests).toBe(3);
    expect(probe.app.get(CircuitBreakerService).get('jwks').snapshot().state).toBe('closed');
  });

  it('fetches the key set again after its maximum age', async () => {
    (await connect(url, { token: signRs256(first, clock) })).close();
    clock.advance(600_000);

    (await connect(url, { token: signRs256(first, clock) })).close();

    expect(provider.jwksRequests).toBe(2);
  });

  it.each([
    ['a 500', { kind: 'status', status: 500 } as const],
    ['a body that is not JSON', { kind: 'not-json' } as const],
    ['a hang', { kind: 'hang' } as const],
    ['a reset connection', { kind: 'reset' } as const],
  ])('answers AUTH_UNAVAILABLE for %s', async (_name, behaviour) => {
    provider.jwksBehaviour = behaviour;

    const error = await expectRejectedHandshake(url, { token: signRs256(first, clock) });

    expect(error.message).toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
    expect(probe.app.get(CircuitBreakerService).get('jwks').snapshot().failures).toBe(1);
  });

  it('answers AUTH_UNAVAILABLE for a key set without keys', async () => {
    provider.jwks = { keys: [] };

    const error = await expectRejectedHandshake(url, { token: signRs256(first, clock) });

    expect(error.message).toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
  });
});

describe('JWKS endpoint down (e2e)', () => {
  it('answers AUTH_UNAVAILABLE when the connection is refused', async () => {
    const port = await closedPort();
    const probe = await startProbeApp({ secret: undefined, jwksUri: `http://127.0.0.1:${port}/jwks` });
    const key = signingKey('key-1');

    const error = await expectRejectedHandshake(`${probe.baseUrl}/probe`, { token: signRs256(key, new TestClock(Date.now())) });

    expect(error.message).toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
    expect(probe.app.get(CircuitBreakerService).get('jwks').snapshot().lastFailureReason).toBe('connection_refused');
    await probe.close();
  });
});

describe('OAuth2 introspection (e2e)', () => {
  const clock = new TestClock();
  let provider: FakeIdentityProvider;
  let probe: RunningProbeApp;
  let url: string;

  function activeToken(token: string, sub = 'alice'): Record<string, unknown> {
    return token.startsWith('good') ? { active: true, sub, scope: 'admin audit', exp: seconds(clock.now()) + 600 } : { active: false };
  }

  beforeEach(async () => {
    provider = await FakeIdentityProvider.start();
    provider.introspect = (token) => activeToken(token);
    probe = await startProbeApp(
      {
        introspection: { url: provider.introspectionUrl, clientId: 'ws gateway', clientSecret: 's3cret:with/symbols' },
        remoteTimeoutMs: 200,
        breaker: { resetTimeoutMs: 30_000 },
      },
      (builder) => builder.overrideProvider(WS_AUTH_CLOCK).useValue(clock),
    );
    url = `${probe.baseUrl}/probe`;
  });

  afterEach(async () => {
    await probe.close();
    await provider.close();
  });

  it('accepts an active token with client authentication', async () => {
    const socket = await connect(url, { token: 'good-opaque-token' });

    expect(socket.connected).toBe(true);
    expect(provider.introspectionRequests).toHaveLength(1);
    const [request] = provider.introspectionRequests;
    expect(request?.form.get('token')).toBe('good-opaque-token');
    expect(request?.contentType).toBe('application/x-www-form-urlencoded');
    const expectedCredentials = Buffer.from('ws%20gateway:s3cret%3Awith%2Fsymbols').toString('base64');
    expect(request?.authorization).toBe(`Basic ${expectedCredentials}`);
    socket.close();
  });

  it('rejects an inactive token with TOKEN_INVALID', async () => {
    const error = await expectRejectedHandshake(url, { token: 'revoked-opaque-token' });

    expect(error.message).toBe(WsAuthErrorCode.TOKEN_INVALID);
  });

  it.each([
    ['a 503', { kind: 'status', status: 503 } as const, 'http_503'],
    ['a 401', { kind: 'status', status: 401 } as const, 'http_401'],
    ['a body that is not JSON', { kind: 'not-json' } as const, 'invalid_body'],
    ['a hang', { kind: 'hang' } as const, 'timeout'],
    ['an answer slower than the timeout', { kind: 'delay', delayMs: 1000 } as const, 'timeout'],
    ['a reset connection', { kind: 'reset' } as const, 'connection_reset'],
  ])('answers AUTH_UNAVAILABLE for %s', async (_name, behaviour, reason) => {
    provider.introspectionBehaviour = behaviour;

    const error = await expectRejectedHandshake(url, { token: 'good-opaque-token' });

    expect(error.message).toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
    expect(probe.app.get(CircuitBreakerService).get('introspection').snapshot().lastFailureReason).toBe(reason);
  });

  it('aborts a request when the timeout fires', async () => {
    provider.introspectionBehaviour = { kind: 'hang' };

    await expectRejectedHandshake(url, { token: 'good-opaque-token' });
    await waitFor(() => provider.introspectionRequests[0]?.aborted === true);

    expect(provider.introspectionRequests[0]?.aborted).toBe(true);
  });

  it('times a failed call in the latency histogram', async () => {
    provider.introspectionBehaviour = { kind: 'hang' };
    const registry = probe.app.get<Registry>(WS_AUTH_METRICS_REGISTRY);

    await expectRejectedHandshake(url, { token: 'good-opaque-token' });

    const count = await seriesValue(registry, 'ws_auth_verify_duration_seconds_count', { source: 'introspection' });
    const sum = await seriesValue(registry, 'ws_auth_verify_duration_seconds_sum', { source: 'introspection' });
    expect(count).toBe(1);
    expect(sum).toBeGreaterThanOrEqual(0);
  });

  it('answers AUTH_UNAVAILABLE for a response without active', async () => {
    provider.introspect = () => ({ sub: 'alice' });

    const error = await expectRejectedHandshake(url, { token: 'good-opaque-token' });

    expect(error.message).toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
  });

  it('never opens the breaker for 50 garbage tokens', async () => {
    for (let index = 0; index < 50; index += 1) {
      const error = await expectRejectedHandshake(url, { token: `garbage-${index}` });
      expect(error.message).toBe(WsAuthErrorCode.TOKEN_INVALID);
    }

    const snapshot = probe.app.get(CircuitBreakerService).get('introspection').snapshot();
    expect(snapshot.state).toBe('closed');
    expect(snapshot.failures).toBe(0);
  });

  it('opens the breaker on a flapping provider and fails fast', async () => {
    const fail = { kind: 'status', status: 500 } as const;
    const ok = { kind: 'ok' } as const;
    provider.introspectionScript = [fail, ok, fail, ok, fail];

    const codes: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      codes.push((await connectOrCode(url, `good-flap-${index}`)) ?? 'connected');
    }
    const requestsBefore = provider.introspectionRequests.length;
    const fastFail = await expectRejectedHandshake(url, { token: 'good-after-flap' });

    expect(codes).toEqual(['AUTH_UNAVAILABLE', 'connected', 'AUTH_UNAVAILABLE', 'connected', 'AUTH_UNAVAILABLE']);
    expect(fastFail.message).toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
    expect(provider.introspectionRequests.length).toBe(requestsBefore);
    expect(probe.app.get(CircuitBreakerService).get('introspection').snapshot().state).toBe('open');
  });

  it('rejects an opaque token with characters a bearer token cannot contain', async () => {
    const error = await expectRejectedHandshake(url, { token: 'not a bearer token' });

    expect(error.message).toBe(WsAuthErrorCode.TOKEN_MALFORMED);
    expect(provider.introspectionRequests).toHaveLength(0);
  });
});

async function connectOrCode(url: string, token: string): Promise<string | null> {
  try {
    const socket = await connect(url, { token });
    socket.close();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !condition(); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
