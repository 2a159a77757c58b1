import fc from 'fast-check';

import { AuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { CircuitBreaker, type CircuitListenerErrorHandler } from './circuit-breaker.js';
import { resolveCircuitBreakerOptions, type CircuitBreakerOptions } from './circuit-breaker.options.js';
import { CircuitOpenError } from './circuit-open.error.js';
import type { CircuitStateChange } from './circuit-state.js';

/** Clock that moves only when a test sets `time`. */
interface TestClock {
  time: number;
  now(): number;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

function unavailable(reason = 'timeout'): AuthUnavailableError {
  return new AuthUnavailableError(reason, `Dependency call failed: ${reason}.`);
}

function setup(overrides: Partial<CircuitBreakerOptions> = {}, onListenerError?: CircuitListenerErrorHandler) {
  const clock: TestClock = {
    time: 0,
    now() {
      return this.time;
    },
  };
  const breaker = new CircuitBreaker('jwks', resolveCircuitBreakerOptions(overrides), clock, onListenerError);
  const events: CircuitStateChange[] = [];
  breaker.onStateChange((event) => events.push(event));

  /** Runs a call that succeeds and checks that its value comes back. */
  async function succeed(): Promise<void> {
    await expect(breaker.execute(() => Promise.resolve('ok'))).resolves.toBe('ok');
  }

  /** Runs a call that fails with an `AuthUnavailableError` and checks that the same error comes back. */
  async function fail(reason = 'timeout'): Promise<void> {
    const error = unavailable(reason);
    await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
  }

  /** Runs `times` failing calls. */
  async function failTimes(times: number, reason = 'timeout'): Promise<void> {
    for (let i = 0; i < times; i += 1) {
      await fail(reason);
    }
  }

  /** Runs an error that does not count as a failure and checks that it comes back unchanged. */
  async function throwUncounted(): Promise<void> {
    const error = new Error('Token signature is invalid.');
    await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
  }

  /** Starts a call that settles only when the test resolves or rejects `settled`. */
  function startSlowCall(): { settled: Deferred<string>; result: Promise<string> } {
    const settled = deferred<string>();
    const result = breaker.execute(() => settled.promise);
    return { settled, result };
  }

  /** Tries a call and returns how often the breaker ran it and the promise it returned. */
  function tryCall(): { runs: () => number; result: Promise<string> } {
    let runs = 0;
    const result = breaker.execute(() => {
      runs += 1;
      return Promise.resolve('ok');
    });
    return { runs: () => runs, result };
  }

  /** Opens the breaker with five failures at the current time. */
  async function open(): Promise<void> {
    await failTimes(5);
    expect(breaker.snapshot().state).toBe('open');
  }

  return { clock, breaker, events, succeed, fail, failTimes, throwUncounted, startSlowCall, tryCall, open };
}

describe('CircuitBreaker', () => {
  describe('closed', () => {
    it('runs calls and returns their values', async () => {
      const { breaker, tryCall } = setup();
      const attempt = tryCall();

      await expect(attempt.result).resolves.toBe('ok');
      expect(attempt.runs()).toBe(1);
      expect(breaker.snapshot()).toMatchObject({ state: 'closed', calls: 1, failures: 0 });
    });

    it('opens after five failures in the window', async () => {
      const { breaker, failTimes, fail } = setup();

      await failTimes(4);
      expect(breaker.snapshot().state).toBe('closed');

      await fail();
      expect(breaker.snapshot().state).toBe('open');
    });

    it('stays closed below the minimum calls', async () => {
      const { breaker, failTimes } = setup({ minimumCalls: 5 });

      await failTimes(4);

      expect(breaker.snapshot()).toMatchObject({ state: 'closed', calls: 4, failures: 4, failureRate: 1 });
    });

    it('opens exactly at the threshold', async () => {
      const { breaker, succeed, fail } = setup({ minimumCalls: 5, failureThreshold: 0.6 });
      await succeed();
      await succeed();
      await fail();
      await fail();
      expect(breaker.snapshot().state).toBe('closed');

      await fail();

      expect(breaker.snapshot().state).toBe('open');
      expect(breaker.snapshot().failureRate).toBe(0.6);
    });

    it('stays closed just below the threshold', async () => {
      const { breaker, succeed, failTimes } = setup({ minimumCalls: 5, failureThreshold: 0.5 });
      for (let i = 0; i < 5; i += 1) {
        await succeed();
      }

      await failTimes(4);

      expect(breaker.snapshot()).toMatchObject({ state: 'closed', calls: 9, failures: 4 });
    });

    it('checks the threshold only on failure', async () => {
      const { breaker, events, failTimes, succeed, fail } = setup();
      await failTimes(4);

      await succeed();
      expect(breaker.snapshot()).toMatchObject({ state: 'closed', calls: 5, failures: 4 });

      await fail();
      expect(breaker.snapshot().state).toBe('open');
      expect(events[0]).toMatchObject({ failures: 5, calls: 6 });
    });

    it('never opens on fifty uncounted errors', async () => {
      const { breaker, throwUncounted } = setup();

      for (let i = 0; i < 50; i += 1) {
        await throwUncounted();
      }

      expect(breaker.snapshot()).toMatchObject({ state: 'closed', calls: 0, failures: 0 });
    });

    it('counts errors that isFailure accepts', async () => {
      const { breaker } = setup();
      const error = new Error('Connection reset.');

      for (let i = 0; i < 5; i += 1) {
        await expect(breaker.execute(() => Promise.reject(error), () => true)).rejects.toBe(error);
      }

      expect(breaker.snapshot()).toMatchObject({ state: 'open', lastFailureReason: 'error' });
    });

    it('skips errors that isFailure rejects', async () => {
      const { breaker } = setup();

      for (let i = 0; i < 5; i += 1) {
        await expect(breaker.execute(() => Promise.reject(unavailable()), () => false)).rejects.toThrow(
          AuthUnavailableError,
        );
      }

      expect(breaker.snapshot()).toMatchObject({ state: 'closed', calls: 0 });
    });

    it('rethrows an isFailure error without recording', async () => {
      const { breaker } = setup();
      const predicateError = new Error('isFailure is broken.');

      const result = breaker.execute(
        () => Promise.reject(unavailable()),
        () => {
          throw predicateError;
        },
      );

      await expect(result).rejects.toBe(predicateError);
      expect(breaker.snapshot().calls).toBe(0);
    });

    it('catches a call that throws synchronously', async () => {
      const { breaker } = setup();
      const error = unavailable();

      const result = breaker.execute((): Promise<string> => {
        throw error;
      });

      await expect(result).rejects.toBe(error);
      expect(breaker.snapshot().failures).toBe(1);
    });

    it('ignores its own nested rejection', async () => {
      const { breaker } = setup();

      for (let i = 0; i < 10; i += 1) {
        const rejection = new CircuitOpenError('jwks', 'circuit_open');
        await expect(breaker.execute(() => Promise.reject(rejection))).rejects.toBe(rejection);
      }

      expect(breaker.snapshot()).toMatchObject({ state: 'closed', calls: 0 });
    });

    it('counts the rejection of another breaker', async () => {
      const { breaker } = setup();

      for (let i = 0; i < 5; i += 1) {
        const rejection = new CircuitOpenError('introspection', 'circuit_open');
        await expect(breaker.execute(() => Promise.reject(rejection))).rejects.toBe(rejection);
      }

      expect(breaker.snapshot()).toMatchObject({ state: 'open', lastFailureReason: 'circuit_open' });
    });

    it('opens on ten failures within ten seconds', async () => {
      const offsets = fc.array(fc.integer({ min: 0, max: 9_999 }), { minLength: 10, maxLength: 10 });

      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), offsets, async (start, spread) => {
          const { breaker, clock, fail } = setup();

          for (const offset of [...spread].sort((a, b) => a - b)) {
            clock.time = start + offset;
            if (breaker.snapshot().state === 'open') {
              return;
            }
            await fail();
          }
          expect(breaker.snapshot().state).toBe('open');
        }),
      );
    });

    it('opens on five failures within nine seconds', async () => {
      const offsets = fc.array(fc.integer({ min: 0, max: 9_000 }), { minLength: 5, maxLength: 5 });

      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), offsets, async (start, spread) => {
          const { breaker, clock, fail } = setup();

          for (const offset of [...spread].sort((a, b) => a - b)) {
            clock.time = start + offset;
            await fail();
          }
          expect(breaker.snapshot().state).toBe('open');
        }),
      );
    });
  });

  describe('rolling window', () => {
    it('ages failures out bucket by bucket', async () => {
      const { breaker, clock, failTimes } = setup({ minimumCalls: 10 });
      await failTimes(2);
      clock.time = 1_000;
      await failTimes(2);

      clock.time = 9_999;
      expect(breaker.snapshot().failures).toBe(4);
      clock.time = 10_000;
      expect(breaker.snapshot().failures).toBe(2);
      clock.time = 10_999;
      expect(breaker.snapshot().failures).toBe(2);
      clock.time = 11_000;
      expect(breaker.snapshot().failures).toBe(0);
    });

    it('counts a failure until the window ends', async () => {
      const { breaker, clock, failTimes, fail } = setup();
      await failTimes(4);

      clock.time = 9_999;
      await fail();

      expect(breaker.snapshot().state).toBe('open');
    });

    it('forgets a failure exactly at the window end', async () => {
      const { breaker, clock, failTimes, fail } = setup();
      await failTimes(4);

      clock.time = 10_000;
      await fail();

      expect(breaker.snapshot()).toMatchObject({ state: 'closed', failures: 1 });
    });

    it('drops a late failure with its bucket', async () => {
      const { breaker, clock, fail } = setup();
      clock.time = 999;
      await fail();

      clock.time = 9_999;
      expect(breaker.snapshot().failures).toBe(1);
      clock.time = 10_000;
      expect(breaker.snapshot().failures).toBe(0);
    });
  });

  describe('open', () => {
    it('rejects without running the call', async () => {
      const { open, tryCall } = setup();
      await open();

      const attempt = tryCall();

      await expect(attempt.result).rejects.toThrow(CircuitOpenError);
      await expect(attempt.result).rejects.toMatchObject({
        reason: 'circuit_open',
        breakerName: 'jwks',
        breakerState: 'open',
      });
      expect(attempt.runs()).toBe(0);
    });

    it('does not record its rejections', async () => {
      const { breaker, open, tryCall } = setup();
      await open();

      await expect(tryCall().result).rejects.toMatchObject({ reason: 'circuit_open' });

      expect(breaker.snapshot()).toMatchObject({ calls: 5, failures: 5 });
    });

    it('stays open 1 ms before the reset timeout', async () => {
      const { breaker, clock, open, tryCall } = setup();
      await open();

      clock.time = 29_999;
      const attempt = tryCall();

      await expect(attempt.result).rejects.toMatchObject({ reason: 'circuit_open' });
      expect(attempt.runs()).toBe(0);
      expect(breaker.snapshot().state).toBe('open');
    });

    it('admits a probe exactly at the reset timeout', async () => {
      const { clock, open, startSlowCall, tryCall } = setup();
      await open();

      clock.time = 30_000;
      const probe = startSlowCall();
      const other = tryCall();

      await expect(other.result).rejects.toMatchObject({ reason: 'circuit_open', breakerState: 'half-open' });
      expect(other.runs()).toBe(0);
      probe.settled.resolve('probe');
      await expect(probe.result).resolves.toBe('probe');
    });
  });

  describe('half-open', () => {
    it('admits one probe and rejects concurrent calls', async () => {
      const { breaker, clock, open, startSlowCall, tryCall } = setup();
      await open();
      clock.time = 30_000;

      const probe = startSlowCall();
      const others = [tryCall(), tryCall(), tryCall()];

      for (const other of others) {
        await expect(other.result).rejects.toMatchObject({ reason: 'circuit_open' });
        expect(other.runs()).toBe(0);
      }
      expect(breaker.snapshot().state).toBe('half-open');
      probe.settled.resolve('probe');
      await probe.result;
    });

    it('admits three probes with halfOpenMaxProbes 3', async () => {
      const { clock, open, tryCall, startSlowCall } = setup({ halfOpenMaxProbes: 3 });
      await open();
      clock.time = 30_000;

      const probes = [startSlowCall(), startSlowCall(), startSlowCall()];
      const fourth = tryCall();

      await expect(fourth.result).rejects.toMatchObject({ reason: 'circuit_open' });
      expect(fourth.runs()).toBe(0);
      for (const probe of probes) {
        probe.settled.resolve('probe');
        await expect(probe.result).resolves.toBe('probe');
      }
    });

    it('closes with an empty window after a successful probe', async () => {
      const { breaker, clock, open, succeed, failTimes } = setup();
      await open();
      clock.time = 30_000;

      await succeed();

      expect(breaker.snapshot()).toMatchObject({ state: 'closed', openedAt: null, calls: 0, failures: 0 });
      await failTimes(4);
      expect(breaker.snapshot().state).toBe('closed');
    });

    it('reopens from the time of a failed probe', async () => {
      const { breaker, clock, open, startSlowCall, tryCall } = setup();
      await open();
      clock.time = 30_000;
      const probe = startSlowCall();

      clock.time = 30_500;
      probe.settled.reject(unavailable('http_503'));
      await expect(probe.result).rejects.toMatchObject({ reason: 'http_503' });
      expect(breaker.snapshot()).toMatchObject({ state: 'open', openedAt: 30_500 });

      clock.time = 60_499;
      const early = tryCall();
      await expect(early.result).rejects.toMatchObject({ reason: 'circuit_open' });
      expect(early.runs()).toBe(0);

      clock.time = 60_500;
      const next = tryCall();
      await expect(next.result).resolves.toBe('ok');
      expect(next.runs()).toBe(1);
    });

    it('stays half-open after an uncounted probe outcome', async () => {
      const { breaker, clock, open, throwUncounted, tryCall } = setup();
      await open();
      clock.time = 30_000;

      await throwUncounted();
      expect(breaker.snapshot().state).toBe('half-open');

      const next = tryCall();
      await expect(next.result).resolves.toBe('ok');
      expect(next.runs()).toBe(1);
      expect(breaker.snapshot().state).toBe('closed');
    });

    it('frees the probe slot when isFailure throws', async () => {
      const { breaker, clock, open, tryCall } = setup();
      await open();
      clock.time = 30_000;

      const result = breaker.execute(
        () => Promise.reject(unavailable()),
        () => {
          throw new Error('isFailure is broken.');
        },
      );
      await expect(result).rejects.toThrow('isFailure is broken.');

      const next = tryCall();
      await expect(next.result).resolves.toBe('ok');
      expect(next.runs()).toBe(1);
    });
  });

  describe('slow calls', () => {
    it('ignores a stale success', async () => {
      const { breaker, clock, startSlowCall, failTimes } = setup();
      const slow = startSlowCall();
      clock.time = 100;
      await failTimes(5);

      clock.time = 200;
      slow.settled.resolve('late');

      await expect(slow.result).resolves.toBe('late');
      expect(breaker.snapshot()).toMatchObject({ state: 'open', openedAt: 100, calls: 5 });
    });

    it('ignores a stale failure while open', async () => {
      const { breaker, clock, startSlowCall, failTimes, tryCall } = setup();
      const slow = startSlowCall();
      clock.time = 100;
      await failTimes(5);

      clock.time = 20_000;
      slow.settled.reject(unavailable());
      await expect(slow.result).rejects.toMatchObject({ reason: 'timeout' });
      expect(breaker.snapshot()).toMatchObject({ state: 'open', openedAt: 100, lastFailureAt: 100 });

      clock.time = 30_100;
      await expect(tryCall().result).resolves.toBe('ok');
    });

    it('ignores a stale failure while half-open', async () => {
      const { breaker, clock, startSlowCall, failTimes, events } = setup();
      const slow = startSlowCall();
      clock.time = 100;
      await failTimes(5);
      clock.time = 30_100;
      const probe = startSlowCall();

      slow.settled.reject(unavailable());
      await expect(slow.result).rejects.toThrow(AuthUnavailableError);
      expect(breaker.snapshot().state).toBe('half-open');

      probe.settled.resolve('probe');
      await probe.result;
      expect(breaker.snapshot().state).toBe('closed');
      expect(events.map((event) => event.to)).toEqual(['open', 'half-open', 'closed']);
    });

    it('ignores a probe after another failed', async () => {
      const { breaker, clock, open, startSlowCall } = setup({ halfOpenMaxProbes: 2 });
      await open();
      clock.time = 30_000;
      const first = startSlowCall();
      const second = startSlowCall();

      first.settled.reject(unavailable());
      await expect(first.result).rejects.toThrow(AuthUnavailableError);
      second.settled.resolve('late');
      await second.result;

      expect(breaker.snapshot()).toMatchObject({ state: 'open', openedAt: 30_000 });
    });
  });

  describe('operator controls', () => {
    it('isolate rejects every call as isolated', async () => {
      const { breaker, clock, tryCall } = setup();

      breaker.isolate();
      clock.time = 1_000_000;
      const attempt = tryCall();

      await expect(attempt.result).rejects.toMatchObject({ reason: 'isolated', breakerName: 'jwks' });
      expect(attempt.runs()).toBe(0);
      expect(breaker.snapshot()).toMatchObject({ state: 'open', isolated: true, openedAt: 0 });
    });

    it('reset closes an isolated breaker', async () => {
      const { breaker, tryCall, failTimes } = setup();
      await failTimes(3);
      breaker.isolate();

      breaker.reset();

      expect(breaker.snapshot()).toMatchObject({ state: 'closed', isolated: false, calls: 0, openedAt: null });
      await expect(tryCall().result).resolves.toBe('ok');
    });

    it('isolate keeps an earlier openedAt', async () => {
      const { breaker, clock, events, open } = setup();
      await open();

      clock.time = 5_000;
      breaker.isolate();

      expect(breaker.snapshot()).toMatchObject({ state: 'open', isolated: true, openedAt: 0 });
      expect(events[1]).toMatchObject({ from: 'open', to: 'open', trigger: 'isolate', at: 5_000 });
    });

    it('isolate of a half-open breaker opens it now', async () => {
      const { breaker, clock, open, startSlowCall } = setup();
      await open();
      clock.time = 30_000;
      const probe = startSlowCall();

      clock.time = 30_001;
      breaker.isolate();
      probe.settled.resolve('probe');
      await probe.result;

      expect(breaker.snapshot()).toMatchObject({ state: 'open', isolated: true, openedAt: 30_001 });
    });

    it('isolate twice emits one event', () => {
      const { breaker, events } = setup();

      breaker.isolate();
      breaker.isolate();

      expect(events).toHaveLength(1);
    });

    it('reset empties a closed window silently', async () => {
      const { breaker, events, failTimes } = setup();
      await failTimes(3);

      breaker.reset();

      expect(breaker.snapshot()).toMatchObject({ state: 'closed', calls: 0 });
      expect(events).toHaveLength(0);
    });

    it('reset ignores calls already running', async () => {
      const { breaker, startSlowCall } = setup();
      const slow = startSlowCall();

      breaker.reset();
      slow.settled.reject(unavailable());
      await expect(slow.result).rejects.toThrow(AuthUnavailableError);

      expect(breaker.snapshot().calls).toBe(0);
    });
  });

  describe('state change events', () => {
    it('reports every change with its figures', async () => {
      const { breaker, clock, events, failTimes, succeed } = setup();
      for (let i = 0; i < 5; i += 1) {
        await succeed();
      }
      clock.time = 2_000;
      await failTimes(5, 'http_503');

      clock.time = 32_000;
      await succeed();
      clock.time = 33_000;
      breaker.isolate();
      breaker.reset();

      expect(events).toEqual([
        { name: 'jwks', from: 'closed', to: 'open', trigger: 'failure-threshold', at: 2_000, failures: 5, calls: 10, reason: 'http_503' },
        { name: 'jwks', from: 'open', to: 'half-open', trigger: 'reset-timeout', at: 32_000, failures: 0, calls: 0, reason: null },
        { name: 'jwks', from: 'half-open', to: 'closed', trigger: 'probe-succeeded', at: 32_000, failures: 0, calls: 0, reason: null },
        { name: 'jwks', from: 'closed', to: 'open', trigger: 'isolate', at: 33_000, failures: 0, calls: 0, reason: null },
        { name: 'jwks', from: 'open', to: 'closed', trigger: 'reset', at: 33_000, failures: 0, calls: 0, reason: null },
      ]);
    });

    it('reports a failed probe', async () => {
      const { clock, events, open, fail } = setup({ resetTimeoutMs: 5_000 });
      await open();

      clock.time = 5_000;
      await fail('dns');

      expect(events.at(-1)).toEqual({
        name: 'jwks',
        from: 'half-open',
        to: 'open',
        trigger: 'probe-failed',
        at: 5_000,
        failures: 6,
        calls: 6,
        reason: 'dns',
      });
    });

    it('keeps working when a listener throws', async () => {
      const handled: [unknown, CircuitStateChange][] = [];
      const { breaker, open } = setup({}, (error, event) => handled.push([error, event]));
      const listenerError = new Error('Metrics backend is down.');
      const received: CircuitStateChange[] = [];
      breaker.onStateChange(() => {
        throw listenerError;
      });
      breaker.onStateChange((event) => received.push(event));

      await open();

      expect(received).toHaveLength(1);
      expect(handled).toHaveLength(1);
      expect(handled[0]?.[0]).toBe(listenerError);
      expect(handled[0]?.[1]).toMatchObject({ to: 'open' });
    });

    it('drops listener errors without a handler', async () => {
      const { breaker, open } = setup();
      breaker.onStateChange(() => {
        throw new Error('Listener failed.');
      });

      await open();

      expect(breaker.snapshot().state).toBe('open');
    });

    it('stops notifying after unsubscribe', async () => {
      const { breaker, open } = setup();
      const received: CircuitStateChange[] = [];
      const unsubscribe = breaker.onStateChange((event) => received.push(event));

      unsubscribe();
      await open();

      expect(received).toHaveLength(0);
    });

    it('ignores a probe whose state a listener ended', async () => {
      const { breaker, clock, open, startSlowCall } = setup();
      await open();
      breaker.onStateChange((event) => {
        if (event.to === 'half-open') {
          breaker.isolate();
        }
      });

      clock.time = 30_000;
      const probe = startSlowCall();
      probe.settled.resolve('probe');

      await expect(probe.result).resolves.toBe('probe');
      expect(breaker.snapshot()).toMatchObject({ state: 'open', isolated: true });
    });
  });

  describe('snapshot', () => {
    it('reports half-open without changing state', async () => {
      const { breaker, clock, events, open } = setup();
      await open();

      clock.time = 29_999;
      expect(breaker.snapshot().state).toBe('open');
      clock.time = 30_000;
      expect(breaker.snapshot()).toMatchObject({ state: 'half-open', openedAt: 0, isolated: false });
      expect(events).toHaveLength(1);
    });

    it('reports when an open breaker admits a probe', async () => {
      const { breaker, clock, open } = setup({ resetTimeoutMs: 5_000 });
      expect(breaker.snapshot().probeAt).toBeNull();

      clock.time = 1_000;
      await open();

      expect(breaker.snapshot()).toMatchObject({ state: 'open', openedAt: 1_000, probeAt: 6_000 });
      clock.time = 6_000;
      expect(breaker.snapshot()).toMatchObject({ state: 'half-open', probeAt: null });
    });

    it('reports no probe time while isolated', () => {
      const { breaker } = setup();

      breaker.isolate();

      expect(breaker.snapshot()).toMatchObject({ state: 'open', isolated: true, probeAt: null });
    });

    it('reports figures and the last failure', async () => {
      const { breaker, clock, succeed, fail } = setup();
      await succeed();
      await succeed();
      await succeed();
      clock.time = 1_500;
      await fail('http_503');

      expect(breaker.snapshot()).toEqual({
        name: 'jwks',
        state: 'closed',
        openedAt: null,
        probeAt: null,
        calls: 4,
        failures: 1,
        failureRate: 0.25,
        lastFailureReason: 'http_503',
        lastFailureAt: 1_500,
        isolated: false,
      });
    });

    it('reports no failure before the first', () => {
      const { breaker } = setup();

      expect(breaker.snapshot()).toMatchObject({ failureRate: 0, lastFailureReason: null, lastFailureAt: null });
    });
  });

  describe('constructor', () => {
    const clock = { now: () => 0 };

    it.each([
      ['an empty name', '', '""'],
      ['upper case', 'JWKS', '"JWKS"'],
      ['a space', 'jw ks', '"jw ks"'],
      ['a slash', 'jwks/1', '"jwks/1"'],
      ['65 characters', 'a'.repeat(65), `"${'a'.repeat(65)}"`],
    ])('rejects a name with %s', (_kind, name, received) => {
      expect(() => new CircuitBreaker(name, resolveCircuitBreakerOptions(undefined), clock)).toThrow(TypeError);
      expect(() => new CircuitBreaker(name, resolveCircuitBreakerOptions(undefined), clock)).toThrow(
        `Circuit breaker name must be 1 to 64 characters of a-z, 0-9, "_" and "-", such as "jwks"; received ${received}.`,
      );
    });

    it('rejects a name that is not a string', () => {
      const name = 42 as unknown as string;

      expect(() => new CircuitBreaker(name, resolveCircuitBreakerOptions(undefined), clock)).toThrow(
        'received a value of type number.',
      );
    });

    it('accepts a 64-character name', () => {
      const name = `${'a'.repeat(60)}_0-9`;

      expect(new CircuitBreaker(name, resolveCircuitBreakerOptions(undefined), clock).name).toBe(name);
    });

    it('validates its options', () => {
      const options = { ...resolveCircuitBreakerOptions(undefined), resetTimeoutMs: -5 };

      expect(() => new CircuitBreaker('jwks', options, clock)).toThrow(RangeError);
      expect(() => new CircuitBreaker('jwks', options, clock)).toThrow('breaker.resetTimeoutMs');
    });
  });
});
