import { Test } from '@nestjs/testing';

import { WS_AUTH_CLOCK } from '../clock/clock.js';
import { AuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import {
  evaluateVerdictAt,
  rejected,
  type AcceptedVerdict,
  type TokenVerdict,
  type VerdictEvaluation,
} from '../verification/token-verdict.js';
import type { WsPrincipal } from '../verification/ws-principal.js';
import { resolveTokenCacheOptions, TOKEN_CACHE_OPTIONS, type TokenCacheOptions } from './token-cache.options.js';
import type { TokenCacheSelector } from './token-cache.selector.js';
import { TokenCacheService } from './token-cache.service.js';
import { InMemoryTokenCacheStore, TOKEN_CACHE_STORE } from './token-cache.store.js';
import { thrownBy } from '../../../test/support/thrown-by.js';

/** 2025-01-01T00:00:00Z, a realistic clock reading. */
const T0 = Date.UTC(2025, 0, 1);

interface TestClock {
  t: number;
  now(): number;
}

function accepted(
  window: { expiresAt?: number | null; notBefore?: number | null } = {},
  fields: Partial<WsPrincipal> = {},
): AcceptedVerdict {
  const expiresAt = window.expiresAt ?? null;
  return {
    accepted: true,
    principal: { sub: 'alice', scopes: [], expiresAt, claims: {}, ...fields },
    expiresAt,
    notBefore: window.notBefore ?? null,
  };
}

const invalid = rejected(WsAuthErrorCode.TOKEN_INVALID);

/** Fresh verification that returns a fixed verdict per token and records every call. */
function fakeVerifier(verdictFor: (token: string) => TokenVerdict) {
  const calls: string[] = [];
  const verify = (token: string): Promise<TokenVerdict> => {
    calls.push(token);
    return Promise.resolve(verdictFor(token));
  };
  return { verify, calls };
}

/** Fresh verification that stays in progress until the test settles it, call by call. */
function pendingVerifier() {
  const calls: string[] = [];
  const settlers: { resolve: (verdict: TokenVerdict) => void }[] = [];
  const verify = (token: string): Promise<TokenVerdict> => {
    calls.push(token);
    return new Promise<TokenVerdict>((resolve) => {
      settlers.push({ resolve });
    });
  };
  const resolveCall = (index: number, verdict: TokenVerdict): void => {
    const settler = settlers[index];
    if (settler === undefined) {
      throw new Error(`Verification call ${index} was never made.`);
    }
    settler.resolve(verdict);
  };
  return { verify, calls, resolveCall };
}

function setup(options: TokenCacheOptions = {}) {
  const clock: TestClock = { t: T0, now: () => clock.t };
  const resolved = resolveTokenCacheOptions(options);
  const store = new InMemoryTokenCacheStore(clock, resolved);
  const cache = new TokenCacheService(clock, resolved, store);
  return { clock, cache, store, toleranceMs: resolved.clockToleranceMs };
}

/** Verifies through the cache and applies the time window as the library's callers do. */
async function authenticateAt(
  context: ReturnType<typeof setup>,
  token: string,
  verifyFresh: (token: string) => Promise<TokenVerdict>,
): Promise<VerdictEvaluation> {
  const verdict = await context.cache.verify(token, verifyFresh);
  return evaluateVerdictAt(verdict, context.clock.now(), context.toleranceMs);
}

function outcome(evaluation: VerdictEvaluation): string {
  return evaluation.ok ? 'accepted' : evaluation.code;
}

describe('TokenCacheService', () => {
  describe('time window', () => {
    it('serves a hit until exp', async () => {
      const context = setup();
      const verifier = fakeVerifier(() => accepted({ expiresAt: T0 + 2_000 }));
      const readTimes = [0, 200, 400, 600, 800, 1_000, 1_200, 1_400, 1_600, 1_800, 1_900, 2_000, 2_200, 2_600, 3_000];

      for (const at of readTimes) {
        context.clock.t = T0 + at;
        const result = outcome(await authenticateAt(context, 'token', verifier.verify));
        expect({ at, result }).toEqual({ at, result: at < 2_000 ? 'accepted' : WsAuthErrorCode.TOKEN_EXPIRED });
      }
    });

    it('verifies once before exp', async () => {
      const context = setup();
      const verifier = fakeVerifier(() => accepted({ expiresAt: T0 + 2_000 }));

      for (let at = 0; at < 2_000; at += 100) {
        context.clock.t = T0 + at;
        await context.cache.verify('token', verifier.verify);
      }

      expect(verifier.calls).toHaveLength(1);
    });

    it('accepts from nbf on', async () => {
      const context = setup();
      const verifier = fakeVerifier(() => accepted({ notBefore: T0 + 2_000 }));

      for (const at of [0, 200, 1_800, 1_999, 2_000, 2_200]) {
        context.clock.t = T0 + at;
        const result = outcome(await authenticateAt(context, 'token', verifier.verify));
        expect({ at, result }).toEqual({
          at,
          result: at < 2_000 ? WsAuthErrorCode.TOKEN_NOT_YET_VALID : 'accepted',
        });
      }
      expect(verifier.calls).toHaveLength(1);
    });

    it('applies the tolerance to exp', async () => {
      const context = setup({ clockToleranceMs: 500 });
      const verifier = fakeVerifier(() => accepted({ expiresAt: T0 + 2_000 }));

      for (const at of [0, 2_000, 2_499, 2_500, 2_700]) {
        context.clock.t = T0 + at;
        const result = outcome(await authenticateAt(context, 'token', verifier.verify));
        expect({ at, result }).toEqual({ at, result: at < 2_500 ? 'accepted' : WsAuthErrorCode.TOKEN_EXPIRED });
      }
    });

    it('keeps the entry until exp plus tolerance', async () => {
      const context = setup({ clockToleranceMs: 500 });
      await context.cache.verify('token', fakeVerifier(() => accepted({ expiresAt: T0 + 2_000 })).verify);

      context.clock.t = T0 + 2_499;
      expect(context.cache.peek('token')).toBeDefined();

      context.clock.t = T0 + 2_500;
      expect(context.cache.peek('token')).toBeUndefined();
    });

    it('applies the tolerance to nbf', async () => {
      const context = setup({ clockToleranceMs: 500 });
      const verifier = fakeVerifier(() => accepted({ notBefore: T0 + 2_000 }));

      for (const at of [0, 1_499, 1_500, 2_000]) {
        context.clock.t = T0 + at;
        const result = outcome(await authenticateAt(context, 'token', verifier.verify));
        expect({ at, result }).toEqual({
          at,
          result: at < 1_500 ? WsAuthErrorCode.TOKEN_NOT_YET_VALID : 'accepted',
        });
      }
    });

    it('skips caching a rejection for nbf', async () => {
      const context = setup();
      const verifier = fakeVerifier(() => rejected(WsAuthErrorCode.TOKEN_NOT_YET_VALID));

      await context.cache.verify('token', verifier.verify);
      await context.cache.verify('token', verifier.verify);

      expect(verifier.calls).toHaveLength(2);
      expect(context.cache.stats().negativeEntries).toBe(0);
    });

    it('skips caching an AUTH_UNAVAILABLE verdict', async () => {
      const context = setup();

      await context.cache.verify('token', fakeVerifier(() => rejected(WsAuthErrorCode.AUTH_UNAVAILABLE)).verify);

      expect(context.cache.peek('token')).toBeUndefined();
    });

    it('skips caching an expired token', async () => {
      const context = setup();

      await context.cache.verify('token', fakeVerifier(() => accepted({ expiresAt: T0 })).verify);

      expect(context.cache.stats().entries).toBe(0);
    });
  });

  describe('lifetime', () => {
    it('drops an entry when maxTtlMs passes', async () => {
      const context = setup({ maxTtlMs: 1_000 });
      await context.cache.verify('token', fakeVerifier(() => accepted()).verify);

      context.clock.t = T0 + 999;
      expect(context.cache.stats().entries).toBe(1);
      expect(context.cache.peek('token')).toBeDefined();

      context.clock.t = T0 + 1_000;
      expect(context.cache.stats().entries).toBe(0);
      expect(context.cache.peek('token')).toBeUndefined();
    });

    it('drops an entry when exp passes', async () => {
      const context = setup({ maxTtlMs: 300_000 });
      await context.cache.verify('token', fakeVerifier(() => accepted({ expiresAt: T0 + 500 })).verify);

      context.clock.t = T0 + 499;
      expect(context.cache.peek('token')).toBeDefined();

      context.clock.t = T0 + 500;
      expect(context.cache.stats().entries).toBe(0);
      expect(context.cache.peek('token')).toBeUndefined();
    });

    it('drops a rejection after negativeTtlMs', async () => {
      const context = setup({ negativeTtlMs: 1_000 });
      await context.cache.verify('token', fakeVerifier(() => invalid).verify);

      context.clock.t = T0 + 999;
      expect(context.cache.stats().negativeEntries).toBe(1);

      context.clock.t = T0 + 1_000;
      expect(context.cache.stats().negativeEntries).toBe(0);
      expect(context.cache.peek('token')).toBeUndefined();
    });

    it('verifies again after expiry', async () => {
      const context = setup({ maxTtlMs: 1_000 });
      const verifier = fakeVerifier(() => accepted());

      await context.cache.verify('token', verifier.verify);
      context.clock.t = T0 + 1_000;
      await context.cache.verify('token', verifier.verify);

      expect(verifier.calls).toHaveLength(2);
    });

    it('skips rejections when negativeTtlMs is 0', async () => {
      const context = setup({ negativeTtlMs: 0 });
      const verifier = fakeVerifier(() => invalid);

      await context.cache.verify('token', verifier.verify);
      await context.cache.verify('token', verifier.verify);

      expect(verifier.calls).toHaveLength(2);
    });
  });

  describe('hits and misses', () => {
    it('returns the cached verdict', async () => {
      const context = setup();
      const verdict = accepted();
      const verifier = fakeVerifier(() => verdict);

      await context.cache.verify('token', verifier.verify);
      const second = await context.cache.verify('token', verifier.verify);

      expect(second).toBe(verdict);
      expect(verifier.calls).toHaveLength(1);
    });

    it('counts hits, misses and negative hits', async () => {
      const context = setup();
      const verifier = fakeVerifier((token) => (token.startsWith('good') ? accepted() : invalid));

      await context.cache.verify('good', verifier.verify);
      await context.cache.verify('good', verifier.verify);
      await context.cache.verify('good', verifier.verify);
      await context.cache.verify('bad', verifier.verify);
      await context.cache.verify('bad', verifier.verify);

      expect(context.cache.stats()).toEqual({
        hits: 2,
        misses: 2,
        negativeHits: 1,
        evictions: 0,
        entries: 1,
        negativeEntries: 1,
        inFlight: 0,
      });
    });

    it('peeks without counting a miss', async () => {
      const context = setup();

      expect(context.cache.peek('token')).toBeUndefined();
      await context.cache.verify('token', fakeVerifier(() => accepted()).verify);

      expect(context.cache.peek('token')).toEqual(accepted());
      expect(context.cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    });

    it('peeks without verifying', () => {
      const context = setup();

      expect(context.cache.peek('token')).toBeUndefined();
      expect(context.cache.stats().inFlight).toBe(0);
    });

    it('peeks at the time given', async () => {
      const context = setup({ maxTtlMs: 1_000 });
      await context.cache.verify('token', fakeVerifier(() => accepted()).verify);

      expect(context.cache.peek('token', T0 + 999)).toEqual(accepted());
      expect(context.cache.peek('token', T0 + 1_000)).toBeUndefined();
      expect(context.clock.t).toBe(T0);
    });

    it.each([Number.NaN, Number.POSITIVE_INFINITY, '1000' as unknown as number])(
      'rejects %p as the peek time',
      async (nowMs) => {
        const context = setup();
        await context.cache.verify('token', fakeVerifier(() => accepted()).verify);

        const error = thrownBy(() => context.cache.peek('token', nowMs));

        expect(error).toBeInstanceOf(TypeError);
        expect(error.message).toContain('peek() takes nowMs as a finite number');
        expect(context.cache.peek('token')).toEqual(accepted());
      },
    );
  });

  describe('disabled', () => {
    it('verifies every call', async () => {
      const context = setup({ enabled: false });
      const verifier = fakeVerifier(() => accepted());

      await context.cache.verify('token', verifier.verify);
      await context.cache.verify('token', verifier.verify);

      expect(verifier.calls).toHaveLength(2);
      expect(context.cache.stats()).toMatchObject({ hits: 0, misses: 2, entries: 0 });
    });

    it('peeks nothing', async () => {
      const context = setup({ enabled: false });

      await context.cache.verify('token', fakeVerifier(() => accepted()).verify);

      expect(context.cache.peek('token')).toBeUndefined();
    });

    it('still shares one verification', async () => {
      const context = setup({ enabled: false });
      const verifier = fakeVerifier(() => accepted());

      await Promise.all([context.cache.verify('token', verifier.verify), context.cache.verify('token', verifier.verify)]);

      expect(verifier.calls).toHaveLength(1);
    });
  });

  describe('single flight', () => {
    it('verifies 100 concurrent calls once', async () => {
      const context = setup();
      const verifier = fakeVerifier(() => accepted({ expiresAt: T0 + 60_000 }));

      const verdicts = await Promise.all(
        Array.from({ length: 100 }, () => context.cache.verify('token', verifier.verify)),
      );

      expect(verifier.calls).toHaveLength(1);
      expect(verdicts).toHaveLength(100);
      expect(new Set(verdicts).size).toBe(1);
    });

    it('shares one failure with every waiter', async () => {
      const context = setup();
      const failure = new AuthUnavailableError('timeout', 'Token introspection timed out.');
      const calls: string[] = [];
      const failingVerify = (token: string): Promise<TokenVerdict> => {
        calls.push(token);
        return Promise.reject(failure);
      };

      const results = await Promise.allSettled(
        Array.from({ length: 100 }, () => context.cache.verify('token', failingVerify)),
      );

      expect(calls).toHaveLength(1);
      expect(results.every((result) => result.status === 'rejected' && result.reason === failure)).toBe(true);
      expect(context.cache.peek('token')).toBeUndefined();
      expect(context.cache.stats()).toMatchObject({ entries: 0, negativeEntries: 0, inFlight: 0 });
    });

    it('verifies again after a failure', async () => {
      const context = setup();
      const calls: string[] = [];
      const failingVerify = (token: string): Promise<TokenVerdict> => {
        calls.push(token);
        return Promise.reject(new AuthUnavailableError('http_503', 'The identity provider returned 503.'));
      };

      await expect(context.cache.verify('token', failingVerify)).rejects.toBeInstanceOf(AuthUnavailableError);
      await expect(context.cache.verify('token', failingVerify)).rejects.toBeInstanceOf(AuthUnavailableError);

      expect(calls).toHaveLength(2);
    });

    it('turns a synchronous throw into a rejection', async () => {
      const context = setup();
      const throwingVerify = (): Promise<TokenVerdict> => {
        throw new AuthUnavailableError('circuit_open', 'The circuit breaker is open.');
      };

      await expect(context.cache.verify('token', throwingVerify)).rejects.toThrow('The circuit breaker is open.');
      expect(context.cache.stats().inFlight).toBe(0);
    });

    it('verifies 100 distinct tokens separately', async () => {
      const context = setup();
      const verifier = fakeVerifier(() => accepted());

      await Promise.all(Array.from({ length: 100 }, (_, index) => context.cache.verify(`token-${index}`, verifier.verify)));

      expect(verifier.calls).toHaveLength(100);
      expect(new Set(verifier.calls).size).toBe(100);
    });

    it('reports verifications in progress', async () => {
      const context = setup();
      const verifier = pendingVerifier();

      const first = context.cache.verify('token', verifier.verify);
      const second = context.cache.verify('token', verifier.verify);

      expect(context.cache.stats()).toMatchObject({ inFlight: 1, misses: 2 });
      expect(second).toBe(first);

      verifier.resolveCall(0, accepted());
      await first;

      expect(context.cache.stats().inFlight).toBe(0);
    });
  });

  describe('eviction', () => {
    it('keeps at most maxEntries', async () => {
      const context = setup({ maxEntries: 3 });
      const verifier = fakeVerifier(() => accepted());

      for (let index = 0; index < 5; index += 1) {
        await context.cache.verify(`token-${index}`, verifier.verify);
      }

      expect(context.cache.stats()).toMatchObject({ entries: 3, evictions: 2 });
      expect(context.cache.peek('token-0')).toBeUndefined();
      expect(context.cache.peek('token-4')).toBeDefined();
    });

    it('survives a flood of garbage tokens', async () => {
      const context = setup({ maxEntries: 10, negativeMaxEntries: 5 });
      const verifier = fakeVerifier((token) => (token.startsWith('valid') ? accepted() : invalid));

      for (let index = 0; index < 10; index += 1) {
        await context.cache.verify(`valid-${index}`, verifier.verify);
      }
      for (let index = 0; index < 1_000; index += 1) {
        await context.cache.verify(`garbage-${index}`, verifier.verify);
      }

      expect(context.cache.stats()).toMatchObject({ entries: 10, negativeEntries: 5, evictions: 995 });
      for (let index = 0; index < 10; index += 1) {
        expect({ index, cached: context.cache.peek(`valid-${index}`) !== undefined }).toEqual({ index, cached: true });
      }
    });
  });

  describe('invalidate', () => {
    async function seeded() {
      const context = setup();
      const principals: Record<string, Partial<WsPrincipal>> = {
        'alice-old': { sub: 'alice', jti: 'a1', issuedAt: T0 - 10_000 },
        'alice-new': { sub: 'alice', jti: 'a2', issuedAt: T0 },
        'alice-no-iat': { sub: 'alice', jti: 'a3' },
        'bob': { sub: 'bob', jti: 'b1', issuedAt: T0 - 10_000 },
      };
      const verifier = fakeVerifier((token) =>
        token === 'garbage' ? invalid : accepted({}, principals[token]),
      );
      for (const token of [...Object.keys(principals), 'garbage']) {
        await context.cache.verify(token, verifier.verify);
      }
      return context;
    }

    function cachedTokens(context: ReturnType<typeof setup>): string[] {
      return ['alice-old', 'alice-new', 'alice-no-iat', 'bob', 'garbage'].filter(
        (token) => context.cache.peek(token) !== undefined,
      );
    }

    it('removes one token', async () => {
      const context = await seeded();

      expect(context.cache.invalidate({ token: 'alice-old' })).toBe(1);
      expect(cachedTokens(context)).toEqual(['alice-new', 'alice-no-iat', 'bob', 'garbage']);
    });

    it('removes a cached rejection by token', async () => {
      const context = await seeded();

      expect(context.cache.invalidate({ token: 'garbage' })).toBe(1);
      expect(context.cache.peek('garbage')).toBeUndefined();
    });

    it('returns 0 for an unknown token', async () => {
      const context = await seeded();

      expect(context.cache.invalidate({ token: 'unknown' })).toBe(0);
    });

    it('removes by jti', async () => {
      const context = await seeded();

      expect(context.cache.invalidate({ jti: 'a2' })).toBe(1);
      expect(cachedTokens(context)).toEqual(['alice-old', 'alice-no-iat', 'bob', 'garbage']);
    });

    it('removes by sub', async () => {
      const context = await seeded();

      expect(context.cache.invalidate({ sub: 'alice' })).toBe(3);
      expect(cachedTokens(context)).toEqual(['bob', 'garbage']);
    });

    it('removes by sub issued before', async () => {
      const context = await seeded();

      expect(context.cache.invalidate({ sub: 'alice', issuedBefore: T0 })).toBe(2);
      expect(cachedTokens(context)).toEqual(['alice-new', 'bob', 'garbage']);
    });

    it('rejects an invalid selector', () => {
      const context = setup();

      expect(() => context.cache.invalidate({} as TokenCacheSelector)).toThrow(TypeError);
      expect(() => context.cache.invalidate({ token: '' })).toThrow("The cache selector's token must be a non-empty string.");
    });

    it.each<[string, TokenCacheSelector]>([
      ['token', { token: 'token' }],
      ['jti', { jti: 'id-1' }],
      ['sub', { sub: 'alice' }],
    ])('keeps an in-flight result out after invalidation by %s', async (_kind, selector) => {
      const context = setup();
      const verifier = pendingVerifier();
      const verdict = accepted({}, { sub: 'alice', jti: 'id-1' });

      const pending = context.cache.verify('token', verifier.verify);
      context.cache.invalidate(selector);
      verifier.resolveCall(0, verdict);

      await expect(pending).resolves.toBe(verdict);
      expect(context.cache.peek('token')).toBeUndefined();
      expect(context.cache.stats().entries).toBe(0);
    });

    it.each<[string, TokenCacheSelector]>([
      ['token', { token: 'token' }],
      ['jti', { jti: 'id-1' }],
      ['sub', { sub: 'alice' }],
    ])('starts a new verification after invalidation by %s', async (_kind, selector) => {
      const context = setup();
      const verifier = pendingVerifier();
      const verdict = accepted({}, { sub: 'alice', jti: 'id-1' });

      const before = context.cache.verify('token', verifier.verify);
      context.cache.invalidate(selector);
      const after = context.cache.verify('token', verifier.verify);

      expect(after).not.toBe(before);
      expect(verifier.calls).toHaveLength(2);

      verifier.resolveCall(0, verdict);
      await before;
      expect(context.cache.stats().inFlight).toBe(1);

      verifier.resolveCall(1, verdict);
      await after;
      expect(context.cache.peek('token')).toBe(verdict);
      expect(context.cache.stats().inFlight).toBe(0);
    });
  });

  describe('clear', () => {
    it('removes every entry and keeps counters', async () => {
      const context = setup();
      const verifier = fakeVerifier((token) => (token === 'good' ? accepted() : invalid));
      await context.cache.verify('good', verifier.verify);
      await context.cache.verify('bad', verifier.verify);

      context.cache.clear();

      expect(context.cache.stats()).toMatchObject({ entries: 0, negativeEntries: 0, misses: 2 });
    });

    it('keeps an in-flight result out', async () => {
      const context = setup();
      const verifier = pendingVerifier();

      const pending = context.cache.verify('token', verifier.verify);
      context.cache.clear();
      verifier.resolveCall(0, accepted());
      await pending;

      expect(context.cache.peek('token')).toBeUndefined();
      expect(context.cache.stats().inFlight).toBe(0);
    });

    it('starts a new verification after clear', async () => {
      const context = setup();
      const verifier = pendingVerifier();

      const before = context.cache.verify('token', verifier.verify);
      context.cache.clear();
      const after = context.cache.verify('token', verifier.verify);

      expect(after).not.toBe(before);
      expect(verifier.calls).toHaveLength(2);

      verifier.resolveCall(0, accepted());
      verifier.resolveCall(1, accepted());
      await Promise.all([before, after]);
      expect(context.cache.stats()).toMatchObject({ entries: 1, inFlight: 0 });
    });
  });

  describe('dependency injection', () => {
    it('resolves through Nest providers', async () => {
      const clock: TestClock = { t: T0, now: () => clock.t };
      const moduleRef = await Test.createTestingModule({
        providers: [
          { provide: WS_AUTH_CLOCK, useValue: clock },
          { provide: TOKEN_CACHE_OPTIONS, useValue: resolveTokenCacheOptions({ maxTtlMs: 1_000 }) },
          { provide: TOKEN_CACHE_STORE, useClass: InMemoryTokenCacheStore },
          TokenCacheService,
        ],
      }).compile();
      const cache = moduleRef.get(TokenCacheService);
      const verifier = fakeVerifier(() => accepted());

      await cache.verify('token', verifier.verify);
      clock.t = T0 + 1_000;
      await cache.verify('token', verifier.verify);

      expect(verifier.calls).toHaveLength(2);
    });

    it('rejects invalid injected options', () => {
      const clock: TestClock = { t: T0, now: () => clock.t };
      const store = new InMemoryTokenCacheStore(clock, resolveTokenCacheOptions());
      const options = { ...resolveTokenCacheOptions(), maxTtlMs: 0 };

      expect(() => new TokenCacheService(clock, options, store)).toThrow(
        'cache.maxTtlMs must be an integer from 1 to 86400000; received 0.',
      );
    });
  });
});
