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
