// Per-engine capacity from the iteration model, the way a profiler sweep reads it: the throughput of a
// saturated engine whose latency still meets the target. Used by the throughput planner.
import type { EngineProfile } from '../engine/profile.ts';

/** Prompt tokens per second of back-to-back full prefill iterations of `promptTokens`-token prompts. */
export function prefillTokensPerSecond(profile: EngineProfile, promptTokens: number): number {
  const batch = profile.maxNumBatchedTokens;
  const seconds = profile.prefill.baseSeconds + profile.prefill.perTokenSeconds * batch + profile.prefill.quadraticSeconds * batch * Math.min(promptTokens, batch);
  return batch / seconds;
}

/**
 * Output tokens per second of one decode engine at the largest batch whose step stays within `itlSeconds`
 * when every sequence holds `contextTokens` of KV; 0 when even one sequence misses.
 */
export function decodeTokensPerSecond(profile: EngineProfile, itlSeconds: number, contextTokens: number): number {
  const d = profile.decode;
  const perSeq = d.perSequenceSeconds + d.perKvTokenSeconds * contextTokens;
  let batch = perSeq > 0 ? Math.floor((itlSeconds - d.baseSeconds) / perSeq) : profile.maxNumSeqs;
  batch = Math.min(batch, profile.maxNumSeqs, Math.floor(profile.kvCapacityTokens / Math.max(1, contextTokens)));
  if (batch < 1) return 0;
  return batch / (d.baseSeconds + perSeq * batch);
}
