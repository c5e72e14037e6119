import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScalingPolicy } from '../../../src/api/scaling-policy.ts';
import { appendDemand, appendObservation } from '../../../src/scaler/history.ts';
import { decodeCapacity, decodeItlSeconds, prefillCapacity } from '../../../src/scaler/slo/capacity.ts';
import { seriesOf } from '../../../src/scaler/series.ts';
import { loadSeries, riseAtQuantile, sampleMeans } from '../../../src/scaler/slo/demand.ts';
import { proposeSloReplicas } from '../../../src/scaler/slo/propose.ts';
import { EMPTY_ROLE_HISTORY, type RoleHistory, type RoleSnapshot } from '../../../src/scaler/types.ts';
import { roleSignals } from '../../../src/api/scaling-policy.ts';
import { H100_8B, policy } from './fixtures.ts';

const prefillPolicy = (extra: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): ScalingPolicy =>
  policy({
    roles: [{ name: 'prefill', target: { podClique: 'prefill' }, mode: 'slo', maxReplicas: 20, slo: { ttft: { percentile: 90, targetSeconds: 0.5 } }, ...extra }],
    ...spec,
  });
const decodePolicy = (extra: Record<string, unknown> = {}): ScalingPolicy =>
  policy({ roles: [{ name: 'decode', target: { podClique: 'decode' }, mode: 'slo', maxReplicas: 50, slo: { itl: { percentile: 90, targetSeconds: 0.05 } }, ...extra }] });

function propose(p: ScalingPolicy, s: RoleSnapshot, current: number, h: RoleHistory = EMPTY_ROLE_HISTORY, now = 1_000_000) {
  const role = p.spec.roles[0];
  if (role === undefined) throw new Error('no role');
  const withDemand = appendDemand(h, sampleMeans(s, roleSignals(role)), now, p.spec.prediction.historySeconds);
  const out = proposeSloReplicas({ role, snapshot: s, history: withDemand, current, now, spec: p.spec });
  return { ...out, history: appendObservation(withDemand, out.observation, p.spec.prediction.historySeconds) };
}

const replicas = (n: number, ready = n): Pick<RoleSnapshot, 'replicas' | 'readyReplicas'> => ({ replicas: [n], readyReplicas: ready });

/**
 * Prefill capacity from first principles: the steady-stream iteration bound, and the M/G/1 tail bound with no
 * burst observed yet — a request of s = b·ISL seconds of prompt work waits s·ln(10)·ρ/(1 − ρ) at p90, so
 * TTFT ≤ target needs ρ ≤ R/(ln 10 + R), R = (target − a − s)/s.
 */
function prefillCap(target: number, isl: number): number {
  const { baseSeconds: a, secondsPerToken: b } = H100_8B.prefill;
  const s = b * isl;
  const r = (target - a - s) / s;
  return Math.min(prefillCapacity(H100_8B.prefill, target, isl).perReplica, r / (Math.log(10) + r) / b);
}

describe('SLO proposal: predictive floor', () => {
  const cap = prefillCap(0.5, 3000);

  it('sizes prefill as ceil(prompt tokens/s ÷ per-replica capacity)', () => {
    const p = prefillPolicy({ profile: { prefill: H100_8B.prefill } });
    const load = 100_000; // 33.3 req/s × 3000 tokens
    const out = propose(p, { ...replicas(1), requestRate: load / 3000, promptTokensPerSecond: load }, 1);
    expect(out.desired).toBe(Math.ceil(load / cap));
    expect(out.reason).toBe('PredictedDemand');
    expect(out.inputs['ttftCapacityPerReplica']).toBeCloseTo(cap, 6);
  });

  it('removes prefix-cache hits from the prefill work', () => {
    const p = prefillPolicy({ profile: { prefill: H100_8B.prefill } });
    const out = propose(p, { ...replicas(4), requestRate: 40, promptTokensPerSecond: 120_000, prefixCacheHitRate: 0.75 }, 4);
    // 30k tokens/s to compute; 750-token effective prompts give a larger per-replica capacity; one replica is enough,
    // and at 4 replicas the load spread over 1 keeps headroom.
    expect(out.desired).toBe(1);
  });

  it('scales out ahead of a rising trend by start-up + horizon (linear predictor)', () => {
    const p = prefillPolicy({ profile: { prefill: H100_8B.prefill } }, { prediction: { predictor: 'linear', startupSeconds: 120, horizonSeconds: 60 } });
    let h = EMPTY_ROLE_HISTORY;
    // Request rate climbs 2 req/s every 15 s at 3000-token prompts.
    let last = { desired: 0 };
    for (let i = 0; i <= 8; i++) {
      const rate = 10 + 2 * i;
      last = propose(p, { ...replicas(2), requestRate: rate, promptTokensPerSecond: rate * 3000 }, 2, h, i * 15_000);
      h = (last as ReturnType<typeof propose>).history;
    }
    // Now 26 req/s → 78k tokens/s → 3 replicas; 180 s ahead the line says 26 + 2 × 12 = 50 req/s → 150k → 5.
    expect(last.desired).toBe(Math.ceil((50 * 3000) / cap));
    const constant = prefillPolicy({ profile: { prefill: H100_8B.prefill } });
    expect(propose(constant, { ...replicas(2), requestRate: 26, promptTokensPerSecond: 78_000 }, 2).desired).toBe(Math.ceil(78_000 / cap));
  });

  it('aggregated roles add the phases’ work; separate engines take the busier phase', () => {
    const ctx = 3000 + 150 / 2;
    const dcap = decodeCapacity(H100_8B.decode, 0.05, ctx).perReplica;
    const s = { ...replicas(1), requestRate: 10, promptTokensPerSecond: 30_000, generationTokensPerSecond: 1_500 };
    const role = { slo: { ttft: { targetSeconds: 0.5 }, itl: { targetSeconds: 0.05 } }, profile: H100_8B };
    const shared = policy({ roles: [{ name: 'w', target: { podClique: 'w' }, mode: 'slo', maxReplicas: 20, ...role }] });
    const separate = policy({ roles: [{ name: 'w', target: { podClique: 'w' }, mode: 'slo', maxReplicas: 20, ...role, slo: { ...role.slo, phaseEngines: 'separate' } }] });
    expect(propose(shared, s, 1).desired).toBe(Math.ceil(30_000 / cap + 1_500 / dcap));
    expect(propose(separate, s, 1).desired).toBe(Math.ceil(Math.max(30_000 / cap, 1_500 / dcap)));
  });
});

describe('SLO proposal: bursty arrivals (queueing prefill model)', () => {
  const p = prefillPolicy({ profile: { prefill: H100_8B.prefill } });
  // 1000-token prompts, one replica observed for 6 scrapes carrying `load` at TTFT p90 `ttft`.
  function observed(load: number, ttft: number): RoleHistory {
    let h = EMPTY_ROLE_HISTORY;
    for (let i = 0; i < 6; i++) h = propose(p, { ...replicas(1), requestRate: load / 1000, promptTokensPerSecond: load, ttft: { p90: ttft } }, 1, h, i * 15_000).history;
    return h;
  }

  it('sizes from the load at which TTFT was seen at its target, not from the Poisson model', () => {
    // Poisson alone: R = (0.5 − 0.012 − 0.022)/0.022 = 21.2, ρ* = R/(ln 10 + R) = 0.902 → 41k tokens/s: 50k needs 2.
    expect(propose(p, { ...replicas(1), requestRate: 50, promptTokensPerSecond: 50_000 }, 1).desired).toBe(2);
    // Observed: TTFT 0.5 s already at 20k tokens/s → one replica carries 20k: 50k needs 3.
    const out = propose(p, { ...replicas(1), requestRate: 50, promptTokensPerSecond: 50_000, ttft: { p90: 0.5 } }, 1, observed(20_000, 0.5), 90_000);
    expect(out.inputs['ttftCapacityPerReplica']).toBeCloseTo(20_000, 3);
    expect(out.inputs['ttftBurst']).toBeGreaterThan(0);
    expect(out.desired).toBe(3);
  });

  it('bursts that even an idle replica cannot absorb: best effort at 1/(1 + κ) of the steady capacity, still sized', () => {
    // TTFT 3 s at 5k tokens/s (ρ = 0.11): κ far above the 0.5 s target's slack.
    const out = propose(p, { ...replicas(1), requestRate: 10, promptTokensPerSecond: 10_000, ttft: { p90: 3 } }, 1, observed(5_000, 3), 90_000);
    const burst = out.inputs['ttftBurst'] ?? 0;
    expect(burst).toBeGreaterThan(21.2);
    expect(out.inputs['ttftCapacityPerReplica']).toBeCloseTo(prefillCapacity(H100_8B.prefill, 0.5, 1000).perReplica / (1 + burst), 3);
    expect(out.reason).toBe('PredictedDemand');
    expect(out.explanation.text.some((e) => e.includes('No replica count meets TTFT'))).toBe(true);
  });
});

describe('burst headroom: the rise of the load within one look-ahead', () => {
  const Z90 = 1.2815515655446004; // Φ⁻¹(0.9)
  // simple-statistics' probit is an approximation good to ~4·10⁻⁴ relative: compare to 10⁻³.
  const near = (actual: number | undefined, expected: number) => {
    expect(Math.abs((actual ?? Number.NaN) / expected - 1)).toBeLessThan(1e-3);
  };
  const points15s = (values: readonly number[]) => values.map((value, i) => ({ time: i * 15_000, value }));
  const every15s = (values: readonly number[]) => seriesOf(points15s(values));

  it('a steady trend rises the same every time: no spread, no headroom (the forecast owns trends)', () => {
    expect(riseAtQuantile(every15s(Array.from({ length: 40 }, (_, i) => 100 + 7 * i)), 60_000, 0.9, 5)).toBe(0);
  });

  it('a square wave of period two lags changes by ±d every time: headroom z_q · 1.4826 · d', () => {
    // 0 for one lag (4 scrapes), d for the next, …: every change over one lag is +d or −d, as often (5 blocks
    // each after the first), so the median change is 0 and the median absolute deviation d.
    const d = 1000;
    const wave = every15s(Array.from({ length: 44 }, (_, i) => (Math.floor(i / 4) % 2) * d));
    near(riseAtQuantile(wave, 60_000, 0.9, 5), Z90 * 1.4826 * d);
    // At the median there is no headroom; a higher percentile asks for more.
    expect(riseAtQuantile(wave, 60_000, 0.5, 5)).toBe(0);
    expect(riseAtQuantile(wave, 60_000, 0.99, 5)).toBeGreaterThan(riseAtQuantile(wave, 60_000, 0.9, 5));
  });

  it('needs enough pairs one lag apart (a gap in the series pairs nothing across it)', () => {
    const few = every15s([0, 0, 0, 0, 1000, 1000]);
    expect(riseAtQuantile(few, 60_000, 0.9, 5)).toBe(0);
    const gap = seriesOf([...points15s([0, 1000, 0, 1000]), ...points15s([0, 1000, 0, 1000]).map((p) => ({ ...p, time: p.time + 600_000 }))]);
    expect(riseAtQuantile(gap, 60_000, 0.9, 1)).toBe(0);
  });

  it('loads are request rate × mean length (× the uncached share), joined by scrape time', () => {
    const rates = seriesOf([{ time: 0, value: 10 }, { time: 15_000, value: 20 }, { time: 30_000, value: 5 }]);
    const lengths = seriesOf([{ time: 0, value: 1000 }, { time: 30_000, value: 2000 }]);
    expect(loadSeries(rates, lengths, 0.5)).toEqual({ times: [0, 30_000], values: [5000, 5000], start: 0, end: 2 });
  });

  it('the prefill leg sizes for now + the rise seen in the history', () => {
    const p = prefillPolicy({ profile: { prefill: H100_8B.prefill } }, { prediction: { startupSeconds: 60, horizonSeconds: 60 } });
    // 1000-token prompts; the rate alternates 10 ↔ 30 req/s every look-ahead (120 s = 8 scrapes), so every
    // change over a look-ahead is ±20k tokens/s, 16 times each over the 40 scrapes.
    let h = EMPTY_ROLE_HISTORY;
    let out = propose(p, { ...replicas(2), requestRate: 10, promptTokensPerSecond: 10_000 }, 2, h, 0);
    for (let i = 0; i < 40; i++) {
      const rate = Math.floor(i / 8) % 2 === 0 ? 10 : 30;
      out = propose(p, { ...replicas(2), requestRate: rate, promptTokensPerSecond: rate * 1000 }, 2, h, i * 15_000);
      h = out.history;
    }
    const last = Math.floor(39 / 8) % 2 === 0 ? 10_000 : 30_000;
    near(out.inputs['ttftLoad'], last + Z90 * 1.4826 * 20_000);
  });
});

describe('SLO proposal: reactive correction', () => {
  it('adds one replica when the observed percentile misses the target (no model yet)', () => {
    const out = propose(prefillPolicy(), { ...replicas(3), ttft: { p90: 0.8 } }, 3);
    expect(out).toMatchObject({ desired: 4, reason: 'SloMissed' });
  });

  it('honours behavior.scaleUp.tolerance as slack on the target', () => {
    const p = prefillPolicy({ behavior: { scaleUp: { tolerance: 0.2 } } });
    expect(propose(p, { ...replicas(3), ttft: { p90: 0.58 } }, 3).reason).not.toBe('SloMissed');
    expect(propose(p, { ...replicas(3), ttft: { p90: 0.61 } }, 3)).toMatchObject({ desired: 4, reason: 'SloMissed' });
  });

  it('reads the percentile the policy names', () => {
    const p99 = prefillPolicy({ slo: { ttft: { percentile: 99, targetSeconds: 0.5 } } });
    expect(propose(p99, { ...replicas(3), ttft: { p90: 0.8, p99: 0.4 } }, 3).reason).not.toBe('SloMissed');
  });

  it('waits for the previous change to converge before adding another', () => {
    const out = propose(prefillPolicy(), { ...replicas(4, 3), ttft: { p90: 0.8 } }, 4);
    expect(out).toMatchObject({ desired: 4, reason: 'WaitingForConvergence' });
  });

  it('scales out on a long queue or a full KV cache', () => {
    expect(propose(prefillPolicy(), { ...replicas(2), queue: 30, ttft: { p90: 0.1 } }, 2)).toMatchObject({ desired: 3, reason: 'QueueHigh' });
    expect(propose(decodePolicy(), { ...replicas(2), kvCacheUsage: 0.95, itl: { p90: 0.01 } }, 2)).toMatchObject({ desired: 3, reason: 'KvCacheHigh' });
  });

  it('ignores signals the role does not list', () => {
    const p = prefillPolicy({ signals: ['ttft'] });
    expect(propose(p, { ...replicas(2), queue: 30, ttft: { p90: 0.1 } }, 2).reason).not.toBe('QueueHigh');
  });
});

describe('SLO proposal: scale-in', () => {
  const ctx = 3000 + 150 / 2;
  const dcap = decodeCapacity(H100_8B.decode, 0.05, ctx).perReplica;
  const decodeProfile = decodePolicy({ profile: { decode: H100_8B.decode } });
  const decodeSnap = (n: number, load: number): RoleSnapshot => ({
    ...replicas(n),
    requestRate: load / 150,
    promptTokensPerSecond: (load / 150) * 3000,
    generationTokensPerSecond: load,
    itl: { p90: decodeItlSeconds(H100_8B.decode, load / n, ctx) },
  });

  it('holds 2 replicas at 90 % of one replica’s capacity (spread over 1 it would exceed 80 %)', () => {
    expect(propose(decodeProfile, decodeSnap(2, 0.9 * dcap), 2)).toMatchObject({ desired: 2, reason: 'WithinTarget' });
  });

  it('scales 2 → 1 at 70 % of one replica’s capacity and then stays at 1 (no 2 ↔ 1 oscillation)', () => {
    const first = propose(decodeProfile, decodeSnap(2, 0.7 * dcap), 2);
    expect(first).toMatchObject({ desired: 1, reason: 'ScaleInHeadroom' });
    expect(propose(decodeProfile, decodeSnap(1, 0.7 * dcap), 1, first.history).desired).toBe(1);
  });

  it('without a model, scales in only if the observed percentile × N/(N−1) keeps headroom', () => {
    // 3 replicas at 0.3 s against 0.5 s: over 2 → 0.45 > 0.4 → hold; at 0.25 s: over 2 → 0.375 ≤ 0.4, over 1 → 0.75 → 2.
    expect(propose(prefillPolicy(), { ...replicas(3), ttft: { p90: 0.3 } }, 3).desired).toBe(3);
    expect(propose(prefillPolicy(), { ...replicas(3), ttft: { p90: 0.25 } }, 3)).toMatchObject({ desired: 2, reason: 'ScaleInHeadroom' });
  });

  it('does not scale in while replicas are starting, nor without any signal', () => {
    expect(propose(decodeProfile, { ...decodeSnap(3, 10), readyReplicas: 2 }, 3).reason).toBe('WaitingForConvergence');
    expect(propose(prefillPolicy(), replicas(3), 3)).toMatchObject({ desired: 3, reason: 'NoSignal' });
  });

  it('idle traffic (no latency samples, zero demand) still scales in, down to zero work', () => {
    const out = propose(decodeProfile, { ...replicas(4), requestRate: 0, generationTokensPerSecond: 0, itl: { p90: Number.NaN } }, 4);
    expect(out.desired).toBe(0);
  });

  it('a decision is a fixed point: re-deciding at the size it chose, under the same load, keeps it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 20, noNaN: true }), (n, loadInReplicas) => {
        const load = loadInReplicas * dcap;
        const first = propose(decodeProfile, decodeSnap(n, load), n);
        const m = first.desired;
        if (m === 0) return;
        const second = propose(decodeProfile, decodeSnap(m, load), m, first.history);
        expect(second.desired).toBe(m);
      }),
      { numRuns: 2000 },
    );
  });

  it('fits latency online and sizes from the fit once enough points are in', () => {
    // The world: ITL = 0.01 + 0.00004 × per-replica output tokens/s, so 1,000 tokens/s per replica at 50 ms.
    const p = decodePolicy();
    let h = EMPTY_ROLE_HISTORY;
    let out: ReturnType<typeof propose> | undefined;
    const loads = [800, 1600, 2400, 3200, 4000, 4000];
    loads.forEach((load, i) => {
      out = propose(p, { ...replicas(4), requestRate: load / 150, generationTokensPerSecond: load, itl: { p90: 0.01 + 0.00004 * (load / 4) } }, 4, h, i * 15_000);
      h = out.history;
    });
    expect(out?.inputs['itlCapacityPerReplica']).toBeCloseTo(1000, 6);
    expect(out?.explanation.text.join(' ')).toMatch(/fitted online/);
    // 4000 tokens/s at 1000 per replica needs 4, and 4 → 3 would leave 1,333 per replica, over 80 % of 1000.
    expect(out?.desired).toBe(4);
  });
});
