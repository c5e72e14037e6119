import { describe, it, expect } from 'vitest';
import { combineMetrics } from '../../../../src/scaler/hpa/combine.ts';
import type { MetricOutcome } from '../../../../src/scaler/hpa/snapshot.ts';

const okMetric = (name: string, proposal: number): MetricOutcome => ({ type: 'Pods', name, description: `pods metric ${name}`, proposal });
const badMetric = (name: string, reason = 'FailedGetPodsMetric'): MetricOutcome => ({
  type: 'Pods',
  name,
  description: `pods metric ${name}`,
  failureReason: reason,
  error: `${name} is down`,
});

describe('several metrics: the largest proposal, and the invalid-metric rules', () => {
  const table: readonly [string, MetricOutcome[], number, boolean, number, string][] = [
    // [name, outcomes, spec replicas, invalid?, replicas, ScalingActive reason]
    ['all succeed: the largest wins', [okMetric('a', 3), okMetric('b', 7), okMetric('c', 5)], 4, false, 7, 'ValidMetricFound'],
    ['a proposal of 0 is replaced by a later one', [okMetric('a', 0), okMetric('b', 2)], 4, false, 2, 'ValidMetricFound'],
    ['every metric failed', [badMetric('a', 'FailedGetExternalMetric'), badMetric('b')], 4, true, 0, 'FailedGetExternalMetric'],
    ['one failed and the rest scale down: no scaling', [badMetric('a'), okMetric('b', 2)], 4, true, 2, 'FailedGetPodsMetric'],
    ['one failed and the rest scale up: proceed', [badMetric('a'), okMetric('b', 6)], 4, false, 6, 'ValidMetricFound'],
    ['one failed and the rest hold: proceed (not below spec)', [okMetric('b', 4), badMetric('a')], 4, false, 4, 'ValidMetricFound'],
  ];
  it.each(table)('%s', (_name, outcomes, spec, invalid, replicas, reason) => {
    const c = combineMetrics(outcomes, spec);
    expect(c.invalid).toBe(invalid);
    expect(c.replicas).toBe(replicas);
    expect(c.scalingActive.reason).toBe(reason);
    expect(c.scalingActive.status).toBe(invalid ? 'False' : 'True');
  });

  it('names the first failure in the condition and counts failures in the error', () => {
    const c = combineMetrics([okMetric('x', 1), badMetric('a', 'FailedGetObjectMetric'), badMetric('b', 'FailedGetExternalMetric')], 3);
    expect(c.scalingActive.message).toBe('the HPA was unable to compute the replica count: a is down');
    expect(c.error).toBe('invalid metrics (2 invalid out of 3), first error is: a is down');
  });
  it('names the winning metric when valid', () => {
    const c = combineMetrics([okMetric('a', 3), okMetric('b', 7)], 4);
    expect(c.metric).toBe('pods metric b');
    expect(c.scalingActive.message).toBe('the HPA was able to successfully calculate a replica count from pods metric b');
  });
});
