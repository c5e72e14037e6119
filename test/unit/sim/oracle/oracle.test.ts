import { describe, expect, it } from 'vitest';
import { builtinProfile } from '../../../../src/sim/engine/profiles.ts';
import { oracleGpuHours, oraclePlan, oracleTimeline } from '../../../../src/sim/oracle/plan.ts';
import type { PoolSpec, RoleSpec } from '../../../../src/sim/loop/types.ts';
import { DEFAULT_SLO } from '../../../../src/sim/score/slo.ts';
import type { SimRequest } from '../../../../src/sim/workload/request.ts';

const profile = builtinProfile();
const pools: PoolSpec[] = [
  { name: 'prefill', engineRole: 'prefill', profile },
  { name: 'decode', engineRole: 'decode', profile },
];
const role = (name: string, max = 6): RoleSpec => ({ name, kind: 'PodClique', target: name, members: [{ pool: name, count: 1 }], initial: 1, min: 1, max });

describe('oracle timelines', () => {
  it('ideal switches at window edges; achievable starts each unit one cold start earlier', () => {
    expect(oracleTimeline([1, 3, 1], 60, 'ideal', 30)).toEqual([
      { time: 0, value: 1 },
      { time: 60, value: 3 },
      { time: 120, value: 1 },
    ]);
    expect(oracleTimeline([1, 3, 1], 60, 'achievable', 30)).toEqual([
      { time: 0, value: 1 },
      { time: 30, value: 3 },
      { time: 120, value: 1 },
    ]);
  });

  it('GPU-hours: ideal ∑ n·w, achievable adds the lead time', () => {
    const plan = { windowSeconds: 60, counts: { prefill: [1, 3, 1], decode: [2, 2, 2] }, infeasible: { prefill: [], decode: [] } };
    const roles = [role('prefill'), role('decode')];
    expect(oracleGpuHours(plan, roles, pools, 'ideal', 30)).toBeCloseTo((60 + 180 + 60 + 360) / 3600, 12);
    expect(oracleGpuHours(plan, roles, pools, 'achievable', 30)).toBeCloseTo((30 + 270 + 60 + 360) / 3600, 12);
    // From a warm-up of 60 s on.
    expect(oracleGpuHours(plan, roles, pools, 'ideal', 30, 60)).toBeCloseTo((180 + 60 + 240) / 3600, 12);
  });
});

describe('oraclePlan', () => {
  // Two minutes: light, then a burst of long prompts that one prefill engine cannot serve within 0.5 s.
  const requests: SimRequest[] = [];
  for (let i = 0; i < 60; i++) requests.push({ id: `a${String(i)}`, arrival: i, promptTokens: 500, outputTokens: 50 });
  for (let i = 0; i < 900; i++) requests.push({ id: `b${String(i)}`, arrival: 60 + i / 15, promptTokens: 4000, outputTokens: 50 });

  it('finds the fewest units per window, more where the load is higher, within [min, max]', () => {
    const plan = oraclePlan({ requests, pools, roles: [role('prefill'), role('decode')], slo: DEFAULT_SLO, endTime: 120 });
    const p = plan.counts['prefill'] ?? [];
    expect(p[0]).toBe(1);
    // 60k prompt tokens/s is beyond one engine's saturation throughput (≈42.6k tokens/s).
    expect(p[1]).toBeGreaterThan(1);
    expect(p[1]).toBeLessThanOrEqual(6);
    // 15 sequences/s with 4000-token contexts: one decode engine holds ~30 of them and its step reaches
    // ≈ 75 ms at p90 (0.3 µs per KV token); two engines halve the batch and step in ≈ 12 ms.
    expect(plan.counts['decode']).toEqual([1, 2]);
    expect(plan.infeasible['prefill']).toEqual([]);
  });
});
