import type { Registry, RegistryContentType } from 'prom-client';

/** Label values of one series, as strings. */
export type SeriesLabels = Record<string, string>;

/**
 * Reads the value of one series, or `undefined` when the registry does not publish it. `name` may
 * be a histogram's `_bucket`, `_sum` or `_count` series; labels must match exactly.
 */
export async function seriesValue(registry: Registry<RegistryContentType>, name: string, labels: SeriesLabels = {}): Promise<number | undefined> {
  const metrics = await registry.getMetricsAsJSON();
  const metric = metrics.find((candidate) => candidate.name === name || name.startsWith(`${candidate.name}_`));
  const series = metric?.values.find((value) => {
    const actual = value.labels as Record<string, string | number>;
    const seriesName = (value as { metricName?: string }).metricName ?? metric.name;
    return (
      seriesName === name &&
      Object.keys(actual).length === Object.keys(labels).length &&
      Object.entries(labels).every(([key, expected]) => String(actual[key]) === expected)
    );
  });
  return series?.value;
}

/** Lists the label sets of every series of metric `name`. */
export async function seriesLabels(registry: Registry<RegistryContentType>, name: string): Promise<SeriesLabels[]> {
  const metric = (await registry.getMetricsAsJSON()).find((candidate) => candidate.name === name);
  return (metric?.values ?? []).map((value) => value.labels as SeriesLabels);
}
