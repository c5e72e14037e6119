import { recordScaleEvent } from '../behavior/events.ts';
import { normalizeWithBehavior } from '../behavior/normalize.ts';
import { resolveBehavior, type ResolvedBehavior } from '../behavior/rules.ts';
import { combineMetrics, DEFAULT_METRICS } from './combine.ts';
import { evaluateMetric, type MetricContext } from './metric.ts';
import { normalizeWithoutBehavior, type Normalized } from './normalize.ts';
import {
  DEFAULT_HPA_OPTIONS,
  type ConditionType,
  type HpaCondition,
  type HpaDecision,
  type HpaOptions,
  type HpaSnapshot,
  type MetricOutcome,
} from './snapshot.ts';
import { tolerancesFor } from './tolerance.ts';

const condition = (type: ConditionType, status: 'True' | 'False', reason: string, message: string): HpaCondition => ({
  type,
  status,
  reason,
  message,
});

// Conditions that read the same on every reconcile are shared (they are never modified).
const SUCCEEDED_GET_SCALE = Object.freeze(
  condition('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale"),
);
const SCALING_DISABLED = Object.freeze(
  condition('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero'),
);

/**
 * One HPA reconcile as kube-controller-manager runs it, as a pure function of the snapshot: bounds, every
 * metric's proposal, the largest, normalization (with or without spec.behavior), and the history the
 * controller would keep. Assumes the /scale read and write succeed.
 */
export function computeHpaDecision(snapshot: HpaSnapshot, options?: Partial<HpaOptions>): HpaDecision {
  const opts: HpaOptions = options === undefined ? DEFAULT_HPA_OPTIONS : { ...DEFAULT_HPA_OPTIONS, ...options };
  const { now, hpa } = snapshot;
  const spec = hpa.spec;
  const current = snapshot.currentReplicas;
  const minReplicas = spec.minReplicas ?? 1;
  const maxReplicas = spec.maxReplicas;
  // The controller's setCondition keeps one entry per type in the order first set, and the flow below
  // always sets them in the order AbleToScale, ScalingActive, ScalingLimited: kept apart, listed at the end.
  let ableToScale: HpaCondition = SUCCEEDED_GET_SCALE;
  let scalingActive: HpaCondition | undefined;
  let scalingLimited: HpaCondition | undefined;

  // The first sync seeds the history with the current size, which holds off an immediate scale-down.
  let recommendations = snapshot.recommendations.length === 0 ? [{ replicas: current, timestamp: now }] : snapshot.recommendations;
  let scaleUpEvents = snapshot.scaleUpEvents;
  let scaleDownEvents = snapshot.scaleDownEvents;
  let behavior: ResolvedBehavior | undefined;

  let desired: number;
  let rescaleReason: string | undefined;
  let metrics: readonly MetricOutcome[] = [];
  let metricsProposal: number | undefined;
  const steps: string[] = [];

  if (current === 0 && minReplicas !== 0) {
    scalingActive = SCALING_DISABLED;
    steps.push('the target has 0 replicas and minReplicas is not 0: autoscaling is disabled');
    desired = current;
  } else if (current > maxReplicas) {
    rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
    steps.push(`current ${current} is above maxReplicas ${maxReplicas}: set to ${maxReplicas} without looking at metrics`);
    desired = maxReplicas;
  } else if (current < minReplicas) {
    rescaleReason = 'Current number of replicas below Spec.MinReplicas';
    steps.push(`current ${current} is below minReplicas ${minReplicas}: set to ${minReplicas} without looking at metrics`);
    desired = minReplicas;
  } else {
    const ctx: MetricContext = {
      snapshot,
      specReplicas: current,
      statusReplicas: snapshot.statusReplicas ?? current,
      tolerances: tolerancesFor(hpa, opts),
      timing: {
        now,
        cpuInitializationPeriodMs: opts.cpuInitializationPeriodSeconds * 1000,
        initialReadinessDelayMs: opts.initialReadinessDelaySeconds * 1000,
      },
    };
    const specs = spec.metrics === undefined || spec.metrics.length === 0 ? DEFAULT_METRICS : spec.metrics;
    const outcomes: MetricOutcome[] = [];
    for (const m of specs) outcomes.push(evaluateMetric(ctx, m));
    metrics = outcomes;
    const combined = combineMetrics(metrics, current);
    scalingActive = combined.scalingActive;

    if (combined.invalid) {
      steps.push(`no scaling this round: ${combined.error ?? 'metrics failed'}`);
      desired = current;
    } else {
      metricsProposal = combined.replicas;
      steps.push(`largest proposal: ${combined.replicas} (${combined.metric})`);
      const proposal = combined.replicas;
      if (proposal > current) rescaleReason = `${combined.metric} above target`;
      if (proposal < current) rescaleReason = 'All metrics below target';
      const input = { now, current, desired: proposal, minReplicas, maxReplicas, recommendations };
      let normalized: Normalized;
      if (spec.behavior === undefined) {
        normalized = normalizeWithoutBehavior(input, opts.downscaleStabilizationWindowSeconds);
      } else {
        behavior = resolveBehavior(spec.behavior, opts.downscaleStabilizationWindowSeconds);
        normalized = normalizeWithBehavior({ ...input, behavior, scaleUpEvents, scaleDownEvents });
      }
      ableToScale = normalized.ableToScale;
      scalingLimited = normalized.scalingLimited;
      for (const step of normalized.steps) steps.push(step);
      recommendations = normalized.recommendations;
      desired = normalized.desired;
    }
  }

  const rescale = desired !== current;
  if (rescale) {
    ableToScale = condition('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
    steps.push(`rescale ${current} → ${desired}`);
    if (spec.behavior !== undefined) {
      behavior ??= resolveBehavior(spec.behavior, opts.downscaleStabilizationWindowSeconds);
      const events = recordScaleEvent({ scaleUpEvents, scaleDownEvents }, behavior, current, desired, now);
      scaleUpEvents = events.scaleUpEvents;
      scaleDownEvents = events.scaleDownEvents;
    }
  } else {
    steps.push(`no rescale: stays at ${current}`);
  }

  const conditions: HpaCondition[] = [ableToScale];
  if (scalingActive !== undefined) conditions.push(scalingActive);
  if (scalingLimited !== undefined) conditions.push(scalingLimited);

  // Written out per optional field, in the controller's field order, rather than spread: this object is
  // built once per HPA per cycle.
  const desiredReplicas = rescale ? desired : current;
  const reason = rescale ? rescaleReason : undefined;
  if (reason === undefined) {
    return metricsProposal === undefined
      ? { currentReplicas: current, desiredReplicas, rescale, metrics, conditions, steps, recommendations, scaleUpEvents, scaleDownEvents }
      : { currentReplicas: current, desiredReplicas, rescale, metrics, metricsProposal, conditions, steps, recommendations, scaleUpEvents, scaleDownEvents };
  }
  return metricsProposal === undefined
    ? { currentReplicas: current, desiredReplicas, rescale, rescaleReason: reason, metrics, conditions, steps, recommendations, scaleUpEvents, scaleDownEvents }
    : {
        currentReplicas: current,
        desiredReplicas,
        rescale,
        rescaleReason: reason,
        metrics,
        metricsProposal,
        conditions,
        steps,
        recommendations,
        scaleUpEvents,
        scaleDownEvents,
      };
}
