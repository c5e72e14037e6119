// Demand forecasts from a short series of observations (request rate, mean prompt and output lengths).
// All three predictors return the last value when the series is too short to say more, and never go below 0.
import { linearRegression } from 'simple-statistics';
import type { TimedValue } from '../types.ts';

export type PredictorName = 'constant' | 'linear' | 'holt';

export interface PredictorOptions {
  readonly predictor: PredictorName;
  /** Holt level smoothing (0..1]. */
  readonly alpha: number;
  /** Holt trend smoothing (0..1]. */
  readonly beta: number;
}

/** Forecast of the series at `at`. Undefined for an empty series. */
export function forecast(series: readonly TimedValue[], at: number, options: PredictorOptions): number | undefined {
  // History only ever stores finite samples; copy only if something else slipped in.
  const points = series.every((p) => Number.isFinite(p.value) && Number.isFinite(p.time)) ? series : series.filter((p) => Number.isFinite(p.value) && Number.isFinite(p.time));
  const last = points.at(-1);
  if (last === undefined) return undefined;
  switch (options.predictor) {
    case 'constant':
      return Math.max(0, last.value);
    case 'linear':
      return Math.max(0, linearForecast(points, at) ?? last.value);
    case 'holt':
      return Math.max(0, holtForecast(points, at, options.alpha, options.beta) ?? last.value);
  }
}

/** Least-squares line through the series, read at `at`. */
function linearForecast(points: readonly TimedValue[], at: number): number | undefined {
  const first = points[0];
  if (first === undefined || points.length < 2) return undefined;
  const span = (points.at(-1)?.time ?? first.time) - first.time;
  if (span <= 0) return undefined;
  // Shift times so the regression works on small numbers.
  const { m, b } = linearRegression(points.map((p) => [p.time - first.time, p.value]));
  return m * (at - first.time) + b;
}

/**
 * Holt's double exponential smoothing. Observations arrive once per decision period, so the step is the mean
 * spacing of the series; the forecast is level + trend × (steps from the last observation to `at`).
 */
function holtForecast(points: readonly TimedValue[], at: number, alpha: number, beta: number): number | undefined {
  const first = points[0];
  const second = points[1];
  const last = points.at(-1);
  if (first === undefined || second === undefined || last === undefined) return undefined;
  const step = (last.time - first.time) / (points.length - 1);
  if (step <= 0) return undefined;
  let level = first.value;
  let trend = second.value - first.value;
  for (const p of points.slice(1)) {
    const previousLevel = level;
    level = alpha * p.value + (1 - alpha) * (level + trend);
    trend = beta * (level - previousLevel) + (1 - beta) * trend;
  }
  return level + trend * ((at - last.time) / step);
}
