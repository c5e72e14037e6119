import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyGpuBudget, type BudgetPool } from '../../../src/scaler/budget.ts';

const p = (name: string, current: number, proposed: number, min = 1, gpus = 1): BudgetPool => ({ name, current, proposed, min, gpus });

describe('GPU budget', () => {
  it('changes nothing within the budget', () => {
    const r = applyGpuBudget([p('a', 2, 3), p('b', 2, 2)], 0, 8);
    expect(r.values).toEqual([3, 2]);
    expect(r.explanation).toEqual([]);
  });

  it('shrinks the increases in proportion and hands the rounding left-over to the pool furthest behind', () => {
    // Room over current sizes: 8 − 4 = 4 GPUs for asks of 4 (a) and 2 (b): shares 2.67 and 1.33 → 2 and 1,
    // the spare GPU goes to a (both are half-way; a comes first).
    const r = applyGpuBudget([p('a', 2, 6), p('b', 2, 4)], 0, 8);
    expect(r.values).toEqual([5, 3]);
    expect(r.usedGpus).toBe(8);
    expect(r.reversed).toBe(false);
  });

  it('counts GPUs per replica and the fixed users', () => {
    // a: 8-GPU instances 1 → 3, b: 1-GPU pods 2 → 2, 4 GPUs fixed, budget 24: a may reach 2 (16 + 2 + 4 = 22).
    const r = applyGpuBudget([p('a', 1, 3, 1, 8), p('b', 2, 2)], 4, 24);
    expect(r.values).toEqual([2, 2]);
  });

  it('shrinks everything in proportion when even the current sizes do not fit, never below the floors', () => {
    const r = applyGpuBudget([p('a', 6, 6, 2), p('b', 6, 6, 2)], 0, 6);
    expect(r.values).toEqual([3, 3]);
    const tight = applyGpuBudget([p('a', 6, 6, 4), p('b', 6, 6, 4)], 0, 6);
    expect(tight.values).toEqual([4, 4]);
    expect(tight.feasible).toBe(false);
  });

  it('properties: within budget whenever the floors fit; growth never pushed below current when current fits', () => {
    const arb = fc.array(
      fc.record({ min: fc.integer({ min: 0, max: 3 }), c: fc.integer({ min: 0, max: 10 }), d: fc.integer({ min: -5, max: 10 }), gpus: fc.integer({ min: 0, max: 8 }) }),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 200 }), (defs, fixed, budget) => {
        const pools = defs.map((d, i) => {
          const current = d.min + d.c;
          return p(`r${i}`, current, Math.max(d.min, current + d.d), d.min, d.gpus);
        });
        const r = applyGpuBudget(pools, fixed, budget);
        const floors = fixed + pools.reduce((s, q) => s + q.min * q.gpus, 0);
        const base = fixed + pools.reduce((s, q) => s + Math.min(q.current, q.proposed) * q.gpus, 0);
        r.values.forEach((v, i) => {
          const q = pools[i];
          if (q === undefined) return;
          expect(v).toBeGreaterThanOrEqual(q.min);
          expect(v).toBeLessThanOrEqual(q.proposed);
          if (base <= budget) expect(v).toBeGreaterThanOrEqual(Math.min(q.current, q.proposed));
        });
        if (floors <= budget) expect(r.usedGpus).toBeLessThanOrEqual(budget);
        expect(r.feasible).toBe(r.usedGpus <= budget);
      }),
      { numRuns: 5000 },
    );
  });
});
