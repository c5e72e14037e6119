import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newestPerReplicas, stabilizeWithBehavior } from '../../../src/scaler/behavior/stabilize.ts';
import type { TimestampedRecommendation } from '../../../src/scaler/hpa/snapshot.ts';

describe('newestPerReplicas', () => {
  it('keeps the newest record of each size, oldest first, and the list itself when nothing repeats', () => {
    const recs = [
      { replicas: 2, timestamp: 0 },
      { replicas: 3, timestamp: 15 },
      { replicas: 2, timestamp: 30 },
    ];
    expect(newestPerReplicas(recs)).toEqual([
      { replicas: 3, timestamp: 15 },
      { replicas: 2, timestamp: 30 },
    ]);
    const distinct = recs.slice(0, 2);
    expect(newestPerReplicas(distinct)).toBe(distinct);
  });

  it('stabilizes to the same size as the full list at every step of random decision sequences', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ desired: fc.integer({ min: 0, max: 6 }), current: fc.integer({ min: 0, max: 6 }), gap: fc.integer({ min: 0, max: 90 }) }), { maxLength: 80 }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 400 }),
        (steps, up, down) => {
          let full: readonly TimestampedRecommendation[] = [];
          let kept: readonly TimestampedRecommendation[] = [];
          let now = 1_000_000;
          for (const s of steps) {
            now += s.gap * 1000;
            const a = stabilizeWithBehavior(full, now, s.current, s.desired, up, down);
            const b = stabilizeWithBehavior(kept, now, s.current, s.desired, up, down);
            expect(b.recommendation).toBe(a.recommendation);
            full = a.recommendations;
            kept = newestPerReplicas(b.recommendations);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
