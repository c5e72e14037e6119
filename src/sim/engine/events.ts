/** What an engine replica reports as simulated time passes. Times are seconds. */

/** `count` consecutive gaps between tokens of one request: first, first + step, first + 2·step, … */
export interface ItlRun {
  readonly count: number;
  readonly first: number;
  readonly step: number;
}

/**
 * Runs packed as [count, first, step, count, first, step, …]: one small array per request instead of
 * one object per run, which keeps the garbage collector out of the simulator's way.
 */
export type PackedItlRuns = readonly number[];

export function packItlRuns(runs: readonly ItlRun[]): PackedItlRuns {
  return runs.flatMap((r) => [r.count, r.first, r.step]);
}

export function unpackItlRuns(packed: PackedItlRuns): ItlRun[] {
  const out: ItlRun[] = [];
  for (let i = 0; i + 2 < packed.length; i += 3) out.push({ count: packed[i] ?? 0, first: packed[i + 1] ?? 0, step: packed[i + 2] ?? 0 });
  return out;
}

/** The number of gaps in packed runs. */
export function itlCount(packed: PackedItlRuns): number {
  let n = 0;
  for (let i = 0; i < packed.length; i += 3) n += packed[i] ?? 0;
  return n;
}

export type EngineEvent =
  /**
   * The first token this replica produced for the request: the end of its prefill on an aggregated or
   * prefill replica; on a decode replica, the first token it decoded (the request's second token).
   */
  | { readonly kind: 'first-token'; readonly id: string; readonly time: number }
  /**
   * `sequences` decoding requests each produced one token in each of `iterations` back-to-back
   * iterations from `start` to `time`; the iteration lengths (and so the inter-token latencies) are
   * firstGap, firstGap + gapStep, … One event stands for sequences × iterations tokens, so metric
   * recorders can count tokens and bucket ITLs without an event per token.
   */
  | {
      readonly kind: 'tokens';
      readonly time: number;
      readonly start: number;
      readonly iterations: number;
      readonly sequences: number;
      readonly firstGap: number;
      readonly gapStep: number;
    }
  /**
   * The request left the replica: all its output tokens are done (aggregated, decode), or its prompt
   * is prefilled and its KV handed off (prefill). `itlRuns` are the gaps after `firstTokenTime`.
   */
  | {
      readonly kind: 'finished';
      readonly id: string;
      readonly time: number;
      readonly firstTokenTime: number;
      readonly itlRuns: PackedItlRuns;
    }
  /** The request can never run here (it needs more KV than the replica has, or is malformed for the role). */
  | { readonly kind: 'rejected'; readonly id: string; readonly time: number; readonly reason: string };

/** Expands packed runs into the individual gaps, in token order. */
export function expandItlRuns(packed: PackedItlRuns): Float64Array {
  const out = new Float64Array(itlCount(packed));
  let k = 0;
  for (let i = 0; i + 2 < packed.length; i += 3) {
    const count = packed[i] ?? 0;
    const first = packed[i + 1] ?? 0;
    const step = packed[i + 2] ?? 0;
    for (let j = 0; j < count; j++) out[k++] = first + j * step;
  }
  return out;
}
