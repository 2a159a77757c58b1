import type { Registry, RegistryContentType } from 'prom-client';

import { describeReceived, requireOptionalObject } from '../options/option-checks.js';

/** Prometheus metrics options of the module. */
export interface WsAuthMetricsOptions {
  /**
   * prom-client registry that receives the module's metrics, such as the application's own
   * registry or prom-client's default `register`, in the Prometheus or the OpenMetrics format. The
   * metric names must be free in it.
   * @default a new registry of the module's own, injectable as `WS_AUTH_METRICS_REGISTRY`
   */
  registry?: Registry<RegistryContentType>;
}

/** Metrics options after validation. */
export interface ResolvedWsAuthMetricsOptions {
  /** Registry set by the application, or `null` for a registry of the module's own. */
  readonly registry: Registry<RegistryContentType> | null;
}

/** Injection token of the prom-client `Registry` that contains the module's metrics. */
export const WS_AUTH_METRICS_REGISTRY = Symbol('WS_AUTH_METRICS_REGISTRY');

/** Methods of a prom-client `Registry` that the module calls. */
const REGISTRY_METHODS = ['registerMetric', 'getSingleMetric', 'removeSingleMetric', 'metrics'] as const;

/**
 * Validates the metrics options. A registry is checked by its methods rather than with
 * `instanceof`, so that a registry from another copy of prom-client is accepted too.
 *
 * @throws TypeError naming the option and the value received.
 */
export function resolveMetricsOptions(value: unknown, optionPath = 'metrics'): ResolvedWsAuthMetricsOptions {
  const source = requireOptionalObject(optionPath, value);
  if (source === undefined) {
    return { registry: null };
  }

  for (const key of Object.keys(source)) {
    if (key !== 'registry') {
      throw new TypeError(`${optionPath}.${key} is not a metrics option; the only option is registry.`);
    }
  }

  const registry = source.registry;
  if (registry === undefined) {
    return { registry: null };
  }
  if (!isRegistryLike(registry)) {
    throw new TypeError(
      `${optionPath}.registry must be a prom-client Registry (with ${REGISTRY_METHODS.join(', ')} methods); ` +
        `received ${describeReceived(registry)}.`,
    );
  }
  return { registry };
}

function isRegistryLike(value: unknown): value is Registry<RegistryContentType> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  return REGISTRY_METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
}
