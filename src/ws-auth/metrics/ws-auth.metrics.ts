import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Metric, type Registry, type RegistryContentType } from 'prom-client';

import { CircuitBreakerService } from '../breaker/circuit-breaker.service.js';
import type { CircuitState, CircuitStateChange } from '../breaker/circuit-state.js';
import { TokenCacheService } from '../cache/token-cache.service.js';
import { AuthenticatedSockets } from '../handshake/authenticated-sockets.js';
import {
  ATTEMPT_RESULTS,
  UNKNOWN_RESULT,
  VERIFICATION_SOURCES,
  type VerificationSource,
  WS_AUTH_STAGES,
  type WsAuthStage,
} from '../telemetry/telemetry-labels.js';
import { WS_AUTH_METRICS_REGISTRY } from './ws-auth-metrics.options.js';

/** Names of every metric the module exports. */
export const WS_AUTH_METRIC_NAMES = [
  'ws_auth_attempts_total',
  'ws_auth_verify_duration_seconds',
  'ws_auth_circuit_state',
  'ws_auth_circuit_transitions_total',
  'ws_auth_cache_events_total',
  'ws_auth_cache_entries',
  'ws_auth_authenticated_sockets',
] as const;

/** Value of `ws_auth_circuit_state` for each breaker state. */
export const CIRCUIT_STATE_VALUES: Readonly<Record<CircuitState, number>> = Object.freeze({
  closed: 0,
  'half-open': 1,
  open: 2,
});

/**
 * Upper bounds of the `ws_auth_verify_duration_seconds` buckets, in seconds: from 10 µs, because
 * a cache hit or a local HS256 check takes microseconds, to 10 s, beyond any sensible timeout of a
 * remote identity provider.
 */
export const VERIFY_DURATION_BUCKETS: readonly number[] = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
  2.5, 5, 10,
];

type AttemptLabels = { stage: string; result: string };

/** Attempts counted for one stage and result since the module started. */
interface AttemptTally {
  readonly labels: AttemptLabels;
  count: number;
}

/**
 * The module's Prometheus metrics, registered in the registry of {@link WS_AUTH_METRICS_REGISTRY}.
 *
 * Attempts are counted in plain numbers and published when the registry is scraped, because a
 * prom-client label child builds its label hash string on every `inc()` and the guard counts
 * every message. Gauges and cache counters read their sources at scrape time as well.
 */
@Injectable()
export class WsAuthMetrics implements OnModuleDestroy {
  private readonly attemptTallies = new Map<string, Map<string, AttemptTally>>();
  private readonly verifyDurations = new Map<string, Histogram.Internal<'source'>>();
  private readonly metrics: Metric[];
  private readonly attempts: Counter<'stage' | 'result'>;
  private readonly circuitTransitions: Counter<'breaker' | 'to'>;
  private readonly stopWatchingBreakers: () => void;

  /**
   * @throws Error when the registry already contains a metric with one of the module's names, for
   *   example because a second module registers into the same registry.
   */
  constructor(
    @Inject(WS_AUTH_METRICS_REGISTRY) private readonly registry: Registry<RegistryContentType>,
    @Inject(CircuitBreakerService) private readonly breakers: CircuitBreakerService,
    @Inject(TokenCacheService) private readonly cache: TokenCacheService,
    @Inject(AuthenticatedSockets) private readonly sockets: AuthenticatedSockets,
  ) {
    this.createTallies();

    this.attempts = new Counter({
      name: 'ws_auth_attempts_total',
      help: 'Authentication attempts by stage (handshake, message, refresh) and result (ok or the error code).',
      labelNames: ['stage', 'result'],
      registers: [],
      collect: () => this.publishAttempts(),
    });

    const verifyDuration = new Histogram({
      name: 'ws_auth_verify_duration_seconds',
      help: 'Time to obtain a token verdict, by source: cache, jwt, jwks or introspection.',
      labelNames: ['source'],
      buckets: [...VERIFY_DURATION_BUCKETS],
      registers: [],
    });
    for (const source of VERIFICATION_SOURCES) {
      this.verifyDurations.set(source, verifyDuration.labels(source));
    }

    const circuitState: Gauge<'breaker'> = new Gauge({
      name: 'ws_auth_circuit_state',
      help: 'State of each circuit breaker: 0 closed, 1 half-open, 2 open.',
      labelNames: ['breaker'],
      registers: [],
      collect: () => this.publishCircuitStates(circuitState),
    });

    this.circuitTransitions = new Counter({
      name: 'ws_auth_circuit_transitions_total',
      help: 'State changes of each circuit breaker, by the state it changed to.',
      labelNames: ['breaker', 'to'],
      registers: [],
    });

    const cacheEvents: Counter<'event'> = new Counter({
      name: 'ws_auth_cache_events_total',
      help: 'Verdict cache events: hit, miss, negative_hit (a cached rejection) and eviction.',
      labelNames: ['event'],
      registers: [],
      collect: () => this.publishCacheEvents(cacheEvents),
    });

    const cacheEntries: Gauge<'verdict'> = new Gauge({
      name: 'ws_auth_cache_entries',
      help: 'Verdicts in the cache, by verdict: accepted or rejected.',
      labelNames: ['verdict'],
      registers: [],
      collect: () => this.publishCacheEntries(cacheEntries),
    });

    const authenticatedSockets: Gauge = new Gauge({
      name: 'ws_auth_authenticated_sockets',
      help: 'Sockets connected to this process that passed the handshake.',
      registers: [],
      collect: () => authenticatedSockets.set(this.sockets.size),
    });

    this.metrics = [
      this.attempts,
      verifyDuration,
      circuitState,
      this.circuitTransitions,
      cacheEvents,
      cacheEntries,
      authenticatedSockets,
    ];
    this.register();
    this.stopWatchingBreakers = this.breakers.onStateChange((event) => this.countTransition(event));
  }

  /**
   * Counts one authentication attempt. `result` must be `ok`, a `WsAuthErrorCode` or `unknown`;
   * `WsAuthRecorder` maps other codes to `unknown` before it calls this.
   *
   * @throws TypeError for a stage or result outside those sets, which is a programming error.
   */
  countAttempt(stage: WsAuthStage, result: string): void {
    const tally = this.attemptTallies.get(stage)?.get(result);
    if (tally === undefined) {
      throw new TypeError(
        `Cannot count an authentication attempt with stage ${JSON.stringify(stage)} and result ${JSON.stringify(result)}; ` +
          `stages are ${WS_AUTH_STAGES.join(', ')} and results are ${ATTEMPT_RESULTS.join(', ')}.`,
      );
    }
    tally.count += 1;
  }

  /**
   * Observes the time one verdict took to obtain, in seconds.
   *
   * @throws TypeError for a source outside `VERIFICATION_SOURCES` or a duration that is not a finite number.
   */
  observeVerification(source: VerificationSource, durationSeconds: number): void {
    const histogram = this.verifyDurations.get(source);
    if (histogram === undefined) {
      throw new TypeError(
        `Cannot observe a verification from source ${JSON.stringify(source)}; sources are ${VERIFICATION_SOURCES.join(', ')}.`,
      );
    }
    histogram.observe(durationSeconds);
  }

  /** Stops counting breaker transitions and removes the module's metrics from the registry. */
  onModuleDestroy(): void {
    this.stopWatchingBreakers();
    for (const metric of this.metrics) {
      const name = metricName(metric);
      if (this.registry.getSingleMetric(name) === metric) {
        this.registry.removeSingleMetric(name);
      }
    }
  }

  private createTallies(): void {
    for (const stage of WS_AUTH_STAGES) {
      const byResult = new Map<string, AttemptTally>();
      for (const result of ATTEMPT_RESULTS) {
        byResult.set(result, { labels: { stage, result }, count: 0 });
      }
      this.attemptTallies.set(stage, byResult);
    }
  }

  private register(): void {
    // Every name is checked before any metric is registered, so a failed start leaves the
    // application's registry as it was.
    for (const name of WS_AUTH_METRIC_NAMES) {
      if (this.registry.getSingleMetric(name) !== undefined) {
        throw new Error(
          `The metrics registry already contains a metric named ${name}. Register one WsAuthModule per ` +
            'registry, or remove that metric from the registry given as metrics.registry.',
        );
      }
    }
    for (const metric of this.metrics) {
      this.registry.registerMetric(metric);
    }
  }

  private publishAttempts(): void {
    this.attempts.reset();
    for (const byResult of this.attemptTallies.values()) {
      for (const tally of byResult.values()) {
        // `unknown` is published only once it occurred, so a custom verifier's stray code shows
        // up without adding a zero series per stage to every scrape.
        if (tally.count > 0 || tally.labels.result !== UNKNOWN_RESULT) {
          this.attempts.inc(tally.labels, tally.count);
        }
      }
    }
  }

  private publishCircuitStates(gauge: Gauge<'breaker'>): void {
    gauge.reset();
    for (const snapshot of this.breakers.snapshot()) {
      gauge.set({ breaker: snapshot.name }, CIRCUIT_STATE_VALUES[snapshot.state]);
    }
  }

  private countTransition(event: CircuitStateChange): void {
    this.circuitTransitions.inc({ breaker: event.name, to: event.to });
  }

  private publishCacheEvents(counter: Counter<'event'>): void {
    const stats = this.cache.stats();

    counter.reset();
    counter.inc({ event: 'hit' }, stats.hits);
    counter.inc({ event: 'miss' }, stats.misses);
    counter.inc({ event: 'negative_hit' }, stats.negativeHits);
    counter.inc({ event: 'eviction' }, stats.evictions);
  }

  private publishCacheEntries(gauge: Gauge<'verdict'>): void {
    const stats = this.cache.stats();

    gauge.set({ verdict: 'accepted' }, stats.entries);
    gauge.set({ verdict: 'rejected' }, stats.negativeEntries);
  }
}

/** Reads a metric's name, which every prom-client metric has although its types leave it out. */
function metricName(metric: Metric): string {
  return (metric as unknown as { name: string }).name;
}
