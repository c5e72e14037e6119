import type { HpaDecision, HpaSnapshot, MetricCurrent, MetricOutcome } from './snapshot.ts';
import { formatTimestamp } from './time.ts';

// What `canopy hpa explain` prints: the decision as JSON, or the same in plain words.

const currentValue = (c: MetricCurrent | undefined): string | undefined => {
  if (c === undefined) return undefined;
  if (c.averageUtilization !== undefined) return `${c.averageUtilization}%`;
  return c.averageValue ?? c.value;
};

function metricJson(m: MetricOutcome): Record<string, unknown> {
  const value = currentValue(m.current);
  return {
    type: m.type,
    name: m.name,
    description: m.description,
    ...(m.proposal === undefined ? {} : { proposal: m.proposal }),
    ...(value === undefined ? {} : { currentValue: value }),
    ...(m.current === undefined ? {} : { current: m.current }),
    ...(m.reason === undefined ? {} : { reason: m.reason }),
    ...(m.error === undefined ? {} : { error: m.error, failureReason: m.failureReason }),
  };
}

export function explainJson(decision: HpaDecision): Record<string, unknown> {
  return {
    currentReplicas: decision.currentReplicas,
    desiredReplicas: decision.desiredReplicas,
    rescale: decision.rescale,
    ...(decision.rescaleReason === undefined ? {} : { rescaleReason: decision.rescaleReason }),
    metrics: decision.metrics.map(metricJson),
    conditions: decision.conditions,
    steps: decision.steps,
    recommendations: decision.recommendations.map((r) => ({ replicas: r.replicas, timestamp: formatTimestamp(r.timestamp) })),
    scaleUpEvents: decision.scaleUpEvents.map((e) => ({ replicaChange: e.replicaChange, timestamp: formatTimestamp(e.timestamp) })),
    scaleDownEvents: decision.scaleDownEvents.map((e) => ({ replicaChange: e.replicaChange, timestamp: formatTimestamp(e.timestamp) })),
  };
}

function metricLine(m: MetricOutcome): string {
  const label = `${m.type} ${m.name}`;
  if (m.proposal === undefined) return `  ${label}: failed (${m.failureReason ?? 'error'}): ${m.error ?? ''}`;
  return `  ${label}: ${m.proposal} replicas: ${m.reason ?? ''}`;
}

export function explainText(snapshot: HpaSnapshot, decision: HpaDecision): string {
  const meta = snapshot.hpa.metadata;
  const name = meta?.name === undefined ? 'HPA' : `HPA ${meta.namespace === undefined ? '' : `${meta.namespace}/`}${meta.name}`;
  const target = `${snapshot.hpa.spec.scaleTargetRef.kind}/${snapshot.hpa.spec.scaleTargetRef.name}`;
  const outcome = decision.rescale
    ? `scales ${decision.currentReplicas} → ${decision.desiredReplicas} (${decision.rescaleReason ?? 'rescale'})`
    : `stays at ${decision.currentReplicas}`;
  const lines = [`${name} for ${target}: ${outcome}`];
  if (decision.metrics.length > 0) lines.push('metrics:', ...decision.metrics.map(metricLine));
  lines.push('steps:', ...decision.steps.map((s) => `  - ${s}`));
  lines.push('conditions:', ...decision.conditions.map((c) => `  ${c.type}=${c.status} ${c.reason}: ${c.message}`));
  return `${lines.join('\n')}\n`;
}
