import { nearestRank } from './percentile.ts';
import { itlValues, sortedItls, type RequestRecord } from './records.ts';

/**
 * A latency SLO: TTFT ≤ ttftSeconds and the per-request ITL quantile (p90 by default) ≤ itlSeconds.
 * Canopy's default is 500 ms / 50 ms at p90; the tight variant 200 ms / 20 ms.
 */
export interface Slo {
  readonly ttftSeconds: number;
  readonly itlSeconds: number;
  readonly quantile?: number;
}

export const DEFAULT_SLO: Slo = { ttftSeconds: 0.5, itlSeconds: 0.05, quantile: 0.9 };
export const TIGHT_SLO: Slo = { ttftSeconds: 0.2, itlSeconds: 0.02, quantile: 0.9 };

export interface RequestScore {
  /** Seconds from arrival to first token; Infinity when dropped or never started. */
  readonly ttft: number;
  /** The per-request ITL quantile (nearest rank); 0 when the request has a single output token. */
  readonly itlQuantile: number;
  /** (finish − first token) / (output − 1): the mean time per output token after the first; 0 for one token. */
  readonly tpot: number;
  readonly e2e: number;
  readonly met: boolean;
}

export function scoreRequest(record: RequestRecord, slo: Slo = DEFAULT_SLO): RequestScore {
  const q = slo.quantile ?? 0.9;
  if (record.dropped || record.firstToken === undefined || record.finish === undefined) {
    return { ttft: Infinity, itlQuantile: Infinity, tpot: Infinity, e2e: Infinity, met: false };
  }
  const ttft = record.firstToken - record.arrival;
  const gaps = sortedItls(record);
  const itlQuantile = gaps.length === 0 ? 0 : nearestRank(gaps, q);
  const tpot = record.outputTokens > 1 ? (record.finish - record.firstToken) / (record.outputTokens - 1) : 0;
  return { ttft, itlQuantile, tpot, e2e: record.finish - record.arrival, met: ttft <= slo.ttftSeconds && itlQuantile <= slo.itlSeconds };
}

export interface Attainment {
  readonly requests: number;
  readonly met: number;
  /** met / requests; NaN with no requests. Dropped requests count as misses. */
  readonly attainment: number;
}

export function requestAttainment(records: readonly RequestRecord[], slo: Slo = DEFAULT_SLO): Attainment {
  let met = 0;
  for (const r of records) if (scoreRequest(r, slo).met) met++;
  return { requests: records.length, met, attainment: records.length === 0 ? Number.NaN : met / records.length };
}

export interface WindowScore {
  readonly start: number;
  readonly requests: number;
  /** p90 (the SLO's quantile) of TTFT over the requests that arrived in the window; Infinity counts drops. */
  readonly ttftQuantile: number;
  /** The quantile of all inter-token gaps of those requests, pooled. */
  readonly itlQuantile: number;
  readonly met: boolean;
}

/** One arrival window's latency samples, each sorted ascending, with the scorer's conventions. */
export interface WindowSamples {
  readonly start: number;
  readonly requests: number;
  /** A dropped or unanswered request counts as an infinite TTFT. */
  readonly ttfts: Float64Array;
  /** The ITL gaps of the window's answered requests, pooled. */
  readonly itls: Float64Array;
}

/** Groups requests by arrival into windows [k·w, (k+1)·w), in time order; windows without arrivals are left out. */
export function windowSamples(records: readonly RequestRecord[], windowSeconds: number): WindowSamples[] {
  if (!(windowSeconds > 0)) throw new RangeError(`windowSeconds must be > 0, got ${windowSeconds}`);
  const groups = new Map<number, RequestRecord[]>();
  for (const r of records) {
    const k = Math.floor(r.arrival / windowSeconds);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [r]);
    else group.push(r);
  }
  return [...groups.keys()]
    .sort((a, b) => a - b)
    .map((k) => {
      const group = groups.get(k) ?? [];
      const ttfts = Float64Array.from(group, (r) => (r.dropped || r.firstToken === undefined ? Infinity : r.firstToken - r.arrival)).sort();
      const parts = group.filter((r) => !r.dropped).map(itlValues);
      const itls = new Float64Array(parts.reduce((n, part) => n + part.length, 0));
      let offset = 0;
      for (const part of parts) {
        itls.set(part, offset);
        offset += part.length;
      }
      itls.sort();
      return { start: k * windowSeconds, requests: group.length, ttfts, itls };
    });
}

/**
 * Per-window attainment: requests are grouped by arrival into windows [k·w, (k+1)·w); a window is met iff
 * its TTFT quantile and pooled ITL quantile are within the SLO. Windows without requests are left out.
 */
export function windowAttainment(
  records: readonly RequestRecord[],
  slo: Slo = DEFAULT_SLO,
  windowSeconds = 60,
): { readonly windows: readonly WindowScore[]; readonly met: number; readonly attainment: number } {
  const q = slo.quantile ?? 0.9;
  const windows: WindowScore[] = [];
  for (const { start, requests, ttfts, itls: pooled } of windowSamples(records, windowSeconds)) {
    const ttftQuantile = nearestRank(ttfts, q);
    const itlQuantile = pooled.length === 0 ? 0 : nearestRank(pooled, q);
    windows.push({ start, requests, ttftQuantile, itlQuantile, met: ttftQuantile <= slo.ttftSeconds && itlQuantile <= slo.itlSeconds });
  }
  const met = windows.filter((w) => w.met).length;
  return { windows, met, attainment: windows.length === 0 ? Number.NaN : met / windows.length };
}

/** Requests that met the SLO per second of `durationSeconds`. */
export function goodput(records: readonly RequestRecord[], durationSeconds: number, slo: Slo = DEFAULT_SLO): number {
  if (!(durationSeconds > 0)) throw new RangeError('durationSeconds must be > 0');
  return requestAttainment(records, slo).met / durationSeconds;
}
