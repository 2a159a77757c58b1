import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { WS_AUTH_CLOCK } from '../clock/clock.js';
import { AuthUnavailableError } from '../errors/auth-unavailable.error.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import {
  CIRCUIT_BREAKER_OPTIONS,
  resolveCircuitBreakerOptions,
  type CircuitBreakerOptions,
} from './circuit-breaker.options.js';
import { CircuitBreakerService } from './circuit-breaker.service.js';
import type { CircuitStateChange } from './circuit-state.js';

interface LogLine {
  readonly context: string | undefined;
  readonly message: unknown;
  readonly stack: unknown;
}

/** Replaces `Logger.prototype.warn` and `error` with recorders until `restore` is called. */
function recordLogs() {
  const warnings: LogLine[] = [];
  const errors: LogLine[] = [];
  const originalWarn = Logger.prototype.warn;
  const originalError = Logger.prototype.error;

  Logger.prototype.warn = function (this: Logger, message: unknown) {
    warnings.push({ context: contextOf(this), message, stack: undefined });
  };
  Logger.prototype.error = function (this: Logger, message: unknown, stack?: unknown) {
    errors.push({ context: contextOf(this), message, stack });
  };

  const restore = () => {
    Logger.prototype.warn = originalWarn;
    Logger.prototype.error = originalError;
  };
  return { warnings, errors, restore };
}

function contextOf(logger: Logger): string | undefined {
  return (logger as unknown as { context?: string }).context;
}

function setup(overrides: Partial<CircuitBreakerOptions> = {}) {
  const clock = {
    time: 0,
    now() {
      return this.time;
    },
  };
  const service = new CircuitBreakerService(clock, resolveCircuitBreakerOptions(overrides));
  return { clock, service };
}

async function failTimes(breaker: CircuitBreaker, times: number, reason = 'timeout'): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    const error = new AuthUnavailableError(reason, `Request with token eyJhbGciOi.secret failed: ${reason}.`);
    await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
  }
}

async function succeed(breaker: CircuitBreaker): Promise<void> {
  await expect(breaker.execute(() => Promise.resolve('ok'))).resolves.toBe('ok');
}

describe('CircuitBreakerService', () => {
  let logs: ReturnType<typeof recordLogs>;

  beforeEach(() => {
    logs = recordLogs();
  });

  afterEach(() => {
    logs.restore();
  });

  describe('registry', () => {
    it('creates one breaker per name', () => {
      const { service } = setup();

      expect(service.get('jwks')).toBe(service.get('jwks'));
      expect(service.get('introspection')).not.toBe(service.get('jwks'));
    });

    it('rejects an invalid name', () => {
      const { service } = setup();

      expect(() => service.get('JWKS endpoint')).toThrow(TypeError);
      expect(() => service.get('JWKS endpoint')).toThrow('received "JWKS endpoint".');
      expect(service.names()).toEqual([]);
    });

    it('lists names and snapshots sorted by name', () => {
      const { service } = setup();
      service.get('jwks');
      service.get('introspection');

      expect(service.names()).toEqual(['introspection', 'jwks']);
      expect(service.snapshot().map((snapshot) => snapshot.name)).toEqual(['introspection', 'jwks']);
    });

    it('validates its options', () => {
      const options = { ...resolveCircuitBreakerOptions(undefined), windowBuckets: 0 };

      expect(() => new CircuitBreakerService({ now: () => 0 }, options)).toThrow(RangeError);
      expect(() => new CircuitBreakerService({ now: () => 0 }, options)).toThrow('breaker.windowBuckets');
    });

    it('shares its clock and options with every breaker', async () => {
      const { clock, service } = setup({ minimumCalls: 2, resetTimeoutMs: 1_000 });
      const breaker = service.get('jwks');
      await failTimes(breaker, 2);

      clock.time = 1_000;

      expect(breaker.snapshot().state).toBe('half-open');
    });
  });

  describe('operator controls', () => {
    it('isolates a breaker before its first use', async () => {
      const { service } = setup();

      service.isolate('introspection');

      expect(service.names()).toEqual(['introspection']);
      await expect(service.get('introspection').execute(() => Promise.resolve('ok'))).rejects.toMatchObject({
        reason: 'isolated',
      });
    });

    it('resets an isolated breaker', async () => {
      const { service } = setup();
      service.isolate('jwks');

      service.reset('jwks');

      await expect(service.get('jwks').execute(() => Promise.resolve('ok'))).resolves.toBe('ok');
    });

    it('creates a breaker on reset', () => {
      const { service } = setup();

      service.reset('jwks');

      expect(service.snapshot()).toMatchObject([{ name: 'jwks', state: 'closed' }]);
    });
  });

  describe('logging', () => {
    it('writes one warn line when a breaker opens', async () => {
      const { service } = setup();
      const breaker = service.get('jwks');
      await failTimes(breaker, 4);
      await succeed(breaker);
      expect(logs.warnings).toHaveLength(0);

      await failTimes(breaker, 1);

      expect(logs.warnings).toHaveLength(1);
      expect(logs.warnings[0]?.context).toBe('CircuitBreaker');
      expect(logs.warnings[0]?.message).toBe(
        'Circuit breaker "jwks" opened: 5 of 6 calls failed in the last 10000 ms (last failure: timeout); ' +
          'token checks that need "jwks" get AUTH_UNAVAILABLE until a probe call succeeds, and the first call ' +
          'after 30000 ms runs as a probe.',
      );
    });

    it('writes one warn line per change', async () => {
      const { clock, service } = setup();
      const breaker = service.get('jwks');
      await failTimes(breaker, 5);

      clock.time = 30_000;
      await succeed(breaker);

      expect(logs.warnings.map((line) => line.message)).toEqual([
        expect.stringContaining('"jwks" opened:'),
        'Circuit breaker "jwks" half-open: the reset timeout of 30000 ms passed; admitting up to 1 probe call.',
        'Circuit breaker "jwks" closed after a successful probe; calls reach the dependency again.',
      ]);
      expect(logs.errors).toHaveLength(0);
    });

    it('logs a failed probe', async () => {
      const { clock, service } = setup({ halfOpenMaxProbes: 2 });
      const breaker = service.get('introspection');
      await failTimes(breaker, 5);

      clock.time = 30_000;
      await failTimes(breaker, 1, 'http_503');

      expect(logs.warnings.map((line) => line.message)).toEqual([
        expect.stringContaining('"introspection" opened:'),
        'Circuit breaker "introspection" half-open: the reset timeout of 30000 ms passed; admitting up to 2 probe calls.',
        'Circuit breaker "introspection" opened again: the probe call failed (last failure: http_503); token checks ' +
          'that need "introspection" get AUTH_UNAVAILABLE, and the first call after 30000 ms runs as the next probe.',
      ]);
    });

    it('logs isolate and reset', () => {
      const { service } = setup();

      service.isolate('jwks');
      service.reset('jwks');

      expect(logs.warnings.map((line) => line.message)).toEqual([
        'Circuit breaker "jwks" isolated by an operator; token checks that need "jwks" get AUTH_UNAVAILABLE until it is reset.',
        'Circuit breaker "jwks" closed by an operator reset (was open); calls reach the dependency again.',
      ]);
    });

    it('never logs token data', async () => {
      const { service } = setup();

      await failTimes(service.get('jwks'), 5);

      expect(logs.warnings).toHaveLength(1);
      expect(logs.warnings[0]?.message).not.toContain('eyJ');
    });
  });

  describe('listeners', () => {
    it('notifies about current and future breakers', async () => {
      const { service } = setup();
      const received: CircuitStateChange[] = [];
      service.get('jwks');
      service.onStateChange((event) => received.push(event));

      service.isolate('jwks');
      await failTimes(service.get('introspection'), 5);

      expect(received.map((event) => `${event.name}:${event.to}`)).toEqual(['jwks:open', 'introspection:open']);
    });

    it('logs a throwing listener once at error', () => {
      const { service } = setup();
      const received: CircuitStateChange[] = [];
      service.onStateChange(() => {
        throw new Error('Metrics backend is down.');
      });
      service.onStateChange((event) => received.push(event));

      service.isolate('jwks');

      expect(received).toHaveLength(1);
      expect(logs.warnings).toHaveLength(1);
      expect(logs.errors).toHaveLength(1);
      expect(logs.errors[0]?.context).toBe('CircuitBreaker');
      expect(logs.errors[0]?.message).toBe(
        'A state-change listener of circuit breaker "jwks" threw on the change from closed to open; ' +
          'the breaker and the other listeners were not affected.',
      );
      expect(logs.errors[0]?.stack).toEqual(expect.stringContaining('Metrics backend is down.'));
    });

    it('logs a throwing listener of a single breaker', () => {
      const { service } = setup();
      const thrown: unknown = 'listener failed';
      service.get('jwks').onStateChange(() => {
        throw thrown;
      });

      service.isolate('jwks');

      expect(logs.errors).toHaveLength(1);
      expect(logs.errors[0]?.stack).toBe('listener failed');
      expect(service.snapshot()[0]?.state).toBe('open');
    });

    it('stops notifying after unsubscribe', () => {
      const { service } = setup();
      const received: CircuitStateChange[] = [];
      const unsubscribe = service.onStateChange((event) => received.push(event));

      unsubscribe();
      service.isolate('jwks');

      expect(received).toHaveLength(0);
    });

    it('stops notifying and logging after module destroy', () => {
      const { service } = setup();
      const received: CircuitStateChange[] = [];
      service.get('jwks');
      service.onStateChange((event) => received.push(event));

      service.onModuleDestroy();
      service.isolate('jwks');

      expect(received).toHaveLength(0);
      expect(logs.warnings).toHaveLength(0);
    });
  });

  describe('dependency injection', () => {
    it('resolves with the clock and options tokens', async () => {
      const clock = { now: () => 0 };
      const moduleRef = await Test.createTestingModule({
        providers: [
          CircuitBreakerService,
          { provide: WS_AUTH_CLOCK, useValue: clock },
          { provide: CIRCUIT_BREAKER_OPTIONS, useValue: resolveCircuitBreakerOptions({ minimumCalls: 1 }) },
        ],
      }).compile();
      const service = moduleRef.get(CircuitBreakerService);

      await failTimes(service.get('jwks'), 1);
      expect(service.snapshot()[0]?.state).toBe('open');

      await moduleRef.close();
      service.reset('jwks');
      expect(logs.warnings).toHaveLength(1);
    });
  });
});
