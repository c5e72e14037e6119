// Scoring a run from its per-request records and replica timelines (never from the autoscaler's own
// histograms): window and request attainment, GPU-hours including cold starts, stability.
import { gpuHours, scalingStability } from '../score/fleet.ts';
import { requestAttainment, windowAttainment, type Slo } from '../score/slo.ts';
import type { LoopResult } from './types.ts';

export interface RunSummary {
  readonly policy: string;
  /** Fraction of 1-min windows (by arrival, after warm-up) whose p90 TTFT and pooled p90 ITL meet the SLO. */
  readonly windowAttainment: number;
  readonly windowsMet: number;
  readonly windows: number;
  readonly requestAttainment: number;
  readonly requests: number;
  readonly dropped: number;
  readonly gpuHours: number;
  /** GPU-hours / the achievable oracle's GPU-hours over the same span. */
  readonly ratioToOracle: number | undefined;
  readonly ratioToIdealOracle: number | undefined;
  readonly actions: number;
  readonly actionsPerHour: number;
  readonly flaps: number;
  /** Units that waited for placement, and the longest wait in seconds. */
  readonly pendingUnits: number;
  readonly longestPendingSeconds: number;
  readonly peakUnits: Readonly<Record<string, number>>;
}

export interface SummaryOptions {
  readonly slo: Slo;
  readonly warmupSeconds?: number;
  readonly oracleGpuHours?: { readonly ideal: number; readonly achievable: number } | undefined;
}

const round = (x: number): number => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x);

export function summarizeRun(policy: string, result: LoopResult, options: SummaryOptions): RunSummary {
  const warmup = options.warmupSeconds ?? 0;
  const scored = result.records.filter((r) => r.arrival >= warmup);
  const w = windowAttainment(scored, options.slo, 60);
  const req = requestAttainment(scored, options.slo);
  const pools = Object.values(result.timelines).map((t) => ({ replicas: t.allocated, gpusPerReplica: t.gpusPerUnit }));
  const hours = gpuHours(pools, warmup, result.endTime);
  const stability = scalingStability(result.actions, result.endTime);
  const pending = result.units.filter((u) => u.placedAt === undefined || u.placedAt > u.requestedAt);
  const longest = pending.reduce((m, u) => Math.max(m, (u.placedAt ?? u.goneAt ?? result.endTime) - u.requestedAt), 0);
  const peakUnits = Object.fromEntries(Object.entries(result.timelines).map(([role, t]) => [role, t.allocated.reduce((m, s) => Math.max(m, s.value), 0)]));
  const o = options.oracleGpuHours;
  return {
    policy,
    windowAttainment: round(w.attainment),
    windowsMet: w.met,
    windows: w.windows.length,
    requestAttainment: round(req.attainment),
    requests: req.requests,
    dropped: scored.filter((r) => r.dropped).length,
    gpuHours: round(hours),
    ratioToOracle: o === undefined || o.achievable <= 0 ? undefined : round(hours / o.achievable),
    ratioToIdealOracle: o === undefined || o.ideal <= 0 ? undefined : round(hours / o.ideal),
    actions: stability.actions,
    actionsPerHour: round(stability.actionsPerHour),
    flaps: stability.flaps,
    pendingUnits: pending.length,
    longestPendingSeconds: round(longest),
    peakUnits,
  };
}
