import { z } from 'zod';
import { AutoScalingConfigSchema } from './autoscaling.ts';
import { ConditionSchema, int32, int64, LastErrorSchema, ObjectMetaSchema, Time } from './common.ts';
import { PodSpecSchema } from './podspec.ts';

// Shared by PodCliqueSet.spec.template.cliques[].spec and the PodClique object Grove creates from it.
export const PodCliqueSpecSchema = z.strictObject({
  roleName: z.string(),
  podSpec: PodSpecSchema,
  // Defaulted to 1 by Grove's webhook when 0 or absent.
  replicas: int32().min(0).optional(),
  // Defaulted to the clique's replicas; immutable.
  minAvailable: int32().optional(),
  // Only with CliqueStartupTypeExplicit; Grove rewrites entries to parent FQNs on the PodClique object.
  startsAfter: z.array(z.string()).optional(),
  autoScalingConfig: AutoScalingConfigSchema.optional(),
});

export const PodsSelectedToUpdateSchema = z.strictObject({
  current: z.string(),
  completed: z.array(z.string()).optional(),
});

export const PodCliqueUpdateProgressSchema = z.strictObject({
  updateStartedAt: Time.optional(),
  updateEndedAt: Time.optional(),
  podCliqueSetGenerationHash: z.string(),
  podTemplateHash: z.string(),
  readyPodsSelectedToUpdate: PodsSelectedToUpdateSchema.optional(),
});

export const PodCliqueStatusSchema = z.strictObject({
  observedGeneration: int64().optional(),
  lastErrors: z.array(LastErrorSchema).optional(),
  replicas: int32().optional(),
  readyReplicas: int32().optional().meta({ default: 0 }),
  updatedReplicas: int32().optional().meta({ default: 0 }),
  scheduleGatedReplicas: int32().optional().meta({ default: 0 }),
  scheduledReplicas: int32().optional().meta({ default: 0 }),
  hpaPodSelector: z.string().optional(),
  conditions: z.array(ConditionSchema).optional(),
  currentPodCliqueSetGenerationHash: z.string().optional(),
  currentPodTemplateHash: z.string().optional(),
  updateProgress: PodCliqueUpdateProgressSchema.optional(),
});

export const PodCliqueSchema = z.strictObject({
  apiVersion: z.literal('grove.io/v1alpha1'),
  kind: z.literal('PodClique'),
  metadata: ObjectMetaSchema,
  spec: PodCliqueSpecSchema,
  status: PodCliqueStatusSchema.optional(),
});

export type PodCliqueSpec = z.infer<typeof PodCliqueSpecSchema>;
export type PodCliqueUpdateProgress = z.infer<typeof PodCliqueUpdateProgressSchema>;
export type PodCliqueStatus = z.infer<typeof PodCliqueStatusSchema>;
export type PodClique = z.infer<typeof PodCliqueSchema>;
