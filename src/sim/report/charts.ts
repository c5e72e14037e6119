import { formatLatency, formatNumber } from './format.ts';
import { countUnit, latencyUnit, timeUnit } from './scale.ts';
import { renderBarChart, renderLineChart, type ChartSeries } from './svg.ts';
import { oracleRatio } from './table.ts';
import type { LatencyWindow, OfferedLoad, OracleReference, Point, PolicyRun, ReportSlo, RoleReplicas, SummaryRow } from './types.ts';

/** A stable, id-safe slug for element ids: "HPA (queue)" → "hpa-queue". */
export function slug(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return s === '' ? 'x' : s;
}

export function loadCharts(load: OfferedLoad, durationSeconds: number): string {
  const xUnit = timeUnit(durationSeconds);
  const per = `per ${formatNumber(load.windowSeconds)} s window`;
  return (
    renderLineChart({
      id: 'chart-load-requests',
      title: `Offered load: requests (${per})`,
      xMax: durationSeconds,
      xUnit,
      yUnit: countUnit('arrival rate (req/s)', 'req/s'),
      series: [{ label: 'requests per second', colour: 0, points: load.requestsPerSecond, shape: 'step' }],
      emptyText: 'No data: the trace has no requests',
    }) +
    renderLineChart({
      id: 'chart-load-tokens',
      title: `Offered load: prompt tokens (${per})`,
      xMax: durationSeconds,
      xUnit,
      yUnit: countUnit('prompt tokens (tok/s)', 'tok/s'),
      series: [{ label: 'prompt tokens per second', colour: 1, points: load.promptTokensPerSecond, shape: 'step' }],
      emptyText: 'No data: the trace has no requests',
    })
  );
}

/** Σ replicas × GPUs per replica over all roles, as one step timeline. */
export function gpusInUse(roles: readonly RoleReplicas[]): Point[] {
  const times = [...new Set(roles.flatMap((r) => r.replicas.map((p) => p.time)))].sort((a, b) => a - b);
  const cursor = roles.map(() => -1);
  return times.map((time) => {
    let total = 0;
    roles.forEach((role, r) => {
      let i = cursor[r] ?? -1;
      while (i + 1 < role.replicas.length && (role.replicas[i + 1]?.time ?? Infinity) <= time) i++;
      cursor[r] = i;
      total += (role.replicas[i]?.value ?? 0) * role.gpusPerReplica;
    });
    return { time, value: total };
  });
}

function replicaChart(run: PolicyRun, durationSeconds: number, id: string): string {
  const series: ChartSeries[] = run.roles.map((role, i) => ({ label: role.role, colour: i, points: role.replicas, shape: 'step' }));
  const budget = run.gpuBudget;
  const withBudget = budget !== undefined && Number.isFinite(budget) && run.roles.length > 0;
  if (withBudget) series.push({ label: 'GPUs in use (all roles)', colour: 6, points: gpusInUse(run.roles), shape: 'step', dashed: true });
  return renderLineChart({
    id: `chart-replicas-${id}`,
    title: `Replicas per role — ${run.policy}`,
    xMax: durationSeconds,
    xUnit: timeUnit(durationSeconds),
    yUnit: countUnit(withBudget ? 'replicas · GPUs' : 'replicas', ''),
    series,
    thresholds: withBudget ? [{ label: `GPU budget: ${formatNumber(budget)} GPUs`, value: budget }] : [],
    emptyText: 'No data: no replica timeline was recorded for this run',
  });
}

function percentileSeries(windows: readonly LatencyWindow[], windowSeconds: number, pick: (w: LatencyWindow) => LatencyWindow['ttft']): ChartSeries[] {
  // Plot each window at its middle: the value describes the whole window.
  const at = (w: LatencyWindow, v: number): Point => ({ time: w.start + windowSeconds / 2, value: v });
  return [
    { label: 'p50', colour: 2, points: windows.map((w) => at(w, pick(w).p50)), shape: 'line' },
    { label: 'p90', colour: 0, points: windows.map((w) => at(w, pick(w).p90)), shape: 'line' },
    { label: 'p99', colour: 1, points: windows.map((w) => at(w, pick(w).p99)), shape: 'line' },
  ];
}

function latencyChart(run: PolicyRun, slo: ReportSlo, durationSeconds: number, id: string, metric: 'ttft' | 'itl'): string {
  const series = percentileSeries(run.latency, run.latencyWindowSeconds, (w) => w[metric]);
  const limit = metric === 'ttft' ? slo.ttftSeconds : slo.itlSeconds;
  const finite = series.flatMap((s) => s.points.map((p) => p.value)).filter((v) => Number.isFinite(v));
  const name = metric === 'ttft' ? 'TTFT' : 'ITL';
  const q = `p${formatNumber(slo.quantile * 100)}`;
  return renderLineChart({
    id: `chart-${metric}-${id}`,
    title: `${name} percentiles per ${formatNumber(run.latencyWindowSeconds)} s window — ${run.policy}`,
    xMax: durationSeconds,
    xUnit: timeUnit(durationSeconds),
    yUnit: latencyUnit(name, Math.max(limit, ...finite)),
    series,
    thresholds: [{ label: `SLO: ${name} ${q} ≤ ${formatLatency(limit)}`, value: limit }],
    emptyText: `No data: no ${name} samples in this run`,
  });
}

export function runCharts(run: PolicyRun, slo: ReportSlo, durationSeconds: number, id: string): string {
  return replicaChart(run, durationSeconds, id) + latencyChart(run, slo, durationSeconds, id, 'ttft') + latencyChart(run, slo, durationSeconds, id, 'itl');
}

export function gpuHoursChart(rows: readonly SummaryRow[], oracle: OracleReference | undefined): string {
  const bars = rows.map((row, i) => {
    const ratio = oracleRatio(row.gpuHours, oracle);
    return { label: row.policy, value: row.gpuHours, colour: i % 6, ...(ratio === undefined ? {} : { note: `${formatNumber(ratio)}× oracle` }) };
  });
  if (oracle !== undefined) bars.push({ label: `oracle (${oracle.variant})`, value: oracle.gpuHours, colour: 6 });
  return renderBarChart({
    id: 'chart-gpu-hours',
    title: oracle === undefined ? 'GPU-hours per policy' : 'GPU-hours per policy against the oracle',
    unit: countUnit('GPU-hours', 'GPU·h'),
    bars,
    emptyText: 'No data: no policy reported GPU-hours',
  });
}
