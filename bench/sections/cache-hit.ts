import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';

import {
  evaluateVerdictAt,
  TokenAuthenticator,
  TokenCacheService,
  type WsPrincipal,
  WsAuthModule,
} from '../../src/ws-auth/index.js';
import { BENCH_AUDIENCE, BENCH_ISSUER, BENCH_SECRET, distinctTokens } from '../fixtures.js';
import { compareMicro, type MicroCase } from '../harness/micro.js';
import { type Figure, formatNs } from '../harness/report.js';
import { median, ratiosWithinRounds } from '../harness/stats.js';
import type { BenchSettings } from '../settings.js';
import { expectAllAccepted } from './verification-miss.js';

/** Largest ratio of our cache hit to a raw `Map.get` plus an expiry check. */
const TARGET_RATIO = 2;

/** Tokens looked up in turn; a power of two, so the loops pick one with a mask. */
const TOKEN_COUNT = 1024;

/** Entry of the raw map that the cache is compared with. */
interface RawEntry {
  readonly principal: WsPrincipal;
  readonly expiresAtMs: number;
}

/**
 * Compares a cache hit with the least an application could do: a `Map.get` of the token and a
 * comparison of its expiry with `Date.now()`. Both look up 1,024 distinct tokens in turn.
 */
export async function benchCacheHit(settings: BenchSettings): Promise<Figure[]> {
  settings.log('cache hit');
  const app = await NestFactory.createApplicationContext(
    WsAuthModule.forRoot({ secret: BENCH_SECRET, issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE }),
    { logger: false },
  );

  try {
    const authenticator = app.get(TokenAuthenticator);
    const cache = app.get(TokenCacheService);
    const tokens = distinctTokens('hit', TOKEN_COUNT);
    const raw = new Map<string, RawEntry>();
    for (const token of tokens) {
      const principal = await authenticator.authenticate(token);
      raw.set(token, { principal, expiresAtMs: principal.expiresAt ?? Number.POSITIVE_INFINITY });
    }

    const syncCases = hitCases(tokens, cache, raw);
    const asyncCases = authenticateCases(tokens, authenticator, raw);
    const samples = await compareMicro([...syncCases, ...asyncCases], { rounds: settings.microRounds, batchMs: 15 });

    return [
      ...compare(syncCases[0]!, samples[0]!, syncCases[1]!, samples[1]!),
      ...compare(asyncCases[0]!, samples[2]!, asyncCases[1]!, samples[3]!),
    ];
  } finally {
    await app.close();
  }
}

function compare(ours: MicroCase, oursSamples: number[], raw: MicroCase, rawSamples: number[]): Figure[] {
  const section = '2. Cache hit';
  const ratio = ratiosWithinRounds(oursSamples, rawSamples);

  return [
    {
      section,
      name: ours.name,
      value: formatNs(median(oursSamples)),
      ratio: { against: 'raw Map', summary: ratio },
      target: { text: `at most ${TARGET_RATIO}x raw Map`, passed: ratio.median <= TARGET_RATIO, maxRatio: TARGET_RATIO },
    },
    { section, name: raw.name, value: formatNs(median(rawSamples)) },
  ];
}

function hitCases(tokens: readonly string[], cache: TokenCacheService, raw: Map<string, RawEntry>): MicroCase[] {
  const oursName = 'nestjs-ws-auth: TokenCacheService.peek + evaluateVerdictAt, one clock read';
  const rawName = 'raw Map.get + exp check';
  const mask = TOKEN_COUNT - 1;

  return [
    {
      name: oursName,
      batch: (iterations) => {
        let accepted = 0;
        for (let i = 0; i < iterations; i += 1) {
          const nowMs = Date.now();
          const verdict = cache.peek(tokens[i & mask]!, nowMs);
          if (verdict !== undefined && evaluateVerdictAt(verdict, nowMs, 0).ok) {
            accepted += 1;
          }
        }
        return expectAllAccepted(oursName, accepted, iterations);
      },
    },
    {
      name: rawName,
      batch: (iterations) => {
        let accepted = 0;
        for (let i = 0; i < iterations; i += 1) {
          const entry = raw.get(tokens[i & mask]!);
          if (entry !== undefined && Date.now() < entry.expiresAtMs) {
            accepted += 1;
          }
        }
        return expectAllAccepted(rawName, accepted, iterations);
      },
    },
  ];
}

/** The same comparison through an `async` function on both sides, as the handshake calls it. */
function authenticateCases(
  tokens: readonly string[],
  authenticator: TokenAuthenticator,
  raw: Map<string, RawEntry>,
): MicroCase[] {
  const oursName = 'nestjs-ws-auth: TokenAuthenticator.authenticate (awaited)';
  const rawName = 'raw Map.get + exp check in an async function (awaited)';
  const mask = TOKEN_COUNT - 1;

  // async without an await on purpose: like authenticate on a hit, it returns without waiting.
  // eslint-disable-next-line @typescript-eslint/require-await
  const rawAuthenticate = async (token: string): Promise<WsPrincipal> => {
    const entry = raw.get(token);
    if (entry === undefined || Date.now() >= entry.expiresAtMs) {
      throw new Error('The token has no valid entry.');
    }
    return entry.principal;
  };

  return [
    {
      name: oursName,
      batch: async (iterations) => {
        let accepted = 0;
        for (let i = 0; i < iterations; i += 1) {
          if ((await authenticator.authenticate(tokens[i & mask]!)).sub.length > 0) {
            accepted += 1;
          }
        }
        return expectAllAccepted(oursName, accepted, iterations);
      },
    },
    {
      name: rawName,
      batch: async (iterations) => {
        let accepted = 0;
        for (let i = 0; i < iterations; i += 1) {
          if ((await rawAuthenticate(tokens[i & mask]!)).sub.length > 0) {
            accepted += 1;
          }
        }
        return expectAllAccepted(rawName, accepted, iterations);
      },
    },
  ];
}
