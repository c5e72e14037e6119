import { describe, expect, it } from 'vitest';
import { fitLatency, fittedCapacity, fittedLatency } from '../../../src/scaler/slo/fit.ts';

describe('online latency fit', () => {
  it('recovers latency = a + b·load and reads the capacity at the target', () => {
    const points = [100, 200, 300, 400, 500].map((load) => ({ load, latency: 0.02 + 0.0001 * load }));
    const fit = fitLatency(points, 5);
    expect(fit).toBeDefined();
    if (fit === undefined) return;
    expect(fit.intercept).toBeCloseTo(0.02, 9);
    expect(fit.slope).toBeCloseTo(0.0001, 12);
    expect(fittedLatency(fit, 1000)).toBeCloseTo(0.12, 9);
    // (0.05 − 0.02) / 0.0001 = 300
    expect(fittedCapacity(fit, 0.05)).toBeCloseTo(300, 6);
  });

  it('is not trusted with too few points, flat loads, or latency falling with load', () => {
    expect(fitLatency([{ load: 1, latency: 1 }, { load: 2, latency: 2 }], 5)).toBeUndefined();
    expect(fitLatency([1, 2, 3, 4, 5].map((i) => ({ load: 10, latency: i })), 5)).toBeUndefined();
    expect(fitLatency([1, 2, 3, 4, 5].map((i) => ({ load: i, latency: 1 / i })), 5)).toBeUndefined();
  });

  it('ignores non-finite points', () => {
    const points = [...[1, 2, 3, 4, 5].map((load) => ({ load, latency: load })), { load: Number.NaN, latency: 1 }, { load: 1, latency: Infinity }];
    expect(fitLatency(points, 5)?.points).toBe(5);
  });

  it('says there is no capacity when even zero load misses the target', () => {
    const fit = fitLatency([1, 2, 3, 4, 5].map((load) => ({ load, latency: 1 + load })), 5);
    expect(fit && fittedCapacity(fit, 0.5)).toBeUndefined();
  });
});
