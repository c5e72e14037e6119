import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideSetReplicas, splitAcrossReplicas, type SetInput } from '../../../src/scaler/levels.ts';

const base: Omit<SetInput, 'roles'> = { current: 1, min: 1, max: 4, scaleWhen: 'AnyRoleAtMaximum', headroom: 0.8 };
const role = (name: string, wanted: number, perReplicaMax: number) => ({ name, wanted, perReplicaMin: 1, perReplicaMax });

describe('set level', () => {
  it('Never keeps the set size, only bounded by min and max', () => {
    expect(decideSetReplicas({ ...base, scaleWhen: 'Never', roles: [role('a', 100, 2)] }).desired).toBe(1);
    expect(decideSetReplicas({ ...base, scaleWhen: 'Never', current: 0, roles: [] }).desired).toBe(1);
    expect(decideSetReplicas({ ...base, scaleWhen: 'Never', current: 6, roles: [] })).toMatchObject({ desired: 4, reason: 'BoundedByMax' });
  });

  it('AnyRoleAtMaximum grows the set to fit the most demanding role', () => {
    const r = decideSetReplicas({ ...base, roles: [role('prefill', 5, 2), role('decode', 3, 6)] });
    expect(r).toMatchObject({ desired: 3, reason: 'SetResized' });
  });

  it('AllRolesAtMaximum grows only when every role is over, by the least demanding role', () => {
    expect(decideSetReplicas({ ...base, scaleWhen: 'AllRolesAtMaximum', roles: [role('p', 5, 2), role('d', 3, 6)] }).desired).toBe(1);
    expect(decideSetReplicas({ ...base, scaleWhen: 'AllRolesAtMaximum', roles: [role('p', 5, 2), role('d', 7, 6)] }).desired).toBe(2);
  });

  it('is capped by max and by an unset max at the current size', () => {
    expect(decideSetReplicas({ ...base, roles: [role('a', 50, 2)] })).toMatchObject({ desired: 4, reason: 'BoundedByMax' });
    const { max: _omit, ...noMax } = base;
    expect(decideSetReplicas({ ...noMax, max: undefined, current: 2, roles: [role('a', 50, 2)] }).desired).toBe(2);
  });

  it('shrinks only when every role fits in fewer replicas with headroom', () => {
    // 3 replicas, per-replica max 4: 8 needs ceil(8 / 3.2) = 3 → stays; 6 needs ceil(6 / 3.2) = 2 → shrinks.
    expect(decideSetReplicas({ ...base, current: 3, roles: [role('a', 8, 4)] }).desired).toBe(3);
    expect(decideSetReplicas({ ...base, current: 3, roles: [role('a', 6, 4)] }).desired).toBe(2);
  });
});

describe('splitting a role over set replicas', () => {
  it('adds to the smallest object and removes from the largest, from the end', () => {
    expect(splitAcrossReplicas(7, [2, 2, 2], 3, 1, 4, 1)).toEqual([3, 2, 2]);
    expect(splitAcrossReplicas(5, [2, 2, 2], 3, 1, 4, 1)).toEqual([2, 2, 1]);
    // A new set replica starts from the template size.
    expect(splitAcrossReplicas(6, [3, 3], 3, 1, 4, 1)).toEqual([3, 2, 1]);
  });

  it('properties: the sum is the bounded total, every object within [lo, hi], unchanged when the total is unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 0, max: 60 }),
        (lo, span, count, raw, total) => {
          const hi = lo + span;
          const current = raw.map((v) => lo + (v % (span + 1)));
          const out = splitAcrossReplicas(total, current, count, lo, hi, lo);
          expect(out).toHaveLength(count);
          for (const v of out) {
            expect(v).toBeGreaterThanOrEqual(lo);
            expect(v).toBeLessThanOrEqual(hi);
          }
          expect(out.reduce((a, b) => a + b, 0)).toBe(Math.min(count * hi, Math.max(count * lo, total)));
          const start = Array.from({ length: count }, (_, i) => current[i] ?? lo);
          const same = start.reduce((a, b) => a + b, 0);
          expect(splitAcrossReplicas(same, current, count, lo, hi, lo)).toEqual(start);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
