import { LOGGING_DEFAULTS, resolveLoggingOptions } from './ws-auth-logging.options.js';

describe('resolveLoggingOptions', () => {
  it('applies the default interval of one minute', () => {
    expect(resolveLoggingOptions(undefined)).toEqual({ failureSummaryIntervalMs: 60_000 });
    expect(resolveLoggingOptions({})).toEqual(LOGGING_DEFAULTS);
  });

  it('accepts an interval within the range', () => {
    expect(resolveLoggingOptions({ failureSummaryIntervalMs: 1_000 }).failureSummaryIntervalMs).toBe(1_000);
    expect(resolveLoggingOptions({ failureSummaryIntervalMs: 86_400_000 }).failureSummaryIntervalMs).toBe(86_400_000);
  });

  it.each([
    [999, RangeError, 'received 999.'],
    [86_400_001, RangeError, 'received 86400001.'],
    [1_500.5, TypeError, 'received 1500.5.'],
    ['60000', TypeError, 'received "60000".'],
  ])('rejects the interval %p, naming the option and the range', (value, kind, received) => {
    const resolving = () => resolveLoggingOptions({ failureSummaryIntervalMs: value });

    expect(resolving).toThrow(kind);
    expect(resolving).toThrow(
      `logging.failureSummaryIntervalMs must be an integer from 1000 to 86400000 ms; ${received}`,
    );
  });

  it('rejects an unknown key', () => {
    expect(() => resolveLoggingOptions({ level: 'debug' })).toThrow(
      'logging.level is not a logging option; valid options are failureSummaryIntervalMs.',
    );
  });

  it('rejects a value that is not an object', () => {
    expect(() => resolveLoggingOptions(60_000)).toThrow('logging must be an object; received 60000.');
  });
});
