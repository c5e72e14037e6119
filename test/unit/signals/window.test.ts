import { describe, it, expect } from 'vitest';
import { commonBounds, counterIncrease, histogramIncrease, mergeHistograms, restrictBounds, type Histogram } from '../../../src/signals/window/histogram.ts';
import { evaluateWindow, pushReading, type TargetWindow } from '../../../src/signals/window/window.ts';
import type { TargetReading } from '../../../src/signals/dialects/extract.ts';

const h = (bounds: number[], counts: number[], sum = 0): Histogram => ({ bounds: [...bounds, Infinity], counts, sum, count: counts[counts.length - 1] ?? 0 });

describe('counterIncrease (PromQL increase without extrapolation)', () => {
  it('adds differences and treats a decrease as a reset that counts the new value', () => {
    expect(counterIncrease([1, 5, 2, 4])).toBe(8); // 4 + 2 (reset) + 2
    expect(counterIncrease([3, 3, 3])).toBe(0);
    expect(counterIncrease([7])).toBeUndefined();
  });
});

describe('histograms across time and across series', () => {
  it('restricts to a subset of bounds by keeping the cumulative count at each', () => {
    expect(restrictBounds(h([1, 2, 3], [1, 2, 5, 6]), [2, Infinity]).counts).toEqual([2, 6]);
  });

  it('merges bucket counts on the bounds every histogram has', () => {
    const a = h([1, 2], [1, 3, 4], 5);
    const b = h([2, 4], [2, 5, 6], 10);
    expect(commonBounds([a, b])).toEqual([2, Infinity]);
    expect(mergeHistograms([a, b])).toEqual({ bounds: [2, Infinity], counts: [5, 10], sum: 15, count: 10 });
    expect(mergeHistograms([])).toBeUndefined();
  });

  it('takes increases between consecutive snapshots and counts a reset in full', () => {
    const series = [h([1], [2, 3], 3), h([1], [5, 8], 10), h([1], [1, 1], 0.5), h([1], [2, 4], 4)];
    // 3,5 → then reset: +1,+1 → then +1,+3
    expect(histogramIncrease(series)).toEqual({ bounds: [1, Infinity], counts: [3 + 1 + 1, 5 + 1 + 3], sum: 7 + 0.5 + 3.5, count: 9 });
  });

  it('copes with a bound set that changes mid-window by using the shared bounds', () => {
    const series = [h([1, 2], [1, 2, 2]), h([2, 5], [4, 6, 7])];
    expect(histogramIncrease(series)?.counts).toEqual([2, 5]);
    expect(histogramIncrease(series)?.bounds).toEqual([2, Infinity]);
  });
});

function reading(counter: number, ttft: Histogram | undefined, waiting: number): TargetReading {
  return {
    dialects: ['vllm'],
    histograms: ttft === undefined ? {} : { ttft },
    gauges: { waiting },
    counters: { requests: counter },
  };
}

describe('target windows', () => {
  it('keeps readings within the window (closed range) and ignores readings that do not advance time', () => {
    let w: TargetWindow = [];
    for (const t of [0, 15, 30, 45, 60, 75]) w = pushReading(w, t, reading(t, undefined, 0), 60);
    expect(w.map((r) => r.at)).toEqual([15, 30, 45, 60, 75]);
    expect(pushReading(w, 75, reading(0, undefined, 0), 60)).toBe(w);
  });

  it('turns counters into per-second rates over the span of the readings', () => {
    let w: TargetWindow = [];
    for (const t of [0, 15, 30, 45, 60, 75]) w = pushReading(w, t, reading(t * 2, undefined, t), 60);
    const s = evaluateWindow(w, 75, 60);
    expect(s.rates.requests).toBe(2); // (150 − 30) / (75 − 15)
    expect(s.gauges.waiting).toBe(75); // newest value
    expect(s.readings).toBe(5);
    expect(s.spanSeconds).toBe(60);
  });

  it('gives no rate or latency from a single reading, and nothing from an empty window', () => {
    const w = pushReading([], 10, reading(5, h([1], [1, 1]), 0), 60);
    const s = evaluateWindow(w, 10, 60);
    expect(s.rates).toEqual({});
    expect(s.histograms).toEqual({});
    expect(s.gauges.waiting).toBe(0); // an empty queue is a real zero
    expect(evaluateWindow(w, 100, 60).readings).toBe(0);
  });

  it('reports the latency histogram increase; no traffic leaves it empty, not zero-valued', () => {
    let w: TargetWindow = [];
    w = pushReading(w, 0, reading(0, h([1], [4, 4], 2), 0), 60);
    w = pushReading(w, 15, reading(0, h([1], [4, 4], 2), 0), 60);
    const idle = evaluateWindow(w, 15, 60).histograms.ttft;
    expect(idle?.counts).toEqual([0, 0]);
    w = pushReading(w, 30, reading(0, h([1], [5, 7], 6), 0), 60);
    expect(evaluateWindow(w, 30, 60).histograms.ttft).toEqual({ bounds: [1, Infinity], counts: [1, 3], sum: 4, count: 3 });
  });
});
