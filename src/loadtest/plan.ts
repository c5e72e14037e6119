import { createRng } from '../sim/random/rng.ts';
import { scaleLoad } from '../sim/workload/scale.ts';
import type { SimRequest } from '../sim/workload/request.ts';

export interface LoadPlanOptions {
  /** Load multiplier: thins (< 1) or replicates (> 1) requests; timestamps are never compressed. */
  readonly rateScale: number;
  /** Send at most this many requests (the first ones on the schedule). */
  readonly maxRequests?: number | undefined;
  /** Send only requests scheduled before this many seconds. */
  readonly durationSeconds?: number | undefined;
  /** Seed of the thinning / replication draws. */
  readonly seed?: number | undefined;
}

/**
 * The send schedule: the trace's own arrival times (shifted so that the first request goes at 0),
 * scaled by thinning or replication, cut by count and by time.
 */
export function planLoad(requests: readonly SimRequest[], options: LoadPlanOptions): SimRequest[] {
  if (options.maxRequests !== undefined && !(Number.isInteger(options.maxRequests) && options.maxRequests >= 0)) {
    throw new RangeError(`maxRequests must be a whole number ≥ 0, got ${options.maxRequests}`);
  }
  if (options.durationSeconds !== undefined && !(options.durationSeconds > 0)) throw new RangeError(`durationSeconds must be > 0, got ${options.durationSeconds}`);
  const scaled = scaleLoad(createRng(options.seed ?? 1), requests, options.rateScale);
  const origin = scaled.reduce((min, r) => Math.min(min, r.arrival), Infinity);
  const shifted = scaled.map((r) => ({ ...r, arrival: r.arrival - origin })).sort((a, b) => a.arrival - b.arrival);
  const inTime = options.durationSeconds === undefined ? shifted : shifted.filter((r) => r.arrival < (options.durationSeconds ?? Infinity));
  return options.maxRequests === undefined ? inTime : inTime.slice(0, options.maxRequests);
}
