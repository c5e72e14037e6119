// The loop's runs as the HTML report's input (src/sim/report).
import { latencyWindows, offeredLoad, summaryRowFromRecords, type ReportInput, type PolicyRun as ReportRun, type SummaryRow } from '../report/index.ts';
import type { Slo } from '../score/slo.ts';
import type { SimRequest } from '../workload/request.ts';
import type { RunSummary } from './summary.ts';
import type { LoopResult } from './types.ts';

export interface ReportRunInput {
  readonly policy: string;
  readonly result: LoopResult;
  readonly summary: RunSummary;
}

export interface ReportInputOptions {
  readonly traceName: string;
  readonly traceChecksum?: string;
  readonly seed: number;
  readonly slo: Slo;
  readonly requests: readonly SimRequest[];
  readonly runs: readonly ReportRunInput[];
  readonly oracleGpuHours?: number | undefined;
  readonly warmupSeconds?: number;
  readonly notes?: readonly string[];
  readonly title?: string;
}

export function buildReportInput(o: ReportInputOptions): ReportInput {
  const duration = o.runs[0]?.result.endTime ?? 60;
  const warmup = o.warmupSeconds ?? 0;
  const slo = { ttftSeconds: o.slo.ttftSeconds, itlSeconds: o.slo.itlSeconds, quantile: o.slo.quantile ?? 0.9 };
  const runs: ReportRun[] = o.runs.map((r) => ({
    policy: r.policy,
    roles: Object.entries(r.result.timelines).map(([role, t]) => ({ role, gpusPerReplica: t.gpusPerUnit, replicas: t.allocated.map((s) => ({ time: s.time, value: s.value })) })),
    latencyWindowSeconds: 60,
    latency: latencyWindows(r.result.records, 60),
  }));
  const summary: SummaryRow[] = o.runs.map((r) => {
    const scored = r.result.records.filter((x) => x.arrival >= warmup);
    return summaryRowFromRecords({
      policy: r.policy,
      records: scored,
      slo,
      durationSeconds: Math.max(1, duration - warmup),
      gpuHours: r.summary.gpuHours,
      scalingActions: r.summary.actions,
      flaps: r.summary.flaps,
    });
  });
  return {
    header: {
      ...(o.title === undefined ? {} : { title: o.title }),
      traceName: o.traceName,
      ...(o.traceChecksum === undefined ? {} : { traceChecksum: o.traceChecksum }),
      seed: o.seed,
      slo,
      durationSeconds: duration,
      warmupSeconds: warmup,
      notes: o.notes ?? [],
    },
    load: offeredLoad(o.requests, 60, duration),
    runs,
    summary,
    ...(o.oracleGpuHours === undefined ? {} : { oracle: { gpuHours: o.oracleGpuHours, variant: 'achievable' as const } }),
  };
}
