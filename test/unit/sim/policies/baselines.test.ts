import { describe, expect, it } from 'vitest';
import { builtinProfile } from '../../../../src/sim/engine/profiles.ts';
import { decodeTokensPerSecond, prefillTokensPerSecond } from '../../../../src/sim/policies/capacity.ts';
import { dynamoDriver, loadStep } from '../../../../src/sim/policies/dynamo.ts';
import { hpaQueueDriver } from '../../../../src/sim/policies/hpa-queue.ts';
import { meanCounts, peakCounts, staticDriver } from '../../../../src/sim/policies/static.ts';
import { thresholdDriver } from '../../../../src/sim/policies/threshold.ts';
import type { PoolSpec } from '../../../../src/sim/loop/types.ts';
import { NS, PCS, roleSpec, view } from './fixtures.ts';

const profile = builtinProfile();
const pools: PoolSpec[] = [
  { name: 'prefill', engineRole: 'prefill', profile },
  { name: 'decode', engineRole: 'decode', profile },
];

describe('static baselines', () => {
  it('size at the peak and at the rounded-up mean of the oracle counts', () => {
    const counts = { prefill: [1, 3, 2, 1], decode: [2, 2, 2, 3] };
    expect(peakCounts(counts)).toEqual({ prefill: 3, decode: 3 });
    // means 1.75 → 2 and 2.25 → 3
    expect(meanCounts(counts)).toEqual({ prefill: 2, decode: 3 });
    expect(meanCounts({ a: [2, 2] })).toEqual({ a: 2 });
    expect(staticDriver('s', { prefill: 2 }).decide(view(15, {}, {})).desired).toEqual({ prefill: 2 });
  });
});

describe('HPA on queue depth (exact HPA core)', () => {
  const role = roleSpec('prefill');

  it('scales to ceil(current × average / target) when outside the 10 % tolerance', () => {
    const d = hpaQueueDriver({ roles: [role], namespace: NS, targetAverage: 2 });
    // queues 6 and 4: average 5, ratio 2.5 → ceil(2 × 2.5) = 5, then the scale-up limit without a
    // behavior, max(2 × current, 4) = 4.
    const out = d.decide(view(15, { prefill: { current: 2 } }, { pods: { 'prefill-0': { queue_waiting: 6 }, 'prefill-1': { queue_waiting: 4 } } }));
    expect(out.desired['prefill']).toBe(4);
    const three = d.decide(view(30, { prefill: { current: 3 } }, { pods: { 'prefill-0': { queue_waiting: 5 }, 'prefill-1': { queue_waiting: 5 }, 'prefill-2': { queue_waiting: 5 } } }));
    // ratio 2.5 → ceil(7.5) = 8 > limit 6
    expect(three.desired['prefill']).toBe(6);
  });

  it('holds inside the tolerance', () => {
    const d = hpaQueueDriver({ roles: [role], namespace: NS, targetAverage: 2 });
    // average 2.2: ratio 1.1 is within tolerance 0.1 → no change
    const out = d.decide(view(15, { prefill: { current: 2 } }, { pods: { 'prefill-0': { queue_waiting: 2.2 }, 'prefill-1': { queue_waiting: 2.2 } } }));
    expect(out.desired['prefill']).toBe(2);
  });

  it('waits out the 300 s downscale stabilization before scaling in', () => {
    const d = hpaQueueDriver({ roles: [role], namespace: NS, targetAverage: 2 });
    const busy = { pods: { 'prefill-0': { queue_waiting: 8 }, 'prefill-1': { queue_waiting: 8 }, 'prefill-2': { queue_waiting: 8 }, 'prefill-3': { queue_waiting: 8 } } };
    // ratio 4 → 16, capped by maxReplicas 10, then by the scale-up limit 2 × 4 = 8.
    expect(d.decide(view(15, { prefill: { current: 4 } }, busy)).desired['prefill']).toBe(8);
    const idle = { pods: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`prefill-${String(i)}`, { queue_waiting: 0 }])) };
    // Still within 300 s of the recommendation of 10.
    expect(d.decide(view(30, { prefill: { current: 10 } }, idle)).desired['prefill']).toBe(10);
    expect(d.decide(view(300, { prefill: { current: 10 } }, idle)).desired['prefill']).toBe(10);
    // 316 s: the recommendation of 10 at 15 s has left the window; the max of what remains is 1 (the floor).
    expect(d.decide(view(316, { prefill: { current: 10 } }, idle)).desired['prefill']).toBe(1);
  });
});

describe('KEDA-style latency threshold', () => {
  const drv = () => thresholdDriver({ roles: [roleSpec('prefill'), roleSpec('decode')], pools, namespace: NS, podCliqueSet: PCS, ttftThresholdSeconds: 0.5, itlThresholdSeconds: 0.05 });

  it('polls every 30 s and scales by p95 / threshold (metricType Value)', () => {
    const d = drv();
    expect(d.periodSeconds).toBe(30);
    const out = d.decide(view(30, { prefill: { current: 2 }, decode: { current: 3 } }, { cliques: { prefill: { ttft_p95_seconds: 1.0 }, decode: { itl_p95_seconds: 0.06 } } }));
    // prefill: ratio 2 → 4; decode: ratio 1.2 → ceil(3.6) = 4
    expect(out.desired).toEqual({ prefill: 4, decode: 4 });
  });

  it('holds within tolerance and keeps the cooldown before scaling in on an empty query (read as 0)', () => {
    const d = drv();
    const a = d.decide(view(30, { prefill: { current: 3 }, decode: { current: 3 } }, { cliques: { prefill: { ttft_p95_seconds: 0.52 }, decode: {} } }));
    expect(a.desired['prefill']).toBe(3);
    expect(a.desired['decode']).toBe(3);
    const b = d.decide(view(340, { prefill: { current: 3 }, decode: { current: 3 } }, { cliques: { prefill: {}, decode: {} } }));
    expect(b.desired).toEqual({ prefill: 1, decode: 1 });
  });
});

describe('Dynamo-style planner', () => {
  it('load step: +1 above the SLA, −1 only if N/(N−1) × latency < 80 % of it, hold while not converged', () => {
    const base = { sla: 0.5, sensitivity: 0.8 };
    expect(loadStep({ ...base, current: 2, ready: 2, observed: 0.6 })).toBe(3);
    expect(loadStep({ ...base, current: 2, ready: 1, observed: 0.6 })).toBe(2);
    // 3 → 2: 0.25 × 1.5 = 0.375 < 0.4 → scale in
    expect(loadStep({ ...base, current: 3, ready: 3, observed: 0.25 })).toBe(2);
    // 0.3 × 1.5 = 0.45 ≥ 0.4 → hold
    expect(loadStep({ ...base, current: 3, ready: 3, observed: 0.3 })).toBe(3);
    // KV would overflow when spread: 0.7 × 2 ≥ 1
    expect(loadStep({ ...base, current: 2, ready: 2, observed: 0.1, kvUsage: 0.7 })).toBe(2);
    expect(loadStep({ ...base, current: 1, ready: 1, observed: 0.01 })).toBe(1);
    expect(loadStep({ ...base, current: 2, ready: 2, observed: undefined })).toBe(2);
  });

  it('per-engine capacity from the iteration model', () => {
    // 8192 / (0.012 + 22e-6 × 8192) tokens/s
    expect(prefillTokensPerSecond(profile, 3000)).toBeCloseTo(8192 / 0.192224, 6);
    // per sequence 0.05 ms + 0.3 µs × 1000 = 0.35 ms; batch ⌊0.044 / 0.00035⌋ = 125; step 49.75 ms
    expect(decodeTokensPerSecond(profile, 0.05, 1000)).toBeCloseTo(125 / 0.04975, 6);
    expect(decodeTokensPerSecond(profile, 0.005, 1000)).toBe(0);
  });

  it('sets a throughput floor every 180 s from the mean token rate', () => {
    const d = dynamoDriver({ roles: [roleSpec('prefill'), roleSpec('decode')], pools, namespace: NS, podCliqueSet: PCS, ttftSeconds: 0.5, itlSeconds: 0.05 });
    const cap = decodeTokensPerSecond(profile, 0.05, 3075);
    const demand = cap * 2.5;
    const out = d.decide(view(15, { prefill: { current: 1 }, decode: { current: 1 } }, { cliques: { prefill: { prompt_tokens_per_second: 1000, ttft_p90_seconds: 0.1 }, decode: { generation_tokens_per_second: demand, itl_p90_seconds: 0.02 } } }));
    expect(out.desired).toEqual({ prefill: 1, decode: 3 });
    // Before the next throughput tick the floor stays, whatever the rate.
    const later = d.decide(view(30, { prefill: { current: 1 }, decode: { current: 3, ready: 1, starting: 2 } }, { cliques: { decode: { generation_tokens_per_second: 1, itl_p90_seconds: 0.02 } } }));
    expect(later.desired['decode']).toBe(3);
  });
});
