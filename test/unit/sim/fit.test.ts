import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveSplitwiseLlama70bH100, deriveVidurLlama7bH100, splitwiseObservations, vidurIterationSeconds } from '../../../src/sim/engine/derive.ts';
import { fitLatencyModel, fitLine, fitQuadratic } from '../../../src/sim/engine/fit.ts';
import { parseEngineProfile } from '../../../src/sim/engine/profile.ts';
import { BUILTIN_PROFILES, builtinProfile } from '../../../src/sim/engine/profiles.ts';

const data = (path: string): string => readFileSync(new URL(`../../../data/${path}`, import.meta.url), 'utf8');

describe('fitLatencyModel', () => {
  it('recovers the coefficients of noiseless observations', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.05, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e-4, noNaN: true }),
        fc.double({ min: 0.001, max: 0.05, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e-3, noNaN: true }),
        fc.double({ min: 0, max: 1e-6, noNaN: true }),
        (ap, bp, ad, bd, cd) => {
          const fit = fitLatencyModel({
            prefill: [128, 512, 2048, 8192].map((n) => ({ tokens: n, seconds: ap + bp * n })),
            decode: [1, 8, 32, 64].map((b) => ({ batch: b, kvTokens: b * 600, seconds: ad + bd * b + cd * b * 600 })),
            kvSweep: [700, 1500, 4000].map((k) => ({ batch: 1, kvTokens: k, seconds: ad + bd + cd * k })),
          });
          expect(fit.prefill.baseSeconds).toBeCloseTo(ap, 9);
          expect(fit.prefill.perTokenSeconds).toBeCloseTo(bp, 12);
          expect(fit.decode.baseSeconds).toBeCloseTo(ad, 9);
          expect(fit.decode.perSequenceSeconds).toBeCloseTo(bd, 11);
          expect(fit.decode.perKvTokenSeconds).toBeCloseTo(cd, 13);
          expect(fit.prefill.r2).toBeCloseTo(1, 9);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('keeps coefficients physical: no negative slope or intercept', () => {
    expect(fitLine([[1, 3], [2, 2], [3, 1]])).toMatchObject({ slope: 0, intercept: 2, clamped: 'negative slope' });
    const through0 = fitLine([[1, 0.5], [2, 2], [3, 3.5]]);
    expect(through0.intercept).toBe(0);
    expect(through0.slope).toBeCloseTo((0.5 + 4 + 10.5) / 14, 12);
  });

  it('fits a quadratic exactly when the data are one', () => {
    const q = fitQuadratic([128, 512, 1024, 4096, 8192].map((n) => [n, 0.02 + 5e-5 * n + 4e-9 * n * n] as const));
    expect(q.intercept).toBeCloseTo(0.02, 9);
    expect(q.slope).toBeCloseTo(5e-5, 12);
    expect(q.quadratic).toBeCloseTo(4e-9, 15);
  });

  it('refuses too few observations', () => {
    expect(() => fitLine([[1, 1]])).toThrow(RangeError);
    expect(() => fitLine([[1, 1], [1, 2]])).toThrow(RangeError);
  });
});

describe('shipped profiles', () => {
  it('validate, and 8b-h100 carries the documented default coefficients', () => {
    expect([...BUILTIN_PROFILES.keys()].sort()).toEqual(['8b-h100', 'llama2-70b-tp8-h100', 'llama2-7b-h100-vidur']);
    const p = builtinProfile();
    expect(p.name).toBe('8b-h100');
    expect(p.prefill).toEqual({ baseSeconds: 0.012, perTokenSeconds: 22e-6, quadraticSeconds: 0 });
    expect(p.decode).toEqual({ baseSeconds: 0.006, perSequenceSeconds: 0.05e-3, perKvTokenSeconds: 0.3e-6 });
    expect(p.maxNumSeqs).toBe(256);
    expect(p.kvCapacityTokens).toBe(450_000);
  });

  it('llama2-70b-tp8-h100 is what the Splitwise measurements fit to', () => {
    const derived = deriveSplitwiseLlama70bH100(data('profiles/splitwise/perf_model.csv'));
    expect(builtinProfile('llama2-70b-tp8-h100')).toEqual(derived);
    // The reference's hand numbers: decode ≈ 29.5 ms + ≈ 0.3 ms per sequence, prefill ≈ 0.1 ms per token at 8k.
    expect(derived.decode.baseSeconds).toBeCloseTo(0.0295, 3);
    expect(derived.decode.perSequenceSeconds + derived.decode.perKvTokenSeconds * 576).toBeCloseTo(0.00031, 4);
    const at8k = derived.prefill.baseSeconds + derived.prefill.perTokenSeconds * 8192 + derived.prefill.quadraticSeconds * 8192 ** 2;
    expect(at8k).toBeGreaterThan(0.8);
    expect(at8k).toBeLessThan(0.9);
  });

  it('llama2-7b-h100-vidur is what the Vidur MLP profile fits to', () => {
    const csv = data('profiles/vidur/h100_Llama-2-7b-hf_mlp.csv');
    expect(builtinProfile('llama2-7b-h100-vidur')).toEqual(deriveVidurLlama7bH100(csv));
    const curve = vidurIterationSeconds(csv, 32);
    // 32 layers × Σ per-layer medians: 5.60 ms at 1 token, 11.98 ms at 512 (the reference's numbers).
    expect(curve.find((c) => c.tokens === 1)?.seconds).toBeCloseTo(0.0056, 5);
    expect(curve.find((c) => c.tokens === 512)?.seconds).toBeCloseTo(0.01198, 5);
    const p = deriveVidurLlama7bH100(csv);
    expect(p.prefill.perTokenSeconds * 1e6).toBeGreaterThan(19);
    expect(p.prefill.perTokenSeconds * 1e6).toBeLessThan(21.5);
  });

  it('splitwise observations select the three sweeps of one configuration', () => {
    const obs = splitwiseObservations(data('profiles/splitwise/perf_model.csv'), { model: 'llama2-70b', hardware: 'h100-80gb', tensorParallel: 8 });
    expect(new Set(obs.prefill.map((o) => o.tokens))).toEqual(new Set([128, 256, 512, 1024, 2048, 4096, 8192]));
    expect(new Set(obs.decode.map((o) => o.batch))).toEqual(new Set([1, 2, 4, 8, 16, 32, 64]));
    expect(() => splitwiseObservations('model,hardware\n', { model: 'x', hardware: 'y', tensorParallel: 1 })).toThrow();
  });

  it('parseEngineProfile names the offending field', () => {
    expect(() => parseEngineProfile({ ...builtinProfile(), maxNumSeqs: 0 })).toThrow(/maxNumSeqs/);
    expect(() => parseEngineProfile({ ...builtinProfile(), maxNumSeqs: 9000 })).toThrow(/maxNumSeqs must not exceed maxNumBatchedTokens/);
    expect(() => parseEngineProfile({ ...builtinProfile(), decode: { baseSeconds: -1, perSequenceSeconds: 0, perKvTokenSeconds: 0 } })).toThrow(/decode\.baseSeconds/);
  });
});
