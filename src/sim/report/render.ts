import { gpuHoursChart, loadCharts, runCharts, slug } from './charts.ts';
import { escapeHtml } from './escape.ts';
import { formatDuration, formatLatency, formatNumber } from './format.ts';
import { REPORT_CSS } from './style.ts';
import { renderSummaryTable } from './table.ts';
import type { ReportHeader, ReportInput } from './types.ts';

const DEFAULT_TITLE = 'Canopy simulation report';

function sloText(header: ReportHeader): string {
  const q = `p${formatNumber(header.slo.quantile * 100)}`;
  return `TTFT ${q} ≤ ${formatLatency(header.slo.ttftSeconds)}, ITL ${q} ≤ ${formatLatency(header.slo.itlSeconds)} (per request and per window)`;
}

function headerHtml(input: ReportInput): string {
  const h = input.header;
  const rows: [string, string][] = [
    ['Trace', h.traceName],
    ...(h.traceChecksum === undefined ? [] : [['Trace checksum', h.traceChecksum] as [string, string]]),
    ['Seed', h.seed === undefined ? 'none' : String(h.seed)],
    ['SLO', sloText(h)],
    ['Duration', formatDuration(h.durationSeconds)],
    ...(h.warmupSeconds === undefined ? [] : [['Warm-up dropped', formatDuration(h.warmupSeconds)] as [string, string]]),
    ...(input.oracle === undefined ? [] : [['Oracle', `${formatNumber(input.oracle.gpuHours)} GPU-hours (${input.oracle.variant})`] as [string, string]]),
    ...(h.generatedAt === undefined ? [] : [['Generated', h.generatedAt] as [string, string]]),
  ];
  const dl = rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  const notes = h.notes === undefined || h.notes.length === 0 ? '' : `<ul class="notes">${h.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`;
  return `<header><h1>${escapeHtml(h.title ?? DEFAULT_TITLE)}</h1><dl class="meta">${dl}</dl>${notes}</header>`;
}

/** Element ids per run, unique even when two policy names slug the same. */
function runIds(input: ReportInput): string[] {
  const seen = new Map<string, number>();
  return input.runs.map((run) => {
    const base = slug(run.policy);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n + 1}`;
  });
}

/**
 * One self-contained HTML page: inline CSS and SVG, no script, no external asset. The same input always
 * gives the same bytes (nothing reads the clock or the locale).
 */
export function renderReport(input: ReportInput): string {
  const duration = input.header.durationSeconds;
  const ids = runIds(input);
  const runs =
    input.runs.length === 0
      ? '<p class="empty">No policy runs to chart.</p>'
      : input.runs
          .map((run, i) => `<section class="run" id="run-${escapeHtml(ids[i] ?? String(i))}"><h3>${escapeHtml(run.policy)}</h3>${runCharts(run, input.header.slo, duration, ids[i] ?? String(i))}</section>`)
          .join('');
  const title = escapeHtml(input.header.title ?? DEFAULT_TITLE);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>${title} — ${escapeHtml(input.header.traceName)}</title><style>${REPORT_CSS}</style></head>`,
    '<body>',
    headerHtml(input),
    `<section id="summary"><h2>Summary</h2>${renderSummaryTable(input.summary, input.oracle)}</section>`,
    `<section id="cost"><h2>Cost</h2>${gpuHoursChart(input.summary, input.oracle)}</section>`,
    `<section id="load"><h2>Offered load</h2>${loadCharts(input.load, duration)}</section>`,
    `<section id="runs"><h2>Replicas and latency per policy</h2>${runs}</section>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
