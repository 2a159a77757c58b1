import 'reflect-metadata';

import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Server } from 'socket.io';

import {
  CACHE_DEFAULTS,
  TokenAuthenticator,
  TokenCacheService,
  type TokenCacheStats,
  WsAuthModule,
} from '../../src/ws-auth/index.js';
import { BENCH_SECRET, distinctTokens } from '../fixtures.js';
import { serveCommands } from '../harness/child-commands.js';
import { BenchAppModule } from './bench-app.module.js';
import { BareGateway, BENCH_NAMESPACES } from './bench-gateways.js';
import { IntrospectionEndpoint, LISTEN_BACKLOG } from './introspection-endpoint.js';

/**
 * Benchmark server, run in its own process by `BenchChild`: the Nest application with every
 * gateway variant, and a Socket.IO server without Nest on a second port. With the argument
 * `--introspection` it also starts an introspection endpoint that responds after 200 ms.
 */

/** Ports and endpoints that the server sends to the parent when it is ready. */
export interface BenchServerInfo {
  readonly nestPort: number;
  readonly socketIoPort: number;
}

/** CPU time of the process between `cpu-begin` and `cpu-end`. */
export interface CpuSample {
  readonly cpuMicros: number;
}

/** Heap and resident set size after two forced garbage collections, in bytes. */
export interface MemorySample {
  readonly heapUsed: number;
  readonly rss: number;
}

/** Counters that show whether a run went as intended. */
export interface ServerStats {
  readonly clients: number;
  readonly introspectionRequests: number;
  readonly cache: TokenCacheStats;
}

/** Memory of a token cache filled past its maximum size. */
export interface CacheAtMaxSample {
  readonly maxEntries: number;
  readonly entries: number;
  readonly evictions: number;
  readonly heapBytes: number;
}

/** Delay of the introspection endpoint, in milliseconds. */
const INTROSPECTION_DELAY_MS = 200;

/** Maximum wait for disconnected clients to leave the server, in milliseconds. */
const SETTLE_TIMEOUT_MS = 15_000;

const provider = process.argv.includes('--introspection') ? await IntrospectionEndpoint.start(INTROSPECTION_DELAY_MS) : null;

const app = await NestFactory.create(BenchAppModule.forRoot(provider?.url ?? null), { logger: false });
await app.init();
await listen(app.getHttpServer() as HttpServer);
const nestServer = app.get(BareGateway).server.server;

const plainHttp = createServer();
const plainIo = new Server(plainHttp);
plainIo.of(BENCH_NAMESPACES.bare);
await listen(plainHttp);

let cpuStart: NodeJS.CpuUsage | null = null;

const info: BenchServerInfo = {
  nestPort: portOf(app.getHttpServer() as HttpServer),
  socketIoPort: portOf(plainHttp),
};

serveCommands(
  info,
  {
    'cpu-begin': () => {
      // Each sample starts from a collected heap, so it pays for its own garbage only.
      globalThis.gc?.();
      cpuStart = process.cpuUsage();
      return null;
    },
    'cpu-end': async (payload) => {
      if (cpuStart === null) {
        throw new Error('cpu-end came without cpu-begin.');
      }
      await waitForClients((payload as { clientsAtMost: number }).clientsAtMost);
      const usage = process.cpuUsage(cpuStart);
      cpuStart = null;
      const sample: CpuSample = { cpuMicros: usage.user + usage.system };
      return sample;
    },
    'wait-for-clients': async (payload) => {
      await waitForClients((payload as { clientsAtMost: number }).clientsAtMost);
      return null;
    },
    memory: () => measureMemory(),
    stats: () => stats(app),
    'cache-at-max': () => measureCacheAtMax(),
  },
  async () => {
    await plainIo.close();
    await app.close();
    await provider?.close();
  },
);

function listen(server: HttpServer): Promise<void> {
  return new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, resolve));
}

function portOf(server: HttpServer): number {
  return (server.address() as AddressInfo).port;
}

function clientCount(): number {
  return nestServer.engine.clientsCount + plainIo.engine.clientsCount;
}

/** Waits until at most `clientsAtMost` clients are connected, so their disconnection is fully counted. */
async function waitForClients(clientsAtMost: number): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (clientCount() > clientsAtMost) {
    if (Date.now() > deadline) {
      throw new Error(`${clientCount()} clients were still connected after ${SETTLE_TIMEOUT_MS} ms; expected at most ${clientsAtMost}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function measureMemory(): MemorySample {
  if (globalThis.gc === undefined) {
    throw new Error('The memory command needs a child started with exposeGc.');
  }
  globalThis.gc();
  globalThis.gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

function stats(application: INestApplication): ServerStats {
  return {
    clients: clientCount(),
    introspectionRequests: provider?.requests ?? 0,
    cache: application.get(TokenCacheService).stats(),
  };
}

/**
 * Fills the verdict cache of a separate module instance with 10% more distinct tokens than its
 * maximum size, and returns the heap it then holds: entries, verdicts, principals and the token
 * strings that the cache keeps as keys.
 */
async function measureCacheAtMax(): Promise<CacheAtMaxSample> {
  const context = await NestFactory.createApplicationContext(WsAuthModule.forRoot({ secret: BENCH_SECRET }), { logger: false });
  try {
    const cache = context.get(TokenCacheService);
    const authenticator = context.get(TokenAuthenticator);
    const { maxEntries } = CACHE_DEFAULTS;
    const before = measureMemory();

    let tokens: string[] | null = distinctTokens('cache', maxEntries + maxEntries / 10);
    for (const token of tokens) {
      await authenticator.authenticate(token);
    }
    tokens = null;

    const after = measureMemory();
    const { entries, evictions } = cache.stats();
    return { maxEntries, entries, evictions, heapBytes: after.heapUsed - before.heapUsed };
  } finally {
    await context.close();
  }
}
