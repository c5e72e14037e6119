import { describe, it, expect } from 'vitest';
import { metricUsageRatio, plainMetricReplicas } from '../../../../src/scaler/hpa/plain.ts';
import type { Pod } from '../../../../src/scaler/hpa/types.ts';
import { at, pod, pods, sample } from './fixtures.ts';

// Pods metrics and Resource AverageValue (calcPlainMetricReplicas). Values are milli-units:
// usage = trunc(Σ / n); ratio = usage / target.
const timing = { now: at(0), cpuInitializationPeriodMs: 300_000, initialReadinessDelayMs: 30_000 };
const tol = { scaleDown: 0.1, scaleUp: 0.1 };

function calc(current: number, target: number, podList: Pod[], values: Record<string, number>, resource = '') {
  const samples = new Map(Object.entries(values).map(([p, v]) => [p, sample(BigInt(v))] as const));
  const r = plainMetricReplicas({ currentReplicas: current, target: BigInt(target), resource, pods: podList, samples, tolerances: tol, timing });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('plain average', () => {
  it('truncates the average in milli-units', () => {
    // (1 + 1 + 2) / 3 = 1.33 → 1
    expect(metricUsageRatio(new Map([['a', 1n], ['b', 1n], ['c', 2n]]), 2n)).toEqual({ ratio: 0.5, usage: 1n });
  });

  const table: readonly [string, number, number, Record<string, number>, number][] = [
    // avg 15000 vs 10000 → 1.5; ceil(1.5 × 4) = 6
    ['scale up', 4, 10_000, { p0: 15_000, p1: 15_000, p2: 15_000, p3: 15_000 }, 6],
    // avg 2500 vs 10000 → 0.25; ceil(0.25 × 4) = 1
    ['scale down', 4, 10_000, { p0: 2500, p1: 2500, p2: 2500, p3: 2500 }, 1],
    // avg 10500 → 1.05 within
    ['within tolerance', 4, 10_000, { p0: 10_500, p1: 10_500, p2: 10_500, p3: 10_500 }, 4],
    // avg 11000 → 1.1, inclusive edge
    ['upper edge', 4, 10_000, { p0: 11_000, p1: 11_000, p2: 11_000, p3: 11_000 }, 4],
    // avg 9000 → 0.9, inclusive edge
    ['lower edge', 4, 10_000, { p0: 9000, p1: 9000, p2: 9000, p3: 9000 }, 4],
    // avg 8999 → 0.8999; ceil(3.5996) = 4 = current (outside tolerance, but the ceiling lands on current)
    ['just below the lower edge', 4, 10_000, { p0: 8999, p1: 8999, p2: 8999, p3: 8999 }, 4],
    // avg 11001 → 1.1001; ceil(4.4004) = 5
    ['just above the upper edge', 4, 10_000, { p0: 11_001, p1: 11_001, p2: 11_001, p3: 11_001 }, 5],
  ];
  it.each(table)('%s', (_name, current, target, values, expected) => {
    expect(calc(current, target, pods(current), values).replicas).toBe(expected);
  });
});

describe('reference §11 example', () => {
  it('queue_depth target 10, samples 4, 6, 5 and one missing pod → 3', () => {
    // usage 15/3 = 5, ratio 0.5; D at the target (10): 25/4 = 6.25 → 0.625; ceil(0.625 × 4) = 3
    const r = calc(4, 10_000, [pod('A'), pod('B'), pod('C'), pod('D')], { A: 4000, B: 6000, C: 5000 });
    expect(r.replicas).toBe(3);
    expect(r.usage).toBe(5000n); // the reported value is the first-pass average
  });
});

describe('plain: missing and unready pods', () => {
  it('scale-up fills missing pods with 0', () => {
    // avg 30000 vs 10000 → 3; two zeros → 60000/4 = 15000 → 1.5; ceil(1.5 × 4) = 6
    expect(calc(4, 10_000, pods(4), { p0: 30_000, p1: 30_000 }).replicas).toBe(6);
  });
  it('ratio exactly 1 with a missing pod: nothing is filled → current', () => {
    expect(calc(3, 10_000, pods(3), { p0: 10_000, p1: 10_000 }).replicas).toBe(3);
  });
  it('scale-down with missing pods that fill into tolerance → current', () => {
    // avg 8000 → 0.8; two at 10000 → 36000/4 = 9000 → 0.9 within → 4
    expect(calc(4, 10_000, pods(4), { p0: 8000, p1: 8000 }).replicas).toBe(4);
  });
  it('scale-up with unready pods fills them with 0', () => {
    // p0 Pending; avg of p1, p2 = 20000 → 2; p0 at 0 → 40000/3 = 13333 → 1.3333; ceil(4.0) = 4
    const list = [pod('p0', { phase: 'Pending' }), pod('p1'), pod('p2')];
    expect(calc(3, 10_000, list, { p0: 50_000, p1: 20_000, p2: 20_000 }).replicas).toBe(4);
  });
  it('readiness does not matter for Pods metrics (only Pending does)', () => {
    // p0 Running but Ready=False: counts. avg 20000 → 2; ceil(2 × 3) = 6
    const list = [pod('p0', { ready: 'False', readySince: -5 }), pod('p1'), pod('p2')];
    expect(calc(3, 10_000, list, { p0: 20_000, p1: 20_000, p2: 20_000 }).replicas).toBe(6);
  });
  it('Resource AverageValue on cpu applies the CPU readiness rules', () => {
    // p0 has no Ready condition → unready for cpu; avg of p1, p2 = 2000 vs 1000 → 2; p0 at 0 → 4000/3 = 1333 → 1.333; ceil(4.0) = 4
    const list = [pod('p0', { ready: 'none' }), pod('p1'), pod('p2')];
    expect(calc(3, 1000, list, { p0: 9000, p1: 2000, p2: 2000 }, 'cpu').replicas).toBe(4);
    // the same pods read as memory: p0 counts → avg 13000/3 = 4333 → 4.333; ceil(13.0) = 13
    expect(calc(3, 1000, list, { p0: 9000, p1: 2000, p2: 2000 }, 'memory').replicas).toBe(13);
  });
  it('stray samples count in the plain average and the sample total', () => {
    // pods a, b (b missing), stray s. avg (1000 + 1000) / 2 = 1000 vs 10000 → 0.1;
    // b at 10000 → 12000/3 = 4000 → 0.4; ceil(0.4 × 3) = 2 = current
    expect(calc(2, 10_000, [pod('a'), pod('b')], { a: 1000, s: 1000 }).replicas).toBe(2);
  });
  it('scale-down fill lands within tolerance → current (a fill at the target cannot overshoot it)', () => {
    // a = 1000 and a stray s = 9000: avg 5000 vs 6000 → 0.833; b, c at 6000 → 22000/4 = 5500 → 0.9167 within → 3
    expect(calc(3, 6000, [pod('a'), pod('b'), pod('c')], { a: 1000, s: 9000 }).replicas).toBe(3);
  });
  it('flip guard: scale-up turned scale-down by zero fill → current', () => {
    // avg 12000 vs 10000 → 1.2; two missing at 0 → 12000/3 = 4000 → 0.4 < 1 → current
    expect(calc(3, 10_000, pods(3), { p0: 12_000 }).replicas).toBe(3);
  });
});
