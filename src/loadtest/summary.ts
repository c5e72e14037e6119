import { mean } from 'simple-statistics';
import { quantile } from '../sim/score/percentile.ts';
import { itlValues } from '../sim/score/records.ts';
import { goodput, requestAttainment, scoreRequest, windowAttainment, type Slo } from '../sim/score/slo.ts';
import type { LoadTestRecord } from './record.ts';

export interface Distribution {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

export interface LoadTestSummary {
  readonly requests: number;
  readonly completed: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Seconds from the first send to the last response. */
  readonly wallSeconds: number;
  /** Client-side latencies of the completed requests, in seconds (nearest-rank percentiles). */
  readonly ttft: Distribution;
  readonly itl: Distribution;
  readonly tpot: Distribution;
  readonly e2e: Distribution;
  readonly requestAttainment: number;
  readonly windowAttainment: number;
  /** Requests meeting the SLO per second of the test. */
  readonly goodput: number;
  /** Up to five distinct error messages. */
  readonly sampleErrors: readonly string[];
}

export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { count: 0, mean: Number.NaN, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN };
  return { count: values.length, mean: mean([...values]), p50: quantile(values, 0.5), p90: quantile(values, 0.9), p99: quantile(values, 0.99) };
}

/** Scores a load test with the simulator's scorer, so that measured and simulated runs compare. */
export function summarizeLoadTest(records: readonly LoadTestRecord[], slo: Slo): LoadTestSummary {
  const ok = records.filter((r) => !r.dropped);
  const scores = ok.map((r) => scoreRequest(r, slo));
  const start = records.reduce((m, r) => Math.min(m, r.arrival), Infinity);
  const end = records.reduce((m, r) => Math.max(m, r.finish ?? r.tokenTimes.at(-1) ?? r.arrival), -Infinity);
  const wall = records.length === 0 ? 0 : Math.max(0, end - start);
  const errors = records.filter((r) => r.dropped && !r.timedOut).length;
  return {
    requests: records.length,
    completed: ok.length,
    errors,
    timeouts: records.filter((r) => r.timedOut).length,
    wallSeconds: wall,
    ttft: distribution(scores.map((s) => s.ttft)),
    itl: distribution(ok.flatMap((r) => [...itlValues(r)])),
    tpot: distribution(scores.filter((_, i) => (ok[i]?.outputTokens ?? 0) > 1).map((s) => s.tpot)),
    e2e: distribution(scores.map((s) => s.e2e)),
    requestAttainment: requestAttainment(records, slo).attainment,
    windowAttainment: windowAttainment(records, slo, 60).attainment,
    goodput: wall > 0 ? goodput(records, wall, slo) : Number.NaN,
    sampleErrors: [...new Set(records.flatMap((r) => (r.error === undefined ? [] : [r.error])))].slice(0, 5),
  };
}
