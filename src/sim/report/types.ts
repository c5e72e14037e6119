/**
 * The plain data an HTML report is drawn from. Whoever runs a simulation (the control loop, `simulate`,
 * `tune`) or a load test (`loadtest`) fills it; `renderReport` only draws it. Every time is in seconds
 * from the start of the run, every latency in seconds, every rate per second. Numbers may be NaN where
 * a value is undefined (say, attainment with no requests): the report prints "—" for them.
 */

/** One sample of a time series. */
export interface Point {
  /** Seconds from the start of the run. */
  readonly time: number;
  readonly value: number;
}

/** The latency SLO the run was scored against (same meaning as src/sim/score/slo.ts `Slo`). */
export interface ReportSlo {
  readonly ttftSeconds: number;
  readonly itlSeconds: number;
  /** The per-request and per-window quantile the SLO is checked at (0.9 = p90). */
  readonly quantile: number;
}

export interface ReportHeader {
  /** Page title; defaults to "Canopy simulation report". */
  readonly title?: string | undefined;
  /** The trace or workload, e.g. "Azure LLM 2023 conv" or a file name. */
  readonly traceName: string;
  /** Checksum of the trace file (e.g. "sha256:…"), printed so that a run can be reproduced. */
  readonly traceChecksum?: string | undefined;
  /** Seed of the run's random streams; undefined when nothing was random (a live load test). */
  readonly seed?: number | undefined;
  readonly slo: ReportSlo;
  /** Length of the scored run in seconds. */
  readonly durationSeconds: number;
  /** Seconds dropped from the start before scoring (the benchmark protocol's warm-up). */
  readonly warmupSeconds?: number | undefined;
  /** A timestamp to print. Never filled in by the renderer, so that the same input gives the same page. */
  readonly generatedAt?: string | undefined;
  /** Free-form lines shown under the header (load scale, engine profile, where the data came from). */
  readonly notes?: readonly string[] | undefined;
}

/** The offered load: what the trace asked for, independent of any policy. */
export interface OfferedLoad {
  /** Width of the windows the rates are averaged over. */
  readonly windowSeconds: number;
  /** Request arrivals per second, one point per window (time = window start). */
  readonly requestsPerSecond: readonly Point[];
  /** Prompt tokens arriving per second, one point per window (time = window start). */
  readonly promptTokensPerSecond: readonly Point[];
}

/** Replica count of one role (a PodClique or scaling group) as a step timeline. */
export interface RoleReplicas {
  /** Role name as Grove names it, e.g. "prefill", "decode", "worker". */
  readonly role: string;
  /** GPUs one replica of this role holds; used for the "GPUs in use" line against the budget. */
  readonly gpusPerReplica: number;
  /** Steps: each value holds from its time until the next point (or the end of the run). Starting replicas count. */
  readonly replicas: readonly Point[];
}

/** p50 / p90 / p99 of a latency over one window; NaN without samples, Infinity when a dropped request is the quantile. */
export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** Latency percentiles of the requests that arrived in [start, start + windowSeconds). */
export interface LatencyWindow {
  readonly start: number;
  /** Requests that arrived in the window (dropped ones included). */
  readonly requests: number;
  /** Time to first token over the window's requests. */
  readonly ttft: Percentiles;
  /** Inter-token latency over all gaps of the window's requests, pooled. */
  readonly itl: Percentiles;
}

/** The time series of one policy's run over the trace. */
export interface PolicyRun {
  /** Policy name, matching a SummaryRow's `policy`. */
  readonly policy: string;
  /** Replicas per role over time; empty when the run had no scaling (the chart then says so). */
  readonly roles: readonly RoleReplicas[];
  /** GPUs the fleet may use in total, if the policy had a budget. */
  readonly gpuBudget?: number | undefined;
  /** Width of the latency windows (the protocol uses 60 s). */
  readonly latencyWindowSeconds: number;
  /** One entry per window that had requests, in time order. */
  readonly latency: readonly LatencyWindow[];
}

/** One line of the summary table: how a policy scored. */
export interface SummaryRow {
  readonly policy: string;
  /** Fraction (0–1) of 1-min windows whose TTFT and ITL quantiles met the SLO. */
  readonly windowAttainment: number;
  /** Fraction (0–1) of requests that met the SLO; dropped and timed-out requests count as misses. */
  readonly requestAttainment: number;
  /** Requests that met the SLO per second of the run. */
  readonly goodput: number;
  /** ∫ Σ replicas × GPUs per replica dt, in hours, cold start included. */
  readonly gpuHours: number;
  /** Scaling actions that changed a replica count. */
  readonly scalingActions: number;
  /** Direction reversals of the same target within 10 minutes. */
  readonly flaps: number;
  /** Seconds the prefill:decode ratio spent outside its band; undefined for aggregated serving (shown as n/a). */
  readonly secondsOutsideRatioBand?: number | undefined;
}

/** The oracle the GPU-hours are compared with. */
export interface OracleReference {
  readonly gpuHours: number;
  /** `lower-bound` ignores cold start; `achievable` starts each replica one cold start earlier. */
  readonly variant: 'lower-bound' | 'achievable';
}

export interface ReportInput {
  readonly header: ReportHeader;
  readonly load: OfferedLoad;
  /** One entry per policy whose time series are drawn (replicas, TTFT and ITL charts), in display order. */
  readonly runs: readonly PolicyRun[];
  /** One row per policy, in display order. */
  readonly summary: readonly SummaryRow[];
  /** Without an oracle the ratio column shows "—" and the GPU-hours chart has no oracle bar. */
  readonly oracle?: OracleReference | undefined;
}
