import { latencyWindows, offeredLoad } from '../sim/report/series.ts';
import { summaryRowFromRecords } from '../sim/report/summary.ts';
import type { ReportInput } from '../sim/report/types.ts';
import type { Slo } from '../sim/score/slo.ts';
import type { LoadTestResult } from './run.ts';

export interface LoadTestReportOptions {
  readonly traceName: string;
  readonly traceChecksum?: string | undefined;
  readonly url: string;
  readonly model: string;
  readonly rateScale: number;
  readonly seed: number;
  readonly slo: Slo;
}

/** Window widths that give a readable number of points for the run's length. */
function windows(duration: number): { load: number; latency: number } {
  if (duration <= 120) return { load: 1, latency: 10 };
  if (duration <= 1200) return { load: 10, latency: 60 };
  return { load: 60, latency: 60 };
}

/**
 * The report of a load test: the same page as a simulation's, with the endpoint as the only "policy".
 * Replicas and GPU-hours are unknown from the client's side and say so.
 */
export function loadTestReportInput(result: LoadTestResult, options: LoadTestReportOptions): ReportInput {
  const { records, summary } = result;
  const duration = Math.max(summary.wallSeconds, ...records.map((r) => r.scheduled));
  const w = windows(duration);
  const q = options.slo.quantile ?? 0.9;
  const fitted = result.fit.profile;
  const notes = [
    `endpoint ${options.url}, model ${options.model}, rate scale ${String(options.rateScale)}`,
    `${String(summary.requests)} requests: ${String(summary.completed)} completed, ${String(summary.errors)} errors, ${String(summary.timeouts)} timeouts`,
    fitted === undefined
      ? `no profile fitted: ${result.fit.notes.join('; ')}`
      : `fitted profile: prefill ${(fitted.prefill.baseSeconds * 1000).toFixed(2)} ms + ${(fitted.prefill.perTokenSeconds * 1e6).toFixed(2)} µs/token; decode step ${(fitted.decode.baseSeconds * 1000).toFixed(2)} ms + ${(fitted.decode.perSequenceSeconds * 1000).toFixed(3)} ms/sequence`,
    'TTFT is measured from the send to the first token chunk; ITL between token chunks.',
  ];
  return {
    header: {
      title: 'Canopy load test report',
      traceName: options.traceName,
      traceChecksum: options.traceChecksum,
      seed: options.seed,
      slo: { ttftSeconds: options.slo.ttftSeconds, itlSeconds: options.slo.itlSeconds, quantile: q },
      durationSeconds: duration,
      notes,
    },
    load: offeredLoad(
      records.map((r) => ({ arrival: r.scheduled, promptTokens: r.promptTokens })),
      w.load,
      duration,
    ),
    runs: [{ policy: 'endpoint', roles: [], latencyWindowSeconds: w.latency, latency: latencyWindows(records, w.latency) }],
    summary: [
      summaryRowFromRecords({
        policy: 'endpoint',
        records,
        slo: options.slo,
        durationSeconds: duration,
        gpuHours: Number.NaN,
        scalingActions: 0,
        flaps: 0,
      }),
    ],
  };
}
