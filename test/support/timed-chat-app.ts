import type { Socket } from 'socket.io-client';

import { DeadlineScheduler, WS_AUTH_CLOCK, WS_AUTH_TIMER, type WsAuthModuleOptions } from '../../src/ws-auth/index.js';
import { startChatApp, type RunningChatApp } from './chat-app.js';
import { ManualTimer } from './manual-timer.js';
import { TestClock } from './test-clock.js';
import { waitUntil } from './wait.js';

/** A demo chat application whose time the test controls. */
export interface TimedChatApp extends RunningChatApp {
  /** The clock of the application; it moves only when the test moves it. */
  clock: TestClock;
  scheduler: DeadlineScheduler;
  /** Moves the clock and runs the deadlines that are due, as the real timer would. */
  advance(ms: number): void;
  /** Closes `sockets`, emptying the array, and waits until the server has processed the disconnects. */
  closeSockets(sockets: Socket[]): Promise<void>;
}

/**
 * Starts the demo chat application with `clock` and a scheduler timer that never fires, so that
 * deadlines run only when the test calls `advance` or `scheduler.runDue()`.
 */
export async function startTimedChatApp(
  clock: TestClock = new TestClock(),
  options: Partial<WsAuthModuleOptions> = {},
): Promise<TimedChatApp> {
  const chat = await startChatApp(options, (builder) =>
    builder.overrideProvider(WS_AUTH_CLOCK).useValue(clock).overrideProvider(WS_AUTH_TIMER).useValue(new ManualTimer()),
  );
  const scheduler = chat.app.get(DeadlineScheduler);

  return {
    ...chat,
    clock,
    scheduler,
    advance(ms: number): void {
      clock.advance(ms);
      scheduler.runDue();
    },
    async closeSockets(sockets: Socket[]): Promise<void> {
      sockets.splice(0).forEach((socket) => socket.close());
      await waitUntil(() => scheduler.size === 0, 'the server has processed every disconnect');
    },
  };
}
