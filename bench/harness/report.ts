import type { RoundSummary } from './stats.js';

/** A target that a figure is held to, and whether the run met it. */
export interface Target {
  /** The target in words, such as "at most 1.2x fast-jwt". */
  readonly text: string;
  readonly passed: boolean;
  /** Largest ratio allowed, when the target is a ratio; drawn as a marker on the chart. */
  readonly maxRatio?: number;
}

/** One line of the results: a measured value, its ratio to a baseline and its target, if any. */
export interface Figure {
  /** Heading of the comparison, such as "1. Verification on a cache miss, HS256". */
  readonly section: string;
  readonly name: string;
  /** Median of the samples with its unit, ready to print. */
  readonly value: string;
  /** Ratio to `against`, computed within each round. */
  readonly ratio?: { readonly against: string; readonly summary: RoundSummary };
  readonly target?: Target;
}

/** Formats a duration given in nanoseconds with a unit that keeps three significant digits. */
export function formatNs(ns: number): string {
  if (Math.abs(ns) >= 1e6) {
    return `${(ns / 1e6).toPrecision(3)} ms`;
  }
  if (Math.abs(ns) >= 1e3) {
    return `${(ns / 1e3).toPrecision(3)} µs`;
  }
  return `${ns.toPrecision(3)} ns`;
}

/** Formats a number of bytes in KiB or MiB. */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1024 * 1024) {
    return `${(bytes / (1024 * 1024)).toPrecision(3)} MiB`;
  }
  return `${(bytes / 1024).toPrecision(3)} KiB`;
}

/** Formats a rate such as connections per second, rounded to three significant digits. */
export function formatRate(perSecond: number, unit: string): string {
  return `${Number(perSecond.toPrecision(3)).toLocaleString('en-US')} ${unit}/s`;
}

/** Formats a ratio as `1.23x`. */
export function formatRatio(ratio: number): string {
  return `${ratio >= 10 ? ratio.toPrecision(3) : ratio.toFixed(2)}x`;
}

/** Renders the figures as Markdown: one table per section, in the order the figures came. */
export function renderMarkdown(figures: readonly Figure[]): string {
  const lines: string[] = [];
  let section: string | null = null;

  for (const figure of figures) {
    if (figure.section !== section) {
      section = figure.section;
      lines.push('', `### ${section}`, '', '| figure | median | ratio (min to max over rounds) | target | result |', '| --- | --- | --- | --- | --- |');
    }
    lines.push(`| ${figure.name} | ${figure.value} | ${describeRatio(figure)} | ${figure.target?.text ?? ''} | ${verdictOf(figure)} |`);
  }

  return lines.join('\n').trimStart();
}

/** Returns `PASS` or `MISS` for a figure with a target, and an empty string otherwise. */
export function verdictOf(figure: Figure): string {
  if (figure.target === undefined) {
    return '';
  }
  return figure.target.passed ? 'PASS' : 'MISS';
}

function describeRatio(figure: Figure): string {
  if (figure.ratio === undefined) {
    return '';
  }
  const { against, summary } = figure.ratio;
  return `${formatRatio(summary.median)} of ${against} (${formatRatio(summary.min)} to ${formatRatio(summary.max)})`;
}
