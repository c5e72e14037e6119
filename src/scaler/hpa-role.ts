// `hpa` roles: exactly what the Kubernetes HPA would do, one HPA per target object (Grove creates one per
// PodCliqueSet replica, `<pcs>-<i>-<clique>` or `<pcs>-<i>-<pcsg>`), through the HPA-exact core.
import { GROVE_API_VERSION } from '../api/kinds.ts';
import type { ScalingPolicyRole, ScalingPolicySpec } from '../api/scaling-policy.ts';
import { computeHpaDecision, type HorizontalPodAutoscaler, type HpaDecision, type MetricSpec } from './hpa/index.ts';
import type { HpaObjectHistory, HpaObjectInputs } from './types.ts';

export interface HpaObjectResult {
  readonly name: string;
  readonly current: number;
  readonly desired: number;
  readonly decision: HpaDecision;
  readonly history: HpaObjectHistory;
}

export interface HpaRoleInput {
  readonly role: ScalingPolicyRole;
  readonly spec: Pick<ScalingPolicySpec, 'behavior'>;
  readonly kind: 'PodClique' | 'PodCliqueScalingGroup';
  /** Object names by PodCliqueSet replica index. */
  readonly names: readonly string[];
  readonly current: readonly number[];
  readonly min: number;
  readonly max: number;
  readonly inputs: readonly (HpaObjectInputs | undefined)[];
  readonly history: readonly (HpaObjectHistory | undefined)[];
  readonly now: number;
}

/** The autoscaling/v2 object Canopy's policy stands for, as Grove would write it for one target. */
export function hpaObjectFor(input: Pick<HpaRoleInput, 'role' | 'spec' | 'kind' | 'min' | 'max'>, name: string): HorizontalPodAutoscaler {
  const behavior = input.role.behavior ?? input.spec.behavior;
  const metrics: MetricSpec[] | undefined = input.role.metrics?.map((m) => ({ ...m }));
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: GROVE_API_VERSION, kind: input.kind, name },
      minReplicas: input.min,
      maxReplicas: input.max,
      ...(metrics !== undefined ? { metrics } : {}),
      ...(behavior !== undefined ? { behavior } : {}),
    },
  };
}

export function decideHpaRole(input: HpaRoleInput): HpaObjectResult[] {
  return input.names.map((name, i) => {
    const current = input.current[i] ?? 0;
    const observed = input.inputs[i];
    const past = input.history[i];
    const decision = computeHpaDecision({
      now: input.now,
      hpa: hpaObjectFor(input, name),
      currentReplicas: current,
      statusReplicas: observed?.statusReplicas,
      pods: observed?.pods ?? [],
      podMetrics: observed?.podMetrics ?? [],
      objectMetrics: observed?.objectMetrics ?? [],
      externalMetrics: observed?.externalMetrics ?? [],
      recommendations: past?.recommendations ?? [],
      scaleUpEvents: past?.scaleUpEvents ?? [],
      scaleDownEvents: past?.scaleDownEvents ?? [],
    });
    return {
      name,
      current,
      desired: decision.desiredReplicas,
      decision,
      history: { recommendations: decision.recommendations, scaleUpEvents: decision.scaleUpEvents, scaleDownEvents: decision.scaleDownEvents },
    };
  });
}
