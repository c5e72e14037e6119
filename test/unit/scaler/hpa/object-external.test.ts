import { describe, it, expect } from 'vitest';
import { averageValueReplicas, sumExternal, valueReplicas } from '../../../../src/scaler/hpa/object-external.ts';
import { pod, pods } from './fixtures.ts';

// Object / External metrics. Values are milli-units.
const tol = { scaleDown: 0.1, scaleUp: 0.1 };

describe('Value target', () => {
  const table: readonly [string, number, number, number, number, number][] = [
    // [name, current, ready pods, usage, target, expected]
    // 30000 / 10000 = 3; ceil(3 × 4 ready) = 12
    ['scale up by ready pods', 4, 4, 30_000, 10_000, 12],
    // 5000 / 10000 = 0.5; ceil(0.5 × 4) = 2
    ['scale down', 4, 4, 5000, 10_000, 2],
    // 10500 / 10000 = 1.05 → current
    ['within tolerance', 4, 4, 10_500, 10_000, 4],
    // 11000 / 10000 = 1.1 inclusive → current
    ['upper edge', 4, 4, 11_000, 10_000, 4],
    // ratio 3 but only 2 of 4 pods are ready: ceil(3 × 2) = 6
    ['only ready pods count', 4, 2, 30_000, 10_000, 6],
    // no ready pods: ceil(3 × 0) = 0
    ['zero ready pods propose 0', 4, 0, 30_000, 10_000, 0],
    // current 0: ceil(25000 / 10000) = 3, no tolerance, pods not consulted
    ['at 0 replicas: ceil(ratio)', 0, 0, 25_000, 10_000, 3],
    // current 0 and ratio 1.05: ceil(1.05) = 2 (no tolerance on this path)
    ['at 0 replicas tolerance does not apply', 0, 0, 10_500, 10_000, 2],
    // current 0, usage 0 → 0
    ['at 0 replicas with no load stays 0', 0, 0, 0, 10_000, 0],
  ];
  it.each(table)('%s', (_name, current, ready, usage, target, expected) => {
    const list = [...pods(ready), ...Array.from({ length: Math.max(0, current - ready) }, (_, i) => pod(`u${i}`, { ready: 'False' }))];
    const r = valueReplicas({ currentReplicas: current, usage: BigInt(usage), target: BigInt(target), pods: list, tolerances: tol });
    expect(r.ok && r.value.replicas).toBe(expected);
  });
  it('fails outside tolerance when the selector returns no pods', () => {
    const r = valueReplicas({ currentReplicas: 2, usage: 30_000n, target: 10_000n, pods: [], tolerances: tol });
    expect(!r.ok && r.error).toBe('unable to calculate ready pods: no pods returned by selector while calculating replica count');
  });
});

describe('AverageValue target', () => {
  const table: readonly [string, number, number, number, number, bigint | undefined][] = [
    // [name, status replicas, usage, target average, expected, reported average]
    // ratio 30000 / (1000 × 10) = 3 → ceil(30000 / 1000) = 30; average ceil(30000 / 10) = 3000
    ['scale up to usage / target', 10, 30_000, 1000, 30, 3000n],
    // ratio 10500 / (1000 × 10) = 1.05 within → status replicas
    ['within tolerance keeps status replicas', 10, 10_500, 1000, 10, 1050n],
    // ratio 9000 / 10000 = 0.9 inclusive → 10
    ['lower edge', 10, 9000, 1000, 10, 900n],
    // ratio 0.5 → ceil(5000 / 1000) = 5
    ['scale down', 10, 5000, 1000, 5, 500n],
    // 7 replicas, usage 10000: average ceil(10000 / 7) = 1429; ratio 10000/7000 = 1.43 → ceil(10) = 10
    ['reported average rounds up', 7, 10_000, 1000, 10, 1429n],
    // status 0: ratio +∞ → ceil(2500 / 1000) = 3; no average
    ['at 0 replicas', 0, 2500, 1000, 3, undefined],
    // status 0, usage 0: ratio NaN (not within) → ceil(0) = 0
    ['at 0 replicas with no load', 0, 0, 1000, 0, undefined],
  ];
  it.each(table)('%s', (_name, status, usage, target, expected, average) => {
    const r = averageValueReplicas({ statusReplicas: status, usage: BigInt(usage), targetAverage: BigInt(target), tolerances: tol });
    expect(r.replicas).toBe(expected);
    expect(r.average).toBe(average);
  });
});

describe('External sum', () => {
  it('sums every item and caps at int64 max', () => {
    expect(sumExternal([1n, 2n, 3n])).toBe(6n);
    expect(sumExternal([9_223_372_036_854_775_807n, 1n])).toBe(9_223_372_036_854_775_807n);
  });
});
