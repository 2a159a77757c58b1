import { TestClock } from '../../../test/support/test-clock.js';
import { resolveTokenCacheOptions } from '../cache/token-cache.options.js';
import { TokenCacheService } from '../cache/token-cache.service.js';
import { InMemoryTokenCacheStore } from '../cache/token-cache.store.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { resolveWsAuthOptions } from '../options/resolve-options.js';
import { RevocationList } from '../revocation/revocation-list.js';
import { TokenAuthenticator } from './token-authenticator.js';
import type { TokenVerdict } from './token-verdict.js';
import { TokenVerifier } from './token-verifier.js';
import { noopRecorder } from '../../../test/support/noop-recorder.js';
import { CircuitBreakerService } from '../breaker/circuit-breaker.service.js';
import type { DefaultTokenVerifier } from './default-token.verifier.js';

const T0 = Date.UTC(2030, 0, 1);

/** Verifier that accepts every token as the subject named by the token, and counts its calls. */
class CountingVerifier extends TokenVerifier {
  calls = 0;

  verify(token: string): Promise<TokenVerdict> {
    this.calls += 1;
    const expiresAt = T0 + 600_000;
    return Promise.resolve({
      accepted: true,
      principal: { sub: token, jti: `jti-of-${token}`, scopes: [], expiresAt, claims: {} },
      expiresAt,
      notBefore: null,
    });
  }
}

function setup() {
  const clock = new TestClock(T0);
  const options = resolveWsAuthOptions({ secret: 's'.repeat(32) });
  const cacheOptions = resolveTokenCacheOptions({});
  const cache = new TokenCacheService(clock, cacheOptions, new InMemoryTokenCacheStore(clock, cacheOptions));
  const verifier = new CountingVerifier();
  const revocations = new RevocationList(clock, options);
  const authenticator = new TokenAuthenticator(
    verifier,
    cache,
    clock,
    options,
    { breakerFor: () => null } as unknown as DefaultTokenVerifier,
    new CircuitBreakerService(clock, options.breaker),
    noopRecorder(),
    revocations,
  );
  return { authenticator, verifier, revocations };
}

describe('TokenAuthenticator', () => {
  it('denies a revoked token served from the cache', async () => {
    const { authenticator, verifier, revocations } = setup();
    await expect(authenticator.authenticate('alice')).resolves.toMatchObject({ sub: 'alice' });

    revocations.add({ jti: 'jti-of-alice' }, null);

    await expect(authenticator.authenticate('alice')).rejects.toMatchObject({ code: WsAuthErrorCode.TOKEN_REVOKED });
    expect(verifier.calls).toBe(1);
  });

  it('denies a revoked subject on a fresh verification', async () => {
    const { authenticator, verifier, revocations } = setup();
    revocations.add({ sub: 'bob', issuedBefore: T0 }, null);

    await expect(authenticator.authenticate('bob')).rejects.toMatchObject({ code: WsAuthErrorCode.TOKEN_REVOKED });
    await expect(authenticator.authenticate('carol')).resolves.toMatchObject({ sub: 'carol' });
    expect(verifier.calls).toBe(2);
  });
});
