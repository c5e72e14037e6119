import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCapacity, decodeItlSeconds, prefillCapacity, prefillTtftSeconds } from '../../../src/scaler/slo/capacity.ts';
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
