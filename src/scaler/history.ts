// The scaler's memory between decisions: demand series for the predictors and (load, latency) points for
// the online fit, both bounded in time and count so a long-running controller does not grow.
import { appendToObservations, appendToSeries } from './series.ts';
import type { LatencyObservation, RoleHistory } from './types.ts';

/** Like Dynamo's max_num_fpm_samples: enough points for a regression, few enough to follow change. */
export const MAX_OBSERVATIONS = 64;
/** Predictors look at most this many points back. */
export const MAX_SERIES_POINTS = 240;

export function appendDemand(
  h: RoleHistory,
  sample: { requestRate?: number; promptTokens?: number; outputTokens?: number },
  now: number,
  historySeconds: number,
): RoleHistory {
  const cutoff = now - historySeconds * 1000;
  return {
    ...h,
    requestRate: appendToSeries(h.requestRate, sample.requestRate, now, cutoff, MAX_SERIES_POINTS),
    promptTokens: appendToSeries(h.promptTokens, sample.promptTokens, now, cutoff, MAX_SERIES_POINTS),
    outputTokens: appendToSeries(h.outputTokens, sample.outputTokens, now, cutoff, MAX_SERIES_POINTS),
  };
}

export function appendObservation(h: RoleHistory, o: LatencyObservation, historySeconds: number): RoleHistory {
  // Only rows with a latency help a fit.
  const row =
    o.ttft !== undefined || o.itl !== undefined
      ? { time: o.time, promptLoad: o.promptLoad ?? NaN, ttft: o.ttft ?? NaN, outputLoad: o.outputLoad ?? NaN, itl: o.itl ?? NaN }
      : undefined;
  return { ...h, observations: appendToObservations(h.observations, row, o.time - historySeconds * 1000, o.time, MAX_OBSERVATIONS) };
}
