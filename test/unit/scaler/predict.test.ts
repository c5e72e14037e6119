import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_SERIES, seriesOf } from '../../../src/scaler/series.ts';
import { forecast } from '../../../src/scaler/slo/predict.ts';

const series = (values: number[], step = 15_000) => seriesOf(values.map((value, i) => ({ time: i * step, value })));
const opts = (predictor: 'constant' | 'linear' | 'holt') => ({ predictor, alpha: 0.5, beta: 0.3 });

describe('demand predictors', () => {
  it('return undefined without data and the last value with one point', () => {
    for (const p of ['constant', 'linear', 'holt'] as const) {
      expect(forecast(EMPTY_SERIES, 100, opts(p))).toBeUndefined();
      expect(forecast(series([7]), 60_000, opts(p))).toBe(7);
    }
  });

  it('constant repeats the last observation', () => {
    expect(forecast(series([1, 5, 3]), 1e6, opts('constant'))).toBe(3);
  });

  it('linear extends the least-squares line', () => {
    // 10, 20, 30 at 0 s, 15 s, 30 s: slope 10 per 15 s; 60 s → 50.
    expect(forecast(series([10, 20, 30]), 60_000, opts('linear'))).toBeCloseTo(50, 9);
    // Noisy: points 0,2,1,3 → least squares slope 0.8, intercept 0.3 (per step); 5 steps → 4.3.
    expect(forecast(series([0, 2, 1, 3]), 5 * 15_000, opts('linear'))).toBeCloseTo(4.3, 9);
  });

  it('Holt follows an exact trend: level + trend × steps ahead', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (start, slope, n, ahead, alpha, beta) => {
          const s = series(Array.from({ length: n }, (_, i) => start + slope * i));
          const last = start + slope * (n - 1);
          const f = forecast(s, (n - 1 + ahead) * 15_000, { predictor: 'holt', alpha, beta });
          expect(f).toBeCloseTo(last + slope * ahead, 6);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('Holt smooths a step: the forecast lies between the old and the new level', () => {
    const f = forecast(series([10, 10, 10, 10, 20]), 4 * 15_000, opts('holt'));
    expect(f).toBeGreaterThan(10);
    expect(f).toBeLessThan(20);
  });

  it('never forecasts negative demand', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 100 }), (values, ahead) => {
        for (const p of ['constant', 'linear', 'holt'] as const) {
          const f = forecast(series(values), (values.length - 1 + ahead) * 15_000, opts(p));
          expect(f).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
