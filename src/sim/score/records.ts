import { expandItlRuns, type PackedItlRuns } from '../engine/events.ts';

/**
 * What scoring needs to know about one request. Gaps between tokens may be given as token times
 * (first token first), as gaps, or as runs of gaps (what the simulator produces); the first present wins.
 */
export interface RequestRecord {
  readonly id?: string;
  readonly arrival: number;
  readonly firstToken?: number | undefined;
  readonly finish?: number | undefined;
  readonly outputTokens: number;
  readonly dropped: boolean;
  readonly tokenTimes?: readonly number[];
  readonly itls?: readonly number[];
  /** Packed runs of gaps, as the simulator records them (engine/events.ts). */
  readonly itlRuns?: PackedItlRuns;
}

/** The request's inter-token gaps, ascending. */
export function sortedItls(record: RequestRecord): Float64Array {
  return itlValues(record).sort();
}

export function itlValues(record: RequestRecord): Float64Array {
  if (record.tokenTimes !== undefined) {
    const t = record.tokenTimes;
    const out = new Float64Array(Math.max(0, t.length - 1));
    for (let i = 1; i < t.length; i++) out[i - 1] = (t[i] ?? 0) - (t[i - 1] ?? 0);
    return out;
  }
  if (record.itls !== undefined) return Float64Array.from(record.itls);
  return record.itlRuns === undefined ? new Float64Array(0) : expandItlRuns(record.itlRuns);
}
