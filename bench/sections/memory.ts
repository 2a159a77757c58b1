import type { Socket } from 'socket.io-client';

import { BENCH_NAMESPACES } from '../servers/bench-gateways.js';
import type { BenchServerInfo, CacheAtMaxSample, MemorySample } from '../servers/bench-server.js';
import { closeAll, expectConnected, handshakes } from '../clients/socket-clients.js';
import { accessTokenClaims, distinctTokens, signHs256 } from '../fixtures.js';
import { BenchChild } from '../harness/child-process.js';
import { type Figure, formatBytes } from '../harness/report.js';
import { median, ratiosWithinRounds } from '../harness/stats.js';
import type { BenchSettings } from '../settings.js';

/** Sockets added per sample; figures are reported per 1,000 sockets. */
const SOCKETS_PER_SAMPLE = 1000;

/** Handshakes in progress at once while sockets are added. */
const CONCURRENCY = 32;

interface MemoryVariant {
  readonly name: string;
  readonly url: (info: BenchServerInfo) => string;
  /** Whether every socket gets its own token, so the cache stores one verdict per socket. */
  readonly distinct: boolean;
}

interface GrowthSample {
  readonly heapBytes: number;
  readonly rssBytes: number;
}

const VARIANTS: readonly MemoryVariant[] = [
  {
    name: 'Nest gateway, no authentication (bare)',
    url: (info) => `http://127.0.0.1:${info.nestPort}${BENCH_NAMESPACES.bare}`,
    distinct: false,
  },
  {
    name: 'nestjs-ws-auth, a token per socket (cached verdict and principal per socket)',
    url: (info) => `http://127.0.0.1:${info.nestPort}${BENCH_NAMESPACES.wsAuth}`,
    distinct: true,
  },
  {
    name: 'Socket.IO without Nest, no authentication',
    url: (info) => `http://127.0.0.1:${info.socketIoPort}${BENCH_NAMESPACES.bare}`,
    distinct: false,
  },
];

/**
 * Measures how much heap and resident memory each 1,000 connected sockets add, with and without
 * this module, and the heap of a verdict cache at its maximum size. Each variant runs in a fresh
 * server process, because a process rarely returns memory: a sample is the growth from adding
 * 1,000 sockets to those already connected, after forced garbage collections.
 */
export async function benchMemory(settings: BenchSettings): Promise<Figure[]> {
  const growth: GrowthSample[][] = [];
  let cacheAtMax: CacheAtMaxSample | null = null;

  for (const variant of VARIANTS) {
    settings.log(`memory: ${variant.name}`);
    const server = await BenchChild.start(new URL('../servers/bench-server.ts', import.meta.url), { exposeGc: true });
    const sockets: Socket[] = [];

    try {
      const url = variant.url(server.info as BenchServerInfo);
      const sharedToken = signHs256(accessTokenClaims('memory'));
      const tokensFor = (label: string): string[] =>
        variant.distinct ? distinctTokens(label, SOCKETS_PER_SAMPLE) : Array.from({ length: SOCKETS_PER_SAMPLE }, () => sharedToken);

      // Warm-up: the first sockets also allocate pools and compiled code that later ones reuse.
      sockets.push(...expectConnected(await handshakes(url, tokensFor('memory-warm-up'), CONCURRENCY, false), variant.name));

      const samples: GrowthSample[] = [];
      for (let round = 1; round <= settings.rounds; round += 1) {
        const tokens = tokensFor(`memory-${round}`);
        const before = await server.request<MemorySample>('memory');
        sockets.push(...expectConnected(await handshakes(url, tokens, CONCURRENCY, false), variant.name));
        const after = await server.request<MemorySample>('memory');
        samples.push({ heapBytes: after.heapUsed - before.heapUsed, rssBytes: after.rss - before.rss });
      }
      growth.push(samples);

      if (variant.distinct) {
        cacheAtMax = await server.request<CacheAtMaxSample>('cache-at-max', null, 120_000);
      }
    } finally {
      closeAll(sockets);
      await server.stop();
    }
  }

  return toFigures(growth, cacheAtMax!);
}

function toFigures(growth: GrowthSample[][], cacheAtMax: CacheAtMaxSample): Figure[] {
  const section = '6. Memory per 1,000 connected sockets';
  const heap = growth.map((samples) => samples.map((sample) => sample.heapBytes));
  const rss = growth.map((samples) => samples.map((sample) => sample.rssBytes));

  const figures = VARIANTS.map((variant, index): Figure => ({
    section,
    name: variant.name,
    value: `heap ${formatBytes(median(heap[index]!))}, RSS ${formatBytes(median(rss[index]!))}`,
    ratio: { against: 'bare (heap)', summary: ratiosWithinRounds(heap[index]!, heap[0]!) },
  }));

  figures.push({
    section,
    name: `verdict cache at its maximum size (${cacheAtMax.entries.toLocaleString('en-US')} entries after ${(cacheAtMax.entries + cacheAtMax.evictions).toLocaleString('en-US')} tokens, ${cacheAtMax.evictions.toLocaleString('en-US')} evicted)`,
    value: `heap ${formatBytes(cacheAtMax.heapBytes)}, ${Math.round(cacheAtMax.heapBytes / cacheAtMax.entries)} bytes per entry`,
  });
  return figures;
}
