import { describe, it, expect } from 'vitest';
import { computeHpaDecision } from '../../../../src/scaler/hpa/reconcile.ts';
import type { HpaSnapshot } from '../../../../src/scaler/hpa/snapshot.ts';
import type { MetricSpec } from '../../../../src/scaler/hpa/types.ts';
import {
  at,
  externalAverage,
  externalValue,
  hpa,
  metricSample,
  objectAverage,
  objectValue,
  pod,
  pods,
  podsAverage,
  snapshot,
} from './fixtures.ts';

const queue = (values: number[]) => values.map((v, i) => metricSample(`p${i}`, 'queue', BigInt(v)));
const cond = (d: ReturnType<typeof computeHpaDecision>, type: string) => d.conditions.find((c) => c.type === type);

describe('bounds come first', () => {
  it('current 0 with minReplicas ≠ 0: scaling disabled', () => {
    const d = computeHpaDecision(snapshot({ hpa: hpa([podsAverage('queue', '10')]), currentReplicas: 0 }));
    expect(d.desiredReplicas).toBe(0);
    expect(d.rescale).toBe(false);
    expect(d.metrics).toEqual([]);
    expect(cond(d, 'ScalingActive')).toMatchObject({ status: 'False', reason: 'ScalingDisabled' });
  });
  it('current above max: set to max without metrics', () => {
    const d = computeHpaDecision(snapshot({ hpa: hpa([podsAverage('queue', '10')], { maxReplicas: 5 }), currentReplicas: 9 }));
    expect(d.desiredReplicas).toBe(5);
    expect(d.rescaleReason).toBe('Current number of replicas above Spec.MaxReplicas');
    expect(d.metrics).toEqual([]);
    expect(cond(d, 'AbleToScale')?.reason).toBe('SucceededRescale');
  });
  it('current below min: set to min without metrics', () => {
    const d = computeHpaDecision(snapshot({ hpa: hpa([podsAverage('queue', '10')], { minReplicas: 3 }), currentReplicas: 1 }));
    expect(d.desiredReplicas).toBe(3);
    expect(d.rescaleReason).toBe('Current number of replicas below Spec.MinReplicas');
  });
  it('minReplicas 0 and current 0: External Value metrics still scale from zero with ceil(ratio)', () => {
    const s = snapshot({
      hpa: hpa([externalValue('backlog', '10')], { minReplicas: 0 }),
      currentReplicas: 0,
      externalMetrics: [{ metric: 'backlog', values: [15_000n, 10_000n] }],
    });
    // Σ 25 / 10 = 2.5 → ceil = 3; cap max(2 × 0, 4) = 4 → 3
    const d = computeHpaDecision(s);
    expect(d.desiredReplicas).toBe(3);
    expect(d.metrics[0]?.current).toEqual({ value: '25' });
  });
});

describe('one metric through normalization (no behavior)', () => {
  it('scales up to the proposal and records it', () => {
    // avg 20 vs 10 → 2; ceil(2 × 4) = 8; cap 8
    const d = computeHpaDecision(snapshot({ hpa: hpa([podsAverage('queue', '10')]), currentReplicas: 4, pods: pods(4), podMetrics: queue([20_000, 20_000, 20_000, 20_000]) }));
    expect(d.desiredReplicas).toBe(8);
    expect(d.rescaleReason).toBe('pods metric queue above target');
    expect(d.recommendations.at(-1)).toEqual({ replicas: 8, timestamp: at(0) });
    expect(d.scaleUpEvents).toEqual([]); // no behavior: no scale events kept
    expect(d.conditions.map((c) => `${c.type}:${c.reason}`)).toEqual(['AbleToScale:SucceededRescale', 'ScalingActive:ValidMetricFound', 'ScalingLimited:DesiredWithinRange']);
  });
  it('the scale-up cap limits a big jump', () => {
    // avg 100 vs 10 → 10; ceil(10 × 2) = 20; cap max(2 × 2, 4) = 4
    const d = computeHpaDecision(snapshot({ hpa: hpa([podsAverage('queue', '10')]), currentReplicas: 2, pods: pods(2), podMetrics: queue([100_000, 100_000]) }));
    expect(d.desiredReplicas).toBe(4);
    expect(cond(d, 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
  });
  it('the first sync seeds the history with current, which holds a scale-down', () => {
    // avg 2 vs 10 → 0.2; ceil(0.2 × 4) = 1; the seeded record (4, now) is inside the window → 4
    const d = computeHpaDecision(snapshot({ hpa: hpa([podsAverage('queue', '10')]), currentReplicas: 4, pods: pods(4), podMetrics: queue([2000, 2000, 2000, 2000]), recommendations: [] }));
    expect(d.desiredReplicas).toBe(4);
    expect(d.rescale).toBe(false);
    expect(d.recommendations).toEqual([{ replicas: 4, timestamp: at(0) }, { replicas: 1, timestamp: at(0) }]);
    expect(cond(d, 'AbleToScale')?.reason).toBe('ScaleDownStabilized');
  });
  it('scale-down goes through once the higher recommendations age out', () => {
    const d = computeHpaDecision(snapshot({
      hpa: hpa([podsAverage('queue', '10')]),
      currentReplicas: 4,
      pods: pods(4),
      podMetrics: queue([2000, 2000, 2000, 2000]),
      recommendations: [{ replicas: 4, timestamp: at(-301) }],
    }));
    expect(d.desiredReplicas).toBe(1);
    expect(d.rescaleReason).toBe('All metrics below target');
    expect(d.recommendations).toEqual([{ replicas: 1, timestamp: at(0) }]); // the old record was reused
  });
  it('a larger downscale-stabilization flag keeps a 301 s old recommendation', () => {
    const d = computeHpaDecision(
      snapshot({ hpa: hpa([podsAverage('queue', '10')]), currentReplicas: 4, pods: pods(4), podMetrics: queue([2000, 2000, 2000, 2000]), recommendations: [{ replicas: 4, timestamp: at(-301) }] }),
      { downscaleStabilizationWindowSeconds: 600 },
    );
    expect(d.desiredReplicas).toBe(4);
  });
  it('the reference §11 example stays at 4 while a recommendation of 4 is in the window', () => {
    const s = snapshot({
      hpa: hpa([podsAverage('queue_depth', '10')], { maxReplicas: 10 }),
      currentReplicas: 4,
      pods: [pod('A'), pod('B'), pod('C'), pod('D')],
      podMetrics: [metricSample('A', 'queue_depth', 4000n), metricSample('B', 'queue_depth', 6000n), metricSample('C', 'queue_depth', 5000n)],
      recommendations: [{ replicas: 4, timestamp: at(-120) }],
    });
    const d = computeHpaDecision(s);
    expect(d.metrics[0]?.proposal).toBe(3);
    expect(d.metricsProposal).toBe(3);
    expect(d.desiredReplicas).toBe(4);
    // once that record is older than 300 s the proposal of 3 goes through
    expect(computeHpaDecision({ ...s, recommendations: [{ replicas: 4, timestamp: at(-301) }] }).desiredReplicas).toBe(3);
  });
  it('no metrics in the spec defaults to CPU at 80 %', () => {
    // 1600/1000 per pod = 160 % vs 80 → 2; ceil(2 × 2) = 4
    const d = computeHpaDecision(snapshot({ hpa: hpa([]), currentReplicas: 2, pods: pods(2), podMetrics: [metricSample('p0', 'cpu', 1600n), metricSample('p1', 'cpu', 1600n)] }));
    expect(d.metrics[0]?.description).toBe('cpu resource utilization (percentage of request)');
    expect(d.metrics[0]?.current).toEqual({ averageUtilization: 160, averageValue: '1600m' });
    expect(d.desiredReplicas).toBe(4);
  });
});

describe('each target type through computeHpaDecision', () => {
  const podsWith = (n: number) => pods(n, { cpu: ['500m', '1500m'] });
  const table: readonly [string, MetricSpec, Partial<HpaSnapshot>, number, number][] = [
    // [name, metric, snapshot extras, current, expected proposal]
    // usage 1000m per pod vs 500m → 2; ceil(2 × 3) = 6
    ['Resource AverageValue', { type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '500m' } } },
      { pods: pods(3), podMetrics: [0, 1, 2].map((i) => metricSample(`p${i}`, 'cpu', 1000n)) }, 3, 6],
    // container c1 requests 1500m, uses 750m → 50 % vs 25 → 2; ceil(2 × 2) = 4
    ['ContainerResource Utilization', { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'c1', target: { type: 'Utilization', averageUtilization: 25 } } },
      { pods: podsWith(2), podMetrics: [0, 1].flatMap((i) => [metricSample(`p${i}`, 'cpu', 10n, { container: 'c0' }), metricSample(`p${i}`, 'cpu', 750n, { container: 'c1' })]) }, 2, 4],
    // 30 / 10 = 3; ceil(3 × 3 ready) = 9
    ['Object Value', objectValue('rps', '10'), { pods: pods(3), objectMetrics: [{ metric: 'rps', value: 30_000n }] }, 3, 9],
    // status replicas 3: ratio 30 / (2 × 3) = 5 → ceil(30 / 2) = 15
    ['Object AverageValue', objectAverage('rps', '2'), { pods: pods(3), objectMetrics: [{ metric: 'rps', value: 30_000n }] }, 3, 15],
    // Σ 12 + 6 = 18 vs 6 → 3; ceil(3 × 2 ready) = 6
    ['External Value', externalValue('backlog', '6'), { pods: pods(2), externalMetrics: [{ metric: 'backlog', values: [12_000n, 6000n] }] }, 2, 6],
    // Σ 18 vs 4 per pod × 2 → 2.25 → ceil(18 / 4) = 5
    ['External AverageValue', externalAverage('backlog', '4'), { pods: pods(2), externalMetrics: [{ metric: 'backlog', values: [12_000n, 6000n] }] }, 2, 5],
  ];
  it.each(table)('%s', (_name, metric, extras, current, expected) => {
    const d = computeHpaDecision(snapshot({ hpa: hpa([metric]), currentReplicas: current, ...extras }));
    expect(d.metrics[0]?.error).toBeUndefined();
    expect(d.metrics[0]?.proposal).toBe(expected);
  });

  it('Object AverageValue reads status replicas, not spec', () => {
    // spec 3, status 6: ratio 30 / (5 × 6) = 1.0 within → proposal 6 (status)
    const d = computeHpaDecision(snapshot({ hpa: hpa([objectAverage('rps', '5')]), currentReplicas: 3, statusReplicas: 6, objectMetrics: [{ metric: 'rps', value: 30_000n }] }));
    expect(d.metrics[0]?.proposal).toBe(6);
    expect(d.metrics[0]?.current).toEqual({ averageValue: '5' });
  });
});

describe('several metrics with failures', () => {
  const specs = [podsAverage('queue', '10'), externalValue('backlog', '10')];
  const base = { hpa: hpa(specs), currentReplicas: 4, pods: pods(4) };
  it('all fail: no scaling, condition from the first failure', () => {
    const d = computeHpaDecision(snapshot(base));
    expect(d.rescale).toBe(false);
    expect(d.desiredReplicas).toBe(4);
    expect(cond(d, 'ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetPodsMetric' });
    expect(d.metrics.map((m) => m.failureReason)).toEqual(['FailedGetPodsMetric', 'FailedGetExternalMetric']);
    expect(cond(d, 'ScalingLimited')).toBeUndefined();
  });
  it('some fail and the rest scale down: no scaling', () => {
    // backlog 10 vs 10 per... Value: 5 / 10 = 0.5 → ceil(0.5 × 4) = 2 < 4; queue failed
    const d = computeHpaDecision(snapshot({ ...base, externalMetrics: [{ metric: 'backlog', values: [5000n] }] }));
    expect(d.metrics[1]?.proposal).toBe(2);
    expect(d.rescale).toBe(false);
    expect(cond(d, 'ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetPodsMetric' });
  });
  it('some fail and the rest scale up: scale up', () => {
    // 20 / 10 = 2 → ceil(2 × 4) = 8
    const d = computeHpaDecision(snapshot({ ...base, externalMetrics: [{ metric: 'backlog', values: [20_000n] }] }));
    expect(d.desiredReplicas).toBe(8);
    expect(cond(d, 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
  });
  it('all succeed: the largest proposal wins', () => {
    // queue avg 5 vs 10 → 0.5 → 2; backlog 30 / 10 = 3 → 12; cap 8
    const d = computeHpaDecision(snapshot({ ...base, podMetrics: queue([5000, 5000, 5000, 5000]), externalMetrics: [{ metric: 'backlog', values: [30_000n] }] }));
    expect(d.metrics.map((m) => m.proposal)).toEqual([2, 12]);
    expect(d.metricsProposal).toBe(12);
    expect(d.desiredReplicas).toBe(8);
  });
});

describe('with behavior', () => {
  it('default behavior: Pods 4 / Percent 100 per 15 s, scale event recorded', () => {
    // avg 100 vs 10 → 10 → ceil(10 × 2) = 20; limit max(2 + 4, ceil(2 × 2)) = 6
    const d = computeHpaDecision(snapshot({ hpa: hpa([podsAverage('queue', '10')], { behavior: {} }), currentReplicas: 2, pods: pods(2), podMetrics: queue([100_000, 100_000]) }));
    expect(d.desiredReplicas).toBe(6);
    expect(d.scaleUpEvents).toEqual([{ replicaChange: 4, timestamp: at(0) }]);
    expect(cond(d, 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
  });
  it('a recent scale-up uses up the budget', () => {
    // 4 added 5 s ago (within 15 s): start 6 − 4 = 2 → Pods 2 + 4 = 6, Percent ceil(2 × 2) = 4 → 6 = current
    const d = computeHpaDecision(snapshot({
      hpa: hpa([podsAverage('queue', '10')], { behavior: {} }),
      currentReplicas: 6,
      pods: pods(6),
      podMetrics: queue(Array<number>(6).fill(100_000)),
      scaleUpEvents: [{ replicaChange: 4, timestamp: at(-5) }],
    }));
    expect(d.desiredReplicas).toBe(6);
    expect(d.rescale).toBe(false);
  });
  it('scale-down stabilization window from behavior', () => {
    const h = hpa([podsAverage('queue', '10')], { behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
    const s = snapshot({ hpa: h, currentReplicas: 4, pods: pods(4), podMetrics: queue([2000, 2000, 2000, 2000]), recommendations: [{ replicas: 4, timestamp: at(-61) }] });
    // the 4 is older than 60 s → 1 (default scale-down rate allows 100 %)
    const d = computeHpaDecision(s);
    expect(d.desiredReplicas).toBe(1);
    expect(d.scaleDownEvents).toEqual([{ replicaChange: 3, timestamp: at(0) }]);
  });
  it('per-direction tolerance from behavior changes the proposal', () => {
    // avg 10.5 vs 10 → 1.05: inside the default 0.1, outside a scale-up tolerance of 0.01 → ceil(1.05 × 4) = 5
    const base = { currentReplicas: 4, pods: pods(4), podMetrics: queue([10_500, 10_500, 10_500, 10_500]) };
    expect(computeHpaDecision(snapshot({ ...base, hpa: hpa([podsAverage('queue', '10')]) })).desiredReplicas).toBe(4);
    const tight = hpa([podsAverage('queue', '10')], { behavior: { scaleUp: { tolerance: '10m' } } });
    expect(computeHpaDecision(snapshot({ ...base, hpa: tight })).desiredReplicas).toBe(5);
    // a scale-down tolerance alone leaves scale-up at the flag
    const downOnly = hpa([podsAverage('queue', '10')], { behavior: { scaleDown: { tolerance: '10m' } } });
    expect(computeHpaDecision(snapshot({ ...base, hpa: downOnly })).desiredReplicas).toBe(4);
  });
});
