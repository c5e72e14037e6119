import { describe, expect, it } from 'vitest';
import { packItlRuns } from '../../../src/sim/engine/events.ts';
import { gpuHours, integrateSteps, scalingStability, timeOutsideRatioBand } from '../../../src/sim/score/fleet.ts';
import { nearestRank, quantile } from '../../../src/sim/score/percentile.ts';
import { goodput, requestAttainment, scoreRequest, windowAttainment, type Slo } from '../../../src/sim/score/slo.ts';

const slo: Slo = { ttftSeconds: 0.5, itlSeconds: 0.05, quantile: 0.9 };

describe('nearest-rank percentiles', () => {
  it('returns the ⌈q·n⌉-th smallest value', () => {
    const xs = Array.from({ length: 30 }, (_, i) => i + 1);
    expect(quantile(xs, 0.9)).toBe(27);
    expect(quantile(xs, 0.5)).toBe(15);
    expect(quantile(xs, 1)).toBe(30);
    expect(quantile([5], 0.01)).toBe(5);
    expect(quantile([3, 1, 2], 0.9)).toBe(3);
    expect(Number.isNaN(nearestRank([], 0.9))).toBe(true);
    expect(() => quantile([1], 0)).toThrow(RangeError);
  });

  it('makes "p90 ≤ X" mean "at least 90 % are ≤ X"', () => {
    // 10 values, 9 fast and 1 slow: p90 is the 9th, fast; with 2 slow it is slow.
    expect(quantile([...Array<number>(9).fill(0.01), 1], 0.9)).toBe(0.01);
    expect(quantile([...Array<number>(8).fill(0.01), 1, 1], 0.9)).toBe(1);
  });
});

describe('per-request scores', () => {
  it('computes TTFT, per-request ITL p90 and TPOT from token times', () => {
    // First token at 0.3, then gaps 0.02 × 9 and one of 0.2.
    const times = [0.3];
    for (let i = 0; i < 9; i++) times.push((times.at(-1) ?? 0) + 0.02);
    times.push((times.at(-1) ?? 0) + 0.2);
    const s = scoreRequest({ arrival: 0.1, firstToken: 0.3, finish: times.at(-1), outputTokens: 11, dropped: false, tokenTimes: times }, slo);
    expect(s.ttft).toBeCloseTo(0.2, 12);
    expect(s.itlQuantile).toBeCloseTo(0.02, 12);
    expect(s.tpot).toBeCloseTo((0.18 + 0.2) / 10, 12);
    expect(s.met).toBe(true);
  });

  it('reads gaps given as lists or as packed runs, and agrees', () => {
    const runs = packItlRuns([
      { count: 5, first: 0.01, step: 0.001 },
      { count: 5, first: 0.07, step: 0 },
    ]);
    const gaps = [0.01, 0.011, 0.012, 0.013, 0.014, 0.07, 0.07, 0.07, 0.07, 0.07];
    const a = scoreRequest({ arrival: 0, firstToken: 0.1, finish: 1, outputTokens: 11, dropped: false, itlRuns: runs }, slo);
    const b = scoreRequest({ arrival: 0, firstToken: 0.1, finish: 1, outputTokens: 11, dropped: false, itls: gaps }, slo);
    expect(a.itlQuantile).toBeCloseTo(0.07, 12);
    expect(b.itlQuantile).toBeCloseTo(0.07, 12);
    expect(a.met).toBe(false);
  });

  it('counts dropped requests and slow first tokens as misses', () => {
    expect(scoreRequest({ arrival: 0, outputTokens: 5, dropped: true }, slo).met).toBe(false);
    expect(scoreRequest({ arrival: 0, firstToken: 0.6, finish: 0.6, outputTokens: 1, dropped: false }, slo).met).toBe(false);
    expect(scoreRequest({ arrival: 0, firstToken: 0.4, finish: 0.4, outputTokens: 1, dropped: false }, slo)).toMatchObject({ met: true, tpot: 0, itlQuantile: 0 });
  });
});

describe('attainment, windows and goodput', () => {
  const ok = (arrival: number): { arrival: number; firstToken: number; finish: number; outputTokens: number; dropped: boolean; itls: number[] } => ({
    arrival,
    firstToken: arrival + 0.1,
    finish: arrival + 0.14,
    outputTokens: 3,
    dropped: false,
    itls: [0.02, 0.02],
  });

  it('scores requests and 1-minute windows, leaving out empty windows', () => {
    const records = [
      ...Array.from({ length: 10 }, (_, i) => ok(i)), // window 0: all good
      ...Array.from({ length: 8 }, (_, i) => ok(60 + i)), // window 1: 8 good, 2 dropped → p90 TTFT = ∞
      { arrival: 70, outputTokens: 3, dropped: true },
      { arrival: 71, outputTokens: 3, dropped: true },
      ok(185), // window 3 (window 2 is empty)
    ];
    const perRequest = requestAttainment(records, slo);
    expect(perRequest).toEqual({ requests: 21, met: 19, attainment: 19 / 21 });
    const w = windowAttainment(records, slo, 60);
    expect(w.windows.map((x) => x.start)).toEqual([0, 60, 180]);
    expect(w.windows.map((x) => x.met)).toEqual([true, false, true]);
    expect(w.attainment).toBeCloseTo(2 / 3, 12);
    expect(w.windows[1]?.ttftQuantile).toBe(Infinity);
    expect(goodput(records, 200, slo)).toBeCloseTo(19 / 200, 12);
  });

  it('pools the tokens of a window for its ITL quantile', () => {
    // One request with 20 fast gaps and one with 3 slow ones: pooled p90 is slow (3/23 > 10 %).
    const a = { arrival: 1, firstToken: 1.1, finish: 2, outputTokens: 21, dropped: false, itls: Array<number>(20).fill(0.01) };
    const b = { arrival: 2, firstToken: 2.1, finish: 3, outputTokens: 4, dropped: false, itls: [0.2, 0.2, 0.2] };
    const w = windowAttainment([a, b], slo);
    expect(w.windows[0]?.itlQuantile).toBe(0.2);
    expect(w.windows[0]?.met).toBe(false);
  });
});

describe('fleet cost and stability', () => {
  it('integrates replicas × GPUs over time, counting replicas from start-up', () => {
    const decode = [
      { time: 0, value: 2 },
      { time: 1800, value: 4 }, // two more pods start at 30 min and count from then
      { time: 3600, value: 1 },
    ];
    expect(integrateSteps(decode, 0, 7200)).toBe(2 * 1800 + 4 * 1800 + 1 * 3600);
    expect(gpuHours([{ replicas: decode, gpusPerReplica: 8 }], 0, 7200)).toBeCloseTo(((2 + 4) * 0.5 + 1) * 8, 12);
    expect(gpuHours([{ replicas: decode, gpusPerReplica: 1 }, { replicas: [{ time: 600, value: 1 }], gpusPerReplica: 2 }], 0, 3600)).toBeCloseTo(3 + (2 * 3000) / 3600, 12);
    expect(() => integrateSteps([{ time: 5, value: 1 }, { time: 1, value: 2 }], 0, 10)).toThrow(RangeError);
  });

  it('counts actions and reversals within 10 minutes per target', () => {
    const s = scalingStability(
      [
        { time: 0, target: 'decode', from: 2, to: 3 },
        { time: 300, target: 'decode', from: 3, to: 2 }, // reversal after 5 min: flap
        { time: 1000, target: 'decode', from: 2, to: 1 }, // same direction: not a flap
        { time: 1700, target: 'decode', from: 1, to: 2 }, // reversal after 700 s > 600: not a flap
        { time: 1750, target: 'prefill', from: 1, to: 2 }, // other target
        { time: 1800, target: 'prefill', from: 2, to: 2 }, // no change: not an action
      ],
      3600,
    );
    expect(s).toEqual({ actions: 5, actionsPerHour: 5, flaps: 1 });
  });

  it('measures time outside the P:D ratio band', () => {
    const prefill = [
      { time: 0, value: 1 },
      { time: 100, value: 3 },
    ];
    const decode = [
      { time: 0, value: 2 },
      { time: 200, value: 0 },
    ];
    // Band 0.25–1: in band on [0,100) (0.5), out on [100,200) (1.5), out on [200,300) (no decode).
    expect(timeOutsideRatioBand(prefill, decode, { minRatio: 0.25, maxRatio: 1 }, 0, 300)).toBe(200);
  });
});
