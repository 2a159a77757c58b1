/**
 * Runs connect, refresh and disconnect cycles against the demo chat server in this process and
 * prints what they left behind as one line of JSON. `test/lifecycle-leaks.e2e-spec.ts` runs it
 * in a child process: inside Jest, the count of active timers drifted by one timer that the
 * cycles did not create, so a before-and-after comparison was not reliable there.
 *
 *   node --import tsx test/support/lifecycle-leak-check.ts [cycles] [concurrency]
 */
import 'reflect-metadata';

import type { Socket } from 'socket.io-client';

import { type AuthRefreshAck, DeadlineScheduler, type SchedulerTimer, WS_AUTH_TIMER } from '../../src/ws-auth/index.js';
import { startChatApp } from './chat-app.js';
import { connect, emitWithAck } from './socket-client.js';
import { seconds, signHs256 } from './tokens.js';
import { waitUntil } from './wait.js';

/** Figures that the leak check prints. */
export interface LeakCheckReport {
  cycles: number;
  failedRefreshes: number;
  /** Active resources by type before the first cycle and after the last one has been processed. */
  resourcesBefore: Record<string, number>;
  resourcesAfter: Record<string, number>;
  /** Maximum number of active timers after a batch of cycles, with sockets still closing. */
  peakTimers: number;
  deadlinesAfter: number;
  schedulerTimerArmedAfter: boolean;
  durationMs: number;
}

/**
 * The default timer without `unref()`: `process.getActiveResourcesInfo()` lists only timers that
 * keep the process alive, so this makes the scheduler's own timer part of the count.
 */
const refTimer: SchedulerTimer = {
  set: (callback, delayMs) => setTimeout(callback, delayMs),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of process.getActiveResourcesInfo()) {
    counts[resource] = (counts[resource] ?? 0) + 1;
  }
  return counts;
}

function token(sub: string): string {
  return signHs256({ sub, scope: 'chat:write', exp: seconds(Date.now()) + 600 });
}

async function main(): Promise<void> {
  const cycles = Number(process.argv[2] ?? 1_000);
  const concurrency = Number(process.argv[3] ?? 50);

  const chat = await startChatApp({}, (builder) => builder.overrideProvider(WS_AUTH_TIMER).useValue(refTimer));
  const scheduler = chat.app.get(DeadlineScheduler);
  let failedRefreshes = 0;

  // Connects, refreshes (waiting for the acknowledgement on odd cycles only) and disconnects.
  const cycle = async (index: number): Promise<void> => {
    const sub = `user-${index % 10}`;
    const socket: Socket = await connect(chat.chatUrl, { token: token(sub) });
    if (index % 2 === 1) {
      const ack = await emitWithAck<AuthRefreshAck>(socket, 'auth:refresh', { token: token(sub) });
      failedRefreshes += ack.ok ? 0 : 1;
    } else {
      socket.emit('auth:refresh', { token: token(sub) });
    }
    socket.close();
  };

  const resourcesBefore = countResources();
  const startedAt = Date.now();
  let peakTimers = 0;

  for (let start = 0; start < cycles; start += concurrency) {
    const size = Math.min(concurrency, cycles - start);
    await Promise.all(Array.from({ length: size }, (_, offset) => cycle(start + offset)));
    peakTimers = Math.max(peakTimers, countResources()['Timeout'] ?? 0);
  }

  // A leak makes these waits time out. The report then shows what was left behind.
  const settle = (condition: () => boolean, description: string): Promise<void> =>
    waitUntil(condition, description, 5_000).catch(() => undefined);
  await settle(() => scheduler.size === 0, 'the server has processed every disconnect');
  const baselineTimers = resourcesBefore['Timeout'] ?? 0;
  await settle(() => (countResources()['Timeout'] ?? 0) <= baselineTimers, 'the connections have released their timers');

  const report: LeakCheckReport = {
    cycles,
    failedRefreshes,
    resourcesBefore,
    resourcesAfter: countResources(),
    peakTimers,
    deadlinesAfter: scheduler.size,
    schedulerTimerArmedAfter: scheduler.timerArmed,
    durationMs: Date.now() - startedAt,
  };
  await chat.close();
  console.log(JSON.stringify(report));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
