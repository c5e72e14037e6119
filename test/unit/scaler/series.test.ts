import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendToObservations, appendToSeries, EMPTY_OBSERVATIONS, EMPTY_SERIES, lastValue, seriesOf, type Series } from '../../../src/scaler/series.ts';
import { loadSeries } from '../../../src/scaler/slo/demand.ts';

const points = (s: Series) => {
  const out: { time: number; value: number }[] = [];
  for (let i = s.start; i < s.end; i++) out.push({ time: s.times[i] ?? NaN, value: s.values[i] ?? NaN });
  return out;
};

// The plain model the shared-column series must match: copy the window, then append.
function model(kept: readonly { time: number; value: number }[], value: number | undefined, now: number, cutoff: number, max: number) {
  const window = kept.filter((p) => p.time >= cutoff && p.time < now);
  const out = window.slice(Math.max(0, window.length - (max - 1)));
  return value === undefined ? out : [...out, { time: now, value }];
}

describe('series', () => {
  it('appends in time order, drops the head past the cutoff and replaces a repeated instant', () => {
    let s = EMPTY_SERIES;
    for (let t = 0; t < 5; t++) s = appendToSeries(s, t * 10, t * 1000, -Infinity, 100);
    expect(points(s).map((p) => p.value)).toEqual([0, 10, 20, 30, 40]);
    s = appendToSeries(s, 99, 4000, 2000, 100);
    expect(points(s)).toEqual([{ time: 2000, value: 20 }, { time: 3000, value: 30 }, { time: 4000, value: 99 }]);
    expect(lastValue(s)).toBe(99);
    expect(lastValue(EMPTY_SERIES)).toBeUndefined();
  });

  it('never changes what an older series reads, whoever appends after it, and never grows the shared empty series', () => {
    const base = seriesOf([{ time: 0, value: 1 }, { time: 1000, value: 2 }]);
    const a = appendToSeries(base, 3, 2000, -Infinity, 100);
    const b = appendToSeries(base, 30, 2000, -Infinity, 100);
    const c = appendToSeries(a, 4, 3000, -Infinity, 100);
    const d = appendToSeries(a, 40, 3000, -Infinity, 100);
    expect(points(base).map((p) => p.value)).toEqual([1, 2]);
    expect(points(a).map((p) => p.value)).toEqual([1, 2, 3]);
    expect(points(b).map((p) => p.value)).toEqual([1, 2, 30]);
    expect(points(c).map((p) => p.value)).toEqual([1, 2, 3, 4]);
    expect(points(d).map((p) => p.value)).toEqual([1, 2, 3, 40]);
    appendToSeries(EMPTY_SERIES, 1, 0, -Infinity, 10);
    appendToObservations(EMPTY_OBSERVATIONS, { time: 0, promptLoad: 1, ttft: 1, outputLoad: NaN, itl: NaN }, -Infinity, 0, 10);
    expect(EMPTY_SERIES.times).toEqual([]);
    expect(EMPTY_OBSERVATIONS.times).toEqual([]);
  });

  it('matches a copy-then-append model over random decision sequences, branches included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ from: fc.nat(), value: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }), step: fc.integer({ min: 0, max: 3 }) }), { maxLength: 120 }),
        fc.integer({ min: 2, max: 50 }),
        fc.integer({ min: 1, max: 60 }),
        (steps, max, windowSteps) => {
          // Keep every version; each step appends to a random earlier version (mostly the newest).
          const versions: { s: Series; kept: { time: number; value: number }[]; now: number }[] = [{ s: EMPTY_SERIES, kept: [], now: 0 }];
          for (const step of steps) {
            const pick = step.from % 4 === 0 ? step.from % versions.length : versions.length - 1;
            const v = versions[pick];
            if (v === undefined) continue;
            const now = v.now + step.step * 1000;
            const cutoff = now - windowSteps * 1000;
            const s = appendToSeries(v.s, step.value, now, cutoff, max);
            const kept = model(v.kept, step.value, now, cutoff, max);
            versions.push({ s, kept, now });
          }
          for (const v of versions) expect(points(v.s)).toEqual(v.kept);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps memory bounded: the shared columns are compacted once the dropped head outweighs the window', () => {
    let s = EMPTY_SERIES;
    for (let t = 0; t < 10_000; t++) s = appendToSeries(s, t, t * 1000, (t - 40) * 1000, 240);
    expect(s.end - s.start).toBe(41);
    expect(s.times.length).toBeLessThanOrEqual(2 * 41 + 16);
  });

  it('pairs rows of two windows taken at the same instants, whatever their starts', () => {
    const a = seriesOf([0, 1, 2, 3, 4].map((t) => ({ time: t * 1000, value: t })));
    // A window that starts past its columns' head: rows at 1, 3, 4 and 5 s after the 0 s row aged out.
    const b = appendToSeries(seriesOf([0, 1, 3, 4].map((t) => ({ time: t * 1000, value: 10 * t }))), 50, 5000, 1000, 10);
    expect(b.start).toBe(1);
    expect(points(loadSeries(a, b))).toEqual([
      { time: 1000, value: 10 },
      { time: 3000, value: 90 },
      { time: 4000, value: 160 },
    ]);
  });
});
