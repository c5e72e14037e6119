import type { Histogram } from '../../signals/window/histogram.ts';

/*
 * Minimal metric recorders with Prometheus client semantics: a histogram bucket counts observations
 * ≤ its bound, counters only go up, gauges are set. Plain mutable objects: a simulated engine owns
 * one set and nothing else touches them.
 */

export interface HistogramRecorder {
  /** Finite upper bounds, ascending (the +Inf bucket is implicit). */
  readonly bounds: readonly number[];
  /** Records `times` observations of `value` (default once). NaN is ignored. */
  observe(value: number, times?: number): void;
  /** Cumulative view, +Inf included. */
  snapshot(): Histogram;
}

export function createHistogramRecorder(bounds: readonly number[]): HistogramRecorder {
  const sorted = [...bounds].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new Error(`duplicate histogram bound ${String(sorted[i])}`);
  }
  if (sorted.some((b) => !Number.isFinite(b))) throw new Error('histogram bounds must be finite (+Inf is implicit)');
  const perBucket = new Array<number>(sorted.length + 1).fill(0);
  let sum = 0;
  let count = 0;
  return {
    bounds: sorted,
    observe(value: number, times = 1): void {
      if (Number.isNaN(value) || times <= 0) return;
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (value <= (sorted[mid] ?? Infinity)) hi = mid;
        else lo = mid + 1;
      }
      perBucket[lo] = (perBucket[lo] ?? 0) + times;
      sum += value * times;
      count += times;
    },
    snapshot(): Histogram {
      const counts: number[] = [];
      let running = 0;
      for (const c of perBucket) {
        running += c;
        counts.push(running);
      }
      return { bounds: [...sorted, Infinity], counts, sum, count };
    },
  };
}

export interface CounterRecorder {
  inc(by?: number): void;
  value(): number;
}

export function createCounterRecorder(): CounterRecorder {
  let total = 0;
  return {
    inc(by = 1): void {
      if (!(by >= 0)) throw new Error(`a counter cannot go down (inc by ${String(by)})`);
      total += by;
    },
    value: () => total,
  };
}

export interface GaugeRecorder {
  set(value: number): void;
  value(): number;
}

export function createGaugeRecorder(initial = 0): GaugeRecorder {
  let current = initial;
  return {
    set(value: number): void {
      current = value;
    },
    value: () => current,
  };
}
