import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';

import { CircuitBreakerService } from '../breaker/circuit-breaker.service.js';
import { TokenCacheService } from '../cache/token-cache.service.js';
import { InMemoryTokenCacheStore } from '../cache/token-cache.store.js';
import { AuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { WsAuthException } from '../errors/ws-auth.exception.js';
import { resolveWsAuthOptions } from '../options/resolve-options.js';
import type { WsAuthModuleOptions } from '../options/ws-auth-options.interface.js';
import type { DefaultTokenVerifier } from './default-token.verifier.js';
import { TokenAuthenticator } from './token-authenticator.js';
import { rejected, type TokenVerdict } from './token-verdict.js';
import { TokenVerifier } from './token-verifier.js';
import { noopRecorder } from '../../../test/support/noop-recorder.js';
import { RevocationList } from '../revocation/revocation-list.js';

/** 2030-01-01T00:00:00Z. */
const T0 = Date.UTC(2030, 0, 1);
const TOLERANCE_MS = 5_000;

/** Verifier whose verdicts and failures each test sets up through `verifyMock`. */
class ScriptedVerifier extends TokenVerifier {
  readonly verifyMock = jest.fn<(token: string) => Promise<TokenVerdict>>();

  verify(token: string): Promise<TokenVerdict> {
    return this.verifyMock(token);
  }
}

function acceptedVerdict(window: { expiresAt?: number | null; notBefore?: number | null } = {}): TokenVerdict {
  const expiresAt = window.expiresAt ?? null;
  return {
    accepted: true,
    principal: { sub: 'alice', scopes: ['chat:write'], expiresAt, claims: { sub: 'alice' } },
    expiresAt,
    notBefore: window.notBefore ?? null,
  };
}

/** Name of the breaker that the fake routing assigns to tokens starting with `remote-`. */
const REMOTE_BREAKER = 'jwks';

function setup(moduleOptions: Partial<WsAuthModuleOptions> = {}) {
  const clock = { t: T0, now: (): number => clock.t };
  const options = resolveWsAuthOptions({
    secret: 's'.repeat(32),
    clockToleranceSec: TOLERANCE_MS / 1000,
    ...moduleOptions,
  });
  const store = new InMemoryTokenCacheStore(clock, options.cache);
  const cache = new TokenCacheService(clock, options.cache, store);
  const verifier = new ScriptedVerifier();
  const routes = {
    breakerFor: (token: string): string | null => (token.startsWith('remote-') ? REMOTE_BREAKER : null),
  } as unknown as DefaultTokenVerifier;
  const breakers = new CircuitBreakerService(clock, options.breaker);
  const authenticator = new TokenAuthenticator(verifier, cache, clock, options, routes, breakers, noopRecorder(), new RevocationList(clock, options));
  return { clock, verifier, breakers, authenticator };
}

/** Returns the code of the `WsAuthException` that `promise` rejects with. Fails the test when it resolves. */
async function rejectionCode(promise: Promise<unknown>): Promise<WsAuthErrorCode> {
  const error = await promise.then(
    () => {
      throw new Error('Expected a rejection, but the promise resolved.');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WsAuthException);
  return (error as WsAuthException).code;
}

describe('TokenAuthenticator', () => {
  it('returns the principal of a valid token', async () => {
    const { verifier, authenticator } = setup();
    verifier.verifyMock.mockResolvedValue(acceptedVerdict({ expiresAt: T0 + 60_000 }));

    const principal = await authenticator.authenticate('token-a');

    expect(principal.sub).toBe('alice');
    expect(verifier.verifyMock).toHaveBeenCalledWith('token-a');
  });

  it('throws the code of a rejection', async () => {
    const { verifier, authenticator } = setup();
    verifier.verifyMock.mockResolvedValue(rejected(WsAuthErrorCode.TOKEN_REVOKED));

    await expect(rejectionCode(authenticator.authenticate('token-a'))).resolves.toBe(WsAuthErrorCode.TOKEN_REVOKED);
  });

  it('maps AuthUnavailableError to AUTH_UNAVAILABLE', async () => {
    const { verifier, authenticator } = setup();
    verifier.verifyMock.mockRejectedValue(new AuthUnavailableError('timeout', 'The identity provider timed out.'));

    await expect(rejectionCode(authenticator.authenticate('token-a'))).resolves.toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
  });

  it('maps a marked error from another copy', async () => {
    const { verifier, authenticator } = setup();
    const foreign = Object.assign(new Error('open circuit'), { isAuthUnavailableError: true });
    verifier.verifyMock.mockRejectedValue(foreign);

    await expect(rejectionCode(authenticator.authenticate('token-a'))).resolves.toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
  });

  it('rethrows other errors unchanged', async () => {
    const { verifier, authenticator } = setup();
    const bug = new RangeError('custom verifier bug');
    verifier.verifyMock.mockRejectedValue(bug);

    await expect(authenticator.authenticate('token-a')).rejects.toBe(bug);
  });

  it('rethrows a WsAuthException unchanged', async () => {
    const { verifier, authenticator } = setup();
    const denial = new WsAuthException(WsAuthErrorCode.FORBIDDEN, 'custom message');
    verifier.verifyMock.mockRejectedValue(denial);

    await expect(authenticator.authenticate('token-a')).rejects.toBe(denial);
  });

  describe('time window', () => {
    it('expires at exp plus tolerance', async () => {
      const { clock, verifier, authenticator } = setup();
      verifier.verifyMock.mockResolvedValue(acceptedVerdict({ expiresAt: T0 + 60_000 }));

      clock.t = T0 + 60_000 + TOLERANCE_MS - 1;
      await expect(authenticator.authenticate('token-a')).resolves.toMatchObject({ sub: 'alice' });

      clock.t = T0 + 60_000 + TOLERANCE_MS;
      await expect(rejectionCode(authenticator.authenticate('token-a'))).resolves.toBe(WsAuthErrorCode.TOKEN_EXPIRED);
    });

    it('is not yet valid before nbf minus tolerance', async () => {
      const { clock, verifier, authenticator } = setup();
      verifier.verifyMock.mockResolvedValue(acceptedVerdict({ notBefore: T0 + 60_000, expiresAt: T0 + 600_000 }));

      clock.t = T0 + 60_000 - TOLERANCE_MS - 1;
      await expect(rejectionCode(authenticator.authenticate('token-a'))).resolves.toBe(
        WsAuthErrorCode.TOKEN_NOT_YET_VALID,
      );

      clock.t = T0 + 60_000 - TOLERANCE_MS;
      await expect(authenticator.authenticate('token-a')).resolves.toMatchObject({ sub: 'alice' });
    });

    it('evaluates a cached verdict at the current time', async () => {
      const { clock, verifier, authenticator } = setup();
      verifier.verifyMock.mockResolvedValue(acceptedVerdict({ notBefore: T0 + 60_000, expiresAt: T0 + 600_000 }));
      await expect(rejectionCode(authenticator.authenticate('token-a'))).resolves.toBe(
        WsAuthErrorCode.TOKEN_NOT_YET_VALID,
      );

      clock.t = T0 + 60_000;

      await expect(authenticator.authenticate('token-a')).resolves.toMatchObject({ sub: 'alice' });
      expect(verifier.verifyMock).toHaveBeenCalledTimes(1);
    });

    it('serves a valid token from the cache', async () => {
      const { verifier, authenticator } = setup();
      verifier.verifyMock.mockResolvedValue(acceptedVerdict({ expiresAt: T0 + 60_000 }));

      await authenticator.authenticate('token-a');
      await authenticator.authenticate('token-a');

      expect(verifier.verifyMock).toHaveBeenCalledTimes(1);
    });
  });

  describe('open breaker', () => {
    beforeEach(() => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });

    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('denies its tokens under deny-all', async () => {
      const { verifier, breakers, authenticator } = setup({ breaker: { whenOpen: 'deny-all' } });
      verifier.verifyMock.mockResolvedValue(acceptedVerdict({ expiresAt: T0 + 60_000 }));
      breakers.get(REMOTE_BREAKER).isolate();

      await expect(rejectionCode(authenticator.authenticate('remote-a'))).resolves.toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
      expect(verifier.verifyMock).not.toHaveBeenCalled();
    });

    it('ignores the cache under deny-all', async () => {
      const { verifier, breakers, authenticator } = setup({ breaker: { whenOpen: 'deny-all' } });
      verifier.verifyMock.mockResolvedValue(acceptedVerdict({ expiresAt: T0 + 60_000 }));
      await authenticator.authenticate('remote-a');

      breakers.get(REMOTE_BREAKER).isolate();

      await expect(rejectionCode(authenticator.authenticate('remote-a'))).resolves.toBe(WsAuthErrorCode.AUTH_UNAVAILABLE);
    });

    it('admits local tokens under deny-all', async () => {
      const { verifier, breakers, authenticator } = setup({ breaker: { whenOpen: 'deny-all' } });
      verifier.verifyMock.mockResolvedValue(acceptedVerdict({ expiresAt: T0 + 60_000 }));
      breakers.get(REMOTE_BREAKER).isolate();

      await expect(authenticator.authenticate('local-a')).resolves.toMatchObject({ sub: 'alice' });
    });

    it('admits remote tokens while closed', async () => {
      const { verifier, authenticator } = setup({ breaker: { whenOpen: 'deny-all' } });
      verifier.verifyMock.mockResolvedValue(acceptedVerdict({ expiresAt: T0 + 60_000 }));

      await expect(authenticator.authenticate('remote-a')).resolves.toMatchObject({ sub: 'alice' });
    });

    it('serves cached verdicts under use-cache', async () => {
      const { verifier, breakers, authenticator } = setup();
      verifier.verifyMock.mockResolvedValue(acceptedVerdict({ expiresAt: T0 + 60_000 }));
      await authenticator.authenticate('remote-a');

      breakers.get(REMOTE_BREAKER).isolate();

      await expect(authenticator.authenticate('remote-a')).resolves.toMatchObject({ sub: 'alice' });
      expect(verifier.verifyMock).toHaveBeenCalledTimes(1);
    });
  });
});
