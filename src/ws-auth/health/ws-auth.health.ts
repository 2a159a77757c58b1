import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

import { CircuitBreakerService } from '../breaker/circuit-breaker.service.js';
import type { CircuitBreakerSnapshot, CircuitState } from '../breaker/circuit-state.js';
import { TokenCacheService, type TokenCacheStats } from '../cache/token-cache.service.js';
import { AuthenticatedSockets } from '../handshake/authenticated-sockets.js';

/** Health details of one circuit breaker. Times are ISO 8601 strings, or `null`. */
export interface WsAuthBreakerHealth {
  readonly state: CircuitState;
  /** Time the breaker last opened, or `null` while it is closed. */
  readonly openedAt: string | null;
  /** Time from which the open breaker admits a probe call, or `null` unless it is open and not isolated. */
  readonly probeAt: string | null;
  /** Completed calls in the breaker's rolling window. */
  readonly calls: number;
  /** Failed calls in the breaker's rolling window. */
  readonly failures: number;
  /** `failures / calls`, or 0 without calls. */
  readonly failureRate: number;
  readonly lastFailureReason: string | null;
  readonly lastFailureAt: string | null;
  /** Whether an operator isolated the breaker, which keeps it open until it is reset. */
  readonly isolated: boolean;
}

/** Health details of the verdict cache. */
export interface WsAuthCacheHealth {
  /** Accepted verdicts cached now. */
  readonly entries: number;
  /** Rejected verdicts cached now. */
  readonly negativeEntries: number;
  /**
   * Share of verdict lookups served from the cache since start, accepted and rejected verdicts
   * together: `(hits + negativeHits) / (hits + negativeHits + misses)`, or `null` before the first
   * lookup.
   */
  readonly hitRatio: number | null;
  readonly hits: number;
  readonly negativeHits: number;
  readonly misses: number;
  readonly evictions: number;
}

/** Details that {@link WsAuthHealthIndicator} adds to terminus's `status`. */
export interface WsAuthHealthDetails {
  /** One sentence for the operator: which breakers are open or half-open, if any. */
  readonly message: string;
  /** Every circuit breaker created so far, by name. */
  readonly breakers: Readonly<Record<string, WsAuthBreakerHealth>>;
  readonly cache: WsAuthCacheHealth;
  /** Sockets connected to this process that passed the handshake. */
  readonly authenticatedSockets: number;
}

/**
 * Terminus health indicator of WebSocket authentication, built from snapshots of the circuit
 * breakers and the verdict cache.
 *
 * - `up` while every breaker is closed, and when no breaker exists yet;
 * - `degraded` while a breaker is half-open: terminus still returns 200, with status `degraded`;
 * - `down` while a breaker is open, so the health check fails with 503.
 *
 * The check is synchronous and never calls an identity provider, so it returns at once even while
 * a provider hangs. Its cost is one pass over the cache's entries, which purges the expired ones.
 *
 * Provide it next to `TerminusModule`, in a module that can inject the providers of
 * `WsAuthModule` (register `WsAuthModule` with `isGlobal: true`, or in the same module).
 */
@Injectable()
export class WsAuthHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly health: HealthIndicatorService,
    @Inject(CircuitBreakerService) private readonly breakers: CircuitBreakerService,
    @Inject(TokenCacheService) private readonly cache: TokenCacheService,
    @Inject(AuthenticatedSockets) private readonly sockets: AuthenticatedSockets,
  ) {}

  /**
   * Returns the health of WebSocket authentication under `key`, such as `'ws-auth'`, the name of
   * the indicator in the health check's result.
   */
  isHealthy<const Key extends string>(key: Key): HealthIndicatorResult<Key> {
    const indicator = this.health.check(key);
    const snapshots = this.breakers.snapshot();
    const open = namesIn(snapshots, 'open');
    const halfOpen = namesIn(snapshots, 'half-open');

    const details: WsAuthHealthDetails = {
      message: describeBreakers(open, halfOpen),
      breakers: Object.fromEntries(snapshots.map((snapshot) => [snapshot.name, breakerHealth(snapshot)])),
      cache: cacheHealth(this.cache.stats()),
      authenticatedSockets: this.sockets.size,
    };

    if (open.length > 0) {
      return indicator.down({ ...details });
    }
    if (halfOpen.length > 0) {
      return indicator.degraded({ ...details });
    }
    return indicator.up({ ...details });
  }
}

function namesIn(snapshots: readonly CircuitBreakerSnapshot[], state: CircuitState): string[] {
  return snapshots.filter((snapshot) => snapshot.state === state).map((snapshot) => snapshot.name);
}

function describeBreakers(open: readonly string[], halfOpen: readonly string[]): string {
  const parts: string[] = [];
  if (open.length > 0) {
    const [subject, verb, pronoun] = listBreakers(open);
    parts.push(`${subject} ${verb} open, so token checks that need ${pronoun} get AUTH_UNAVAILABLE.`);
  }
  if (halfOpen.length > 0) {
    const [subject, verb] = listBreakers(halfOpen);
    parts.push(`${subject} ${verb} half-open: probe calls test whether the dependency recovered.`);
  }
  return parts.length === 0 ? 'Every circuit breaker is closed.' : parts.join(' ');
}

/** Returns the subject, verb and pronoun of a sentence about the breakers `names`. */
function listBreakers(names: readonly string[]): [string, string, string] {
  const quoted = names.map((name) => `"${name}"`).join(', ');
  return names.length === 1 ? [`Circuit breaker ${quoted}`, 'is', 'it'] : [`Circuit breakers ${quoted}`, 'are', 'them'];
}

function breakerHealth(snapshot: CircuitBreakerSnapshot): WsAuthBreakerHealth {
  return {
    state: snapshot.state,
    openedAt: toIsoTime(snapshot.openedAt),
    probeAt: toIsoTime(snapshot.probeAt),
    calls: snapshot.calls,
    failures: snapshot.failures,
    failureRate: snapshot.failureRate,
    lastFailureReason: snapshot.lastFailureReason,
    lastFailureAt: toIsoTime(snapshot.lastFailureAt),
    isolated: snapshot.isolated,
  };
}

function cacheHealth(stats: TokenCacheStats): WsAuthCacheHealth {
  const served = stats.hits + stats.negativeHits;
  const lookups = served + stats.misses;

  return {
    entries: stats.entries,
    negativeEntries: stats.negativeEntries,
    hitRatio: lookups === 0 ? null : served / lookups,
    hits: stats.hits,
    negativeHits: stats.negativeHits,
    misses: stats.misses,
    evictions: stats.evictions,
  };
}

function toIsoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
