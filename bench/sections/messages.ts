import type { Socket } from 'socket.io-client';

import { BENCH_NAMESPACES } from '../servers/bench-gateways.js';
import type { BenchServerInfo, CpuSample } from '../servers/bench-server.js';
import { closeAll, expectConnected, handshakes, sendChatMessages } from '../clients/socket-clients.js';
import { distinctTokens } from '../fixtures.js';
import { BenchChild } from '../harness/child-process.js';
import { type Figure, formatNs, formatRate } from '../harness/report.js';
import { interleaveRounds, type RoundVariant } from '../harness/rounds.js';
import { median, ratiosWithinRounds } from '../harness/stats.js';
import type { BenchSettings } from '../settings.js';

/** Connected clients per gateway; each joins a room of its own. */
const CLIENTS = 16;

/** Messages each client sends per sample, and how many it keeps in flight. */
const MESSAGES_PER_CLIENT = 1000;
const WINDOW = 8;

/** Largest ratio of the guarded gateway's server CPU per message to the unguarded one's. */
const TARGET_RATIO = 1.03;

interface MessageSample {
  readonly cpuNsPerMessage: number;
  readonly messagesPerSecond: number;
}

/**
 * Compares the server's CPU time per chat message of the demo chat gateway with and without
 * `WsAuthGuard`. Every message goes to the sender's room and is acknowledged, as in the demo.
 */
export async function benchMessages(settings: BenchSettings): Promise<Figure[]> {
  settings.log('messages');
  const server = await BenchChild.start(new URL('../servers/bench-server.ts', import.meta.url), { exposeGc: true });
  const sockets: Socket[] = [];

  try {
    const { nestPort } = server.info as BenchServerInfo;
    const gateways = [
      { name: 'demo chat gateway without WsAuthGuard', namespace: BENCH_NAMESPACES.chatUnguarded },
      { name: 'demo chat gateway with WsAuthGuard', namespace: BENCH_NAMESPACES.chatGuarded },
    ];

    const variants: RoundVariant<MessageSample>[] = [];
    for (const gateway of gateways) {
      const url = `http://127.0.0.1:${nestPort}${gateway.namespace}`;
      const clients = expectConnected(await handshakes(url, distinctTokens(gateway.namespace, CLIENTS), CLIENTS, false), gateway.name);
      sockets.push(...clients);
      await Promise.all(clients.map((socket, index) => socket.timeout(30_000).emitWithAck('chat:join', { room: `room-${index}` })));
      variants.push(messageVariant(gateway.name, clients, server));
    }

    const [unguarded, guarded] = await interleaveRounds(variants, settings.rounds);
    return toFigures(gateways.map((gateway) => gateway.name), unguarded!, guarded!);
  } finally {
    closeAll(sockets);
    await server.stop();
  }
}

function messageVariant(name: string, clients: readonly Socket[], server: BenchChild): RoundVariant<MessageSample> {
  const messages = clients.length * MESSAGES_PER_CLIENT;

  return {
    name,
    measure: async () => {
      await server.request('cpu-begin');
      const started = performance.now();
      await Promise.all(clients.map((socket, index) => sendChatMessages(socket, `room-${index}`, MESSAGES_PER_CLIENT, WINDOW)));
      const elapsedMs = performance.now() - started;
      const { cpuMicros } = await server.request<CpuSample>('cpu-end', { clientsAtMost: Number.MAX_SAFE_INTEGER });

      return { cpuNsPerMessage: (cpuMicros * 1000) / messages, messagesPerSecond: messages / (elapsedMs / 1000) };
    },
  };
}

function toFigures(names: readonly string[], unguarded: MessageSample[], guarded: MessageSample[]): Figure[] {
  const section = '4. Messages: server CPU per message';
  const cpu = (samples: MessageSample[]): number[] => samples.map((sample) => sample.cpuNsPerMessage);
  const describe = (samples: MessageSample[]): string =>
    `${formatNs(median(cpu(samples)))} CPU, ${formatRate(median(samples.map((sample) => sample.messagesPerSecond)), 'messages')}`;
  const ratio = ratiosWithinRounds(cpu(guarded), cpu(unguarded));

  return [
    { section, name: names[0]!, value: describe(unguarded), ratio: { against: 'unguarded', summary: ratiosWithinRounds(cpu(unguarded), cpu(unguarded)) } },
    {
      section,
      name: names[1]!,
      value: describe(guarded),
      ratio: { against: 'unguarded', summary: ratio },
      target: { text: `at most ${TARGET_RATIO}x unguarded`, passed: ratio.median <= TARGET_RATIO, maxRatio: TARGET_RATIO },
    },
  ];
}
