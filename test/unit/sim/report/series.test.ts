import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { latencyWindows, offeredLoad } from '../../../../src/sim/report/series.ts';
import { summaryRowFromRecords } from '../../../../src/sim/report/summary.ts';
import { DEFAULT_SLO, windowAttainment } from '../../../../src/sim/score/slo.ts';
import type { RequestRecord } from '../../../../src/sim/score/records.ts';

describe('offeredLoad', () => {
  it('averages arrivals and prompt tokens per window, empty windows included', () => {
    const load = offeredLoad(
      [
        { arrival: 0.5, promptTokens: 100 },
        { arrival: 9.9, promptTokens: 50 },
        { arrival: 25, promptTokens: 10 },
        { arrival: 40, promptTokens: 999 }, // past the duration: left out
      ],
      10,
      30,
    );
    expect(load.requestsPerSecond).toEqual([
      { time: 0, value: 0.2 },
      { time: 10, value: 0 },
      { time: 20, value: 0.1 },
    ]);
    expect(load.promptTokensPerSecond.map((p) => p.value)).toEqual([15, 0, 1]);
  });

  it('conserves requests and tokens inside the duration', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ arrival: fc.double({ min: 0, max: 99.999, noNaN: true }), promptTokens: fc.integer({ min: 1, max: 5000 }) })), fc.integer({ min: 1, max: 30 }), (reqs, w) => {
        const load = offeredLoad(reqs, w, 100);
        const total = load.requestsPerSecond.reduce((s, p) => s + p.value * w, 0);
        const tokens = load.promptTokensPerSecond.reduce((s, p) => s + p.value * w, 0);
        expect(total).toBeCloseTo(reqs.length, 6);
        expect(tokens).toBeCloseTo(reqs.reduce((s, r) => s + r.promptTokens, 0), 3);
      }),
    );
  });
});

describe('latencyWindows', () => {
  const rec = (arrival: number, ttft: number | undefined, gaps: number[]): RequestRecord => ({
    arrival,
    firstToken: ttft === undefined ? undefined : arrival + ttft,
    finish: ttft === undefined ? undefined : arrival + ttft + gaps.reduce((a, b) => a + b, 0),
    outputTokens: gaps.length + 1,
    dropped: ttft === undefined,
    itls: gaps,
  });

  it('takes nearest-rank percentiles per arrival window and counts drops as infinite TTFT', () => {
    // Ten requests in the first minute with TTFT 0.1 … 1.0 s; one dropped request in the third.
    const records = Array.from({ length: 10 }, (_, i) => rec(i, (i + 1) / 10, [0.01 * (i + 1)]));
    records.push(rec(130, undefined, []));
    const windows = latencyWindows(records, 60);
    expect(windows.map((w) => [w.start, w.requests])).toEqual([
      [0, 10],
      [120, 1],
    ]);
    const first = windows[0];
    expect(first?.ttft.p50).toBeCloseTo(0.5, 12);
    expect(first?.ttft.p90).toBeCloseTo(0.9, 12);
    expect(first?.ttft.p99).toBeCloseTo(1.0, 12);
    expect(first?.itl.p90).toBeCloseTo(0.09, 12);
    expect(windows[1]?.ttft.p50).toBe(Infinity);
    expect(windows[1]?.itl.p50).toBeNaN();
  });

  it('agrees with the scorer on the p90 of every window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 300, noNaN: true }), fc.option(fc.double({ min: 0.001, max: 2, noNaN: true })), fc.array(fc.double({ min: 0.001, max: 0.2, noNaN: true }), { maxLength: 5 })), { minLength: 1 }),
        (rows) => {
          const records = rows.map(([a, t, g]) => rec(a, t ?? undefined, t === null ? [] : g));
          const ours = latencyWindows(records, 60);
          const scorer = windowAttainment(records, DEFAULT_SLO, 60).windows;
          expect(ours.map((w) => w.start)).toEqual(scorer.map((w) => w.start));
          ours.forEach((w, i) => {
            expect(w.ttft.p90).toBe(scorer[i]?.ttftQuantile);
            // The scorer reports 0 for a window without gaps; the chart leaves it out (NaN).
            const itl = scorer[i]?.itlQuantile;
            if (Number.isNaN(w.itl.p90)) expect(itl).toBe(0);
            else expect(w.itl.p90).toBe(itl);
          });
        },
      ),
    );
  });
});

describe('summaryRowFromRecords', () => {
  it('scores with the simulator scorer and passes cost and stability through', () => {
    const records: RequestRecord[] = [
      { arrival: 0, firstToken: 0.1, finish: 0.2, outputTokens: 3, dropped: false, itls: [0.05, 0.05] },
      { arrival: 1, firstToken: 2, finish: 2.1, outputTokens: 2, dropped: false, itls: [0.1] },
      { arrival: 70, outputTokens: 5, dropped: true },
    ];
    const row = summaryRowFromRecords({ policy: 'p', records, slo: DEFAULT_SLO, durationSeconds: 100, gpuHours: 2, scalingActions: 3, flaps: 1 });
    expect(row.requestAttainment).toBeCloseTo(1 / 3, 12);
    expect(row.windowAttainment).toBe(0);
    expect(row.goodput).toBeCloseTo(0.01, 12);
    expect(row).toMatchObject({ policy: 'p', gpuHours: 2, scalingActions: 3, flaps: 1, secondsOutsideRatioBand: undefined });
  });
});
