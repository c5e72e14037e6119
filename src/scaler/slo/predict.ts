// Demand forecasts from a short series of observations (request rate, mean prompt and output lengths).
// All three predictors return the last value when the series is too short to say more, and never go below 0.
import { linearRegression } from 'simple-statistics';
import { lastValue, seriesOf, type Series } from '../series.ts';

export type PredictorName = 'constant' | 'linear' | 'holt';

export interface PredictorOptions {
  readonly predictor: PredictorName;
  /** Holt level smoothing (0..1]. */
  readonly alpha: number;
  /** Holt trend smoothing (0..1]. */
  readonly beta: number;
}

/** Forecast of the series at `at`. Undefined for an empty series. */
export function forecast(series: Series, at: number, options: PredictorOptions): number | undefined {
  const points = finitePoints(series);
  const last = lastValue(points);
  if (last === undefined) return undefined;
  switch (options.predictor) {
    case 'constant':
      return Math.max(0, last);
    case 'linear':
      return Math.max(0, linearForecast(points, at) ?? last);
    case 'holt':
      return Math.max(0, holtForecast(points, at, options.alpha, options.beta) ?? last);
  }
}

// History only ever stores finite samples; copy only if something else slipped in.
function finitePoints(s: Series): Series {
  const { times, values, start, end } = s;
  let clean = true;
  for (let i = start; i < end && clean; i++) clean = Number.isFinite(values[i]) && Number.isFinite(times[i]);
  if (clean) return s;
  const kept: { time: number; value: number }[] = [];
  for (let i = start; i < end; i++) {
    const time = times[i] ?? NaN;
    const value = values[i] ?? NaN;
    if (Number.isFinite(value) && Number.isFinite(time)) kept.push({ time, value });
  }
  return seriesOf(kept);
}

/** Least-squares line through the series, read at `at`. */
function linearForecast({ times, values, start, end }: Series, at: number): number | undefined {
  const first = times[start];
  if (first === undefined || end - start < 2) return undefined;
  const span = (times[end - 1] ?? first) - first;
  if (span <= 0) return undefined;
  // Shift times so the regression works on small numbers.
  const pairs: [number, number][] = [];
  for (let i = start; i < end; i++) pairs.push([(times[i] ?? first) - first, values[i] ?? 0]);
  const { m, b } = linearRegression(pairs);
  return m * (at - first) + b;
}

/**
 * Holt's double exponential smoothing. Observations arrive once per decision period, so the step is the mean
 * spacing of the series; the forecast is level + trend × (steps from the last observation to `at`).
 */
function holtForecast({ times, values, start, end }: Series, at: number, alpha: number, beta: number): number | undefined {
  const n = end - start;
  if (n < 2) return undefined;
  const firstTime = times[start] ?? 0;
  const lastTime = times[end - 1] ?? 0;
  const step = (lastTime - firstTime) / (n - 1);
  if (step <= 0) return undefined;
  let level = values[start] ?? 0;
  let trend = (values[start + 1] ?? 0) - level;
  for (let i = start + 1; i < end; i++) {
    const previousLevel = level;
    level = alpha * (values[i] ?? 0) + (1 - alpha) * (level + trend);
    trend = beta * (level - previousLevel) + (1 - beta) * trend;
  }
  return level + trend * ((at - lastTime) / step);
}
