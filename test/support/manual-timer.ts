import type { SchedulerTimer } from '../../src/ws-auth/index.js';

/** A timer call that has been set and neither fired nor cleared. */
interface PendingCall {
  readonly id: number;
  readonly callback: () => void;
  readonly delayMs: number;
}

/**
 * A {@link SchedulerTimer} that never fires on its own: a test fires it, so that no test waits
 * for real time. It records every delay it was armed with.
 */
export class ManualTimer implements SchedulerTimer {
  /** Delay of every `set` call, in order. */
  readonly delays: number[] = [];
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 1;

  /** Number of calls set and not yet fired or cleared. */
  get activeCount(): number {
    return this.pending.size;
  }

  /** Delay of the pending call set last, or `undefined` when none is pending. */
  get pendingDelay(): number | undefined {
    return [...this.pending.values()].at(-1)?.delayMs;
  }

  set(callback: () => void, delayMs: number): number {
    const id = this.nextId;
    this.nextId += 1;
    this.pending.set(id, { id, callback, delayMs });
    this.delays.push(delayMs);
    return id;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Fires every pending call, as if their delays had passed; returns how many fired. */
  fire(): number {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) {
      call.callback();
    }
    return calls.length;
  }
}
