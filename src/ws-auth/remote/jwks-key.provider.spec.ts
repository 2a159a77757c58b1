import { generateKeyPairSync } from 'node:crypto';

import { FakeIdentityProvider } from '../../../test/support/fake-identity-provider.js';
import { CircuitBreakerService } from '../breaker/circuit-breaker.service.js';
import { DEFAULT_CIRCUIT_BREAKER_OPTIONS } from '../breaker/circuit-breaker.options.js';
import { resolveWsAuthOptions } from '../options/resolve-options.js';
import { JwksKeyProvider } from './jwks-key.provider.js';

const MAX_AGE_MS = 60_000;
const COOLDOWN_MS = 10_000;

function jwk(kid: string, extra: Record<string, unknown> = {}): object {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig', ...extra };
}

describe('JwksKeyProvider', () => {
  let now = Date.UTC(2030, 0, 1);
  const clock = { now: () => now };
  let provider: FakeIdentityProvider;
  let keys: JwksKeyProvider;
  const keyA = jwk('a');
  const keyB = jwk('b');

  beforeEach(async () => {
    provider = await FakeIdentityProvider.start();
    provider.jwks = { keys: [keyA] };
    const options = resolveWsAuthOptions({ jwksUri: provider.jwksUrl, jwks: { maxAgeMs: MAX_AGE_MS, cooldownMs: COOLDOWN_MS } });
    keys = new JwksKeyProvider(options, clock, new CircuitBreakerService(clock, DEFAULT_CIRCUIT_BREAKER_OPTIONS));
  });

  afterEach(async () => {
    await provider.close();
  });

  it('returns the key for a known kid', async () => {
    const key = await keys.getKey({ alg: 'RS256', kid: 'a' });

    expect(key?.asymmetricKeyType).toBe('rsa');
    expect(provider.jwksRequests).toBe(1);
  });

  it('returns the same KeyObject on later lookups', async () => {
    const first = await keys.getKey({ alg: 'RS256', kid: 'a' });
    const second = await keys.getKey({ alg: 'RS256', kid: 'a' });

    expect(second).toBe(first);
  });

  it('selects the only key for a header without kid', async () => {
    await expect(keys.getKey({ alg: 'RS256' })).resolves.not.toBeNull();
  });

  it('returns null when several keys match a header without kid', async () => {
    provider.jwks = { keys: [keyA, keyB] };

    await expect(keys.getKey({ alg: 'RS256' })).resolves.toBeNull();
  });

  it('returns null for an algorithm the key does not fit', async () => {
    await expect(keys.getKey({ alg: 'ES256', kid: 'a' })).resolves.toBeNull();
  });

  it('keeps the key set until its maximum age', async () => {
    await keys.getKey({ alg: 'RS256', kid: 'a' });

    now += MAX_AGE_MS - 1;
    await keys.getKey({ alg: 'RS256', kid: 'a' });
    expect(provider.jwksRequests).toBe(1);

    now += 1;
    await keys.getKey({ alg: 'RS256', kid: 'a' });
    expect(provider.jwksRequests).toBe(2);
  });

  it('refetches for an unknown kid only after the cooldown', async () => {
    await keys.getKey({ alg: 'RS256', kid: 'a' });
    provider.jwks = { keys: [keyA, keyB] };

    now += COOLDOWN_MS - 1;
    await expect(keys.getKey({ alg: 'RS256', kid: 'b' })).resolves.toBeNull();
    expect(provider.jwksRequests).toBe(1);

    now += 1;
    await expect(keys.getKey({ alg: 'RS256', kid: 'b' })).resolves.not.toBeNull();
    expect(provider.jwksRequests).toBe(2);
  });

  it('counts a fetch for an unknown kid toward the cooldown', async () => {
    await keys.getKey({ alg: 'RS256', kid: 'a' });
    now += COOLDOWN_MS;

    await expect(keys.getKey({ alg: 'RS256', kid: 'missing' })).resolves.toBeNull();
    await expect(keys.getKey({ alg: 'RS256', kid: 'missing-too' })).resolves.toBeNull();

    expect(provider.jwksRequests).toBe(2);
  });

  it('skips keys meant for encryption', async () => {
    provider.jwks = { keys: [jwk('enc', { use: 'enc' })] };

    await expect(keys.getKey({ alg: 'RS256', kid: 'enc' })).resolves.toBeNull();
  });

  it.each([
    ['a body without keys', { other: [] }],
    ['keys that are not an array', { keys: 'none' }],
    ['a key that is not an object', { keys: ['not-a-jwk'] }],
  ])('fails as unavailable on %s', async (_name, body) => {
    provider.jwks = body as never;

    await expect(keys.getKey({ alg: 'RS256', kid: 'a' })).rejects.toMatchObject({ reason: 'invalid_body' });
  });

  it('fails as unavailable on more than 100 keys', async () => {
    provider.jwks = { keys: Array.from({ length: 101 }, () => keyA) };

    await expect(keys.getKey({ alg: 'RS256', kid: 'a' })).rejects.toMatchObject({ reason: 'invalid_body' });
  });

  it('returns null without a JWKS configured', async () => {
    const none = new JwksKeyProvider(
      resolveWsAuthOptions({ secret: 'x'.repeat(32) }),
      clock,
      new CircuitBreakerService(clock, DEFAULT_CIRCUIT_BREAKER_OPTIONS),
    );

    expect(none.enabled).toBe(false);
    await expect(none.getKey({ alg: 'RS256', kid: 'a' })).resolves.toBeNull();
  });
});
