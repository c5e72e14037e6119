import { nearestRank } from '../score/percentile.ts';
import type { RequestRecord } from '../score/records.ts';
import { windowSamples } from '../score/slo.ts';
import type { LatencyWindow, OfferedLoad, Percentiles } from './types.ts';

/** What the offered-load chart needs of a request. */
export interface Arrival {
  readonly arrival: number;
  readonly promptTokens: number;
}

/**
 * Arrival and prompt-token rates averaged over consecutive windows [k·w, (k+1)·w) covering
 * [0, durationSeconds), empty windows included (gaps in a trace are part of its shape).
 */
export function offeredLoad(requests: readonly Arrival[], windowSeconds: number, durationSeconds: number): OfferedLoad {
  if (!(windowSeconds > 0)) throw new RangeError(`windowSeconds must be > 0, got ${windowSeconds}`);
  const windows = Math.max(0, Math.ceil(durationSeconds / windowSeconds - 1e-9));
  const counts = new Float64Array(windows);
  const tokens = new Float64Array(windows);
  for (const r of requests) {
    const k = Math.floor(r.arrival / windowSeconds);
    if (k < 0 || k >= windows) continue;
    counts[k] = (counts[k] ?? 0) + 1;
    tokens[k] = (tokens[k] ?? 0) + r.promptTokens;
  }
  const at = (values: Float64Array): { time: number; value: number }[] =>
    Array.from(values, (v, k) => ({ time: k * windowSeconds, value: v / windowSeconds }));
  return { windowSeconds, requestsPerSecond: at(counts), promptTokensPerSecond: at(tokens) };
}

function percentiles(sorted: Float64Array): Percentiles {
  return { p50: nearestRank(sorted, 0.5), p90: nearestRank(sorted, 0.9), p99: nearestRank(sorted, 0.99) };
}

/**
 * p50 / p90 / p99 of TTFT and ITL per arrival window, with the scorer's conventions: nearest-rank
 * percentiles, a dropped or unanswered request has an infinite TTFT, ITL gaps of a window's requests are
 * pooled. Windows without arrivals are left out.
 */
export function latencyWindows(records: readonly RequestRecord[], windowSeconds: number): LatencyWindow[] {
  return windowSamples(records, windowSeconds).map((w) => ({ start: w.start, requests: w.requests, ttft: percentiles(w.ttfts), itl: percentiles(w.itls) }));
}
