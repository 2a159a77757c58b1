import { type Figure, formatRatio, verdictOf } from './report.js';

/** Horizontal layout of the chart, in pixels. */
const WIDTH = 1000;
const LABEL_WIDTH = 470;
const PLOT_LEFT = LABEL_WIDTH + 10;
const PLOT_RIGHT = WIDTH - 60;
const ROW_HEIGHT = 22;
const TOP = 56;

const COLORS = { PASS: '#2e7d32', MISS: '#c62828', none: '#78909c' } as const;

/** Ratios at which the axis gets a grid line and a label, when they fall inside the domain. */
const TICKS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

type Row = { kind: 'section'; text: string } | { kind: 'bar'; figure: Figure; ratio: number };

/**
 * Draws every figure that has a ratio as a bar from 1x on a logarithmic axis, coloured by its
 * result (green PASS, red MISS, grey without a target), with a black mark at its target ratio.
 * Baselines, whose ratio is 1 in every round by construction, are left out.
 */
export function renderRatioChart(figures: readonly Figure[], subtitle: string): string {
  const rows = chartRows(figures);
  const ratios = rows.flatMap((row) => (row.kind === 'bar' ? [row.ratio, row.figure.target?.maxRatio ?? row.ratio] : []));
  // Margins around the smallest and largest ratio leave room for the bars' value labels.
  const low = Math.min(0.5, ...ratios) * 0.9;
  const high = Math.max(2, ...ratios) * 1.6;
  const x = (ratio: number): number =>
    PLOT_LEFT + ((Math.log10(ratio) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * (PLOT_RIGHT - PLOT_LEFT);
  const height = TOP + rows.length * ROW_HEIGHT + 40;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">nestjs-ws-auth benchmark: ratios to each comparison's baseline (log scale, lower is better)</text>`,
    `<text x="10" y="38" fill="#555555">${escapeXml(subtitle)}</text>`,
  ];

  for (const tick of TICKS.filter((value) => value >= low && value <= high)) {
    const tickX = x(tick).toFixed(1);
    const stroke = tick === 1 ? '#000000' : '#dddddd';
    parts.push(`<line x1="${tickX}" y1="${TOP - 6}" x2="${tickX}" y2="${height - 34}" stroke="${stroke}"/>`);
    parts.push(`<text x="${tickX}" y="${height - 20}" text-anchor="middle" fill="#555555">${formatTick(tick)}</text>`);
  }

  rows.forEach((row, index) => {
    const y = TOP + index * ROW_HEIGHT;
    if (row.kind === 'section') {
      parts.push(`<text x="10" y="${y + 15}" font-weight="bold">${escapeXml(row.text)}</text>`);
      return;
    }
    parts.push(...barParts(row.figure, row.ratio, y, x));
  });

  parts.push(
    `<text x="${WIDTH - 10}" y="${height - 6}" text-anchor="end" fill="#555555">bar colour: green PASS, red MISS, grey no target; black mark: target</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

function chartRows(figures: readonly Figure[]): Row[] {
  const rows: Row[] = [];
  let section: string | null = null;

  for (const figure of figures) {
    const summary = figure.ratio?.summary;
    if (summary === undefined || (summary.min === 1 && summary.max === 1)) {
      continue;
    }
    if (figure.section !== section) {
      section = figure.section;
      rows.push({ kind: 'section', text: `${section} (ratio to ${figure.ratio!.against})` });
    }
    rows.push({ kind: 'bar', figure, ratio: summary.median });
  }
  return rows;
}

function barParts(figure: Figure, ratio: number, y: number, x: (ratio: number) => number): string[] {
  const verdict = verdictOf(figure);
  const color = verdict === '' ? COLORS.none : COLORS[verdict as 'PASS' | 'MISS'];
  const start = Math.min(x(1), x(ratio));
  const width = Math.max(1, Math.abs(x(ratio) - x(1)));
  const label = `${formatRatio(ratio)}${verdict === '' ? '' : ` ${verdict}`}`;
  const maxRatio = figure.target?.maxRatio;
  const labelX = Math.max(x(1), x(ratio), maxRatio === undefined ? 0 : x(maxRatio)) + 5;
  const parts = [
    `<text x="${LABEL_WIDTH}" y="${y + 15}" text-anchor="end">${escapeXml(shorten(figure.name, 72))}</text>`,
    `<rect x="${start.toFixed(1)}" y="${y + 4}" width="${width.toFixed(1)}" height="${ROW_HEIGHT - 8}" fill="${color}"/>`,
    `<text x="${labelX.toFixed(1)}" y="${y + 15}" fill="${color}">${escapeXml(label)}</text>`,
  ];

  if (maxRatio !== undefined) {
    const markX = x(maxRatio).toFixed(1);
    parts.push(`<line x1="${markX}" y1="${y + 1}" x2="${markX}" y2="${y + ROW_HEIGHT - 1}" stroke="#000000" stroke-width="2"/>`);
  }
  return parts;
}

function formatTick(ratio: number): string {
  return `${ratio}x`;
}

function shorten(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
