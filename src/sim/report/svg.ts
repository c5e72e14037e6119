import { escapeHtml } from './escape.ts';
import { niceCeiling, niceTicks, type AxisUnit } from './scale.ts';
import type { Point } from './types.ts';

/*
 * Inline SVG charts with no script: geometry is computed here and styled by the page's CSS classes
 * (colours are CSS variables, so one page reads in light and dark mode).
 */

const WIDTH = 760;
const HEIGHT = 280;
const MARGIN = { left: 72, right: 24, top: 16, bottom: 46 } as const;
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

/** Number of palette colours the stylesheet defines (.c0 … .c7). */
export const PALETTE_SIZE = 8;

export interface ChartSeries {
  readonly label: string;
  /** Palette index; taken modulo PALETTE_SIZE. */
  readonly colour: number;
  readonly points: readonly Point[];
  /** `step`: each value holds until the next point (replica counts); `line`: samples joined by lines. */
  readonly shape: 'line' | 'step';
  readonly dashed?: boolean;
}

/** A horizontal reference line: an SLO or a budget. */
export interface ChartThreshold {
  readonly label: string;
  readonly value: number;
}

export interface LineChartSpec {
  /** Element id of the figure; must be unique in the page. */
  readonly id: string;
  readonly title: string;
  /** The x axis spans [0, xMax] seconds. */
  readonly xMax: number;
  readonly xUnit: AxisUnit;
  readonly yUnit: AxisUnit;
  readonly series: readonly ChartSeries[];
  readonly thresholds?: readonly ChartThreshold[];
  /** What the empty chart says, e.g. "No replica data: this run had no scaling". */
  readonly emptyText: string;
}

/** Rounds to 0.1 px: smaller files, and the same numbers print the same way everywhere. */
function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function colourClass(colour: number): string {
  return `c${String(((colour % PALETTE_SIZE) + PALETTE_SIZE) % PALETTE_SIZE)}`;
}

/** The largest finite value among the points (−Infinity when there is none). */
function finiteMax(points: readonly Point[]): number {
  let max = -Infinity;
  for (const p of points) if (Number.isFinite(p.value) && Number.isFinite(p.time) && p.value > max) max = p.value;
  return max;
}

function hasData(series: readonly ChartSeries[]): boolean {
  return series.some((s) => finiteMax(s.points) > -Infinity);
}

interface Frame {
  readonly x: (seconds: number) => number;
  readonly y: (value: number) => number;
}

/**
 * The `d` of one series. Points with a non-finite time or value break the line (a dropped request's
 * infinite TTFT has no place on a linear axis); a step series holds its last value to the axis end.
 */
export function seriesPath(series: ChartSeries, frame: Frame, xEnd: number): string {
  const parts: string[] = [];
  let open = false;
  const points = series.points;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (p === undefined) continue;
    if (!Number.isFinite(p.value) || !Number.isFinite(p.time)) {
      open = false;
      continue;
    }
    const x = frame.x(p.time);
    const y = frame.y(p.value);
    if (!open) parts.push(`M${px(x)} ${px(y)}`);
    else if (series.shape === 'step') parts.push(`H${px(x)}`, `V${px(y)}`);
    else parts.push(`L${px(x)} ${px(y)}`);
    open = true;
    if (series.shape === 'step') {
      const next = points[i + 1];
      // A step ends where the next one starts; the last step runs to the end of the axis.
      if (next === undefined) parts.push(`H${px(frame.x(xEnd))}`);
      else if (!Number.isFinite(next.value) || !Number.isFinite(next.time)) parts.push(`H${px(frame.x(Number.isFinite(next.time) ? next.time : xEnd))}`);
    }
  }
  return parts.join('');
}

function legend(series: readonly ChartSeries[], thresholds: readonly ChartThreshold[]): string {
  const items = [
    ...series.map((s) => `<li><span class="swatch ${colourClass(s.colour)}${s.dashed === true ? ' dashed' : ''}"></span>${escapeHtml(s.label)}</li>`),
    ...thresholds.map((t) => `<li><span class="swatch threshold"></span>${escapeHtml(t.label)}</li>`),
  ];
  return items.length === 0 ? '' : `<ul class="legend">${items.join('')}</ul>`;
}

function axes(xTicks: readonly number[], yTicks: readonly number[], spec: LineChartSpec, frame: Frame): string {
  const out: string[] = [];
  const bottom = MARGIN.top + PLOT_H;
  for (const t of yTicks) {
    const y = frame.y(t / spec.yUnit.scale);
    out.push(`<line class="grid" x1="${px(MARGIN.left)}" x2="${px(MARGIN.left + PLOT_W)}" y1="${px(y)}" y2="${px(y)}"/>`);
    out.push(`<text class="tick" x="${px(MARGIN.left - 6)}" y="${px(y + 4)}" text-anchor="end">${escapeHtml(spec.yUnit.label(t))}</text>`);
  }
  for (const t of xTicks) {
    const x = frame.x(t / spec.xUnit.scale);
    out.push(`<line class="tick-mark" x1="${px(x)}" x2="${px(x)}" y1="${px(bottom)}" y2="${px(bottom + 5)}"/>`);
    out.push(`<text class="tick" x="${px(x)}" y="${px(bottom + 18)}" text-anchor="middle">${escapeHtml(spec.xUnit.label(t))}</text>`);
  }
  out.push(`<line class="axis" x1="${px(MARGIN.left)}" x2="${px(MARGIN.left + PLOT_W)}" y1="${px(bottom)}" y2="${px(bottom)}"/>`);
  out.push(`<line class="axis" x1="${px(MARGIN.left)}" x2="${px(MARGIN.left)}" y1="${px(MARGIN.top)}" y2="${px(bottom)}"/>`);
  out.push(`<text class="axis-title" x="${px(MARGIN.left + PLOT_W / 2)}" y="${px(HEIGHT - 6)}" text-anchor="middle">${escapeHtml(spec.xUnit.title)}</text>`);
  const midY = MARGIN.top + PLOT_H / 2;
  out.push(`<text class="axis-title" x="14" y="${px(midY)}" text-anchor="middle" transform="rotate(-90 14 ${px(midY)})">${escapeHtml(spec.yUnit.title)}</text>`);
  return out.join('');
}

/** A figure with a titled line/step chart, its legend, or a "no data" notice when nothing is finite. */
export function renderLineChart(spec: LineChartSpec): string {
  const id = escapeHtml(spec.id);
  const title = escapeHtml(spec.title);
  const thresholds = (spec.thresholds ?? []).filter((t) => Number.isFinite(t.value));
  const head = `<figure class="chart" id="${id}"><figcaption>${title}</figcaption>`;
  if (!hasData(spec.series)) {
    return (
      `${head}<svg class="plot empty" viewBox="0 0 ${WIDTH} 80" role="img" aria-label="${title}: no data">` +
      `<text class="no-data" x="${WIDTH / 2}" y="45" text-anchor="middle">${escapeHtml(spec.emptyText)}</text></svg></figure>`
    );
  }
  const xMax = spec.xMax > 0 ? spec.xMax : Math.max(1, ...spec.series.flatMap((s) => s.points.map((p) => (Number.isFinite(p.time) ? p.time : 0))));
  const dataMax = Math.max(0, ...spec.series.map((s) => finiteMax(s.points)), ...thresholds.map((t) => t.value));
  // Head-room above the highest line so that it does not sit on the frame.
  const yTopUnits = niceCeiling(dataMax * spec.yUnit.scale * 1.05);
  const yTop = yTopUnits / spec.yUnit.scale;
  const frame: Frame = {
    x: (seconds) => MARGIN.left + (Math.min(Math.max(seconds, 0), xMax) / xMax) * PLOT_W,
    y: (value) => MARGIN.top + PLOT_H - (Math.min(Math.max(value, 0), yTop) / yTop) * PLOT_H,
  };
  const xTicks = niceTicks(0, xMax * spec.xUnit.scale, 8);
  const yTicks = niceTicks(0, yTopUnits, 5);
  const paths = spec.series
    .map((s) => {
      const d = seriesPath(s, frame, xMax);
      if (d === '') return '';
      const cls = `series ${colourClass(s.colour)}${s.dashed === true ? ' dashed' : ''}`;
      return `<path class="${cls}" data-series="${escapeHtml(s.label)}" d="${d}"><title>${escapeHtml(s.label)}</title></path>`;
    })
    .join('');
  const lines = thresholds
    .map((t) => {
      const y = frame.y(t.value);
      return (
        `<line class="threshold" x1="${px(MARGIN.left)}" x2="${px(MARGIN.left + PLOT_W)}" y1="${px(y)}" y2="${px(y)}"/>` +
        `<text class="threshold-label" x="${px(MARGIN.left + PLOT_W - 4)}" y="${px(y - 4)}" text-anchor="end">${escapeHtml(t.label)}</text>`
      );
    })
    .join('');
  return (
    `${head}<svg class="plot" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}">` +
    axes(xTicks, yTicks, spec, frame) +
    `<g class="data">${paths}</g>${lines}</svg>${legend(spec.series, thresholds)}</figure>`
  );
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly colour: number;
  /** Printed after the value, e.g. "1.23× oracle". */
  readonly note?: string;
}

export interface BarChartSpec {
  readonly id: string;
  readonly title: string;
  readonly unit: AxisUnit;
  readonly bars: readonly Bar[];
  readonly emptyText: string;
}

/** Horizontal bars, one per row, with the value printed at the end of each. */
export function renderBarChart(spec: BarChartSpec): string {
  const id = escapeHtml(spec.id);
  const title = escapeHtml(spec.title);
  const head = `<figure class="chart" id="${id}"><figcaption>${title}</figcaption>`;
  const bars = spec.bars.filter((b) => Number.isFinite(b.value) && b.value >= 0);
  if (bars.length === 0) {
    return (
      `${head}<svg class="plot empty" viewBox="0 0 ${WIDTH} 80" role="img" aria-label="${title}: no data">` +
      `<text class="no-data" x="${WIDTH / 2}" y="45" text-anchor="middle">${escapeHtml(spec.emptyText)}</text></svg></figure>`
    );
  }
  const labelW = 170;
  const valueW = 150;
  const row = 28;
  const top = 10;
  const plotW = WIDTH - labelW - valueW;
  const height = top + bars.length * row + 44;
  const maxUnits = niceCeiling(Math.max(...bars.map((b) => b.value)) * spec.unit.scale);
  const x = (units: number): number => labelW + (units / maxUnits) * plotW;
  const out: string[] = [];
  const bottom = top + bars.length * row;
  for (const t of niceTicks(0, maxUnits, 5)) {
    out.push(`<line class="grid" x1="${px(x(t))}" x2="${px(x(t))}" y1="${px(top)}" y2="${px(bottom)}"/>`);
    out.push(`<text class="tick" x="${px(x(t))}" y="${px(bottom + 16)}" text-anchor="middle">${escapeHtml(spec.unit.label(t))}</text>`);
  }
  bars.forEach((b, i) => {
    const y = top + i * row;
    const w = Math.max(0.5, x(b.value * spec.unit.scale) - labelW);
    const text = `${spec.unit.label(b.value * spec.unit.scale)}${b.note === undefined ? '' : ` · ${b.note}`}`;
    out.push(`<text class="bar-label" x="${px(labelW - 8)}" y="${px(y + row / 2 + 4)}" text-anchor="end">${escapeHtml(b.label)}</text>`);
    out.push(`<rect class="bar ${colourClass(b.colour)}" data-bar="${escapeHtml(b.label)}" x="${px(labelW)}" y="${px(y + 5)}" width="${px(w)}" height="${px(row - 10)}"><title>${escapeHtml(`${b.label}: ${text}`)}</title></rect>`);
    out.push(`<text class="bar-value" x="${px(labelW + w + 6)}" y="${px(y + row / 2 + 4)}">${escapeHtml(text)}</text>`);
  });
  out.push(`<line class="axis" x1="${px(labelW)}" x2="${px(labelW)}" y1="${px(top)}" y2="${px(bottom)}"/>`);
  out.push(`<text class="axis-title" x="${px(labelW + plotW / 2)}" y="${px(height - 6)}" text-anchor="middle">${escapeHtml(spec.unit.title)}</text>`);
  return `${head}<svg class="plot" viewBox="0 0 ${WIDTH} ${px(height)}" role="img" aria-label="${title}">${out.join('')}</svg></figure>`;
}
