import { formatMilli, milliValueBigInt } from '../../api/quantity.ts';
import type { ReadinessTiming } from './grouping.ts';
import { averageValueReplicas, sumExternal, sumExternalPerPod, valueReplicas } from './object-external.ts';
import { alignedPodSamples, alignedPodsMetricReplicas, plainMetricReplicas, type PlainReplicas } from './plain.ts';
import type { Result } from './result.ts';
import { podsMetricSamples, resourceSamples } from './samples.ts';
import type { HpaSnapshot, MetricOutcome } from './snapshot.ts';
import type { Tolerances } from './tolerance.ts';
import type { MetricSpec, MetricTarget } from './types.ts';
import { resourceUtilizationReplicas } from './utilization.ts';

export interface MetricContext {
  readonly snapshot: HpaSnapshot;
  readonly specReplicas: number;
  readonly statusReplicas: number;
  readonly tolerances: Tolerances;
  readonly timing: ReadinessTiming;
}

const failed = (base: Pick<MetricOutcome, 'type' | 'name' | 'description'>, failureReason: string, error: string): MetricOutcome => ({
  ...base,
  failureReason,
  error,
});

const selectorText = (selector: unknown): string => (selector === undefined ? 'nil' : JSON.stringify(selector));

function resourceMetric(
  ctx: MetricContext,
  type: 'Resource' | 'ContainerResource',
  name: string,
  target: MetricTarget,
  container: string | undefined,
): MetricOutcome {
  const failureReason = type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric';
  const samples = resourceSamples(ctx.snapshot.podMetrics, name, container);
  if (target.averageValue !== undefined) {
    const base = { type, name, description: `${name} resource` };
    const wrap = (e: string): string => `failed to get ${name} usage: ${e}`;
    if (!samples.ok) return failed(base, failureReason, wrap(`unable to get metrics for resource ${name}: ${samples.error}`));
    const r = plainMetricReplicas({
      currentReplicas: ctx.specReplicas,
      target: milliValueBigInt(target.averageValue),
      resource: name,
      pods: ctx.snapshot.pods,
      samples: samples.value,
      tolerances: ctx.tolerances,
      timing: ctx.timing,
    });
    if (!r.ok) return failed(base, failureReason, wrap(r.error));
    return { ...base, proposal: r.value.replicas, current: { averageValue: r.value.averageValue }, reason: r.value.reason };
  }
  const kind = type === 'Resource' ? 'resource' : 'container resource';
  const base = { type, name, description: `${name} ${kind} utilization (percentage of request)` };
  if (target.averageUtilization === undefined) {
    return failed(base, failureReason, 'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
  }
  const r = resourceUtilizationReplicas({
    currentReplicas: ctx.specReplicas,
    targetUtilization: target.averageUtilization,
    resource: name,
    container,
    pods: ctx.snapshot.pods,
    samples,
    tolerances: ctx.tolerances,
    timing: ctx.timing,
  });
  if (!r.ok) return failed(base, failureReason, `failed to get ${name} utilization: ${r.error}`);
  return {
    ...base,
    proposal: r.value.replicas,
    current: { averageUtilization: r.value.utilization, averageValue: formatMilli(r.value.rawAverage) },
    reason: r.value.reason,
  };
}

function podsMetric(ctx: MetricContext, name: string, target: MetricTarget): MetricOutcome {
  const description = `pods metric ${name}`;
  const failedPods = (e: string): MetricOutcome =>
    failed({ type: 'Pods', name, description }, 'FailedGetPodsMetric', `failed to get pods metric value: ${e}`);
  if (target.averageValue === undefined) return failedPods('invalid pods metric source: an average value target must be set');
  const { pods, podMetrics } = ctx.snapshot;
  const aligned = alignedPodSamples(pods, podMetrics, name);
  let r: Result<PlainReplicas>;
  if (aligned !== undefined) {
    r = alignedPodsMetricReplicas({ currentReplicas: ctx.specReplicas, target: milliValueBigInt(target.averageValue), tolerances: ctx.tolerances }, aligned);
  } else {
    const samples = podsMetricSamples(podMetrics, name);
    if (!samples.ok) return failedPods(`unable to get metric ${name}: unable to fetch metrics from custom metrics API: ${samples.error}`);
    r = plainMetricReplicas({
      currentReplicas: ctx.specReplicas,
      target: milliValueBigInt(target.averageValue),
      resource: '',
      pods,
      samples: samples.value,
      tolerances: ctx.tolerances,
      timing: ctx.timing,
    });
  }
  if (!r.ok) return failedPods(r.error);
  return { type: 'Pods', name, description, proposal: r.value.replicas, current: { averageValue: r.value.averageValue }, reason: r.value.reason };
}

function objectMetric(ctx: MetricContext, spec: NonNullable<MetricSpec['object']>): MetricOutcome {
  const name = spec.metric.name;
  const { kind, name: objectName } = spec.describedObject;
  const failureReason = 'FailedGetObjectMetric';
  const byValue = spec.target.type === 'Value' || spec.target.averageValue === undefined;
  const base = {
    type: 'Object' as const,
    name,
    description: byValue ? `${kind} metric ${name}` : `external metric ${name}(${selectorText(spec.metric.selector)})`,
  };
  const sample = ctx.snapshot.objectMetrics.findLast((m) => m.metric === name);
  if (sample === undefined) {
    const e = `unable to get metric ${name}: unable to fetch metrics from custom metrics API: the server could not find the metric ${name} for ${kind} ${objectName} on ${kind} ${objectName}`;
    return failed(base, failureReason, byValue ? `failed to get object metric value: ${e}` : `failed to get ${name} object metric: ${e}`);
  }
  if (spec.target.type === 'Value' && spec.target.value !== undefined) {
    const r = valueReplicas({
      currentReplicas: ctx.specReplicas,
      usage: sample.value,
      target: milliValueBigInt(spec.target.value),
      pods: ctx.snapshot.pods,
      tolerances: ctx.tolerances,
    });
    if (!r.ok) return failed(base, failureReason, `failed to get object metric value: ${r.error}`);
    return { ...base, proposal: r.value.replicas, current: { value: formatMilli(sample.value) }, reason: r.value.reason };
  }
  if (spec.target.averageValue !== undefined) {
    const r = averageValueReplicas({
      statusReplicas: ctx.statusReplicas,
      usage: sample.value,
      targetAverage: milliValueBigInt(spec.target.averageValue),
      tolerances: ctx.tolerances,
    });
    return { ...base, proposal: r.replicas, current: r.average === undefined ? {} : { averageValue: formatMilli(r.average) }, reason: r.reason };
  }
  return failed(base, failureReason, 'invalid object metric source: neither a value target nor an average value target was set');
}

function externalMetric(ctx: MetricContext, spec: NonNullable<MetricSpec['external']>): MetricOutcome {
  const name = spec.metric.name;
  const base = { type: 'External' as const, name, description: `external metric ${name}(${selectorText(spec.metric.selector)})` };
  const failureReason = 'FailedGetExternalMetric';
  const sample = ctx.snapshot.externalMetrics.findLast((m) => m.metric === name);
  const fetchError =
    sample === undefined
      ? `unable to fetch metrics from external metrics API: the server could not find the requested resource`
      : sample.values.length === 0
        ? 'no metrics returned from external metrics API'
        : undefined;
  const values = sample?.values ?? [];

  if (spec.target.averageValue !== undefined) {
    if (fetchError !== undefined) return failed(base, failureReason, `failed to get ${name} external metric: unable to get external metric ${name}: ${fetchError}`);
    const r = averageValueReplicas({
      statusReplicas: ctx.statusReplicas,
      usage: sumExternalPerPod(values),
      targetAverage: milliValueBigInt(spec.target.averageValue),
      tolerances: ctx.tolerances,
      saturateAverage: true,
    });
    return { ...base, proposal: r.replicas, current: r.average === undefined ? {} : { averageValue: formatMilli(r.average) }, reason: r.reason };
  }
  if (spec.target.value !== undefined) {
    if (fetchError !== undefined) return failed(base, failureReason, `failed to get external metric ${name}: unable to get external metric ${name}: ${fetchError}`);
    const usage = sumExternal(values);
    const r = valueReplicas({
      currentReplicas: ctx.specReplicas,
      usage,
      target: milliValueBigInt(spec.target.value),
      pods: ctx.snapshot.pods,
      tolerances: ctx.tolerances,
    });
    if (!r.ok) return failed(base, failureReason, `failed to get external metric ${name}: ${r.error}`);
    return { ...base, proposal: r.value.replicas, current: { value: formatMilli(usage) }, reason: r.value.reason };
  }
  return failed(base, failureReason, 'invalid external metric source: neither a value target nor an average value target was set');
}

/** computeReplicasForMetric: one metric's proposal, or its failure. */
export function evaluateMetric(ctx: MetricContext, spec: MetricSpec): MetricOutcome {
  switch (spec.type) {
    case 'Resource':
      if (spec.resource === undefined) break;
      return resourceMetric(ctx, 'Resource', spec.resource.name, spec.resource.target, undefined);
    case 'ContainerResource':
      if (spec.containerResource === undefined) break;
      return resourceMetric(ctx, 'ContainerResource', spec.containerResource.name, spec.containerResource.target, spec.containerResource.container);
    case 'Pods':
      if (spec.pods === undefined) break;
      return podsMetric(ctx, spec.pods.metric.name, spec.pods.target);
    case 'Object':
      if (spec.object === undefined) break;
      return objectMetric(ctx, spec.object);
    case 'External':
      if (spec.external === undefined) break;
      return externalMetric(ctx, spec.external);
  }
  return { type: spec.type, name: '', description: spec.type, failureReason: 'InvalidMetricSourceType', error: `metric source ${spec.type} is not set` };
}
