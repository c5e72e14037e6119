// The scaler's memory between decisions: demand series for the predictors and (load, latency) points for
// the online fit, both bounded in time and count so a long-running controller does not grow.
import type { LatencyObservation, RoleHistory, TimedValue } from './types.ts';

/** Like Dynamo's max_num_fpm_samples: enough points for a regression, few enough to follow change. */
export const MAX_OBSERVATIONS = 64;
/** Predictors look at most this many points back. */
export const MAX_SERIES_POINTS = 240;

// Series are in time order: drop the head that aged out and anything not older than now (a repeated decision
// at the same instant replaces its point), then append.
function keepWindow<T extends { readonly time: number }>(series: readonly T[], cutoff: number, now: number, max: number): T[] {
  let from = 0;
  while (from < series.length && (series[from]?.time ?? 0) < cutoff) from++;
  let to = series.length;
  while (to > from && (series[to - 1]?.time ?? 0) >= now) to--;
  return series.slice(Math.max(from, to - (max - 1)), to);
}

function appendSeries(series: readonly TimedValue[], value: number | undefined, now: number, cutoff: number): readonly TimedValue[] {
  const kept = keepWindow(series, cutoff, now, MAX_SERIES_POINTS);
  if (value !== undefined) kept.push({ time: now, value });
  return kept;
}

export function appendDemand(
  h: RoleHistory,
  sample: { requestRate?: number; promptTokens?: number; outputTokens?: number },
  now: number,
  historySeconds: number,
): RoleHistory {
  const cutoff = now - historySeconds * 1000;
  return {
    ...h,
    requestRate: appendSeries(h.requestRate, sample.requestRate, now, cutoff),
    promptTokens: appendSeries(h.promptTokens, sample.promptTokens, now, cutoff),
    outputTokens: appendSeries(h.outputTokens, sample.outputTokens, now, cutoff),
  };
}

export function appendObservation(h: RoleHistory, o: LatencyObservation, historySeconds: number): RoleHistory {
  const useful = o.ttft !== undefined || o.itl !== undefined;
  const cutoff = o.time - historySeconds * 1000;
  const kept = keepWindow(h.observations, cutoff, o.time, MAX_OBSERVATIONS);
  if (useful) kept.push(o);
  return { ...h, observations: kept };
}
