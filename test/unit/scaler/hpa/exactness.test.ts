import { describe, it, expect } from 'vitest';
import { recordScaleEvent, type StoredEvents } from '../../../../src/scaler/behavior/events.ts';
import { scaleUpLimit } from '../../../../src/scaler/behavior/rate.ts';
import { resolveBehavior } from '../../../../src/scaler/behavior/rules.ts';
import { computeHpaDecision } from '../../../../src/scaler/hpa/reconcile.ts';
import { sumExternalPerPod } from '../../../../src/scaler/hpa/object-external.ts';
import { quantityApproximateFloat64, tolerancesFor } from '../../../../src/scaler/hpa/tolerance.ts';
import { DEFAULT_HPA_OPTIONS } from '../../../../src/scaler/hpa/snapshot.ts';
import { at, externalAverage, hpa, metricSample, podsAverage, pods, snapshot } from './fixtures.ts';

// Cases where an earlier version of this module differed from kube-controller-manager. Each table is named
// after the upstream function whose behaviour it pins.

describe('Quantity.AsApproximateFloat64 (tolerancesForHpa)', () => {
  // The controller reads the tolerance from the API server, so the quantity is in canonical form
  // (mantissa × 10^(3k)), and AsApproximateFloat64 returns float64(mantissa) × math.Pow10(exponent):
  // a product of two rounded doubles, not the correctly rounded decimal.
  const table: readonly [string, number][] = [
    // 118m → 118 × (1/1000) = 0.11800000000000001, not 0.118
    ['0.118', 118 * (1 / 1000)],
    ['118m', 118 * (1 / 1000)],
    // 9m → 9 × 0.001 = 0.009000000000000001
    ['0.009', 9 * (1 / 1000)],
    // 0.3 is stored as 300m: 300 × 0.001 rounds back to 0.3
    ['0.3', 0.3],
    ['0', 0],
    ['1', 1],
    // 1500m stays 1500m (not a whole number): 1500 × 0.001 = 1.5
    ['1.5', 1.5],
    // 5u: 5 × (1/1e6)
    ['0.000005', 5 * (1 / 1e6)],
    // 2k = 2 × 10³
    ['2000', 2000],
  ];
  it.each(table)('%s', (q, expected) => {
    expect(quantityApproximateFloat64(q)).toBe(expected);
  });
  it('0.118 differs from the correctly rounded decimal, which is what made the band edge differ', () => {
    expect(quantityApproximateFloat64('0.118')).not.toBe(0.118);
    expect(1 + quantityApproximateFloat64('0.118')).toBe(1.118);
    expect(1 + 0.118).not.toBe(1.118);
  });
  it('a ratio of exactly 1.118 is within a scale-up tolerance of 0.118, as in Kubernetes', () => {
    const h = hpa([podsAverage('qps', '1')], { behavior: { scaleUp: { tolerance: '0.118' } } });
    const t = tolerancesFor(h, DEFAULT_HPA_OPTIONS);
    // 10 pods averaging 1118m against 1: ratio 1118/1000 = 1.118 → within → keep 10 (was ceil(11.18) = 12)
    const d = computeHpaDecision(
      snapshot({
        hpa: h,
        currentReplicas: 10,
        pods: pods(10),
        podMetrics: pods(10).map((p) => metricSample(p.metadata.name, 'qps', 1118n)),
      }),
    );
    expect(t.scaleUp).toBe(quantityApproximateFloat64('118m'));
    expect(d.metrics[0]?.proposal).toBe(10);
    expect(d.desiredReplicas).toBe(10);
  });
});

describe('GetExternalPerPodMetricReplicas (sum with overflow guard)', () => {
  const MAX = 9_223_372_036_854_775_807n;
  const table: readonly [string, bigint[], bigint][] = [
    ['plain sum', [1000n, 2000n], 3000n],
    // Go stops at the first negative running sum and takes it for an int64 overflow
    ['a negative running sum reads as overflow', [-5000n, 9000n], MAX],
    ['a negative total reads as overflow', [1000n, -3000n], MAX],
    ['zero stays zero', [0n], 0n],
    ['overflow caps', [MAX, 1n], MAX],
  ];
  it.each(table)('%s', (_name, values, expected) => {
    expect(sumExternalPerPod(values)).toBe(expected);
  });
  it('an AverageValue target with a negative total proposes int32 max, capped by maxReplicas', () => {
    const d = computeHpaDecision(
      snapshot({
        hpa: hpa([externalAverage('queue_delta', '1')], { maxReplicas: 20 }),
        currentReplicas: 4,
        externalMetrics: [{ metric: 'queue_delta', values: [-2000n] }],
      }),
    );
    // usage = MaxInt64 → ceil(MaxInt64 / 1000) > MaxInt32 → 2147483647; reported average MaxInt64
    expect(d.metrics[0]?.proposal).toBe(2_147_483_647);
    expect(d.metrics[0]?.current).toEqual({ averageValue: '9223372036854775807m' });
    // the scale-up limit max(2×4, 4) = 8 then applies
    expect(d.desiredReplicas).toBe(8);
  });
});

describe('storeScaleEvent / markScaleEventsOutdated (outdated is sticky)', () => {
  const policies = (periodSeconds: number) => resolveBehavior({ scaleUp: { policies: [{ type: 'Pods', value: 100, periodSeconds }] } }, 300);
  it('an event marked outdated under a shorter period is reused after the period grows', () => {
    // Two scale-ups at t=0 and t=1, then one at t=20 with a 15 s period: both old events are marked
    // outdated and the later one (index 1) is overwritten.
    let h: StoredEvents = { scaleUpEvents: [], scaleDownEvents: [] };
    h = recordScaleEvent(h, policies(15), 1, 2, at(0));
    h = recordScaleEvent(h, policies(15), 2, 4, at(1));
    h = recordScaleEvent(h, policies(15), 4, 7, at(20));
    expect(h.scaleUpEvents.map((e) => [e.replicaChange, e.timestamp, e.outdated === true])).toEqual([
      [1, at(0), true],
      [3, at(20), false],
    ]);
    // The period grows to 60 s. At t=30 nothing is older than 60 s, but the first event stays outdated,
    // so Kubernetes overwrites it instead of appending.
    h = recordScaleEvent(h, policies(60), 7, 8, at(30));
    expect(h.scaleUpEvents.map((e) => [e.replicaChange, e.timestamp])).toEqual([
      [1, at(30)],
      [3, at(20)],
    ]);
    // Within the 60 s period 3 + 1 replicas were added since t=20: period start 8 − 4 = 4, limit 4 + 100.
    expect(scaleUpLimit(8, policies(60).scaleUp, { ...h, now: at(35) }).perPolicy[0]?.periodStart).toBe(4);
  });
});
