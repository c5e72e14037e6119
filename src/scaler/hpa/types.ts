import { z } from 'zod';
import { isQuantity, milliValueBigInt, parseQuantity } from '../../api/quantity.ts';
import { metricSpecIssues } from '../../api/schema/autoscaling.ts';
import { isTimestamp } from './time.ts';

// The JSON shapes the HPA controller reads: autoscaling/v2 HorizontalPodAutoscaler and the parts of a v1
// Pod it looks at. Quantities are strings (a bare JSON number is accepted, as apimachinery does) and
// timestamps are RFC 3339 strings. Unknown fields are dropped, so whole objects from the API server fit.

const fitsMilli = (q: string | number): boolean => {
  try {
    milliValueBigInt(q);
    return true;
  } catch {
    return false;
  }
};

// The HPA reads every quantity as an int64 milli-value; one that overflows it is refused here rather than
// turned into the garbage Kubernetes would compute.
export const QuantitySchema = z
  .union([z.string(), z.number()])
  .refine((q) => isQuantity(q), { message: 'not a valid Kubernetes quantity', abort: true })
  .refine(fitsMilli, { message: 'milli-value overflows int64' });

export const TimestampSchema = z.string().refine(isTimestamp, { message: 'not an RFC 3339 timestamp' });

const int32 = () => z.number().int().min(-2_147_483_648).max(2_147_483_647);
const positiveQuantity = QuantitySchema.refine((q) => parseQuantity(q).nanos > 0n, { message: 'must be positive' });

export const MetricTargetSchema = z.object({
  type: z.enum(['Utilization', 'Value', 'AverageValue']),
  value: positiveQuantity.optional(),
  averageValue: positiveQuantity.optional(),
  averageUtilization: int32().min(1).optional(),
});

export const LabelSelectorSchema = z.object({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(z.object({ key: z.string(), operator: z.string(), values: z.array(z.string()).optional() }))
    .optional(),
});

export const MetricIdentifierSchema = z.object({ name: z.string().min(1), selector: LabelSelectorSchema.optional() });

export const CrossVersionObjectReferenceSchema = z.object({
  kind: z.string().min(1),
  name: z.string().min(1),
  apiVersion: z.string().optional(),
});

export const MetricSpecSchema = z
  .object({
    type: z.enum(['Object', 'Pods', 'Resource', 'ContainerResource', 'External']),
    object: z
      .object({ describedObject: CrossVersionObjectReferenceSchema, metric: MetricIdentifierSchema, target: MetricTargetSchema })
      .optional(),
    pods: z.object({ metric: MetricIdentifierSchema, target: MetricTargetSchema }).optional(),
    resource: z.object({ name: z.string().min(1), target: MetricTargetSchema }).optional(),
    containerResource: z
      .object({ name: z.string().min(1), container: z.string().min(1), target: MetricTargetSchema })
      .optional(),
    external: z.object({ metric: MetricIdentifierSchema, target: MetricTargetSchema }).optional(),
  })
  .superRefine((spec, ctx) => {
    for (const issue of metricSpecIssues(spec)) ctx.addIssue({ code: 'custom', ...issue });
  });

export const HPAScalingPolicySchema = z.object({
  type: z.enum(['Pods', 'Percent']),
  value: int32().min(1),
  periodSeconds: int32().min(1).max(1800),
});

export const HPAScalingRulesSchema = z.object({
  stabilizationWindowSeconds: int32().min(0).max(3600).optional(),
  selectPolicy: z.enum(['Max', 'Min', 'Disabled']).optional(),
  policies: z.array(HPAScalingPolicySchema).min(1).optional(),
  tolerance: QuantitySchema.refine((q) => parseQuantity(q).nanos >= 0n, { message: 'must be greater than or equal to 0' }).optional(),
});

export const HorizontalPodAutoscalerBehaviorSchema = z.object({
  scaleUp: HPAScalingRulesSchema.optional(),
  scaleDown: HPAScalingRulesSchema.optional(),
});

export const HorizontalPodAutoscalerSpecSchema = z
  .object({
    scaleTargetRef: CrossVersionObjectReferenceSchema,
    minReplicas: int32().min(0).optional(),
    maxReplicas: int32().min(1),
    metrics: z.array(MetricSpecSchema).optional(),
    behavior: HorizontalPodAutoscalerBehaviorSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.minReplicas !== undefined && spec.minReplicas > spec.maxReplicas) {
      ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: 'must be less than or equal to maxReplicas' });
    }
    if (spec.minReplicas === 0 && !(spec.metrics ?? []).some((m) => m.type === 'Object' || m.type === 'External')) {
      ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: 'may be 0 only with at least one Object or External metric' });
    }
  });

export const HorizontalPodAutoscalerSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.object({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
  spec: HorizontalPodAutoscalerSpecSchema,
});

const ContainerSchema = z.object({
  name: z.string(),
  restartPolicy: z.string().optional(),
  resources: z.object({ requests: z.record(z.string(), QuantitySchema).optional() }).optional(),
});

export const PodConditionSchema = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  lastTransitionTime: TimestampSchema.optional(),
});

export const PodSchema = z.object({
  metadata: z.object({ name: z.string().min(1), deletionTimestamp: TimestampSchema.nullable().optional() }),
  spec: z.object({ containers: z.array(ContainerSchema), initContainers: z.array(ContainerSchema).optional() }).optional(),
  status: z
    .object({
      phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']).optional(),
      conditions: z.array(PodConditionSchema).optional(),
      startTime: TimestampSchema.optional(),
    })
    .optional(),
});

export type MetricTarget = z.infer<typeof MetricTargetSchema>;
export type MetricSpec = z.infer<typeof MetricSpecSchema>;
export type MetricSourceType = MetricSpec['type'];
export type HPAScalingPolicy = z.infer<typeof HPAScalingPolicySchema>;
export type HPAScalingRules = z.infer<typeof HPAScalingRulesSchema>;
export type HorizontalPodAutoscalerBehavior = z.infer<typeof HorizontalPodAutoscalerBehaviorSchema>;
export type HorizontalPodAutoscalerSpec = z.infer<typeof HorizontalPodAutoscalerSpecSchema>;
export type HorizontalPodAutoscaler = z.infer<typeof HorizontalPodAutoscalerSchema>;
export type Pod = z.infer<typeof PodSchema>;
export type PodCondition = z.infer<typeof PodConditionSchema>;
