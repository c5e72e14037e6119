import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRatioBand, directionBox, inRatioBand, type RatioPool } from '../../../src/scaler/ratio.ts';

const pool = (current: number, proposed: number, min = 1, max = 20, gpus = 1): RatioPool => ({ current, proposed, min, max, gpus });

describe('ratio band step', () => {
  it('leaves an in-band proposal alone', () => {
    const r = applyRatioBand({ prefill: pool(2, 3), decode: pool(4, 4), band: { min: 0.5, max: 1 }, gpuRoom: Infinity });
    expect([r.prefill, r.decode, r.inBand, r.feasible]).toEqual([3, 4, true, true]);
    expect(r.explanation).toEqual([]);
  });

  it('raises the lagging pool rather than trimming the one the SLO asked for', () => {
    // Decode grows 4 → 8, prefill holds at 2: band 0.5–1 needs prefill ≥ 4.
    const r = applyRatioBand({ prefill: pool(2, 2), decode: pool(4, 8), band: { min: 0.5, max: 1 }, gpuRoom: Infinity });
    expect([r.prefill, r.decode]).toEqual([4, 8]);
  });

  it('trims a growing pool back toward its current size when the other is at its maximum', () => {
    // Prefill grows 2 → 6, decode is stuck at its max 4: prefill can go no higher than 4.
    const r = applyRatioBand({ prefill: pool(2, 6), decode: pool(4, 4, 1, 4), band: { min: 0.5, max: 1 }, gpuRoom: Infinity });
    expect([r.prefill, r.decode, r.feasible]).toEqual([4, 4, true]);
  });

  it('never turns a scale-down into a scale-up: a shrinking pool stays at or below its current size', () => {
    // Decode shrinks 8 → 2, prefill holds at 6: decode may only come back up to 8.
    const r = applyRatioBand({ prefill: pool(6, 6), decode: pool(8, 2), band: { min: 0.5, max: 1 }, gpuRoom: Infinity });
    expect(r.decode).toBeLessThanOrEqual(8);
    expect(r.decode).toBeGreaterThanOrEqual(6);
    expect(r.prefill).toBe(6);
    expect(inRatioBand(r.prefill, r.decode, { min: 0.5, max: 1 })).toBe(true);
  });

  it('reports an unreachable band and moves each pool as far as its direction allows', () => {
    // Prefill grows 6 → 8 (so it may not go below 6), decode is pinned at 2: P/D ≥ 3, band max 1.
    const r = applyRatioBand({ prefill: pool(6, 8), decode: pool(2, 2, 1, 2), band: { min: 0.5, max: 1 }, gpuRoom: Infinity });
    expect(r.feasible).toBe(false);
    expect(r.inBand).toBe(false);
    expect([r.prefill, r.decode]).toEqual([6, 2]);
    expect(r.explanation.join(' ')).toMatch(/without reversing/);
  });

  it('respects the GPU room while fixing the band', () => {
    // Decode 4 → 8 needs prefill ≥ 4 but only 10 GPUs are free: 2 × 1 + 8 × 1 = 10 leaves no room for more prefill,
    // so decode gives back growth: best in-band point under 10 GPUs.
    const r = applyRatioBand({ prefill: pool(2, 2), decode: pool(4, 8), band: { min: 0.5, max: 1 }, gpuRoom: 10 });
    expect(r.prefill + r.decode).toBeLessThanOrEqual(10);
    expect(inRatioBand(r.prefill, r.decode, { min: 0.5, max: 1 })).toBe(true);
    expect(r.decode).toBeGreaterThanOrEqual(4);
  });

  const arbPool = fc
    .record({ min: fc.integer({ min: 0, max: 6 }), span: fc.integer({ min: 0, max: 14 }), c: fc.nat(), p: fc.nat(), gpus: fc.integer({ min: 0, max: 4 }) })
    .map(({ min, span, c, p, gpus }) => {
      const max = min + span;
      return pool(min + (c % (span + 1)), min + (p % (span + 1)), min, max, gpus);
    });
  const arbBand = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 12 })).map(([a, w]) => ({ min: a / 4, max: (a + w) / 4 }));

  it('properties: no reversal, within bounds, band held whenever a point in the boxes allows it, deterministic', () => {
    fc.assert(
      fc.property(arbPool, arbPool, arbBand, fc.option(fc.integer({ min: 0, max: 80 }), { nil: undefined }), (p, d, band, roomOpt) => {
        const used = p.proposed * p.gpus + d.proposed * d.gpus;
        const room = roomOpt === undefined || roomOpt < used ? Infinity : roomOpt;
        const r = applyRatioBand({ prefill: p, decode: d, band, gpuRoom: room });
        for (const [x, q] of [[r.prefill, p], [r.decode, d]] as const) {
          expect(x).toBeGreaterThanOrEqual(q.min);
          expect(x).toBeLessThanOrEqual(q.max);
          if (q.proposed > q.current) expect(x).toBeGreaterThanOrEqual(q.current);
          if (q.proposed < q.current) expect(x).toBeLessThanOrEqual(q.current);
          if (q.proposed === q.current) expect(x).toBeGreaterThanOrEqual(q.current);
        }
        // Brute force: does any point in the two direction boxes fit the band (and the room)?
        const bp = directionBox(p);
        const bd = directionBox(d);
        let exists = false;
        for (let x = bp.lo; x <= bp.hi && !exists; x++)
          for (let y = bd.lo; y <= bd.hi && !exists; y++) exists = inRatioBand(x, y, band) && x * p.gpus + y * d.gpus <= room;
        expect(r.feasible).toBe(exists);
        if (exists) {
          expect(inRatioBand(r.prefill, r.decode, band)).toBe(true);
          expect(r.prefill * p.gpus + r.decode * d.gpus).toBeLessThanOrEqual(room);
        }
        // Never further from the band than the proposals were (they are in the boxes themselves).
        const dist = (x: number, y: number) => (inRatioBand(x, y, band) ? 0 : y === 0 ? Infinity : x / y < band.min ? band.min - x / y : x / y - band.max);
        expect(dist(r.prefill, r.decode)).toBeLessThanOrEqual(dist(p.proposed, d.proposed) + 1e-9);
        expect(applyRatioBand({ prefill: p, decode: d, band, gpuRoom: room })).toEqual(r);
      }),
      { numRuns: 5000 },
    );
  });
});
