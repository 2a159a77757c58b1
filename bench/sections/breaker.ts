import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';

import { CircuitBreakerService, type TokenVerdict, WsAuthModule } from '../../src/ws-auth/index.js';
import { BENCH_SECRET } from '../fixtures.js';
import { compareMicro, type MicroCase } from '../harness/micro.js';
import { type Figure, formatNs } from '../harness/report.js';
import { differenceWithinRounds, median } from '../harness/stats.js';
import type { BenchSettings } from '../settings.js';
import { expectAllAccepted } from './verification-miss.js';

/** Largest cost that the breaker may add to one remote verification, in nanoseconds. */
const TARGET_OVERHEAD_NS = 200;

/**
 * Measures what the circuit breaker adds to each remote verification on the miss path: an
 * introspection call through `CircuitBreakerService.get('introspection').execute()` against the
 * same call awaited directly. The call itself returns an already resolved verdict, so only the
 * breaker's own work differs.
 */
export async function benchBreaker(settings: BenchSettings): Promise<Figure[]> {
  settings.log('circuit breaker overhead');
  const app = await NestFactory.createApplicationContext(WsAuthModule.forRoot({ secret: BENCH_SECRET }), { logger: false });

  try {
    const breakers = app.get(CircuitBreakerService);
    const verdict: TokenVerdict = {
      accepted: true,
      principal: { sub: 'alice', scopes: [], expiresAt: null, claims: {} },
      expiresAt: null,
      notBefore: null,
    };
    const remoteCall = (): Promise<TokenVerdict> => Promise.resolve(verdict);

    const cases: MicroCase[] = [
      {
        name: 'call awaited directly',
        batch: async (iterations) => {
          let accepted = 0;
          for (let i = 0; i < iterations; i += 1) {
            if ((await remoteCall()).accepted) {
              accepted += 1;
            }
          }
          return expectAllAccepted('direct call', accepted, iterations);
        },
      },
      {
        name: 'call through the introspection breaker',
        batch: async (iterations) => {
          let accepted = 0;
          for (let i = 0; i < iterations; i += 1) {
            if ((await breakers.get('introspection').execute(remoteCall)).accepted) {
              accepted += 1;
            }
          }
          return expectAllAccepted('breaker call', accepted, iterations);
        },
      },
    ];

    const [direct, guarded] = await compareMicro(cases, { rounds: settings.microRounds, batchMs: 15 });
    const overhead = differenceWithinRounds(guarded!, direct!);
    const section = '7. Circuit breaker on the miss path';

    return [
      { section, name: cases[0]!.name, value: formatNs(median(direct!)) },
      { section, name: cases[1]!.name, value: formatNs(median(guarded!)) },
      {
        section,
        name: 'overhead per call (difference within rounds)',
        value: `${formatNs(overhead.median)} (${formatNs(overhead.min)} to ${formatNs(overhead.max)})`,
        target: { text: `at most ${formatNs(TARGET_OVERHEAD_NS)}`, passed: overhead.median <= TARGET_OVERHEAD_NS },
      },
    ];
  } finally {
    await app.close();
  }
}
