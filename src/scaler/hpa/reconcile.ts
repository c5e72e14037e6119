import { recordScaleEvent } from '../behavior/events.ts';
import { normalizeWithBehavior } from '../behavior/normalize.ts';
import { resolveBehavior } from '../behavior/rules.ts';
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

// setCondition: one entry per type, kept in the order first set, later calls overwrite.
function setCondition(list: HpaCondition[], condition: HpaCondition): void {
  const i = list.findIndex((c) => c.type === condition.type);
  if (i >= 0) list[i] = condition;
  else list.push(condition);
}

const condition = (type: ConditionType, status: 'True' | 'False', reason: string, message: string): HpaCondition => ({
  type,
  status,
  reason,
  message,
});

/**
 * One HPA reconcile as kube-controller-manager runs it, as a pure function of the snapshot: bounds, every
 * metric's proposal, the largest, normalization (with or without spec.behavior), and the history the
 * controller would keep. Assumes the /scale read and write succeed.
 */
export function computeHpaDecision(snapshot: HpaSnapshot, options: Partial<HpaOptions> = {}): HpaDecision {
  const opts: HpaOptions = { ...DEFAULT_HPA_OPTIONS, ...options };
  const { now, hpa } = snapshot;
  const spec = hpa.spec;
  const current = snapshot.currentReplicas;
  const minReplicas = spec.minReplicas ?? 1;
  const maxReplicas = spec.maxReplicas;
  const conditions: HpaCondition[] = [];
  setCondition(conditions, condition('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale"));

  // The first sync seeds the history with the current size, which holds off an immediate scale-down.
  const recommendations = snapshot.recommendations.length === 0 ? [{ replicas: current, timestamp: now }] : snapshot.recommendations;
  let history = {
    recommendations,
    scaleUpEvents: snapshot.scaleUpEvents,
    scaleDownEvents: snapshot.scaleDownEvents,
  };

  let desired: number;
  let rescaleReason: string | undefined;
  let metrics: readonly MetricOutcome[] = [];
  let metricsProposal: number | undefined;
  const steps: string[] = [];

  if (current === 0 && minReplicas !== 0) {
    setCondition(conditions, condition('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero'));
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
    metrics = specs.map((m) => evaluateMetric(ctx, m));
    const combined = combineMetrics(metrics, current);
    setCondition(conditions, combined.scalingActive);

    if (combined.invalid) {
      steps.push(`no scaling this round: ${combined.error ?? 'metrics failed'}`);
      desired = current;
    } else {
      metricsProposal = combined.replicas;
      steps.push(`largest proposal: ${combined.replicas} (${combined.metric})`);
      const proposal = combined.replicas;
      if (proposal > current) rescaleReason = `${combined.metric} above target`;
      if (proposal < current) rescaleReason = 'All metrics below target';
      const input = { now, current, desired: proposal, minReplicas, maxReplicas, recommendations: history.recommendations };
      const normalized: Normalized =
        spec.behavior === undefined
          ? normalizeWithoutBehavior(input, opts.downscaleStabilizationWindowSeconds)
          : normalizeWithBehavior({
              ...input,
              behavior: resolveBehavior(spec.behavior, opts.downscaleStabilizationWindowSeconds),
              scaleUpEvents: history.scaleUpEvents,
              scaleDownEvents: history.scaleDownEvents,
            });
      setCondition(conditions, normalized.ableToScale);
      setCondition(conditions, normalized.scalingLimited);
      steps.push(...normalized.steps);
      history = { ...history, recommendations: normalized.recommendations };
      desired = normalized.desired;
    }
  }

  const rescale = desired !== current;
  if (rescale) {
    setCondition(conditions, condition('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`));
    steps.push(`rescale ${current} → ${desired}`);
    if (spec.behavior !== undefined) {
      const events = recordScaleEvent(history, resolveBehavior(spec.behavior, opts.downscaleStabilizationWindowSeconds), current, desired, now);
      history = { ...history, ...events };
    }
  } else {
    steps.push(`no rescale: stays at ${current}`);
  }

  return {
    currentReplicas: current,
    desiredReplicas: rescale ? desired : current,
    rescale,
    ...(rescale && rescaleReason !== undefined ? { rescaleReason } : {}),
    metrics,
    ...(metricsProposal === undefined ? {} : { metricsProposal }),
    conditions,
    steps,
    recommendations: history.recommendations,
    scaleUpEvents: history.scaleUpEvents,
    scaleDownEvents: history.scaleDownEvents,
  };
}
