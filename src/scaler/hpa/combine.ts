import type { HpaCondition, MetricOutcome } from './snapshot.ts';
import type { MetricSpec } from './types.ts';

/** API default when spec.metrics is empty: CPU at 80 % of request. */
export const DEFAULT_METRICS: readonly MetricSpec[] = [
  { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
];

export interface CombinedMetrics {
  /** The largest successful proposal (0 when none). */
  readonly replicas: number;
  /** Description of the metric that gave it. */
  readonly metric: string;
  /** ScalingActive as the controller sets it after evaluating the metrics. */
  readonly scalingActive: HpaCondition;
  /** True when the HPA must not scale this round. */
  readonly invalid: boolean;
  /** The controller's error text when invalid. */
  readonly error?: string;
}

/**
 * computeReplicasForMetrics: the largest proposal wins. If every metric failed, or some failed and the
 * rest would scale below spec replicas, nothing scales and the first failure names the condition.
 */
export function combineMetrics(outcomes: readonly MetricOutcome[], specReplicas: number): CombinedMetrics {
  let replicas = 0;
  let metric = '';
  let invalidCount = 0;
  let firstFailure: MetricOutcome | undefined;
  for (const o of outcomes) {
    if (o.proposal === undefined) {
      invalidCount++;
      firstFailure ??= o;
      continue;
    }
    if (replicas === 0 || o.proposal > replicas) {
      replicas = o.proposal;
      metric = o.description;
    }
  }
  if (firstFailure !== undefined && (invalidCount >= outcomes.length || replicas < specReplicas)) {
    const cause = firstFailure.error ?? 'unknown error';
    return {
      replicas,
      metric,
      invalid: true,
      error: `invalid metrics (${invalidCount} invalid out of ${outcomes.length}), first error is: ${cause}`,
      scalingActive: {
        type: 'ScalingActive',
        status: 'False',
        reason: firstFailure.failureReason ?? 'FailedGetMetric',
        message: `the HPA was unable to compute the replica count: ${cause}`,
      },
    };
  }
  return {
    replicas,
    metric,
    invalid: false,
    scalingActive: {
      type: 'ScalingActive',
      status: 'True',
      reason: 'ValidMetricFound',
      message: `the HPA was able to successfully calculate a replica count from ${metric}`,
    },
  };
}
