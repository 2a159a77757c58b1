import 'reflect-metadata';

import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { createVerifier } from 'fast-jwt';
import { jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';

import { evaluateVerdictAt, JwtTokenVerifier, WsAuthModule } from '../../src/ws-auth/index.js';
import {
  accessTokenClaims,
  BENCH_AUDIENCE,
  BENCH_ISSUER,
  type BenchAlgorithm,
  createVerificationKeys,
  type VerificationKey,
} from '../fixtures.js';
import { compareMicro, type MicroCase } from '../harness/micro.js';
import { type Figure, formatNs } from '../harness/report.js';
import { median, ratiosWithinRounds } from '../harness/stats.js';
import type { BenchSettings } from '../settings.js';

/** Largest ratio of our verification time to fast-jwt's for the same algorithm. */
const TARGET_RATIO = 1.2;

const OURS = 'nestjs-ws-auth: JwtTokenVerifier.verifyNow + evaluateVerdictAt';
const FAST_JWT = 'fast-jwt: createVerifier';

/**
 * Compares the cost of verifying one token without a cache (signature, algorithm, issuer and
 * audience) for HS256, RS256 and ES256: ours, and the usual ways to do it with peer libraries.
 */
export async function benchVerificationMiss(settings: BenchSettings): Promise<Figure[]> {
  const keys = createVerificationKeys();
  const figures: Figure[] = [];

  for (const algorithm of ['HS256', 'RS256', 'ES256'] as const) {
    settings.log(`verification on a cache miss, ${algorithm}`);
    figures.push(...(await compareAlgorithm(keys[algorithm], settings)));
  }
  return figures;
}

async function compareAlgorithm(key: VerificationKey, settings: BenchSettings): Promise<Figure[]> {
  const app = await createOurModule(key);
  try {
    const token = key.sign(accessTokenClaims('alice'));
    const cases = verificationCases(key, token, app.get(JwtTokenVerifier));
    const samples = await compareMicro(cases, { rounds: settings.microRounds, batchMs: 15 });
    const baseline = samples[cases.findIndex((microCase) => microCase.name === FAST_JWT)]!;

    return cases.map((microCase, index): Figure => {
      const ratio = ratiosWithinRounds(samples[index]!, baseline);
      return {
        section: `1. Verification on a cache miss, ${key.algorithm}`,
        name: microCase.name,
        value: formatNs(median(samples[index]!)),
        ratio: { against: 'fast-jwt', summary: ratio },
        ...(microCase.name === OURS
          ? {
              target: {
                text: `at most ${TARGET_RATIO}x fast-jwt`,
                passed: ratio.median <= TARGET_RATIO,
                maxRatio: TARGET_RATIO,
              },
            }
          : {}),
      };
    });
  } finally {
    await app.close();
  }
}

/** Starts the module as an application would configure it for `key`, without a server. */
function createOurModule(key: VerificationKey): Promise<INestApplicationContext> {
  const keyOptions = key.algorithm === 'HS256' ? { secret: key.text } : { publicKey: key.text, algorithms: [key.algorithm] };
  return NestFactory.createApplicationContext(
    WsAuthModule.forRoot({ ...keyOptions, issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE }),
    { logger: false },
  );
}

function verificationCases(key: VerificationKey, token: string, ours: JwtTokenVerifier): MicroCase[] {
  const algorithms: BenchAlgorithm[] = [key.algorithm];
  const claimChecks = { algorithms, issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE };

  // As most applications use @nestjs/jwt: the secret or the PEM text in the module options.
  const nestJwt = new JwtService(
    key.algorithm === 'HS256'
      ? { secret: key.text, verifyOptions: claimChecks }
      : { publicKey: key.text, verifyOptions: claimChecks },
  );
  const fastJwt = createVerifier({
    key: key.text,
    algorithms,
    allowedIss: BENCH_ISSUER,
    allowedAud: BENCH_AUDIENCE,
  });

  return [
    {
      name: OURS,
      batch: (iterations) => {
        let accepted = 0;
        for (let i = 0; i < iterations; i += 1) {
          if (evaluateVerdictAt(ours.verifyNow(token), Date.now(), 0).ok) {
            accepted += 1;
          }
        }
        return expectAllAccepted(OURS, accepted, iterations);
      },
    },
    {
      name: `@nestjs/jwt: JwtService.verify, ${key.algorithm === 'HS256' ? 'string secret' : 'PEM public key'}`,
      batch: (iterations) => {
        let accepted = 0;
        for (let i = 0; i < iterations; i += 1) {
          if (typeof nestJwt.verify<{ sub?: unknown }>(token).sub === 'string') {
            accepted += 1;
          }
        }
        return expectAllAccepted('@nestjs/jwt', accepted, iterations);
      },
    },
    {
      name: 'jsonwebtoken: verify with a KeyObject',
      batch: (iterations) => {
        let accepted = 0;
        for (let i = 0; i < iterations; i += 1) {
          const payload = jsonwebtoken.verify(token, key.keyObject, claimChecks);
          if (typeof payload === 'object' && typeof payload.sub === 'string') {
            accepted += 1;
          }
        }
        return expectAllAccepted('jsonwebtoken', accepted, iterations);
      },
    },
    {
      name: FAST_JWT,
      batch: (iterations) => {
        let accepted = 0;
        for (let i = 0; i < iterations; i += 1) {
          if (typeof (fastJwt(token) as { sub?: unknown }).sub === 'string') {
            accepted += 1;
          }
        }
        return expectAllAccepted(FAST_JWT, accepted, iterations);
      },
    },
    {
      name: 'jose: jwtVerify with a KeyObject',
      batch: async (iterations) => {
        let accepted = 0;
        for (let i = 0; i < iterations; i += 1) {
          const { payload } = await jwtVerify(token, key.keyObject, claimChecks);
          if (typeof payload.sub === 'string') {
            accepted += 1;
          }
        }
        return expectAllAccepted('jose', accepted, iterations);
      },
    },
  ];
}

/** Returns `accepted`, or throws when a verifier rejected the valid token, which would make its time meaningless. */
export function expectAllAccepted(name: string, accepted: number, iterations: number): number {
  if (accepted !== iterations) {
    throw new Error(`${name} accepted ${accepted} of ${iterations} valid tokens; check the benchmark's key and claims.`);
  }
  return accepted;
}
