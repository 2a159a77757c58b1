import { BENCH_NAMESPACES } from '../servers/bench-gateways.js';
import type { BenchServerInfo, ServerStats } from '../servers/bench-server.js';
import { closeAll, type HandshakeOutcome, handshakes } from '../clients/socket-clients.js';
import { BenchChild } from '../harness/child-process.js';
import type { Figure } from '../harness/report.js';
import { interleaveRounds, type RoundVariant } from '../harness/rounds.js';
import { median, percentile } from '../harness/stats.js';
import type { BenchSettings } from '../settings.js';

/** Handshakes started at once in each storm. */
const STORM_SIZE = 2000;

interface StormSample {
  readonly distinctTokens: number;
  readonly requests: number;
  /** Failed handshakes by the error code that the client received. */
  readonly failures: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

interface StormVariant {
  readonly name: string;
  readonly tokens: (round: number) => string[];
}

/**
 * Starts 2,000 handshakes at once with opaque tokens that the server checks by introspection,
 * against an endpoint that responds after 200 ms: first all with one token, then each with its own.
 * Every storm uses tokens not seen before, so each starts with an empty cache for them.
 */
export async function benchStorm(settings: BenchSettings): Promise<Figure[]> {
  settings.log('authentication storm');
  const server = await BenchChild.start(new URL('../servers/bench-server.ts', import.meta.url), { args: ['--introspection'] });

  try {
    const { nestPort } = server.info as BenchServerInfo;
    const url = `http://127.0.0.1:${nestPort}${BENCH_NAMESPACES.wsAuth}`;
    const variants: StormVariant[] = [
      { name: 'one token', tokens: (round) => Array.from({ length: STORM_SIZE }, () => `storm-shared-${round}`) },
      { name: `${STORM_SIZE.toLocaleString('en-US')} distinct tokens`, tokens: (round) => Array.from({ length: STORM_SIZE }, (_, index) => `storm-${round}-${index}`) },
    ];

    const samples = await interleaveRounds(
      variants.map((variant): RoundVariant<StormSample> => ({
        name: variant.name,
        measure: (round) => runStorm(server, url, variant.tokens(round)),
      })),
      settings.rounds,
    );
    return variants.flatMap((variant, index) => toFigures(variant.name, samples[index]!));
  } finally {
    await server.stop();
  }
}

async function runStorm(server: BenchChild, url: string, tokens: string[]): Promise<StormSample> {
  const before = await server.request<ServerStats>('stats');
  const outcomes: HandshakeOutcome[] = await handshakes(url, tokens, tokens.length, false);
  const after = await server.request<ServerStats>('stats');

  closeAll(outcomes.flatMap((outcome) => (outcome.connected ? [outcome.socket] : [])));
  await server.request('wait-for-clients', { clientsAtMost: 0 });

  const latencies = outcomes.map((outcome) => outcome.latencyMs);
  return {
    distinctTokens: new Set(tokens).size,
    requests: after.introspectionRequests - before.introspectionRequests,
    failures: countFailures(outcomes),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

function countFailures(outcomes: readonly HandshakeOutcome[]): Record<string, number> {
  const failures: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (!outcome.connected) {
      failures[outcome.error] = (failures[outcome.error] ?? 0) + 1;
    }
  }
  return failures;
}

function toFigures(name: string, samples: readonly StormSample[]): Figure[] {
  const section = `5. Authentication storm: ${STORM_SIZE.toLocaleString('en-US')} concurrent handshakes, introspection answering after 200 ms`;
  const distinct = samples[0]!.distinctTokens;
  const requests = samples.map((sample) => sample.requests);
  const failures: Record<string, number> = {};
  for (const sample of samples) {
    for (const [code, count] of Object.entries(sample.failures)) {
      failures[code] = (failures[code] ?? 0) + count;
    }
  }
  const failureText = Object.entries(failures).map(([code, count]) => `${count} ${code}`).join(', ');
  const everyRoundMatches = requests.every((count) => count === distinct);

  return [
    {
      section,
      name: `${name}: introspection requests per storm`,
      value: requests.every((count) => count === requests[0]) ? `${requests[0]} in every round` : `${requests.join(', ')} by round`,
      target: { text: `equal to the distinct tokens (${distinct})`, passed: everyRoundMatches },
    },
    {
      section,
      name: `${name}: connect latency p50 / p99`,
      value: `${Math.round(median(samples.map((sample) => sample.p50Ms)))} ms / ${Math.round(median(samples.map((sample) => sample.p99Ms)))} ms`,
    },
    { section, name: `${name}: failed handshakes, all rounds`, value: failureText === '' ? '0' : failureText },
  ];
}
