import type { CircuitBreakerOptions } from './circuit-breaker.options.js';
import type { CircuitStateChange } from './circuit-state.js';

/**
 * Builds the log line for a state change: the breaker, the new state, the figures behind it and
 * what happens next. It contains names, counts and failure reasons only, never token data.
 */
export function describeStateChange(
  event: CircuitStateChange,
  options: Readonly<CircuitBreakerOptions>,
): string {
  const breaker = `Circuit breaker "${event.name}"`;
  const figures = `${event.failures} of ${event.calls} calls failed in the last ${options.windowMs} ms`;
  const lastFailure = `last failure: ${event.reason ?? 'unknown'}`;
  const consequence = `token checks that need "${event.name}" get AUTH_UNAVAILABLE`;
  const probes = `${options.halfOpenMaxProbes} probe ${options.halfOpenMaxProbes === 1 ? 'call' : 'calls'}`;

  switch (event.trigger) {
    case 'failure-threshold':
      return (
        `${breaker} opened: ${figures} (${lastFailure}); ${consequence} until a probe call ` +
        `succeeds, and the first call after ${options.resetTimeoutMs} ms runs as a probe.`
      );
    case 'probe-failed':
      return (
        `${breaker} opened again: the probe call failed (${lastFailure}); ${consequence}, ` +
        `and the first call after ${options.resetTimeoutMs} ms runs as the next probe.`
      );
    case 'reset-timeout':
      return (
        `${breaker} half-open: the reset timeout of ${options.resetTimeoutMs} ms passed; ` +
        `admitting up to ${probes}.`
      );
    case 'probe-succeeded':
      return `${breaker} closed after a successful probe; calls reach the dependency again.`;
    case 'isolate':
      return `${breaker} isolated by an operator; ${consequence} until it is reset.`;
    case 'reset':
      return `${breaker} closed by an operator reset (was ${event.from}); calls reach the dependency again.`;
  }
}

/** Builds the log line for a state-change listener that threw. */
export function describeListenerError(event: CircuitStateChange): string {
  return (
    `A state-change listener of circuit breaker "${event.name}" threw on the change from ${event.from} ` +
    `to ${event.to}; the breaker and the other listeners were not affected.`
  );
}
