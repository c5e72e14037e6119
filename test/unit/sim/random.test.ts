import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../../src/sim/random/rng.ts';
import { logGamma, sampleEmpirical, sampleExponential, sampleGamma, sampleWeibull } from '../../../src/sim/random/samplers.ts';

function moments(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

function draw(n: number, f: () => number): number[] {
  return Array.from({ length: n }, f);
}

describe('createRng', () => {
  it('replays the same sequence for the same seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = draw(100, () => a.next());
    expect(draw(100, () => b.next())).toEqual(xa);
    expect(draw(100, () => c.next())).not.toEqual(xa);
  });

  it('draws in [0, 1) with the moments of a uniform', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const rng = createRng(seed);
        const xs = draw(4000, () => rng.next());
        expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
        const { mean, variance } = moments(xs);
        expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
        expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.01);
      }),
      { numRuns: 20 },
    );
  });

  it('derives distinct stream seeds per label', () => {
    expect(deriveSeed(1, 'arrivals')).not.toBe(deriveSeed(1, 'lengths'));
    expect(deriveSeed(1, 'arrivals')).toBe(deriveSeed(1, 'arrivals'));
  });
});

describe('samplers', () => {
  const n = 40_000;

  it('exponential has mean 1/rate', () => {
    const rng = createRng(1);
    const { mean, variance } = moments(draw(n, () => sampleExponential(rng, 4)));
    expect(mean).toBeCloseTo(0.25, 2);
    expect(variance).toBeCloseTo(1 / 16, 2);
  });

  for (const shape of [0.25, 0.5, 1, 2.5, 9]) {
    it(`gamma(shape ${shape}) has mean k·θ and variance k·θ²`, () => {
      const rng = createRng(7);
      const scale = 2;
      const { mean, variance } = moments(draw(n, () => sampleGamma(rng, shape, scale)));
      expect(mean / (shape * scale)).toBeGreaterThan(0.95);
      expect(mean / (shape * scale)).toBeLessThan(1.05);
      expect(variance / (shape * scale * scale)).toBeGreaterThan(0.88);
      expect(variance / (shape * scale * scale)).toBeLessThan(1.12);
    });
  }

  it('weibull has mean λ·Γ(1 + 1/k)', () => {
    const rng = createRng(3);
    const k = 0.7;
    const lambda = 3;
    const { mean } = moments(draw(n, () => sampleWeibull(rng, k, lambda)));
    const expected = lambda * Math.exp(logGamma(1 + 1 / k));
    expect(mean / expected).toBeGreaterThan(0.96);
    expect(mean / expected).toBeLessThan(1.04);
  });

  it('logGamma matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 10);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
  });

  it('empirical draws only observed values, in proportion', () => {
    const rng = createRng(5);
    const values = [1, 1, 1, 7];
    const xs = draw(n, () => sampleEmpirical(rng, values));
    expect(new Set(xs)).toEqual(new Set([1, 7]));
    expect(xs.filter((x) => x === 7).length / n).toBeCloseTo(0.25, 1);
  });

  it('rejects impossible parameters', () => {
    const rng = createRng(1);
    expect(() => sampleGamma(rng, 0, 1)).toThrow(RangeError);
    expect(() => sampleExponential(rng, -1)).toThrow(RangeError);
    expect(() => sampleEmpirical(rng, [])).toThrow(RangeError);
  });
});
