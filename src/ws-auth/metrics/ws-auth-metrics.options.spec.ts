import { Registry } from 'prom-client';

import { resolveMetricsOptions } from './ws-auth-metrics.options.js';

describe('resolveMetricsOptions', () => {
  it("defaults to a registry of the module's own", () => {
    expect(resolveMetricsOptions(undefined)).toEqual({ registry: null });
    expect(resolveMetricsOptions({})).toEqual({ registry: null });
  });

  it("accepts the application's registry", () => {
    const registry = new Registry();

    expect(resolveMetricsOptions({ registry }).registry).toBe(registry);
  });

  it('accepts a registry of another prom-client copy by its methods', () => {
    const lookalike = {
      registerMetric: () => undefined,
      getSingleMetric: () => undefined,
      removeSingleMetric: () => undefined,
      metrics: () => Promise.resolve(''),
    };

    expect(resolveMetricsOptions({ registry: lookalike }).registry).toBe(lookalike);
  });

  it('rejects a registry without the registry methods', () => {
    expect(() => resolveMetricsOptions({ registry: { metrics: () => '' } })).toThrow(
      'metrics.registry must be a prom-client Registry (with registerMetric, getSingleMetric, removeSingleMetric, ' +
        'metrics methods); received a value of type object.',
    );
    expect(() => resolveMetricsOptions({ registry: 'default' })).toThrow('received "default".');
  });

  it('rejects an unknown key', () => {
    expect(() => resolveMetricsOptions({ prefix: 'app_' })).toThrow(
      'metrics.prefix is not a metrics option; the only option is registry.',
    );
  });

  it('rejects a value that is not an object', () => {
    expect(() => resolveMetricsOptions(true)).toThrow(TypeError);
  });
});
