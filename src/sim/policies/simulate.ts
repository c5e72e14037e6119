// `canopy simulate` as a pure function of its options: run Canopy's policy (and the baselines and oracle),
// return the summary document, the table and the report input.
import { builtinProfile } from '../engine/profiles.ts';
import { buildReportInput } from '../loop/report-input.ts';
import { loadTrace } from '../loop/traces.ts';
import type { RunSummary } from '../loop/summary.ts';
import type { RouterKind } from '../loop/types.ts';
import type { ReportInput } from '../report/index.ts';
import type { Slo } from '../score/slo.ts';
import { BASELINE_NAMES, computeOracle, runPolicy, type ExperimentInput, type PolicyName } from './experiment.ts';
import { clusterFor, loadScenario, type ExperimentOptions } from './setup.ts';

export interface SimulateOptions extends ExperimentOptions {
  readonly baselines: boolean;
  readonly router?: RouterKind;
}

export interface SimulateSummary {
  readonly trace: { readonly name: string; readonly checksum: string; readonly requests: number; readonly scale: number };
  readonly seed: number;
  readonly slo: Slo;
  readonly startupSeconds: number;
  readonly warmupSeconds: number;
  readonly router: RouterKind;
  readonly oracle: { readonly variant: 'achievable'; readonly gpuHours: number; readonly idealGpuHours: number; readonly unitsPerWindow: Readonly<Record<string, readonly number[]>> };
  readonly runs: readonly RunSummary[];
}

export interface SimulateOutcome {
  readonly summary: SimulateSummary;
  readonly report: ReportInput;
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function simulate(o: SimulateOptions, progress?: (line: string) => void): SimulateOutcome {
  const profile = builtinProfile();
  const scenario = loadScenario({ policy: o.policy, pcs: o.pcs, profile, slo: o.slo, startupSeconds: o.startupSeconds });
  const trace = loadTrace(o.trace, { scale: o.scale, seed: o.seed, ...(o.durationSeconds === undefined ? {} : { durationSeconds: o.durationSeconds }) });
  if (trace.requests.length === 0) throw new Error(`trace ${o.trace} has no requests in the chosen span`);
  const input: ExperimentInput = { requests: trace.requests, scenario, slo: o.slo, seed: o.seed, startupSeconds: o.startupSeconds, cluster: clusterFor(scenario), warmupSeconds: o.warmupSeconds, router: o.router ?? 'least-loaded' };
  progress?.('computing the hindsight oracle');
  const oracle = computeOracle(input);
  const policies: PolicyName[] = ['canopy', ...(o.baselines ? BASELINE_NAMES : [])];
  const runs = policies.map((p) => {
    progress?.(`running ${p}`);
    return { policy: p, ...runPolicy(p, input, oracle) };
  });
  const summary: SimulateSummary = {
    trace: { name: trace.name, checksum: trace.checksum, requests: trace.requests.length, scale: o.scale },
    seed: o.seed,
    slo: o.slo,
    startupSeconds: o.startupSeconds,
    warmupSeconds: o.warmupSeconds,
    router: o.router ?? 'least-loaded',
    oracle: { variant: 'achievable', gpuHours: r6(oracle.hours.achievable), idealGpuHours: r6(oracle.hours.ideal), unitsPerWindow: oracle.plan.counts },
    runs: runs.map((r) => r.summary),
  };
  const report = buildReportInput({
    title: 'Canopy simulation report',
    traceName: trace.title,
    traceChecksum: trace.checksum,
    seed: o.seed,
    slo: o.slo,
    requests: trace.requests,
    runs: runs.map((r) => ({ policy: r.policy, result: r.result, summary: r.summary })),
    oracleGpuHours: oracle.hours.achievable,
    warmupSeconds: o.warmupSeconds,
    notes: [
      `Load scale ×${String(o.scale)} (requests thinned or replicated, timestamps untouched); engine profile ${profile.name}; cold start ${String(o.startupSeconds)} s ± 10 %.`,
      'GPU-hours ratios are against the achievable oracle (each replica started one cold start before the window that needs it).',
    ],
  });
  return { summary, report };
}

export function formatSummaryTable(summary: SimulateSummary): string {
  const header = ['policy', 'windows met', 'requests met', 'GPU-h', '× oracle', 'actions', 'flaps', 'peak units'];
  const rows = summary.runs.map((r) => [
    r.policy,
    `${(r.windowAttainment * 100).toFixed(1)}%`,
    `${(r.requestAttainment * 100).toFixed(1)}%`,
    r.gpuHours.toFixed(2),
    r.ratioToOracle === undefined ? '—' : r.ratioToOracle.toFixed(2),
    String(r.actions),
    String(r.flaps),
    Object.entries(r.peakUnits).map(([k, v]) => `${k}=${String(v)}`).join(' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const oracleLine = `oracle (achievable): ${summary.oracle.gpuHours.toFixed(2)} GPU-h; lower bound ignoring cold start: ${summary.oracle.idealGpuHours.toFixed(2)} GPU-h`;
  return [line(header), ...rows.map(line), oracleLine].join('\n') + '\n';
}
