import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';

import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import type { ResolvedWsAuthOptions } from '../options/resolve-options.js';
import { AuthFailureLog } from './auth-failure-log.js';

const T0 = Date.UTC(2030, 0, 1);
const INTERVAL_MS = 60_000;

interface LogLine {
  readonly level: 'log' | 'warn';
  readonly context: string | undefined;
  readonly message: string;
}

function setup(intervalMs = INTERVAL_MS) {
  const clock = { t: T0, now: () => clock.t };
  const options = { logging: { failureSummaryIntervalMs: intervalMs } } as ResolvedWsAuthOptions;
  const lines: LogLine[] = [];
  const capture = (level: LogLine['level']) =>
    function (this: Logger, message: unknown) {
      const context = (this as unknown as { context?: string }).context;
      lines.push({ level, context, message: String(message) });
    };
  jest.spyOn(Logger.prototype, 'log').mockImplementation(capture('log'));
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(capture('warn'));

  const failures = new AuthFailureLog(clock, options);
  return { clock, failures, lines };
}

describe('AuthFailureLog', () => {
  const stopped: AuthFailureLog[] = [];

  function started(intervalMs?: number): ReturnType<typeof setup> {
    const context = setup(intervalMs);
    stopped.push(context.failures);
    return context;
  }

  afterEach(() => {
    // Clears the timers that a test left scheduled.
    stopped.splice(0).forEach((failures) => failures.onModuleDestroy());
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('logs the first failure at once', () => {
    const { failures, lines } = started();

    failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);

    expect(lines).toEqual([
      {
        level: 'log',
        context: 'WsAuth',
        message: '1 authentication failure since 2030-01-01T00:00:00.000Z: TOKEN_INVALID 1 (handshake 1).',
      },
    ]);
  });

  it('counts later failures until the interval has passed', () => {
    const { clock, failures, lines } = started();
    failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);

    for (let i = 0; i < 500; i += 1) {
      clock.t += 10;
      failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);
    }
    clock.t = T0 + INTERVAL_MS - 1;

    expect(failures.flushIfDue()).toBe(false);
    expect(lines).toHaveLength(1);
  });

  it('writes the summary once the interval has passed', () => {
    const { clock, failures, lines } = started();
    failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);
    clock.t += 1_000;
    failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);
    failures.record('message', WsAuthErrorCode.TOKEN_EXPIRED);
    failures.record('handshake', WsAuthErrorCode.TOKEN_EXPIRED);

    clock.t = T0 + INTERVAL_MS;

    expect(failures.flushIfDue()).toBe(true);
    expect(lines.map((line) => line.message)).toEqual([
      '1 authentication failure since 2030-01-01T00:00:00.000Z: TOKEN_INVALID 1 (handshake 1).',
      '3 authentication failures since 2030-01-01T00:00:01.000Z: TOKEN_EXPIRED 2 (message 1, handshake 1), ' +
        'TOKEN_INVALID 1 (handshake 1).',
    ]);
  });

  it('writes the summary with the first failure after the interval', () => {
    const { clock, failures, lines } = started();
    failures.record('handshake', WsAuthErrorCode.TOKEN_MISSING);
    clock.t += 5_000;
    failures.record('handshake', WsAuthErrorCode.TOKEN_MISSING);

    clock.t = T0 + INTERVAL_MS;
    failures.record('message', WsAuthErrorCode.FORBIDDEN);

    expect(lines).toHaveLength(2);
    expect(lines[1]?.message).toBe(
      '2 authentication failures since 2030-01-01T00:00:05.000Z: FORBIDDEN 1 (message 1), TOKEN_MISSING 1 (handshake 1).',
    );
  });

  it('writes at most one line per interval', () => {
    const { clock, failures, lines } = started();

    for (let second = 0; second < 180; second += 1) {
      clock.t = T0 + second * 1_000;
      failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);
      failures.flushIfDue();
    }

    expect(lines).toHaveLength(3);
  });

  it('writes nothing when no failure is pending', () => {
    const { clock, failures, lines } = started();
    failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);

    clock.t += 10 * INTERVAL_MS;

    expect(failures.flushIfDue()).toBe(false);
    expect(lines).toHaveLength(1);
  });

  it('warns and lists the causes when authentication was unavailable', () => {
    const { clock, failures, lines } = started();
    failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);
    failures.recordUnavailableCause('timeout');
    failures.recordUnavailableCause('timeout');
    failures.recordUnavailableCause('circuit_open');
    failures.record('handshake', WsAuthErrorCode.AUTH_UNAVAILABLE);
    failures.record('handshake', WsAuthErrorCode.AUTH_UNAVAILABLE);
    failures.record('refresh', WsAuthErrorCode.AUTH_UNAVAILABLE);

    clock.t += INTERVAL_MS;
    failures.flushIfDue();

    expect(lines[0]?.level).toBe('log');
    expect(lines[1]).toEqual({
      level: 'warn',
      context: 'WsAuth',
      message:
        '3 authentication failures since 2030-01-01T00:00:00.000Z: AUTH_UNAVAILABLE 3 (handshake 2, refresh 1). ' +
        'AUTH_UNAVAILABLE causes: timeout 2, circuit_open 1.',
    });
  });

  it('redacts token-like causes and replaces control characters', () => {
    const { failures, lines } = started();
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

    failures.recordUnavailableCause(`rejected ${token}\nforged line`);
    failures.recordUnavailableCause('');
    failures.record('handshake', WsAuthErrorCode.AUTH_UNAVAILABLE);

    expect(lines[0]?.message).toContain('AUTH_UNAVAILABLE causes: rejected [redacted]?forged line 1, unspecified 1.');
    expect(lines[0]?.message).not.toContain(token);
  });

  it('shortens a long cause to 64 characters', () => {
    const { failures, lines } = started();

    failures.recordUnavailableCause(`${'a b '.repeat(30)}`);
    failures.record('handshake', WsAuthErrorCode.AUTH_UNAVAILABLE);

    expect(lines[0]?.message).toContain(`causes: ${'a b '.repeat(16)}... 1.`);
  });

  it('lists eight causes and counts the rest as other', () => {
    const { failures, lines } = started();

    for (let cause = 1; cause <= 10; cause += 1) {
      failures.recordUnavailableCause(`http_50${cause}`);
    }
    failures.recordUnavailableCause('http_501');
    failures.record('handshake', WsAuthErrorCode.AUTH_UNAVAILABLE);

    expect(lines[0]?.message).toContain(
      'causes: http_501 2, http_502 1, http_503 1, http_504 1, http_505 1, http_506 1, http_507 1, http_508 1, other 2.',
    );
  });

  it('writes the pending failures at shutdown', () => {
    const { failures, lines } = started();
    failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);
    failures.record('message', WsAuthErrorCode.TOKEN_EXPIRED);

    failures.onModuleDestroy();

    expect(lines.map((line) => line.message)).toEqual([
      '1 authentication failure since 2030-01-01T00:00:00.000Z: TOKEN_INVALID 1 (handshake 1).',
      '1 authentication failure since 2030-01-01T00:00:00.000Z: TOKEN_EXPIRED 1 (message 1).',
    ]);
  });

  describe('timer', () => {
    it('schedules an unref()ed check for the end of the interval', () => {
      const setTimeoutSpy = jest.spyOn(globalThis, 'setTimeout');
      const { failures } = started();
      failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);

      failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);

      expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
      expect(setTimeoutSpy.mock.calls[0]?.[1]).toBe(INTERVAL_MS);
      const timer = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
    });

    it('writes the summary when it fires after the clock reached the interval', () => {
      jest.useFakeTimers();
      const { clock, failures, lines } = started();
      failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);
      failures.record('handshake', WsAuthErrorCode.TOKEN_EXPIRED);

      clock.t += INTERVAL_MS;
      jest.advanceTimersByTime(INTERVAL_MS);

      expect(lines).toHaveLength(2);
      expect(lines[1]?.message).toContain('TOKEN_EXPIRED 1 (handshake 1)');
    });

    it('checks again while the clock is behind the timers', () => {
      jest.useFakeTimers();
      const { clock, failures, lines } = started();
      failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);
      failures.record('handshake', WsAuthErrorCode.TOKEN_EXPIRED);

      jest.advanceTimersByTime(3 * INTERVAL_MS);
      expect(lines).toHaveLength(1);
      expect(jest.getTimerCount()).toBe(1);

      clock.t += INTERVAL_MS;
      jest.advanceTimersByTime(INTERVAL_MS);
      expect(lines).toHaveLength(2);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('clears the timer at shutdown', () => {
      jest.useFakeTimers();
      const { failures } = started();
      failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);
      failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);

      failures.onModuleDestroy();

      expect(jest.getTimerCount()).toBe(0);
    });

    it('schedules nothing after shutdown', () => {
      jest.useFakeTimers();
      const { failures } = started();
      failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);
      failures.onModuleDestroy();

      failures.record('handshake', WsAuthErrorCode.TOKEN_INVALID);

      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
