import type { HpaCondition, TimestampedRecommendation } from './snapshot.ts';

export interface Normalized {
  readonly desired: number;
  readonly ableToScale: HpaCondition;
  readonly scalingLimited: HpaCondition;
  readonly recommendations: readonly TimestampedRecommendation[];
  readonly steps: readonly string[];
}

export interface NormalizeInput {
  readonly now: number;
  readonly current: number;
  readonly desired: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly recommendations: readonly TimestampedRecommendation[];
}

export const READY_FOR_NEW_SCALE: HpaCondition = {
  type: 'AbleToScale',
  status: 'True',
  reason: 'ReadyForNewScale',
  message: 'recommended size matches current size',
};

export const limited = (changed: boolean, reason: string, message: string): HpaCondition => ({
  type: 'ScalingLimited',
  status: changed ? 'True' : 'False',
  reason,
  message,
});

/**
 * stabilizeRecommendation: the highest recommendation not older than the downscale window (desired
 * included). Desired is recorded, overwriting the last record older than the window.
 */
export function stabilize(
  recommendations: readonly TimestampedRecommendation[],
  now: number,
  desired: number,
  windowSeconds: number,
): { readonly recommendation: number; readonly recommendations: readonly TimestampedRecommendation[] } {
  const cutoff = now - windowSeconds * 1000;
  let recommendation = desired;
  let old = -1;
  for (let i = 0; i < recommendations.length; i++) {
    const rec = recommendations[i];
    if (rec === undefined) continue;
    if (rec.timestamp < cutoff) old = i;
    else if (rec.replicas > recommendation) recommendation = rec.replicas;
  }
  const next = recommendations.slice();
  const record = { replicas: desired, timestamp: now };
  if (old >= 0) next[old] = record;
  else next.push(record);
  return { recommendation, recommendations: next };
}

/** convertDesiredReplicasWithRules: min/max bounds and the scale-up cap max(2 × current, 4). */
export function clampWithoutBehavior(
  current: number,
  desired: number,
  minReplicas: number,
  maxReplicas: number,
): { readonly replicas: number; readonly reason: string; readonly message: string } {
  const scaleUpLimit = Math.trunc(Math.max(2 * current, 4));
  if (desired < minReplicas) {
    return { replicas: minReplicas, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  }
  if (maxReplicas > scaleUpLimit) {
    if (desired > scaleUpLimit) {
      return { replicas: scaleUpLimit, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
    }
  } else if (desired > maxReplicas) {
    return { replicas: maxReplicas, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
  }
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

/** normalizeDesiredReplicas: the path without spec.behavior. */
export function normalizeWithoutBehavior(input: NormalizeInput, downscaleWindowSeconds: number): Normalized {
  const steps: string[] = [];
  const stabilized = stabilize(input.recommendations, input.now, input.desired, downscaleWindowSeconds);
  const changed = stabilized.recommendation !== input.desired;
  steps.push(
    changed
      ? `stabilization: a recommendation of ${stabilized.recommendation} within the last ${downscaleWindowSeconds}s holds ${input.desired} up to ${stabilized.recommendation}`
      : `stabilization: no higher recommendation within the last ${downscaleWindowSeconds}s; ${input.desired} stands`,
  );
  const ableToScale: HpaCondition = changed
    ? {
        type: 'AbleToScale',
        status: 'True',
        reason: 'ScaleDownStabilized',
        message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
      }
    : READY_FOR_NEW_SCALE;

  const clamp = clampWithoutBehavior(input.current, stabilized.recommendation, input.minReplicas, input.maxReplicas);
  const clamped = clamp.replicas !== stabilized.recommendation;
  const cap = Math.max(2 * input.current, 4);
  steps.push(
    clamped
      ? `limits: ${stabilized.recommendation} → ${clamp.replicas} (${clamp.reason}; min ${input.minReplicas}, max ${input.maxReplicas}, scale-up cap max(2×${input.current}, 4) = ${cap})`
      : `limits: ${clamp.replicas} is within min ${input.minReplicas}, max ${input.maxReplicas} and the scale-up cap ${cap}`,
  );
  return {
    desired: clamp.replicas,
    ableToScale,
    scalingLimited: limited(clamped, clamp.reason, clamp.message),
    recommendations: stabilized.recommendations,
    steps,
  };
}
