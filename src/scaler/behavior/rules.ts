import type { HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscalerBehavior } from '../hpa/types.ts';

export interface ResolvedRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: 'Max' | 'Min' | 'Disabled';
  readonly policies: readonly HPAScalingPolicy[];
}

export interface ResolvedBehavior {
  readonly scaleUp: ResolvedRules;
  readonly scaleDown: ResolvedRules;
}

const SCALE_UP_POLICIES: readonly HPAScalingPolicy[] = [
  { type: 'Pods', value: 4, periodSeconds: 15 },
  { type: 'Percent', value: 100, periodSeconds: 15 },
];
const SCALE_DOWN_POLICIES: readonly HPAScalingPolicy[] = [{ type: 'Percent', value: 100, periodSeconds: 15 }];

// API defaults (GenerateHPAScaleUpRules / GenerateHPAScaleDownRules); a given policies list replaces the
// default list. An unset scale-down window takes the controller's --horizontal-pod-autoscaler-downscale-stabilization.
function resolve(rules: HPAScalingRules | undefined, window: number, policies: readonly HPAScalingPolicy[]): ResolvedRules {
  return {
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? window,
    selectPolicy: rules?.selectPolicy ?? 'Max',
    policies: rules?.policies ?? policies,
  };
}

export function resolveBehavior(behavior: HorizontalPodAutoscalerBehavior, downscaleStabilizationWindowSeconds: number): ResolvedBehavior {
  return {
    scaleUp: resolve(behavior.scaleUp, 0, SCALE_UP_POLICIES),
    scaleDown: resolve(behavior.scaleDown, downscaleStabilizationWindowSeconds, SCALE_DOWN_POLICIES),
  };
}

/** The longest policy period: scale events older than this are reused. */
export function longestPolicyPeriod(rules: ResolvedRules): number {
  return rules.policies.reduce((m, p) => Math.max(m, p.periodSeconds), 0);
}
