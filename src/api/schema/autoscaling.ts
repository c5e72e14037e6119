import { z } from 'zod';
import { int32, LabelSelectorSchema, Quantity } from './common.ts';

// autoscaling/v2 MetricSpec, carried verbatim by Grove's AutoScalingConfig into the HPA it creates.

export const MetricTargetType = z.enum(['Utilization', 'Value', 'AverageValue']);

export const MetricTargetSchema = z.strictObject({
  type: MetricTargetType,
  value: Quantity.optional(),
  averageValue: Quantity.optional(),
  averageUtilization: int32().optional(),
});

export const MetricIdentifierSchema = z.strictObject({
  name: z.string(),
  selector: LabelSelectorSchema.optional(),
});

export const CrossVersionObjectReferenceSchema = z.strictObject({
  kind: z.string(),
  name: z.string(),
  apiVersion: z.string().optional(),
});

export const ObjectMetricSourceSchema = z.strictObject({
  describedObject: CrossVersionObjectReferenceSchema,
  target: MetricTargetSchema,
  metric: MetricIdentifierSchema,
});

export const PodsMetricSourceSchema = z.strictObject({
  metric: MetricIdentifierSchema,
  target: MetricTargetSchema,
});

export const ResourceMetricSourceSchema = z.strictObject({
  name: z.string(),
  target: MetricTargetSchema,
});

export const ContainerResourceMetricSourceSchema = z.strictObject({
  name: z.string(),
  target: MetricTargetSchema,
  container: z.string(),
});

export const ExternalMetricSourceSchema = z.strictObject({
  metric: MetricIdentifierSchema,
  target: MetricTargetSchema,
});

export const MetricSourceType = z.enum(['Object', 'Pods', 'Resource', 'ContainerResource', 'External']);

export const MetricSpecSchema = z.strictObject({
  type: MetricSourceType,
  object: ObjectMetricSourceSchema.optional(),
  pods: PodsMetricSourceSchema.optional(),
  resource: ResourceMetricSourceSchema.optional(),
  containerResource: ContainerResourceMetricSourceSchema.optional(),
  external: ExternalMetricSourceSchema.optional(),
});

/** The subset of a MetricSpec the API rules read; both the strict (CRD) and lenient (HPA input) schemas fit it. */
interface MetricSpecShape {
  readonly type: 'Object' | 'Pods' | 'Resource' | 'ContainerResource' | 'External';
  readonly object?: { readonly target: MetricTargetShape } | undefined;
  readonly pods?: { readonly target: MetricTargetShape } | undefined;
  readonly resource?: { readonly target: MetricTargetShape } | undefined;
  readonly containerResource?: { readonly target: MetricTargetShape } | undefined;
  readonly external?: { readonly target: MetricTargetShape } | undefined;
}

interface MetricTargetShape {
  readonly type: 'Utilization' | 'Value' | 'AverageValue';
  readonly value?: unknown;
  readonly averageValue?: unknown;
  readonly averageUtilization?: unknown;
}

const SOURCE_MEMBER = { Object: 'object', Pods: 'pods', Resource: 'resource', ContainerResource: 'containerResource', External: 'external' } as const;
const ALLOWED_TARGETS: Readonly<Record<MetricSpecShape['type'], readonly MetricTargetShape['type'][]>> = {
  Object: ['Value', 'AverageValue'],
  Pods: ['AverageValue'],
  Resource: ['Utilization', 'AverageValue'],
  ContainerResource: ['Utilization', 'AverageValue'],
  External: ['Value', 'AverageValue'],
};

/**
 * The autoscaling/v2 API rules for one MetricSpec: the member named by `type` is set, its target type is one
 * that source allows, and the target's value field for that type is set. Paths are relative to the spec.
 */
export function metricSpecIssues(spec: MetricSpecShape): { path: (string | number)[]; message: string }[] {
  const key = SOURCE_MEMBER[spec.type];
  const source = spec[key];
  if (source === undefined) return [{ path: [key], message: `must be set when type is ${spec.type}` }];
  const { target } = source;
  const permitted = ALLOWED_TARGETS[spec.type];
  if (!permitted.includes(target.type)) {
    return [{ path: [key, 'target', 'type'], message: `must be one of ${permitted.join(', ')} for a ${spec.type} metric` }];
  }
  const field = target.type === 'Utilization' ? 'averageUtilization' : target.type === 'Value' ? 'value' : 'averageValue';
  return target[field] === undefined ? [{ path: [key, 'target', field], message: `must be set when target type is ${target.type}` }] : [];
}

// Grove's AutoScalingConfig: no `behavior` field (the HPA Grove creates uses the default behaviour).
export const AutoScalingConfigSchema = z.strictObject({
  minReplicas: int32().optional(),
  maxReplicas: int32(),
  metrics: z.array(MetricSpecSchema).optional().meta({ 'x-kubernetes-list-type': 'atomic' }),
});

export type MetricTarget = z.infer<typeof MetricTargetSchema>;
export type MetricIdentifier = z.infer<typeof MetricIdentifierSchema>;
export type CrossVersionObjectReference = z.infer<typeof CrossVersionObjectReferenceSchema>;
export type MetricSpec = z.infer<typeof MetricSpecSchema>;
export type AutoScalingConfig = z.infer<typeof AutoScalingConfigSchema>;
