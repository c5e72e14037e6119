import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { bucketQuantile, histogramQuantile } from '../../../src/signals/window/quantile.ts';

// Expected values below are worked out by hand from PromQL's rules, not taken from the code.
const B = [1, 2, Infinity];
const C = [1, 3, 4]; // 1 obs in (0,1], 2 in (1,2], 1 above 2

describe('bucketQuantile follows PromQL histogram_quantile', () => {
  it('interpolates linearly inside the bucket holding the rank', () => {
    expect(bucketQuantile(0.5, B, C)).toBe(1.5); // rank 2 → bucket (1,2], 1 of 2 in → 1 + 0.5
    expect(bucketQuantile(0.25, B, C)).toBe(1); // rank 1 → top of the first bucket
    expect(bucketQuantile(0.1, B, C)).toBeCloseTo(0.4, 12); // first bucket's lower edge is 0
    expect(bucketQuantile(0, B, C)).toBe(0);
  });

  it('returns the highest finite bound when the rank lands in the +Inf bucket', () => {
    expect(bucketQuantile(0.9, B, C)).toBe(2);
    expect(bucketQuantile(1, B, C)).toBe(2);
  });

  it('handles q outside [0,1] and NaN', () => {
    expect(bucketQuantile(-0.1, B, C)).toBe(-Infinity);
    expect(bucketQuantile(1.1, B, C)).toBe(Infinity);
    expect(bucketQuantile(NaN, B, C)).toBeNaN();
  });

  it('is NaN with no observations, without a +Inf bucket, or with fewer than two buckets', () => {
    expect(bucketQuantile(0.5, B, [0, 0, 0])).toBeNaN();
    expect(bucketQuantile(0.5, [1, 2], [1, 3])).toBeNaN();
    expect(bucketQuantile(0.5, [Infinity], [5])).toBeNaN();
    expect(bucketQuantile(0.5, [], [])).toBeNaN();
  });

  it('returns the first upper bound when it is ≤ 0 and holds the rank', () => {
    expect(bucketQuantile(0.25, [0, 1, Infinity], [2, 4, 4])).toBe(0);
    expect(bucketQuantile(0.25, [-1, 1, Infinity], [2, 4, 4])).toBe(-1);
    // Beyond the first bucket interpolation resumes from that bound.
    expect(bucketQuantile(0.75, [-1, 1, Infinity], [2, 4, 4])).toBe(0);
  });

  it('sorts buckets, adds buckets with the same bound, and forces monotonicity', () => {
    expect(bucketQuantile(0.5, [2, Infinity, 1, 1], [3, 4, 0.5, 0.5])).toBe(1.5);
    // counts 2,1,4 → 2,2,4: rank 2 is reached in the first bucket → 1
    expect(bucketQuantile(0.5, [1, 2, 3, Infinity], [2, 1, 4, 4])).toBe(1);
  });

  it('uses bucket counts, not the histogram _count', () => {
    expect(histogramQuantile(0.5, { bounds: B, counts: C, sum: 5, count: 400 })).toBe(1.5);
  });

  it('q = 0 with an empty first bucket is NaN, as in PromQL (0/0 inside the bucket)', () => {
    expect(bucketQuantile(0, B, [0, 2, 4])).toBeNaN();
  });

  it('property: monotone in q and bounded by the finite bounds (q > 0)', () => {
    const arb = fc
      .uniqueArray(fc.double({ min: 0.001, max: 1000, noNaN: true }), { minLength: 1, maxLength: 12 })
      .chain((bounds) => fc.tuple(fc.constant(bounds.sort((a, b) => a - b)), fc.array(fc.nat(50), { minLength: bounds.length + 1, maxLength: bounds.length + 1 })));
    fc.assert(
      fc.property(arb, fc.double({ min: 1e-9, max: 1, noNaN: true }), fc.double({ min: 1e-9, max: 1, noNaN: true }), ([bounds, perBucket], q1, q2) => {
        const counts: number[] = [];
        let run = 0;
        for (const c of perBucket) counts.push((run += c));
        const all = [...bounds, Infinity];
        const lo = Math.min(q1, q2);
        const hi = Math.max(q1, q2);
        const a = bucketQuantile(lo, all, counts);
        const b = bucketQuantile(hi, all, counts);
        if (run === 0) {
          expect(a).toBeNaN();
          return;
        }
        expect(a).toBeLessThanOrEqual(b + 1e-9);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThanOrEqual(bounds[bounds.length - 1] ?? 0);
      }),
    );
  });
});
