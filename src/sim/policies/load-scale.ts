// The protocol's load scaling (workloads.md §6): replicate or thin a trace so that its busiest window asks
// for about `utilisation` × the roles' maximum capacity, per-unit capacity read from the engine model at the
// SLO. Time is never compressed. The window is 10 s by default: bursty traces (Azure code bursts for ~10 s)
// would otherwise be scaled past what even the maximum fleet can serve within a 0.5 s TTFT.
import type { Scenario } from '../loop/scenario.ts';
import type { Slo } from '../score/slo.ts';
import type { SimRequest } from '../workload/request.ts';
import { decodeTokensPerSecond, prefillTokensPerSecond } from './capacity.ts';

export function peakFactor(requests: readonly SimRequest[], scenario: Scenario, slo: Slo, utilisation = 0.8, windowSeconds = 10): number {
  if (requests.length === 0) return 1;
  const prompt = new Map<number, number>();
  const output = new Map<number, number>();
  let isl = 0;
  let osl = 0;
  for (const r of requests) {
    const k = Math.floor(r.arrival / windowSeconds);
    prompt.set(k, (prompt.get(k) ?? 0) + r.promptTokens);
    output.set(k, (output.get(k) ?? 0) + r.outputTokens);
    isl += r.promptTokens;
    osl += r.outputTokens;
  }
  isl /= requests.length;
  osl /= requests.length;
  const peakPrompt = Math.max(...prompt.values()) / windowSeconds;
  const peakOutput = Math.max(...output.values()) / windowSeconds;
  let factor = Infinity;
  for (const role of scenario.roles) {
    for (const m of role.members) {
      const pool = scenario.pools.find((p) => p.name === m.pool);
      if (pool === undefined) continue;
      const capacity = role.max * m.count * utilisation;
      if (pool.engineRole !== 'decode') factor = Math.min(factor, (capacity * prefillTokensPerSecond(pool.profile, isl)) / peakPrompt);
      if (pool.engineRole !== 'prefill') factor = Math.min(factor, (capacity * decodeTokensPerSecond(pool.profile, slo.itlSeconds, isl + osl / 2)) / peakOutput);
    }
  }
  return Number.isFinite(factor) && factor > 0 ? factor : 1;
}
