import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

import { type Clock, WS_AUTH_CLOCK } from '../clock/clock.js';
import { describeErrorForLog } from '../logging/redact.js';
import { DeadlineHeap } from './deadline-heap.js';
import { type SchedulerTimer, WS_AUTH_TIMER } from './scheduler-timer.js';

/** Maximum delay of `setTimeout` (2^31 - 1 ms, about 24.8 days). Node.js replaces a longer delay with 1 ms. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * Runs tasks at deadlines read from the injected clock, for any number of keys, with one real
 * timer.
 *
 * Each key has at most one deadline: scheduling a key again replaces its deadline and task.
 * The timer is armed for the earliest deadline only and re-armed when that changes, so 10,000
 * sockets cost one timer. A deadline more than {@link MAX_TIMER_DELAY_MS} away is reached in
 * several timer periods.
 *
 * {@link runDue} runs every task that is due at the clock's now. The timer calls it; a test that
 * moves a test clock calls it directly.
 */
@Injectable()
export class DeadlineScheduler<K = unknown> implements OnModuleDestroy {
  private readonly logger = new Logger('WsAuthScheduler');
  private readonly heap = new DeadlineHeap<K>();
  private nextSequence = 0;
  private timerHandle: unknown = undefined;
  private armedDeadline: number | undefined = undefined;
  private running = false;
  private stopped = false;

  constructor(
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(WS_AUTH_TIMER) private readonly timer: SchedulerTimer,
  ) {}

  /** Number of scheduled deadlines. */
  get size(): number {
    return this.heap.size;
  }

  /** Whether the real timer is armed. */
  get timerArmed(): boolean {
    return this.timerHandle !== undefined;
  }

  /** Returns the deadline of `key` in milliseconds since the epoch, or `undefined` when it has none. */
  deadlineOf(key: K): number | undefined {
    return this.heap.get(key)?.deadline;
  }

  /** Returns the earliest deadline, or `undefined` when nothing is scheduled. */
  nextDeadline(): number | undefined {
    return this.heap.peek()?.deadline;
  }

  /**
   * Runs `task` once the clock reaches `deadline` (milliseconds since the epoch), replacing the
   * deadline and task of `key` if it had one. A deadline at or before now runs at the next
   * {@link runDue}: the timer is armed with no delay for it.
   *
   * @returns `false` without scheduling when the scheduler is stopped, because the application
   *   is shutting down.
   * @throws RangeError when `deadline` is not a finite number.
   */
  schedule(key: K, deadline: number, task: () => void): boolean {
    if (!Number.isFinite(deadline)) {
      throw new RangeError(`A deadline must be a finite time in milliseconds; received ${String(deadline)}.`);
    }
    if (this.stopped) {
      return false;
    }

    this.heap.set({ key, deadline, sequence: this.nextSequence, task });
    this.nextSequence += 1;
    this.rearm();
    return true;
  }

  /** Removes the deadline of `key` and returns whether it had one. */
  cancel(key: K): boolean {
    const removed = this.heap.delete(key) !== undefined;
    if (removed) {
      this.rearm();
    }
    return removed;
  }

  /**
   * Runs, in deadline order, every task whose deadline is at or before the clock's now, then
   * arms the timer for the next deadline. Each entry is removed before its task runs. A task that
   * throws is logged and does not stop the others.
   *
   * The run stops at the first due deadline that one of its own tasks scheduled, so a task that
   * schedules itself again cannot keep this call from returning. That deadline, and the ones
   * after it, wait for the next run, for which the timer is armed with no delay.
   *
   * @returns the number of tasks run.
   */
  runDue(): number {
    if (this.running) {
      return 0;
    }

    this.running = true;
    let ran = 0;
    try {
      const now = this.clock.now();
      const firstLaterSequence = this.nextSequence;
      for (
        let entry = this.heap.peek();
        entry !== undefined && entry.deadline <= now && entry.sequence < firstLaterSequence;
        entry = this.heap.peek()
      ) {
        this.heap.delete(entry.key);
        ran += 1;
        this.runTask(entry.task);
      }
    } finally {
      this.running = false;
    }

    this.rearm();
    return ran;
  }

  /** Cancels the timer and every deadline. Later {@link schedule} calls are ignored. */
  stop(): void {
    this.stopped = true;
    this.heap.clear();
    this.disarm();
  }

  onModuleDestroy(): void {
    this.stop();
  }

  private runTask(task: () => void): void {
    try {
      task();
    } catch (error) {
      this.logger.error(`A scheduled task failed with ${describeErrorForLog(error)}. The other deadlines still run.`);
    }
  }

  /** Arms the timer for the earliest deadline, unless it is armed for it already or a run is in progress. */
  private rearm(): void {
    if (this.running || this.stopped) {
      return;
    }

    const next = this.heap.peek();
    if (next === undefined) {
      this.disarm();
      return;
    }
    if (this.timerHandle !== undefined && this.armedDeadline === next.deadline) {
      return;
    }

    this.disarm();
    const delayMs = Math.min(Math.max(next.deadline - this.clock.now(), 0), MAX_TIMER_DELAY_MS);
    this.armedDeadline = next.deadline;
    this.timerHandle = this.timer.set(() => this.onTimer(), delayMs);
  }

  private disarm(): void {
    if (this.timerHandle !== undefined) {
      this.timer.clear(this.timerHandle);
      this.timerHandle = undefined;
      this.armedDeadline = undefined;
    }
  }

  private onTimer(): void {
    this.timerHandle = undefined;
    this.armedDeadline = undefined;
    this.runDue();
  }
}
