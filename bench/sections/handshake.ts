import { BENCH_NAMESPACES } from '../servers/bench-gateways.js';
import type { BenchServerInfo, CpuSample } from '../servers/bench-server.js';
import { expectConnected, handshakes } from '../clients/socket-clients.js';
import { accessTokenClaims, distinctTokens, signHs256 } from '../fixtures.js';
import { BenchChild } from '../harness/child-process.js';
import { type Figure, formatNs, formatRate } from '../harness/report.js';
import { interleaveRounds, type RoundVariant } from '../harness/rounds.js';
import { median, ratiosWithinRounds } from '../harness/stats.js';
import type { BenchSettings } from '../settings.js';

/** Connections per sample of each variant. */
const CONNECTIONS = 2000;

/** Handshakes in progress at once. */
const CONCURRENCY = 32;

/** Largest ratio of our server CPU per connection to the bare gateway's, on a cache miss and a hit. */
const TARGET_MISS = 1.05;
const TARGET_HIT = 1.02;

/** One sample: server CPU per connection and connections per second seen by the clients. */
interface HandshakeSample {
  readonly cpuNsPerConnection: number;
  readonly connectionsPerSecond: number;
}

interface HandshakeVariant {
  readonly name: string;
  readonly url: string;
  readonly tokens: (round: number) => string[];
  readonly maxRatio?: number;
}

/**
 * Compares the server's CPU time per connection (handshake, `connect`, disconnect) between the
 * same Nest gateway without authentication, with this module's handshake authentication on a
 * cache miss and on a hit, and with an `io.use` middleware that calls `@nestjs/jwt`. Two more
 * middlewares show the floor under the module's miss: one that only calls `next()`, and one that
 * verifies each new token with jsonwebtoken and a prepared `KeyObject`. A Socket.IO server
 * without Nest is measured too, to show what Nest itself adds.
 */
export async function benchHandshake(settings: BenchSettings): Promise<Figure[]> {
  settings.log('handshake');
  const server = await BenchChild.start(new URL('../servers/bench-server.ts', import.meta.url), { exposeGc: true });

  try {
    const { nestPort, socketIoPort } = server.info as BenchServerInfo;
    const nest = (namespace: string): string => `http://127.0.0.1:${nestPort}${namespace}`;
    const sharedToken = signHs256(accessTokenClaims('shared'));
    const sameToken = (): string[] => Array.from({ length: CONNECTIONS }, () => sharedToken);

    const variants: HandshakeVariant[] = [
      { name: 'Nest gateway, no authentication (bare)', url: nest(BENCH_NAMESPACES.bare), tokens: sameToken },
      {
        name: 'nestjs-ws-auth handshake, cache miss (a new token per connection)',
        url: nest(BENCH_NAMESPACES.wsAuth),
        tokens: (round) => distinctTokens(`handshake-${round}`, CONNECTIONS),
        maxRatio: TARGET_MISS,
      },
      {
        name: 'nestjs-ws-auth handshake, cache hit (one token)',
        url: nest(BENCH_NAMESPACES.wsAuth),
        tokens: sameToken,
        maxRatio: TARGET_HIT,
      },
      { name: 'io.use middleware with @nestjs/jwt, string secret', url: nest(BENCH_NAMESPACES.ioUseJwt), tokens: sameToken },
      { name: 'io.use middleware that only calls next()', url: nest(BENCH_NAMESPACES.ioUsePassThrough), tokens: sameToken },
      {
        name: 'io.use middleware with jsonwebtoken and a KeyObject (a new token per connection)',
        url: nest(BENCH_NAMESPACES.ioUseKeyObject),
        tokens: (round) => distinctTokens(`key-object-${round}`, CONNECTIONS),
      },
      {
        name: 'Socket.IO without Nest, no authentication',
        url: `http://127.0.0.1:${socketIoPort}${BENCH_NAMESPACES.bare}`,
        tokens: sameToken,
      },
    ];

    const samples = await interleaveRounds(
      variants.map((variant) => toRoundVariant(variant, server)),
      settings.rounds,
    );
    return toFigures(variants, samples);
  } finally {
    await server.stop();
  }
}

function toRoundVariant(variant: HandshakeVariant, server: BenchChild): RoundVariant<HandshakeSample> {
  return {
    name: variant.name,
    measure: async (round) => {
      const tokens = variant.tokens(round);

      await server.request('cpu-begin');
      const started = performance.now();
      const outcomes = await handshakes(variant.url, tokens, CONCURRENCY, true);
      const elapsedMs = performance.now() - started;
      const { cpuMicros } = await server.request<CpuSample>('cpu-end', { clientsAtMost: 0 });

      expectConnected(outcomes, variant.name);
      return {
        cpuNsPerConnection: (cpuMicros * 1000) / tokens.length,
        connectionsPerSecond: tokens.length / (elapsedMs / 1000),
      };
    },
  };
}

function toFigures(variants: readonly HandshakeVariant[], samples: HandshakeSample[][]): Figure[] {
  const cpu = samples.map((variantSamples) => variantSamples.map((sample) => sample.cpuNsPerConnection));
  const bare = cpu[0]!;

  return variants.map((variant, index): Figure => {
    const ratio = ratiosWithinRounds(cpu[index]!, bare);
    const rate = median(samples[index]!.map((sample) => sample.connectionsPerSecond));
    return {
      section: '3. Handshake: server CPU per connection',
      name: variant.name,
      value: `${formatNs(median(cpu[index]!))} CPU, ${formatRate(rate, 'connections')}`,
      ratio: { against: 'bare', summary: ratio },
      ...(variant.maxRatio === undefined
        ? {}
        : {
            target: {
              text: `at most ${variant.maxRatio}x bare`,
              passed: ratio.median <= variant.maxRatio,
              maxRatio: variant.maxRatio,
            },
          }),
    };
  });
}
