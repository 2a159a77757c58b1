import fc from 'fast-check';

import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { evaluateVerdictAt, rejected, type TokenVerdict } from '../verification/token-verdict.js';
import { resolveTokenCacheOptions, type ResolvedTokenCacheOptions } from './token-cache.options.js';
import { TokenCacheService } from './token-cache.service.js';
import { InMemoryTokenCacheStore } from './token-cache.store.js';

/** 2025-01-01T00:00:00Z, a realistic clock reading. */
const T0 = Date.UTC(2025, 0, 1);

/**
 * Token from which the fake identity provider computes its verdict. Times are offsets from T0
 * in milliseconds.
 *
 * `windowInVerifier` makes the fresh verification reject by time itself, as jsonwebtoken does,
 * instead of leaving the window to `evaluateVerdictAt`. Such rejections change with time, so
 * caching them carelessly would make the cache differ from a fresh check.
 */
interface TokenDescriptor {
  readonly sub: string;
  readonly jti: string;
  readonly exp: number | null;
  readonly nbf: number | null;
  readonly iat: number | null;
  readonly signatureValid: boolean;
  readonly windowInVerifier: boolean;
}

type Step =
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'verify'; readonly token: number; readonly concurrency: number }
  | { readonly kind: 'invalidateToken'; readonly token: number }
  | { readonly kind: 'invalidateSub'; readonly token: number };

function tokenString(index: number): string {
  return `token-${index}`;
}

/** Fresh verification: a pure function of the token descriptor and, for some tokens, the time. */
function verifyDescriptor(descriptor: TokenDescriptor, nowMs: number, toleranceMs: number): TokenVerdict {
  if (!descriptor.signatureValid) {
    return rejected(WsAuthErrorCode.TOKEN_INVALID);
  }

  const expiresAt = descriptor.exp === null ? null : T0 + descriptor.exp;
  const notBefore = descriptor.nbf === null ? null : T0 + descriptor.nbf;

  if (descriptor.windowInVerifier) {
    if (notBefore !== null && nowMs + toleranceMs < notBefore) {
      return rejected(WsAuthErrorCode.TOKEN_NOT_YET_VALID);
    }
    if (expiresAt !== null && nowMs >= expiresAt + toleranceMs) {
      return rejected(WsAuthErrorCode.TOKEN_EXPIRED);
    }
  }

  return {
    accepted: true,
    principal: {
      sub: descriptor.sub,
      scopes: [],
      expiresAt,
      jti: descriptor.jti,
      ...(descriptor.iat === null ? {} : { issuedAt: T0 + descriptor.iat }),
      claims: {},
    },
    expiresAt,
    notBefore,
  };
}

/** Multiples of 100 ms, so clock moves often land exactly on exp and nbf, plus odd values. */
const offsetMs = fc.oneof(
  fc.integer({ min: -10, max: 60 }).map((n) => n * 100),
  fc.integer({ min: -1_000, max: 6_000 }),
);

const descriptorArbitrary: fc.Arbitrary<TokenDescriptor> = fc.record({
  sub: fc.constantFrom('alice', 'bob'),
  jti: fc.uuid(),
  exp: fc.option(offsetMs, { nil: null }),
  nbf: fc.option(offsetMs, { nil: null }),
  iat: fc.option(offsetMs, { nil: null }),
  signatureValid: fc.boolean(),
  windowInVerifier: fc.boolean(),
});

const optionsArbitrary: fc.Arbitrary<ResolvedTokenCacheOptions> = fc
  .record({
    maxEntries: fc.integer({ min: 1, max: 4 }),
    maxTtlMs: fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.constant(300_000)),
    negativeTtlMs: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.constant(30_000)),
    negativeMaxEntries: fc.integer({ min: 1, max: 4 }),
    clockToleranceMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000 })),
  })
  .map((options) => resolveTokenCacheOptions(options));

// The clock only moves forward: a fresh check that rejected a token as expired would accept it
// again if time went back, and no cache can follow that.
const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(fc.constantFrom(0, 1, 99, 100, 200), fc.integer({ min: 0, max: 3_000 })),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('verify' as const),
      token: fc.nat(),
      concurrency: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('invalidateToken' as const), token: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('invalidateSub' as const), token: fc.nat() }) },
);

describe('TokenCacheService against fresh verification', () => {
  it('gives identical results at every step', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(descriptorArbitrary, { minLength: 1, maxLength: 6 }),
        optionsArbitrary,
        fc.array(stepArbitrary, { minLength: 1, maxLength: 60 }),
        async (descriptors, options, steps) => {
          const clock = { t: T0, now: () => clock.t };
          const toleranceMs = options.clockToleranceMs;
          const descriptorOf = (token: string): TokenDescriptor => {
            const descriptor = descriptors[Number(token.slice('token-'.length))];
            if (descriptor === undefined) {
              throw new Error('The test asked for a token it did not generate.');
            }
            return descriptor;
          };
          const verifyFresh = (token: string): Promise<TokenVerdict> =>
            Promise.resolve(verifyDescriptor(descriptorOf(token), clock.now(), toleranceMs));

          const cached = new TokenCacheService(clock, options, new InMemoryTokenCacheStore(clock, options));
          const uncachedOptions = resolveTokenCacheOptions({ ...options, enabled: false });
          const uncached = new TokenCacheService(
            clock,
            uncachedOptions,
            new InMemoryTokenCacheStore(clock, uncachedOptions),
          );

          for (const step of steps) {
            switch (step.kind) {
              case 'advance':
                clock.t += step.ms;
                break;
              case 'verify': {
                const token = tokenString(step.token % descriptors.length);
                const viaCache = await Promise.all(
                  Array.from({ length: step.concurrency }, () => cached.verify(token, verifyFresh)),
                );
                const fresh = await uncached.verify(token, verifyFresh);
                const expected = evaluateVerdictAt(fresh, clock.t, toleranceMs);
                for (const verdict of viaCache) {
                  expect(evaluateVerdictAt(verdict, clock.t, toleranceMs)).toEqual(expected);
                }
                break;
              }
              case 'invalidateToken':
                cached.invalidate({ token: tokenString(step.token % descriptors.length) });
                break;
              case 'invalidateSub': {
                const descriptor = descriptorOf(tokenString(step.token % descriptors.length));
                cached.invalidate({ sub: descriptor.sub });
                break;
              }
            }

            // Every cached entry must evaluate as a fresh check would, right now.
            for (let index = 0; index < descriptors.length; index += 1) {
              const token = tokenString(index);
              const entry = cached.peek(token);
              if (entry !== undefined) {
                const fresh = await verifyFresh(token);
                expect({ token, at: clock.t - T0, result: evaluateVerdictAt(entry, clock.t, toleranceMs) }).toEqual({
                  token,
                  at: clock.t - T0,
                  result: evaluateVerdictAt(fresh, clock.t, toleranceMs),
                });
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never serves past exp plus tolerance', async () => {
    await fc.assert(
      fc.asyncProperty(
        descriptorArbitrary,
        optionsArbitrary,
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 1, maxLength: 20 }),
        async (descriptor, options, moves) => {
          const clock = { t: T0, now: () => clock.t };
          const cache = new TokenCacheService(clock, options, new InMemoryTokenCacheStore(clock, options));
          const verifyFresh = (): Promise<TokenVerdict> =>
            Promise.resolve(verifyDescriptor(descriptor, clock.now(), options.clockToleranceMs));

          for (const ms of moves) {
            await cache.verify('token', verifyFresh);
            clock.t += ms;

            const entry = cache.peek('token');
            if (entry?.accepted === true && entry.expiresAt !== null) {
              expect(clock.t).toBeLessThan(entry.expiresAt + options.clockToleranceMs);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
