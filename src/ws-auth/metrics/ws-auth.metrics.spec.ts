import { EventEmitter } from 'node:events';

import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import {
  Counter,
  Histogram,
  type OpenMetricsContentType,
  register as defaultRegister,
  Registry,
  type RegistryContentType,
} from 'prom-client';
import type { Socket } from 'socket.io';

import { resolveCircuitBreakerOptions } from '../breaker/circuit-breaker.options.js';
import { CircuitBreakerService } from '../breaker/circuit-breaker.service.js';
import type { TokenCacheService, TokenCacheStats } from '../cache/token-cache.service.js';
import { AuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { AuthenticatedSockets } from '../handshake/authenticated-sockets.js';
import type { VerificationSource, WsAuthStage } from '../telemetry/telemetry-labels.js';
import { seriesLabels, seriesValue } from '../../../test/support/metric-series.js';
import { VERIFY_DURATION_BUCKETS, WS_AUTH_METRIC_NAMES, WsAuthMetrics } from './ws-auth.metrics.js';

const T0 = Date.UTC(2030, 0, 1);
const RESET_TIMEOUT_MS = 30_000;

function setup(registry: Registry<RegistryContentType> = new Registry()) {
  const clock = { t: T0, now: () => clock.t };
  const breakers = new CircuitBreakerService(
    clock,
    resolveCircuitBreakerOptions({ minimumCalls: 2, resetTimeoutMs: RESET_TIMEOUT_MS }),
  );
  const stats: { -readonly [K in keyof TokenCacheStats]: number } = {
    hits: 0,
    misses: 0,
    negativeHits: 0,
    evictions: 0,
    entries: 0,
    negativeEntries: 0,
    inFlight: 0,
  };
  const cache = { stats: () => ({ ...stats }) } as unknown as TokenCacheService;
  const sockets = new AuthenticatedSockets();
  const metrics = new WsAuthMetrics(registry, breakers, cache, sockets);
  return { clock, breakers, stats, sockets, registry, metrics };
}

async function failTimes(breakers: CircuitBreakerService, name: string, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    const failure = new AuthUnavailableError('timeout', 'The provider timed out.');
    await expect(breakers.get(name).execute(() => Promise.reject(failure))).rejects.toBe(failure);
  }
}

function fakeSocket(id: string): Socket & EventEmitter {
  return Object.assign(new EventEmitter(), { id }) as unknown as Socket & EventEmitter;
}

describe('WsAuthMetrics', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('registration', () => {
    it('registers every metric in the given registry', async () => {
      const { registry } = setup();

      const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);

      expect([...names].sort()).toEqual([...WS_AUTH_METRIC_NAMES].sort());
    });

    it("leaves prom-client's default registry alone", () => {
      setup();

      for (const name of WS_AUTH_METRIC_NAMES) {
        expect(defaultRegister.getSingleMetric(name)).toBeUndefined();
      }
    });

    it("keeps the application's other metrics in a shared registry", async () => {
      const registry = new Registry();
      const appCounter = new Counter({ name: 'app_requests_total', help: 'Requests.', registers: [registry] });
      appCounter.inc(3);
      const { metrics } = setup(registry);

      metrics.onModuleDestroy();

      expect(await seriesValue(registry, 'app_requests_total')).toBe(3);
      expect(registry.getSingleMetric('ws_auth_attempts_total')).toBeUndefined();
    });

    it('registers in an OpenMetrics registry', async () => {
      const registry = new Registry<OpenMetricsContentType>();
      registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
      const { metrics } = setup(registry);
      metrics.countAttempt('handshake', 'ok');

      const text = await registry.metrics();

      expect(text).toContain('ws_auth_attempts_total{stage="handshake",result="ok"} 1');
      expect(text).toContain('# EOF');
    });

    it('rejects a registry that already contains its names', () => {
      const registry = new Registry();
      new Counter({ name: 'ws_auth_cache_entries', help: 'Taken.', registers: [registry] });

      expect(() => setup(registry)).toThrow(
        'The metrics registry already contains a metric named ws_auth_cache_entries.',
      );
      expect(registry.getSingleMetric('ws_auth_attempts_total')).toBeUndefined();
    });

    it('lets a second module register after the first is destroyed', () => {
      const registry = new Registry();
      setup(registry).metrics.onModuleDestroy();

      expect(() => setup(registry)).not.toThrow();
    });

    it('removes only its own metrics on destroy', () => {
      const registry = new Registry();
      const { metrics } = setup(registry);
      registry.removeSingleMetric('ws_auth_cache_entries');
      const replacement = new Counter({ name: 'ws_auth_cache_entries', help: 'Not ours.', registers: [registry] });

      metrics.onModuleDestroy();

      expect(registry.getSingleMetric('ws_auth_cache_entries')).toBe(replacement);
    });
  });

  describe('ws_auth_attempts_total', () => {
    it('counts attempts by stage and result', async () => {
      const { registry, metrics } = setup();

      metrics.countAttempt('handshake', 'ok');
      metrics.countAttempt('handshake', 'ok');
      metrics.countAttempt('handshake', WsAuthErrorCode.TOKEN_INVALID);
      metrics.countAttempt('message', WsAuthErrorCode.FORBIDDEN);

      expect(await seriesValue(registry, 'ws_auth_attempts_total', { stage: 'handshake', result: 'ok' })).toBe(2);
      expect(await seriesValue(registry, 'ws_auth_attempts_total', { stage: 'handshake', result: 'TOKEN_INVALID' })).toBe(1);
      expect(await seriesValue(registry, 'ws_auth_attempts_total', { stage: 'message', result: 'FORBIDDEN' })).toBe(1);
      expect(await seriesValue(registry, 'ws_auth_attempts_total', { stage: 'message', result: 'ok' })).toBe(0);
    });

    it('publishes every stage and error code from the start', async () => {
      const { registry } = setup();

      const labels = await seriesLabels(registry, 'ws_auth_attempts_total');

      expect(labels).toHaveLength(3 * 10);
      expect(labels).toContainEqual({ stage: 'refresh', result: 'AUTH_UNAVAILABLE' });
      expect(labels).not.toContainEqual({ stage: 'handshake', result: 'unknown' });
    });

    it('publishes unknown once it occurred', async () => {
      const { registry, metrics } = setup();

      metrics.countAttempt('handshake', 'unknown');

      expect(await seriesValue(registry, 'ws_auth_attempts_total', { stage: 'handshake', result: 'unknown' })).toBe(1);
    });

    it('keeps counting across scrapes', async () => {
      const { registry, metrics } = setup();
      metrics.countAttempt('message', 'ok');
      await registry.metrics();

      metrics.countAttempt('message', 'ok');

      expect(await seriesValue(registry, 'ws_auth_attempts_total', { stage: 'message', result: 'ok' })).toBe(2);
    });

    it('rejects a stage or result outside the label sets', () => {
      const { metrics } = setup();

      expect(() => metrics.countAttempt('login' as WsAuthStage, 'ok')).toThrow(
        'Cannot count an authentication attempt with stage "login" and result "ok"',
      );
      expect(() => metrics.countAttempt('handshake', 'NOT_A_CODE')).toThrow(TypeError);
    });

    it('counts messages without calling prom-client', () => {
      const { metrics, registry } = setup();
      const counter = registry.getSingleMetric('ws_auth_attempts_total') as Counter;
      const inc = jest.spyOn(counter, 'inc');
      const labels = jest.spyOn(counter, 'labels');

      for (let i = 0; i < 1000; i += 1) {
        metrics.countAttempt('message', 'ok');
      }

      expect(inc).not.toHaveBeenCalled();
      expect(labels).not.toHaveBeenCalled();
    });
  });

  describe('ws_auth_verify_duration_seconds', () => {
    it('observes durations by source into the buckets', async () => {
      const { registry, metrics } = setup();

      metrics.observeVerification('jwt', 0.0003);
      metrics.observeVerification('jwt', 0.2);
      metrics.observeVerification('cache', 0.000004);

      const bucket = (source: string, le: number) =>
        seriesValue(registry, 'ws_auth_verify_duration_seconds_bucket', { source, le: String(le) });
      expect(await bucket('jwt', 0.00025)).toBe(0);
      expect(await bucket('jwt', 0.0005)).toBe(1);
      expect(await bucket('jwt', 0.25)).toBe(2);
      expect(await bucket('cache', 0.00001)).toBe(1);
      expect(await seriesValue(registry, 'ws_auth_verify_duration_seconds_count', { source: 'jwt' })).toBe(2);
    });

    it('starts its buckets at 10 microseconds and ends them at 10 seconds', () => {
      expect(VERIFY_DURATION_BUCKETS[0]).toBe(0.00001);
      expect(VERIFY_DURATION_BUCKETS.at(-1)).toBe(10);
      expect([...VERIFY_DURATION_BUCKETS].sort((a, b) => a - b)).toEqual(VERIFY_DURATION_BUCKETS);
    });

    it('uses pre-bound children', () => {
      const { metrics } = setup();
      const labels = jest.spyOn(Histogram.prototype, 'labels');

      metrics.observeVerification('jwks', 0.01);

      expect(labels).not.toHaveBeenCalled();
    });

    it('rejects an unknown source', () => {
      const { metrics } = setup();

      expect(() => metrics.observeVerification('ldap' as VerificationSource, 0.01)).toThrow(
        'Cannot observe a verification from source "ldap"; sources are cache, jwt, jwks, introspection.',
      );
    });
  });

  describe('circuit breakers', () => {
    it('reports each breaker state as 0, 1 or 2', async () => {
      const { registry, breakers, clock } = setup();
      breakers.get('jwks');
      await failTimes(breakers, 'introspection', 2);

      expect(await seriesValue(registry, 'ws_auth_circuit_state', { breaker: 'jwks' })).toBe(0);
      expect(await seriesValue(registry, 'ws_auth_circuit_state', { breaker: 'introspection' })).toBe(2);

      clock.t += RESET_TIMEOUT_MS;
      expect(await seriesValue(registry, 'ws_auth_circuit_state', { breaker: 'introspection' })).toBe(1);
    });

    it('publishes no state before a breaker exists', async () => {
      const { registry } = setup();

      expect(await seriesLabels(registry, 'ws_auth_circuit_state')).toEqual([]);
    });

    it('counts transitions by breaker and target state', async () => {
      const { registry, breakers, clock } = setup();
      await failTimes(breakers, 'jwks', 2);
      clock.t += RESET_TIMEOUT_MS;
      await expect(breakers.get('jwks').execute(() => Promise.resolve('ok'))).resolves.toBe('ok');

      const transitions = (to: string) => seriesValue(registry, 'ws_auth_circuit_transitions_total', { breaker: 'jwks', to });
      expect(await transitions('open')).toBe(1);
      expect(await transitions('half-open')).toBe(1);
      expect(await transitions('closed')).toBe(1);
    });

    it('stops counting transitions after destroy', async () => {
      const registry = new Registry();
      const { breakers, metrics } = setup(registry);
      const counter = registry.getSingleMetric('ws_auth_circuit_transitions_total') as Counter;

      metrics.onModuleDestroy();
      breakers.isolate('jwks');

      expect((await counter.get()).values).toEqual([]);
    });
  });

  describe('cache and sockets', () => {
    it('publishes the cache counters as events', async () => {
      const { registry, stats } = setup();
      Object.assign(stats, { hits: 7, misses: 3, negativeHits: 2, evictions: 1 });

      const event = (name: string) => seriesValue(registry, 'ws_auth_cache_events_total', { event: name });
      expect(await event('hit')).toBe(7);
      expect(await event('miss')).toBe(3);
      expect(await event('negative_hit')).toBe(2);
      expect(await event('eviction')).toBe(1);
    });

    it('publishes the cache entries by verdict', async () => {
      const { registry, stats } = setup();
      Object.assign(stats, { entries: 12, negativeEntries: 4 });

      expect(await seriesValue(registry, 'ws_auth_cache_entries', { verdict: 'accepted' })).toBe(12);
      expect(await seriesValue(registry, 'ws_auth_cache_entries', { verdict: 'rejected' })).toBe(4);
    });

    it('publishes the live authenticated sockets', async () => {
      const { registry, sockets } = setup();
      const first = fakeSocket('a');
      sockets.add(first);
      sockets.add(fakeSocket('b'));
      first.emit('disconnect');

      expect(await seriesValue(registry, 'ws_auth_authenticated_sockets')).toBe(1);
    });
  });
});
