import { z } from 'zod';

// Kubernetes int32/int64 fields. CRD generation maps these to `format: int32|int64` and drops the
// implied range bounds (the API server enforces the width itself).
export const int32 = (): z.ZodInt32 => z.int32().meta({ format: 'int32' });
export const int64 = (): z.ZodInt => z.int().meta({ format: 'int64' });

// metav1.Time and metav1.Duration travel as strings (RFC 3339 and Go duration syntax respectively).
export const Time = z.string().meta({ format: 'date-time' });
export const Duration = z.string().meta({ format: 'duration' });

// resource.Quantity and intstr.IntOrString: a number or a string on the wire.
export const IntOrString = z
  .union([z.int(), z.string()])
  .meta({ 'x-kubernetes-int-or-string': true });
export const Quantity = IntOrString;

export const StringMap = z.record(z.string(), z.string());

export const OwnerReferenceSchema = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});

// ObjectMeta as a client sends it. The CRD schema never describes metadata (the API server owns it),
// but `canopy validate` still wants to catch misspelled keys such as `lables`.
export const ObjectMetaSchema = z.strictObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  selfLink: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: int64().optional(),
  creationTimestamp: Time.nullable().optional(),
  deletionTimestamp: Time.nullable().optional(),
  deletionGracePeriodSeconds: int64().optional(),
  labels: StringMap.optional(),
  annotations: StringMap.optional(),
  ownerReferences: z.array(OwnerReferenceSchema).optional(),
  finalizers: z.array(z.string()).optional(),
  managedFields: z.array(z.looseObject({})).optional(),
});

export const ConditionStatus = z.enum(['True', 'False', 'Unknown']);

// metav1.Condition.
export const ConditionSchema = z.strictObject({
  type: z
    .string()
    .max(316)
    .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/),
  status: ConditionStatus,
  observedGeneration: int64().min(0).optional(),
  lastTransitionTime: Time,
  reason: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/),
  message: z.string().max(32768),
});

// Grove's LastError.
export const LastErrorSchema = z.strictObject({
  code: z.string(),
  description: z.string(),
  observedAt: Time,
});

export const LabelSelectorRequirementSchema = z.strictObject({
  key: z.string(),
  operator: z.string(),
  values: z.array(z.string()).optional(),
});

export const LabelSelectorSchema = z.strictObject({
  matchLabels: StringMap.optional(),
  matchExpressions: z.array(LabelSelectorRequirementSchema).optional(),
});

export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;
export type OwnerReference = z.infer<typeof OwnerReferenceSchema>;
export type Condition = z.infer<typeof ConditionSchema>;
export type LastError = z.infer<typeof LastErrorSchema>;
export type LabelSelector = z.infer<typeof LabelSelectorSchema>;
export type IntOrStringValue = z.infer<typeof IntOrString>;
