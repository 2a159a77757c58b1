import { readFileSync } from 'node:fs';

import { Test, type TestingModule } from '@nestjs/testing';
import type { Registry } from 'prom-client';

import { CircuitBreakerService } from '../breaker/circuit-breaker.service.js';
import { WsAuthRecorder } from '../telemetry/ws-auth.recorder.js';
import { WsAuthModule } from '../ws-auth.module.js';
import { WS_AUTH_METRICS_REGISTRY } from './ws-auth-metrics.options.js';
import { WS_AUTH_METRIC_NAMES } from './ws-auth.metrics.js';

const DASHBOARD_PATH = 'docs/grafana-dashboard.json';
const OPERATIONS_GUIDE_PATH = 'docs/operations.md';

/** Labels that Prometheus adds to every series at scrape time. */
const TARGET_LABELS = ['job', 'instance'];

/** PromQL words that look like metric names but are not. */
const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset']);

interface Selector {
  readonly metric: string;
  readonly labels: string[];
}

interface PanelLike {
  readonly title?: string;
  readonly targets?: { readonly expr?: string }[];
  readonly panels?: PanelLike[];
}

/** Lists the series names the module publishes, each with its label names. */
async function exportedSeries(): Promise<Map<string, Set<string>>> {
  const moduleRef: TestingModule = await Test.createTestingModule({
    imports: [WsAuthModule.forRoot({ secret: 'k'.repeat(40) })],
  }).compile();

  // Every metric gets at least one series: a histogram observation and a breaker transition.
  moduleRef.get(WsAuthRecorder).recordVerification('jwt', 0.001);
  moduleRef.get(CircuitBreakerService).isolate('jwks');

  const series = new Map<string, Set<string>>();
  for (const metric of await moduleRef.get<Registry>(WS_AUTH_METRICS_REGISTRY).getMetricsAsJSON()) {
    for (const value of metric.values) {
      const name = (value as { metricName?: string }).metricName ?? metric.name;
      const labels = series.get(name) ?? new Set(TARGET_LABELS);
      Object.keys(value.labels).forEach((label) => labels.add(label));
      series.set(name, labels);
    }
  }

  await moduleRef.close();
  return series;
}

/**
 * Finds the metric selectors of a PromQL expression, with the label names of their matchers.
 * It covers the subset of PromQL that the dashboard and the alerts use: selectors with matchers,
 * ranges, offsets, aggregations with `by`, functions and binary operators.
 */
function selectorsOf(expr: string): Selector[] {
  const withoutGrouping = expr.replace(/\b(by|without)\s*\([^)]*\)/g, ' ');
  const withoutRanges = withoutGrouping.replace(/\[[^\]]*\]/g, ' ');
  const withoutNumbers = withoutRanges.replace(/(?<![\w:])\d+(\.\d+)?([eE][+-]?\d+)?[smhdwy]?\b/g, ' ');

  const selectors: Selector[] = [];
  const pattern = /([A-Za-z_:][\w:]*)\s*(\{([^}]*)\})?(\s*\()?/g;
  for (const match of withoutNumbers.matchAll(pattern)) {
    const [, name = '', , matchers, call] = match;
    if (call !== undefined || PROMQL_KEYWORDS.has(name)) {
      continue;
    }
    const labels = (matchers ?? '')
      .split(',')
      .map((matcher) => /^\s*([A-Za-z_]\w*)/.exec(matcher)?.[1])
      .filter((label): label is string => label !== undefined);
    selectors.push({ metric: name, labels });
  }
  return selectors;
}

/** Finds the label names of every `by (...)` clause of an expression. */
function groupingLabelsOf(expr: string): string[] {
  return [...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((match) =>
    (match[1] ?? '').split(',').map((label) => label.trim()),
  );
}

function dashboardExpressions(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as {
    panels: PanelLike[];
    templating: { list: { name: string; definition?: string }[] };
  };

  const expressions: { panel: string; expr: string }[] = [];
  const visit = (panels: PanelLike[]): void => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        expressions.push({ panel: panel.title ?? '(untitled)', expr: target.expr ?? '' });
      }
      visit(panel.panels ?? []);
    }
  };
  visit(dashboard.panels);

  for (const variable of dashboard.templating.list) {
    const metric = /^label_values\(([\w:]+),/.exec(variable.definition ?? '')?.[1];
    if (metric !== undefined) {
      expressions.push({ panel: `variable ${variable.name}`, expr: metric });
    }
  }
  return expressions;
}

/** Reads the `expr` of every alerting rule in the YAML blocks of the operations guide. */
function alertExpressions(): { panel: string; expr: string }[] {
  const guide = readFileSync(OPERATIONS_GUIDE_PATH, 'utf8');
  const expressions: { panel: string; expr: string }[] = [];

  for (const block of guide.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    const lines = (block[1] ?? '').split('\n');
    let alert = '(unnamed)';
    lines.forEach((line, index) => {
      alert = /^\s*- alert:\s*(\S+)/.exec(line)?.[1] ?? alert;
      const single = /^(\s*)expr:\s*(.*)$/.exec(line);
      if (single === null) {
        return;
      }
      const [, indent = '', value = ''] = single;
      if (value.trim() !== '|') {
        expressions.push({ panel: `alert ${alert}`, expr: value });
        return;
      }
      const body: string[] = [];
      for (const next of lines.slice(index + 1)) {
        if (next.trim() !== '' && next.search(/\S/) <= indent.length) {
          break;
        }
        body.push(next);
      }
      expressions.push({ panel: `alert ${alert}`, expr: body.join('\n') });
    });
  }
  return expressions;
}

describe('Grafana dashboard and alerts', () => {
  let series: Map<string, Set<string>>;

  beforeAll(async () => {
    series = await exportedSeries();
  });

  it('finds selectors in the PromQL subset used', () => {
    expect(selectorsOf('sum by (le, source) (rate(a_bucket{job=~"$job", x="1"}[5m] offset 5m)) > 3 * b and c == 2')).toEqual([
      { metric: 'a_bucket', labels: ['job', 'x'] },
      { metric: 'b', labels: [] },
      { metric: 'c', labels: [] },
    ]);
  });

  it('queries only series the module exports', () => {
    const expressions = [...dashboardExpressions(), ...alertExpressions()];
    expect(expressions.length).toBeGreaterThan(10);

    for (const { panel, expr } of expressions) {
      const selectors = selectorsOf(expr);
      expect({ panel, selectors: selectors.length > 0 }).toEqual({ panel, selectors: true });

      for (const selector of selectors) {
        const labels = series.get(selector.metric);
        expect({ panel, metric: selector.metric, exported: labels !== undefined }).toEqual({
          panel,
          metric: selector.metric,
          exported: true,
        });
        for (const label of selector.labels) {
          expect({ panel, metric: selector.metric, label, known: labels?.has(label) }).toEqual({
            panel,
            metric: selector.metric,
            label,
            known: true,
          });
        }
      }
    }
  });

  it('groups only by labels of the queried series', () => {
    for (const { panel, expr } of [...dashboardExpressions(), ...alertExpressions()]) {
      const available = new Set(selectorsOf(expr).flatMap((selector) => [...(series.get(selector.metric) ?? [])]));

      for (const label of groupingLabelsOf(expr)) {
        expect({ panel, label, known: available.has(label) }).toEqual({ panel, label, known: true });
      }
    }
  });

  it('shows every metric the module exports', () => {
    const queried = dashboardExpressions().flatMap(({ expr }) => selectorsOf(expr).map((selector) => selector.metric));

    for (const name of WS_AUTH_METRIC_NAMES) {
      const isShown = queried.some((metric) => metric === name || metric.startsWith(`${name}_`));
      expect({ name, isShown }).toEqual({ name, isShown: true });
    }
  });

  it('has the alerts the operations guide describes', () => {
    const alerts = alertExpressions().map(({ panel }) => panel);

    expect(alerts).toEqual(expect.arrayContaining(['alert WsAuthCircuitBreakerOpen', 'alert WsAuthFailureSpike']));
  });
});
