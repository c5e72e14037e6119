import { limited, READY_FOR_NEW_SCALE, type Normalized, type NormalizeInput } from '../hpa/normalize.ts';
import type { HpaCondition, ScaleEvent } from '../hpa/snapshot.ts';
import { scaleDownLimit, scaleUpLimit, type RateLimit } from './rate.ts';
import type { ResolvedBehavior } from './rules.ts';
import { stabilizeWithBehavior } from './stabilize.ts';

export interface BehaviorInput extends NormalizeInput {
  readonly behavior: ResolvedBehavior;
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
}

const describeLimit = (direction: string, rate: RateLimit, select: string): string =>
  rate.perPolicy.length === 0
    ? `${direction} disabled (selectPolicy Disabled)`
    : `${direction} limit ${rate.limit} (select ${select} of ${rate.perPolicy.map((p) => `${p.policy}: from ${p.periodStart} → ${p.limit}`).join('; ')})`;

const WITHIN_RANGE = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' } as const;

/** convertDesiredReplicasWithBehaviorRate: the rate policies of the direction, then min/max. */
function rateLimit(input: BehaviorInput, desired: number): { replicas: number; reason: string; message: string; step: string } {
  const history = { scaleUpEvents: input.scaleUpEvents, scaleDownEvents: input.scaleDownEvents, now: input.now };
  if (desired > input.current) {
    const rate = scaleUpLimit(input.current, input.behavior.scaleUp, history);
    const upLimit = Math.max(rate.limit, input.current);
    const byRate = input.maxReplicas > upLimit;
    const maxAllowed = byRate ? upLimit : input.maxReplicas;
    const step = `rate: ${describeLimit('scale-up', rate, input.behavior.scaleUp.selectPolicy)}; allowed up to ${maxAllowed} (max ${input.maxReplicas})`;
    if (desired <= maxAllowed) return { replicas: desired, reason: WITHIN_RANGE.reason, message: WITHIN_RANGE.message, step };
    return byRate
      ? { replicas: maxAllowed, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate', step }
      : { replicas: maxAllowed, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count', step };
  }
  if (desired < input.current) {
    const rate = scaleDownLimit(input.current, input.behavior.scaleDown, history);
    const downLimit = Math.min(rate.limit, input.current);
    const byRate = input.minReplicas < downLimit;
    const minAllowed = byRate ? downLimit : input.minReplicas;
    const step = `rate: ${describeLimit('scale-down', rate, input.behavior.scaleDown.selectPolicy)}; allowed down to ${minAllowed} (min ${input.minReplicas})`;
    if (desired >= minAllowed) return { replicas: desired, reason: WITHIN_RANGE.reason, message: WITHIN_RANGE.message, step };
    return byRate
      ? { replicas: minAllowed, reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate', step }
      : { replicas: minAllowed, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count', step };
  }
  return { replicas: desired, reason: WITHIN_RANGE.reason, message: WITHIN_RANGE.message, step: `rate: no change from ${input.current}, no limit applies` };
}

/** normalizeDesiredReplicasWithBehaviors: stabilization windows, then rate policies and bounds. */
export function normalizeWithBehavior(input: BehaviorInput): Normalized {
  const { scaleUp, scaleDown } = input.behavior;
  const stabilized = stabilizeWithBehavior(
    input.recommendations,
    input.now,
    input.current,
    input.desired,
    scaleUp.stabilizationWindowSeconds,
    scaleDown.stabilizationWindowSeconds,
  );
  const changed = stabilized.recommendation !== input.desired;
  const steps = [
    `stabilization: lowest recommendation in the last ${scaleUp.stabilizationWindowSeconds}s is ${stabilized.upLimit}, highest in the last ${scaleDown.stabilizationWindowSeconds}s is ${stabilized.downLimit}; from ${input.current} that gives ${stabilized.recommendation}`,
  ];
  const ableToScale: HpaCondition = changed
    ? { type: 'AbleToScale', status: 'True', reason: stabilized.reason, message: stabilized.message }
    : READY_FOR_NEW_SCALE;
  const rate = rateLimit(input, stabilized.recommendation);
  steps.push(rate.step);
  return {
    desired: rate.replicas,
    ableToScale,
    scalingLimited: limited(rate.replicas !== stabilized.recommendation, rate.reason, rate.message),
    recommendations: stabilized.recommendations,
    steps,
  };
}
