// Plain data in and out of decide() (explanations aside: their sentences are formatted on first read); the
// scaler does not depend on how signals were gathered.
// Times are epoch milliseconds, as in the HPA core; durations in the policy are seconds.
import type { HpaSnapshot, ScaleEvent, TimestampedRecommendation } from './hpa/snapshot.ts';
import type { Explanation } from './explanation.ts';
import { EMPTY_OBSERVATIONS, EMPTY_SERIES, type ObservationSeries, type Series } from './series.ts';

/** Latency percentiles of one window, seconds, keyed like the policy names them: { p90: 0.31, p99: 0.8 }. */
export type Percentiles = Readonly<Record<string, number>>;

/** What one role looks like right now, summed over every replica of the PodCliqueSet. */
export interface RoleSnapshot {
  /**
   * spec.replicas of the role's PodClique (pods) or PodCliqueScalingGroup (instances) in each PodCliqueSet
   * replica, by replica index. An index past the end means the object does not exist yet.
   */
  readonly replicas: readonly number[];
  /** Ready pods (PodClique) or available instances (scaling group), over the whole set. */
  readonly readyReplicas: number;
  readonly ttft?: Percentiles | undefined;
  readonly itl?: Percentiles | undefined;
  /** Requests per second arriving at the role. */
  readonly requestRate?: number | undefined;
  readonly promptTokensPerSecond?: number | undefined;
  readonly generationTokensPerSecond?: number | undefined;
  /** Fraction of prompt tokens served from the prefix cache (0..1); they cost no prefill. */
  readonly prefixCacheHitRate?: number | undefined;
  /** Waiting requests over the role. */
  readonly queue?: number | undefined;
  /** Running sequences over the role. */
  readonly running?: number | undefined;
  /** Mean KV-cache use over the role's engines (0..1). */
  readonly kvCacheUsage?: number | undefined;
  /** For `hpa` roles: what each target object's HPA reads, by PodCliqueSet replica index. */
  readonly hpa?: readonly HpaObjectInputs[] | undefined;
  /**
   * A scaling group whose members serve different phases (prefill and decode workers): each phase's own
   * traffic, summed over that phase's member PodCliques. Every request passes both phases and both count it,
   * so the group sums above double the request rate and the prompt tokens; when this is present, arrivals and
   * prompt lengths are read from `prefill` and output lengths from `decode`.
   */
  readonly phases?: { readonly prefill?: PhaseTraffic | undefined; readonly decode?: PhaseTraffic | undefined } | undefined;
}

/** The traffic counters of one phase's pods (vLLM request, prompt and generation token rates). */
export interface PhaseTraffic {
  readonly requestRate?: number | undefined;
  readonly promptTokensPerSecond?: number | undefined;
  readonly generationTokensPerSecond?: number | undefined;
}

/**
 * What the HPA of one target object reads (the same shapes as the HPA core's snapshot): the pods its selector
 * picks and the metric samples. One per PodCliqueSet replica, by replica index.
 */
export type HpaObjectInputs = Pick<HpaSnapshot, 'pods' | 'podMetrics' | 'objectMetrics' | 'externalMetrics' | 'statusReplicas'>;

/** The HPA controller's in-memory history for one target object. */
export type HpaObjectHistory = Pick<HpaSnapshot, 'recommendations' | 'scaleUpEvents' | 'scaleDownEvents'>;

export interface ScalerSnapshot {
  readonly time: number;
  /** Keyed by role name. A role missing here is held at its current size. */
  readonly roles: Readonly<Record<string, RoleSnapshot>>;
}

export type ScaleTargetKind = 'PodClique' | 'PodCliqueScalingGroup' | 'PodCliqueSet';

/** Short machine-readable reasons, like the HPA's condition reasons. */
export type DecisionReason =
  | 'WithinTarget'
  | 'PredictedDemand'
  | 'SloMissed'
  | 'QueueHigh'
  | 'KvCacheHigh'
  | 'ScaleInHeadroom'
  | 'WaitingForConvergence'
  | 'NoSignal'
  | 'HpaRecommendation'
  | 'Stabilized'
  | 'RateLimited'
  | 'BoundedByMin'
  | 'BoundedByMax'
  | 'MinAvailableFloor'
  | 'RatioBand'
  | 'RatioBandUnreachable'
  | 'GpuBudget'
  | 'SetResized'
  | 'SetHeld';

export interface Decision {
  readonly kind: ScaleTargetKind;
  /** The object's name, e.g. `svc-0-decode` (what PATCH …/scale addresses). */
  readonly name: string;
  /** Policy role; absent for the PodCliqueSet decision. */
  readonly role?: string;
  readonly pcsReplicaIndex?: number;
  readonly current: number;
  readonly desired: number;
  readonly reason: DecisionReason;
  readonly inputs: Readonly<Record<string, number>>;
  /** Plain sentences, in the order the steps ran (`.text`; formatted on first read). */
  readonly explanation: Explanation;
}

/** Set-wide result for one role (what the policy status shows). */
export interface RoleOutcome {
  readonly role: string;
  readonly kind: 'PodClique' | 'PodCliqueScalingGroup';
  /** Template name in the PodCliqueSet. */
  readonly target: string;
  readonly current: number;
  readonly desired: number;
  readonly reason: DecisionReason;
  readonly inputs: Readonly<Record<string, number>>;
  readonly explanation: Explanation;
}

/** One (per-replica load, latency) observation for the online fit. */
export interface LatencyObservation {
  readonly time: number;
  readonly promptLoad?: number | undefined;
  readonly ttft?: number | undefined;
  readonly outputLoad?: number | undefined;
  readonly itl?: number | undefined;
}

export interface RoleHistory {
  /** Stabilization history and scale events, as the HPA keeps them (behavior applies to SLO roles too). */
  readonly recommendations: readonly TimestampedRecommendation[];
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  readonly requestRate: Series;
  readonly promptTokens: Series;
  readonly outputTokens: Series;
  readonly observations: ObservationSeries;
  readonly lastScaleTime?: number | undefined;
  /** `hpa` roles: one HPA history per target object, by PodCliqueSet replica index. */
  readonly hpa?: readonly HpaObjectHistory[] | undefined;
}

export interface ScalerHistory {
  readonly roles: Readonly<Record<string, RoleHistory>>;
  readonly set: { readonly lastScaleTime?: number | undefined };
}

export const EMPTY_ROLE_HISTORY: RoleHistory = {
  recommendations: [],
  scaleUpEvents: [],
  scaleDownEvents: [],
  requestRate: EMPTY_SERIES,
  promptTokens: EMPTY_SERIES,
  outputTokens: EMPTY_SERIES,
  observations: EMPTY_OBSERVATIONS,
};

export const EMPTY_HISTORY: ScalerHistory = { roles: {}, set: {} };

export interface SetOutcome {
  readonly current: number;
  readonly desired: number;
  readonly reason: DecisionReason;
  readonly explanation: Explanation;
}

export interface DecideResult {
  readonly actuation: 'scale' | 'advisory';
  /** One per PodCliqueSet replica per role, then one for the PodCliqueSet itself. */
  readonly decisions: readonly Decision[];
  readonly roles: readonly RoleOutcome[];
  readonly set: SetOutcome;
  readonly history: ScalerHistory;
  /** Problems with the policy against this PodCliqueSet that did not stop the decision. */
  readonly warnings: readonly string[];
}
