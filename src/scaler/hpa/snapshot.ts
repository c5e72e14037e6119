import type { HorizontalPodAutoscaler, MetricSourceType, Pod } from './types.ts';

// What one HPA reconcile sees and what it decides. Instants are epoch milliseconds; metric values are
// milli-units as int64 (bigint), exactly as the controller holds them after MilliValue().

/** One per-pod sample: a custom (Pods) metric, or one container's usage of a resource ("cpu", "memory"). */
export interface PodMetricSample {
  readonly pod: string;
  readonly metric: string;
  /** Container name for resource usage; a pod's resource value is the sum over its containers. */
  readonly container?: string | undefined;
  readonly value: bigint;
  readonly timestamp: number;
  readonly windowSeconds: number;
}

export interface ObjectMetricSample {
  readonly metric: string;
  readonly value: bigint;
}

export interface ExternalMetricSample {
  readonly metric: string;
  /** Every item the external metrics API returned; the HPA sums them. */
  readonly values: readonly bigint[];
}

export interface TimestampedRecommendation {
  readonly replicas: number;
  readonly timestamp: number;
}

export interface ScaleEvent {
  /** Always positive: replicas added (scale-up list) or removed (scale-down list). */
  readonly replicaChange: number;
  readonly timestamp: number;
  /**
   * Set once the event was older than the direction's longest policy period at a later store; it stays
   * set (Kubernetes never clears it), and the last such event is the one the next event overwrites.
   */
  readonly outdated?: boolean;
}

export interface HpaSnapshot {
  readonly now: number;
  readonly hpa: HorizontalPodAutoscaler;
  /** scale.spec.replicas */
  readonly currentReplicas: number;
  /** scale.status.replicas; defaults to currentReplicas. */
  readonly statusReplicas?: number | undefined;
  /** The pods the scale selector picks. */
  readonly pods: readonly Pod[];
  readonly podMetrics: readonly PodMetricSample[];
  readonly objectMetrics: readonly ObjectMetricSample[];
  readonly externalMetrics: readonly ExternalMetricSample[];
  /** The controller's in-memory history for this HPA (empty on its first sync). */
  readonly recommendations: readonly TimestampedRecommendation[];
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
}

/** kube-controller-manager flags and feature gates that change the arithmetic. */
export interface HpaOptions {
  /** --horizontal-pod-autoscaler-tolerance */
  readonly tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period, seconds */
  readonly cpuInitializationPeriodSeconds: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay, seconds */
  readonly initialReadinessDelaySeconds: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization, seconds */
  readonly downscaleStabilizationWindowSeconds: number;
  /** HPAConfigurableTolerance gate: honour behavior.scaleUp/scaleDown.tolerance. */
  readonly configurableTolerance: boolean;
}

export const DEFAULT_HPA_OPTIONS: HpaOptions = {
  tolerance: 0.1,
  cpuInitializationPeriodSeconds: 300,
  initialReadinessDelaySeconds: 30,
  downscaleStabilizationWindowSeconds: 300,
  configurableTolerance: true,
};

export type ConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';

export interface HpaCondition {
  readonly type: ConditionType;
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
}

/** What the HPA would write to status.currentMetrics for one metric (milli quantities as text). */
export interface MetricCurrent {
  readonly averageUtilization?: number;
  readonly averageValue?: string;
  readonly value?: string;
}

export interface MetricOutcome {
  readonly type: MetricSourceType;
  /** The metric or resource name. */
  readonly name: string;
  /** The controller's own wording, e.g. "cpu resource utilization (percentage of request)". */
  readonly description: string;
  /** Replicas this metric asks for; absent when it failed. */
  readonly proposal?: number;
  readonly current?: MetricCurrent;
  /** How the proposal was reached, in plain words. */
  readonly reason?: string;
  /** Why the metric failed (the controller's error text). */
  readonly error?: string;
  /** FailedGet…Metric condition reason, when it failed. */
  readonly failureReason?: string;
}

export interface HpaDecision {
  readonly currentReplicas: number;
  /** The replica count the HPA writes to /scale (equal to current when it does not scale). */
  readonly desiredReplicas: number;
  readonly rescale: boolean;
  /** The SuccessfulRescale event's reason, when it rescales. */
  readonly rescaleReason?: string;
  readonly metrics: readonly MetricOutcome[];
  /** The largest successful proposal before normalization, when metrics were evaluated. */
  readonly metricsProposal?: number;
  readonly conditions: readonly HpaCondition[];
  /** Normalization, step by step, in plain words. */
  readonly steps: readonly string[];
  /** Updated history for the caller to keep for the next reconcile. */
  readonly recommendations: readonly TimestampedRecommendation[];
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
}
