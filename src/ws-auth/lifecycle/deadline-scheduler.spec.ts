import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { SpiedFunction } from 'jest-mock';

import { ManualTimer } from '../../../test/support/manual-timer.js';
import { TestClock } from '../../../test/support/test-clock.js';
import { DeadlineScheduler, MAX_TIMER_DELAY_MS } from './deadline-scheduler.js';
import { type SchedulerTimer, systemTimer } from './scheduler-timer.js';

function setup(timer: SchedulerTimer = new ManualTimer()) {
  const clock = new TestClock(1_000_000);
  const scheduler = new DeadlineScheduler<string>(clock, timer);
  const ran: string[] = [];
  const task = (name: string) => () => {
    ran.push(name);
  };
  return { clock, scheduler, ran, task };
}

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

describe('DeadlineScheduler', () => {
  let logError: SpiedFunction<Logger['error']>;

  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    logError.mockRestore();
  });

  it('arms one timer for 10,000 deadlines', () => {
    const timer = new ManualTimer();
    const { clock, scheduler, task } = setup(timer);

    for (let i = 0; i < 10_000; i += 1) {
      scheduler.schedule(`socket-${i}`, clock.now() + 1_000 + (i % 500), task(`socket-${i}`));
    }

    expect(scheduler.size).toBe(10_000);
    expect(timer.activeCount).toBe(1);
    expect(timer.pendingDelay).toBe(1_000);
  });

  it('adds one active Node.js timer for 10,000 deadlines', () => {
    const refTimer: SchedulerTimer = {
      set: (callback, delayMs) => setTimeout(callback, delayMs),
      clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
    };
    const { clock, scheduler, task } = setup(refTimer);
    const baseline = activeTimeouts();

    for (let i = 0; i < 10_000; i += 1) {
      scheduler.schedule(`socket-${i}`, clock.now() + 60_000 - i, task(`socket-${i}`));
    }
    const whileScheduled = activeTimeouts();
    scheduler.stop();

    expect(whileScheduled).toBe(baseline + 1);
    expect(activeTimeouts()).toBe(baseline);
  });

  it('arms the timer for the earliest deadline', () => {
    const timer = new ManualTimer();
    const { clock, scheduler, task } = setup(timer);

    scheduler.schedule('late', clock.now() + 5_000, task('late'));
    scheduler.schedule('later', clock.now() + 9_000, task('later'));
    scheduler.schedule('early', clock.now() + 2_000, task('early'));

    expect(timer.delays).toEqual([5_000, 2_000]);
    expect(timer.activeCount).toBe(1);
    expect(scheduler.nextDeadline()).toBe(clock.now() + 2_000);
  });

  it('re-arms for the next deadline when the earliest is cancelled', () => {
    const timer = new ManualTimer();
    const { clock, scheduler, task } = setup(timer);
    scheduler.schedule('a', clock.now() + 1_000, task('a'));
    scheduler.schedule('b', clock.now() + 3_000, task('b'));

    expect(scheduler.cancel('a')).toBe(true);

    expect(timer.pendingDelay).toBe(3_000);
    expect(timer.activeCount).toBe(1);
  });

  it('clears the timer when the last deadline is cancelled', () => {
    const timer = new ManualTimer();
    const { clock, scheduler, task } = setup(timer);
    scheduler.schedule('a', clock.now() + 1_000, task('a'));

    scheduler.cancel('a');

    expect(timer.activeCount).toBe(0);
    expect(scheduler.timerArmed).toBe(false);
    expect(scheduler.cancel('a')).toBe(false);
  });

  it('replaces the deadline of a key scheduled again', () => {
    const timer = new ManualTimer();
    const { clock, scheduler, ran, task } = setup(timer);
    scheduler.schedule('socket', clock.now() + 1_000, task('first'));

    scheduler.schedule('socket', clock.now() + 4_000, task('second'));
    clock.advance(1_000);
    scheduler.runDue();

    expect(scheduler.size).toBe(1);
    expect(scheduler.deadlineOf('socket')).toBe(clock.now() + 3_000);
    expect(ran).toEqual([]);
    expect(timer.delays).toEqual([1_000, 4_000]);
    expect(timer.activeCount).toBe(1);
  });

  it('runs due tasks in deadline order and keeps the others', () => {
    const { clock, scheduler, ran, task } = setup();
    scheduler.schedule('c', clock.now() + 300, task('c'));
    scheduler.schedule('a', clock.now() + 100, task('a'));
    scheduler.schedule('b', clock.now() + 200, task('b'));
    scheduler.schedule('d', clock.now() + 400, task('d'));

    clock.advance(300);
    const count = scheduler.runDue();

    expect(count).toBe(3);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(scheduler.size).toBe(1);
    expect(scheduler.deadlineOf('a')).toBeUndefined();
  });

  it('runs due tasks when the timer fires', () => {
    const timer = new ManualTimer();
    const { clock, scheduler, ran, task } = setup(timer);
    scheduler.schedule('a', clock.now() + 1_000, task('a'));
    scheduler.schedule('b', clock.now() + 2_000, task('b'));

    clock.advance(1_000);
    timer.fire();

    expect(ran).toEqual(['a']);
    expect(timer.pendingDelay).toBe(1_000);
  });

  it('re-arms without running a task when the timer fires early', () => {
    const timer = new ManualTimer();
    const { clock, scheduler, ran, task } = setup(timer);
    scheduler.schedule('a', clock.now() + 1_000, task('a'));

    clock.advance(400);
    timer.fire();

    expect(ran).toEqual([]);
    expect(timer.activeCount).toBe(1);
    expect(timer.pendingDelay).toBe(600);
  });

  it('caps the delay of a far deadline at the setTimeout limit', () => {
    const timer = new ManualTimer();
    const { clock, scheduler, ran, task } = setup(timer);
    const thirtyDaysMs = 30 * 86_400_000;
    scheduler.schedule('far', clock.now() + thirtyDaysMs, task('far'));

    expect(timer.pendingDelay).toBe(MAX_TIMER_DELAY_MS);

    clock.advance(MAX_TIMER_DELAY_MS);
    timer.fire();

    expect(ran).toEqual([]);
    expect(timer.pendingDelay).toBe(thirtyDaysMs - MAX_TIMER_DELAY_MS);

    clock.advance(thirtyDaysMs - MAX_TIMER_DELAY_MS);
    timer.fire();

    expect(ran).toEqual(['far']);
  });

  it('arms with no delay for a deadline in the past', () => {
    const timer = new ManualTimer();
    const { clock, scheduler, ran, task } = setup(timer);

    scheduler.schedule('overdue', clock.now() - 5_000, task('overdue'));
    timer.fire();

    expect(timer.delays).toEqual([0]);
    expect(ran).toEqual(['overdue']);
    expect(timer.activeCount).toBe(0);
  });

  it('rejects a deadline that is not a finite number', () => {
    const { scheduler, task } = setup();

    expect(() => scheduler.schedule('a', Number.NaN, task('a'))).toThrow(
      'A deadline must be a finite time in milliseconds; received NaN.',
    );
    expect(() => scheduler.schedule('a', Number.POSITIVE_INFINITY, task('a'))).toThrow(RangeError);
    expect(scheduler.size).toBe(0);
  });

  it('logs a failing task and runs the others', () => {
    const { clock, scheduler, ran, task } = setup();
    scheduler.schedule('a', clock.now() + 1, () => {
      throw new Error('listener failed for eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9');
    });
    scheduler.schedule('b', clock.now() + 2, task('b'));

    clock.advance(2);
    const count = scheduler.runDue();

    expect(count).toBe(2);
    expect(ran).toEqual(['b']);
    expect(logError).toHaveBeenCalledTimes(1);
    const [line] = logError.mock.calls[0] as [string];
    expect(line).toContain('A scheduled task failed with Error: listener failed for [redacted]. The other');
    expect(line).not.toContain('eyJ');
  });

  it('leaves a deadline that a task schedules at now for the next run', () => {
    const timer = new ManualTimer();
    const { clock, scheduler, ran } = setup(timer);
    const reschedule = (): void => {
      ran.push('again');
      scheduler.schedule('loop', clock.now(), reschedule);
    };
    scheduler.schedule('loop', clock.now(), reschedule);

    expect(scheduler.runDue()).toBe(1);
    expect(scheduler.runDue()).toBe(1);

    expect(ran).toEqual(['again', 'again']);
    expect(scheduler.size).toBe(1);
    expect(timer.pendingDelay).toBe(0);
  });

  it('ignores a nested run', () => {
    const { clock, scheduler, ran, task } = setup();
    scheduler.schedule('a', clock.now(), () => {
      ran.push(`nested ran ${scheduler.runDue()}`);
    });
    scheduler.schedule('b', clock.now(), task('b'));

    expect(scheduler.runDue()).toBe(2);
    expect(ran).toEqual(['nested ran 0', 'b']);
  });

  it('cancels the timer and every deadline on stop', () => {
    const timer = new ManualTimer();
    const { clock, scheduler, ran, task } = setup(timer);
    scheduler.schedule('a', clock.now() + 1_000, task('a'));

    scheduler.onModuleDestroy();
    const accepted = scheduler.schedule('b', clock.now() + 1_000, task('b'));
    clock.advance(1_000);
    scheduler.runDue();

    expect(accepted).toBe(false);
    expect(scheduler.size).toBe(0);
    expect(timer.activeCount).toBe(0);
    expect(scheduler.timerArmed).toBe(false);
    expect(ran).toEqual([]);
  });
});

describe('systemTimer', () => {
  it('calls back through an unref()ed setTimeout', async () => {
    let handle: unknown;
    const called = new Promise<void>((resolve) => {
      handle = systemTimer.set(resolve, 0);
    });

    expect((handle as NodeJS.Timeout).hasRef()).toBe(false);
    await expect(called).resolves.toBeUndefined();
  });

  it('clears a pending call through clearTimeout', () => {
    const clearTimeoutSpy = jest.spyOn(globalThis, 'clearTimeout');
    const handle = systemTimer.set(() => undefined, 60_000);

    systemTimer.clear(handle);

    expect(clearTimeoutSpy).toHaveBeenCalledWith(handle);
    clearTimeoutSpy.mockRestore();
  });
});
