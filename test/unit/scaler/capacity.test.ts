import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCapacity, decodeItlSeconds, prefillCapacity, prefillTtftSeconds } from '../../../src/scaler/slo/capacity.ts';
import { fitBurstiness, kingmanCoefficient, queueingPrefillCapacity, queueingTtftSeconds, type Burstiness } from '../../../src/scaler/slo/queueing.ts';
import { H100_8B } from './fixtures.ts';

describe('prefill capacity', () => {
  // Iteration model: TTFT(x) = T + max(T, a + b·ISL), T = a / (1 − b·x).
  it.each([
    // target, ISL, expected prompt tokens/s: T* = target/2 when the prompt fits in half the target, else target − own
    { target: 0.5, isl: 3000, iteration: 0.25 },
    { target: 0.5, isl: 12000, iteration: 0.5 - (0.012 + 0.000022 * 12000) },
    { target: 0.2, isl: 1000, iteration: 0.1 },
  ])('target $target s at ISL $isl', ({ target, isl, iteration }) => {
    const c = prefillCapacity(H100_8B.prefill, target, isl);
    const expected = (1 - 0.012 / iteration) / 0.000022;
    expect(c.reachable).toBe(true);
    expect(c.perReplica).toBeCloseTo(expected, 3);
    // At capacity the modelled TTFT is exactly the target.
    expect(prefillTtftSeconds(H100_8B.prefill, c.perReplica, isl)).toBeCloseTo(target, 9);
  });

  it('8B-H100 carries about 43k prompt tokens/s within TTFT 500 ms at 3000-token prompts', () => {
    expect(Math.round(prefillCapacity(H100_8B.prefill, 0.5, 3000).perReplica)).toBe(43273);
  });

  it('flags a target no replica count can meet (idle TTFT a + a + b·ISL above it)', () => {
    const c = prefillCapacity(H100_8B.prefill, 0.1, 5000);
    expect(c.reachable).toBe(false);
    expect(c.perReplica).toBeGreaterThan(0);
  });

  it('is saturated (infinite TTFT) at or beyond 1 / b prompt tokens/s', () => {
    expect(prefillTtftSeconds(H100_8B.prefill, 1 / 0.000022, 100)).toBe(Infinity);
  });

  it('grows with a looser target and never exceeds the engine limit 1 / b', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.2, max: 5, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.integer({ min: 1, max: 6000 }), (t, dt, isl) => {
        const a = prefillCapacity(H100_8B.prefill, t, isl);
        const b = prefillCapacity(H100_8B.prefill, t + dt, isl);
        expect(b.perReplica).toBeGreaterThanOrEqual(a.perReplica - 1e-6);
        expect(b.perReplica).toBeLessThan(1 / 0.000022);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decode capacity', () => {
  const ctx = 3000 + 150 / 2;
  const k = 0.00005 + 0.0000003 * ctx;

  it('ITL 50 ms: batch (target − a_d) / k, tokens/s = batch / target', () => {
    const c = decodeCapacity(H100_8B.decode, 0.05, ctx);
    expect(c.limitedBy).toBe('slo');
    expect(c.sequences).toBeCloseTo((0.05 - 0.006) / k, 9);
    expect(c.perReplica).toBeCloseTo((0.05 - 0.006) / k / 0.05, 6);
    expect(decodeItlSeconds(H100_8B.decode, c.perReplica, ctx)).toBeCloseTo(0.05, 9);
  });

  it('a loose target is capped by the KV cache: floor(450k / context) sequences', () => {
    const c = decodeCapacity(H100_8B.decode, 0.2, ctx);
    const b = Math.floor(450000 / ctx);
    expect(c.limitedBy).toBe('kvCache');
    expect(c.sequences).toBe(b);
    expect(c.perReplica).toBeCloseTo(b / (0.006 + k * b), 9);
  });

  it('short contexts are capped by max_num_seqs', () => {
    const c = decodeCapacity(H100_8B.decode, 1, 100);
    expect(c.limitedBy).toBe('maxNumSeqs');
    expect(c.sequences).toBe(256);
  });

  it('a target below one sequence’s step time is unreachable', () => {
    expect(decodeCapacity(H100_8B.decode, 0.005, ctx).reachable).toBe(false);
  });

  it('ITL rises with load and never drops below a_d + k under load', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 900, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (y, dy) => {
        const a = decodeItlSeconds(H100_8B.decode, y, ctx);
        const b = decodeItlSeconds(H100_8B.decode, y + dy, ctx);
        expect(b).toBeGreaterThanOrEqual(a - 1e-12);
        if (y > 0) expect(a).toBeGreaterThanOrEqual(0.006 + k - 1e-12);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('queueing prefill model', () => {
  const p = H100_8B.prefill; // a = 12 ms, b = 22 µs/token
  const none = (q = 0.9): Burstiness => ({ kingman: kingmanCoefficient(q), burst: 0, points: 0 });

  it('reads the Poisson queue at the percentile: β = ln(1/(1 − q))', () => {
    expect(kingmanCoefficient(0.9)).toBeCloseTo(Math.log(10), 12);
    expect(kingmanCoefficient(0.99)).toBeCloseTo(Math.log(100), 12);
  });

  it('M/G/1 at p90, 3000-token prompts, 0.5 s: ρ ≤ R/(ln 10 + R)', () => {
    // s = 66 ms of prompt work; R = (0.5 − 0.012 − 0.066)/0.066 = 6.394; ρ* = 0.7352 → 33.4k tokens/s.
    const r = (0.5 - 0.012 - 0.066) / 0.066;
    const rho = r / (Math.log(10) + r);
    expect(rho).toBeCloseTo(0.7352, 3);
    expect(queueingPrefillCapacity(p, 0.5, 3000, none())).toBeCloseTo(rho / 0.000022, 6);
    // An idle replica serves one prompt in a + s; the queue adds nothing at zero load.
    expect(queueingTtftSeconds(p, 0, 3000, none())).toBeCloseTo(0.012 + 0.066, 12);
  });

  it('a burst term waits s/(1 − ρ)·κ even at low load, and lowers the capacity', () => {
    const b: Burstiness = { kingman: Math.log(10), burst: 2, points: 5 };
    expect(queueingTtftSeconds(p, 0, 1000, b)).toBeCloseTo(0.012 + 0.022 + 0.022 * 2, 12);
    expect(queueingPrefillCapacity(p, 0.5, 1000, b)).toBeLessThan(queueingPrefillCapacity(p, 0.5, 1000, none()));
  });

  it('the capacity is exactly where the modelled TTFT reaches the target', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.integer({ min: 50, max: 8000 }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.double({ min: 0.5, max: 0.99, noNaN: true }),
        (target, isl, burst, q) => {
          const b: Burstiness = { kingman: kingmanCoefficient(q), burst, points: 1 };
          const x = queueingPrefillCapacity(p, target, isl, b);
          if (x === 0) {
            // Unreachable: even an idle replica waits out its bursts past the target.
            expect(queueingTtftSeconds(p, 0, isl, b)).toBeGreaterThanOrEqual(target - 1e-9);
            return;
          }
          expect(queueingTtftSeconds(p, x, isl, b)).toBeCloseTo(target, 6);
          expect(queueingTtftSeconds(p, x * 0.99, isl, b)).toBeLessThan(target);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is unreachable (0) when the target is below one idle prompt or the burst fills the slack', () => {
    expect(queueingPrefillCapacity(p, 0.05, 3000, none())).toBe(0);
    // R = (0.5 − 0.012 − 0.022)/0.022 = 21.2: κ = 25 cannot be absorbed.
    expect(queueingPrefillCapacity(p, 0.5, 1000, { kingman: Math.log(10), burst: 25, points: 5 })).toBe(0);
  });

  it('fits κ back from observations the model itself produced', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 30, noNaN: true }),
        fc.array(fc.record({ load: fc.double({ min: 2_000, max: 40_000, noNaN: true }), promptTokens: fc.integer({ min: 100, max: 6000 }) }), { minLength: 5, maxLength: 30 }),
        (burst, loads) => {
          const b: Burstiness = { kingman: kingmanCoefficient(0.9), burst, points: 0 };
          const points = loads.map((o) => ({ ...o, ttft: queueingTtftSeconds(p, o.load, o.promptTokens, b) }));
          const fit = fitBurstiness(p, points, 5, 0.9);
          expect(fit.points).toBe(loads.length);
          expect(fit.burst).toBeCloseTo(burst, 6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('self-corrects: one replica seen exactly at the target at load x has capacity x', () => {
    // TTFT observed at 0.5 s while carrying 20k tokens/s of 1000-token prompts.
    const fit = fitBurstiness(p, [{ load: 20_000, promptTokens: 1000, ttft: 0.5 }], 1, 0.9);
    expect(fit.burst).toBeGreaterThan(0);
    expect(queueingPrefillCapacity(p, 0.5, 1000, fit)).toBeCloseTo(20_000, 6);
    // Seen below the target there, it may carry more; above it, less.
    expect(queueingPrefillCapacity(p, 0.5, 1000, fitBurstiness(p, [{ load: 20_000, promptTokens: 1000, ttft: 0.3 }], 1, 0.9))).toBeGreaterThan(20_000);
    expect(queueingPrefillCapacity(p, 0.5, 1000, fitBurstiness(p, [{ load: 20_000, promptTokens: 1000, ttft: 0.8 }], 1, 0.9))).toBeLessThan(20_000);
  });

  it('keeps the Poisson model until enough informative observations exist, and never fits κ below 0', () => {
    const busy = { load: 20_000, promptTokens: 1000, ttft: 0.6 };
    expect(fitBurstiness(p, [busy, busy], 3, 0.9)).toEqual({ kingman: kingmanCoefficient(0.9), burst: 0, points: 0 });
    // An idle replica (ρ = 0.0022) says nothing about the queue.
    expect(fitBurstiness(p, [busy, busy, { load: 100, promptTokens: 1000, ttft: 5 }], 3, 0.9).points).toBe(0);
    // Faster than even the Poisson queue: κ = 0, not negative.
    expect(fitBurstiness(p, [{ load: 30_000, promptTokens: 1000, ttft: 0.05 }], 1, 0.9).burst).toBe(0);
  });
});
