import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

import { WS_AUTH_CLOCK, type Clock } from '../clock/clock.js';
import { describeListenerError, describeStateChange } from './circuit-breaker.messages.js';
import {
  CIRCUIT_BREAKER_OPTIONS,
  resolveCircuitBreakerOptions,
  type CircuitBreakerOptions,
} from './circuit-breaker.options.js';
import { assertBreakerName, CircuitBreaker, type CircuitStateListener } from './circuit-breaker.js';
import type { CircuitBreakerSnapshot, CircuitStateChange } from './circuit-state.js';

/**
 * Registry of circuit breakers, one per remote dependency (such as `jwks` or `introspection`),
 * all sharing the module's clock and breaker options.
 *
 * It logs one `warn` line per state change and one `error` line per state-change listener that
 * throws.
 */
@Injectable()
export class CircuitBreakerService implements OnModuleDestroy {
  private readonly logger = new Logger('CircuitBreaker');
  private readonly options: Readonly<CircuitBreakerOptions>;
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly listeners = new Set<CircuitStateListener>();
  private readonly unsubscribes: (() => void)[] = [];

  /**
   * @throws TypeError or RangeError when an option is invalid, so the application fails at start-up.
   */
  constructor(
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(CIRCUIT_BREAKER_OPTIONS) options: Readonly<CircuitBreakerOptions>,
  ) {
    this.options = resolveCircuitBreakerOptions(options);
  }

  /**
   * Returns the breaker of dependency `name`, creating it on first use.
   *
   * @throws TypeError when `name` is not 1 to 64 characters of `a-z`, `0-9`, `_` and `-`.
   */
  get(name: string): CircuitBreaker {
    const existing = this.breakers.get(name);
    if (existing !== undefined) {
      return existing;
    }

    assertBreakerName(name);
    const breaker = new CircuitBreaker(name, this.options, this.clock, (error, event) => {
      this.logListenerError(error, event);
    });
    this.unsubscribes.push(breaker.onStateChange((event) => this.handleStateChange(event)));
    this.breakers.set(name, breaker);
    return breaker;
  }

  /** Returns the names of the breakers created so far, sorted. */
  names(): string[] {
    return [...this.breakers.keys()].sort();
  }

  /** Returns a snapshot of every breaker created so far, sorted by name. */
  snapshot(): CircuitBreakerSnapshot[] {
    return this.names().map((name) => this.get(name).snapshot());
  }

  /**
   * Forces the breaker of `name` open until {@link reset}. The breaker is created when it does not
   * exist yet, so an operator can isolate a dependency before its first call.
   */
  isolate(name: string): void {
    this.get(name).isolate();
  }

  /** Closes the breaker of `name` with an empty window, creating the breaker if it does not exist yet. */
  reset(name: string): void {
    this.get(name).reset();
  }

  /**
   * Registers `listener` for the state changes of every breaker, including those created later. A
   * listener that throws is logged and does not affect the breakers or the other listeners.
   *
   * @returns a function that removes the listener.
   */
  onStateChange(listener: CircuitStateListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Removes every listener, so nothing is notified or logged while the application shuts down. */
  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribes) {
      unsubscribe();
    }
    this.unsubscribes.length = 0;
    this.listeners.clear();
  }

  private handleStateChange(event: CircuitStateChange): void {
    this.logger.warn(describeStateChange(event, this.options));

    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logListenerError(error, event);
      }
    }
  }

  private logListenerError(error: unknown, event: CircuitStateChange): void {
    this.logger.error(describeListenerError(event), error instanceof Error ? error.stack : String(error));
  }
}
