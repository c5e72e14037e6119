// Per-replica capacity at an SLO, from an iteration-level engine profile.
//
// Prefill: an iteration of N new tokens takes a_p + b_p·N. Under a steady prompt-token rate x per replica the
// batch of one iteration is what arrived during the previous one, so the iteration time T satisfies
// T = a_p + b_p·x·T, i.e. T(x) = a_p / (1 − b_p·x). A request waits for the running iteration (≤ T) and is then
// served in an iteration at least as long as its own prompt alone (s = a_p + b_p·ISL):
//   TTFT(x) = T(x) + max(T(x), s).
// The capacity is the largest x with TTFT(x) ≤ target; it is unreachable when even an idle replica misses the
// target (a_p + s ≥ target), and then we size for one prompt per iteration and say so.
//
// Decode: one step with B running sequences of mean context c costs a_d + (b_d + c_d·c)·B = a_d + k·B. Output
// tokens per second per replica are y = B / step, so step(y) = a_d / (1 − k·y) and B = y·step. The capacity
// is the largest y with step ≤ target and B within max_num_seqs and the KV cache.

export interface PrefillProfile {
  readonly baseSeconds: number;
  readonly secondsPerToken: number;
}

export interface DecodeProfile {
  readonly baseSeconds: number;
  readonly secondsPerSequence: number;
  readonly secondsPerKvToken: number;
  readonly maxNumSeqs?: number | undefined;
  readonly kvCacheTokens?: number | undefined;
}

export interface Capacity {
  /** Load one replica carries at the target: prompt tokens/s (prefill) or output tokens/s (decode). */
  readonly perReplica: number;
  /** False when no replica count meets the target at this request shape. */
  readonly reachable: boolean;
  /** What bounds the capacity. */
  readonly limitedBy: 'slo' | 'maxNumSeqs' | 'kvCache' | 'measured';
  /** Decode only: running sequences per replica at capacity. */
  readonly sequences?: number;
}

/** Iteration time under a steady prompt-token rate; Infinity once the replica cannot keep up. */
export function prefillIterationSeconds(p: PrefillProfile, promptTokensPerSecond: number): number {
  const busy = p.secondsPerToken * Math.max(0, promptTokensPerSecond);
  return busy >= 1 ? Infinity : p.baseSeconds / (1 - busy);
}

export function prefillTtftSeconds(p: PrefillProfile, promptTokensPerSecond: number, promptTokens: number): number {
  const t = prefillIterationSeconds(p, promptTokensPerSecond);
  const own = p.baseSeconds + p.secondsPerToken * Math.max(0, promptTokens);
  return t + Math.max(t, own);
}

export function prefillCapacity(p: PrefillProfile, targetSeconds: number, promptTokens: number): Capacity {
  const own = p.baseSeconds + p.secondsPerToken * Math.max(1, promptTokens);
  const reachable = targetSeconds > p.baseSeconds + own;
  // Iteration time at capacity: half the target when the prompt fits in it, else what the prompt leaves.
  const iteration = !reachable ? own : targetSeconds / 2 >= own ? targetSeconds / 2 : targetSeconds - own;
  const perReplica = iteration <= 0 ? 0 : (1 - p.baseSeconds / iteration) / p.secondsPerToken;
  return { perReplica: Math.max(0, perReplica), reachable, limitedBy: 'slo' };
}

function decodeCostPerSequence(p: DecodeProfile, contextTokens: number): number {
  return p.secondsPerSequence + p.secondsPerKvToken * Math.max(0, contextTokens);
}

/** Largest batch the engine holds: max_num_seqs and the KV cache at this context length. */
export function decodeMaxSequences(p: DecodeProfile, contextTokens: number): { sequences: number; limitedBy: 'maxNumSeqs' | 'kvCache' | 'slo' } {
  const byKv = p.kvCacheTokens !== undefined ? Math.floor(p.kvCacheTokens / Math.max(1, contextTokens)) : Infinity;
  const bySeqs = p.maxNumSeqs ?? Infinity;
  if (byKv === Infinity && bySeqs === Infinity) return { sequences: Infinity, limitedBy: 'slo' };
  return byKv < bySeqs ? { sequences: Math.max(1, byKv), limitedBy: 'kvCache' } : { sequences: bySeqs, limitedBy: 'maxNumSeqs' };
}

/** Decode step time (= inter-token latency) under a steady output-token rate per replica. */
export function decodeItlSeconds(p: DecodeProfile, outputTokensPerSecond: number, contextTokens: number): number {
  const k = decodeCostPerSequence(p, contextTokens);
  const busy = k * Math.max(0, outputTokensPerSecond);
  if (busy >= 1) return Infinity;
  // At least one sequence runs whenever there is load.
  const step = p.baseSeconds / (1 - busy);
  return outputTokensPerSecond > 0 ? Math.max(step, p.baseSeconds + k) : step;
}

export function decodeCapacity(p: DecodeProfile, targetSeconds: number, contextTokens: number): Capacity {
  const k = decodeCostPerSequence(p, contextTokens);
  const max = decodeMaxSequences(p, contextTokens);
  const reachable = targetSeconds >= p.baseSeconds + k;
  if (!reachable) return { perReplica: 1 / (p.baseSeconds + k), reachable, limitedBy: 'slo', sequences: 1 };
  const sloSequences = k === 0 ? Infinity : (targetSeconds - p.baseSeconds) / k;
  if (sloSequences <= max.sequences) {
    return { perReplica: sloSequences / targetSeconds, reachable, limitedBy: 'slo', sequences: sloSequences };
  }
  const b = max.sequences;
  return { perReplica: b / (p.baseSeconds + k * b), reachable, limitedBy: max.limitedBy, sequences: b };
}
