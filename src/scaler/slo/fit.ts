// Online latency model: when the policy has no profile, regress the observed latency percentile on the
// per-replica load the role carried at the time (as Dynamo's load planner regresses its forward passes).
import { linearRegression } from 'simple-statistics';

export interface LoadLatencyPoint {
  readonly load: number;
  readonly latency: number;
}

export interface LatencyFit {
  /** latency ≈ intercept + slope × per-replica load */
  readonly intercept: number;
  readonly slope: number;
  readonly points: number;
}

/**
 * A fit is only trusted with enough points, loads that actually vary, and latency rising with load;
 * otherwise the caller falls back to the observed percentile alone.
 */
export function fitLatency(points: readonly LoadLatencyPoint[], minPoints: number): LatencyFit | undefined {
  const usable = points.filter((p) => Number.isFinite(p.load) && Number.isFinite(p.latency) && p.load >= 0 && p.latency >= 0);
  if (usable.length < Math.max(2, minPoints)) return undefined;
  const loads = usable.map((p) => p.load);
  const spread = Math.max(...loads) - Math.min(...loads);
  if (spread <= 1e-9 * Math.max(1, Math.max(...loads))) return undefined;
  const { m, b } = linearRegression(usable.map((p) => [p.load, p.latency]));
  if (!(m > 0) || !Number.isFinite(b)) return undefined;
  return { intercept: b, slope: m, points: usable.length };
}

export function fittedLatency(fit: LatencyFit, load: number): number {
  return fit.intercept + fit.slope * load;
}

/** Per-replica load at which the fitted latency reaches the target; undefined if the fit says never. */
export function fittedCapacity(fit: LatencyFit, targetSeconds: number): number | undefined {
  const load = (targetSeconds - fit.intercept) / fit.slope;
  return load > 0 ? load : undefined;
}
