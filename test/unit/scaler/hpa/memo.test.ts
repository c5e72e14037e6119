import { describe, it, expect } from 'vitest';
import { milliValueBigInt, parseQuantity } from '../../../../src/api/quantity.ts';
import { computeHpaDecision } from '../../../../src/scaler/hpa/reconcile.ts';
import { hpa, metricSample, pods, podsAverage, snapshot } from './fixtures.ts';

// The texts that repeat from one HPA to the next (tolerance band, target, parsed quantities) are memoized;
// each decision must still read only its own inputs, whatever was decided just before.

const decideAt = (target: string, perPod: bigint, behavior?: Parameters<typeof hpa>[1]) =>
  computeHpaDecision(
    snapshot({
      hpa: hpa([podsAverage('queue', target)], behavior),
      currentReplicas: 4,
      pods: pods(4),
      podMetrics: pods(4).map((p) => metricSample(p.metadata.name, 'queue', perPod)),
    }),
  ).metrics[0]?.reason;

describe('memoized texts follow the inputs', () => {
  it('band and target texts change when alternating HPAs', () => {
    const a = 'average 10500m vs target 10 (4 ready, 0 missing, 0 unready, 0 ignored); ratio 1.05 is within tolerance [0.9, 1.1]: keep 4';
    const b =
      'average 20500m vs target 20 (4 ready, 0 missing, 0 unready, 0 ignored); ratio 1.025 is within tolerance [0.8, 1.05]: keep 4';
    const tolerant = { behavior: { scaleUp: { tolerance: '0.05' }, scaleDown: { tolerance: '0.2' } } };
    for (let i = 0; i < 3; i++) {
      expect(decideAt('10', 10_500n)).toBe(a);
      expect(decideAt('20', 20_500n, tolerant)).toBe(b);
    }
  });

  it('a parsed quantity is shared but cannot be changed, and survives the cache being emptied', () => {
    const q = parseQuantity('1.5Gi');
    expect(Object.isFrozen(q)).toBe(true);
    expect(() => {
      (q as { nanos: bigint }).nanos = 0n;
    }).toThrow(TypeError);
    for (let i = 0; i < 5000; i++) parseQuantity(`${i}m`);
    expect(parseQuantity('1.5Gi')).toEqual({ nanos: 1_610_612_736_000_000_000n, format: 'BinarySI', arbitraryPrecision: true });
    expect(milliValueBigInt('1.5Gi')).toBe(1_610_612_736_000n);
  });
});
