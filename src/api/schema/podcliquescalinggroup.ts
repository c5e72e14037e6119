import { z } from 'zod';
import { ConditionSchema, int32, int64, LastErrorSchema, ObjectMetaSchema, Time } from './common.ts';

export const PodCliqueScalingGroupSpecSchema = z.strictObject({
  // The /scale target; unit = group replicas.
  replicas: int32().optional().meta({ default: 1 }),
  minAvailable: int32().optional().meta({ default: 1 }),
  cliqueNames: z.array(z.string()),
});

export const PodCliqueScalingGroupReplicaUpdateProgressSchema = z.strictObject({
  current: int32(),
  completed: z.array(int32()).optional(),
});

export const PodCliqueScalingGroupUpdateProgressSchema = z.strictObject({
  updateStartedAt: Time,
  updateEndedAt: Time.optional(),
  podCliqueSetGenerationHash: z.string(),
  updatedPodCliquesCount: int32().optional(),
  totalPodCliquesCount: int32().optional(),
  readyReplicaIndicesSelectedToUpdate: PodCliqueScalingGroupReplicaUpdateProgressSchema.optional(),
});

export const PodCliqueScalingGroupStatusSchema = z.strictObject({
  replicas: int32().optional(),
  scheduledReplicas: int32().optional().meta({ default: 0 }),
  availableReplicas: int32().optional().meta({ default: 0 }),
  updatedReplicas: int32().optional().meta({ default: 0 }),
  // Note the name: PCSG publishes `selector`, PCS and PCLQ publish `hpaPodSelector`.
  selector: z.string().optional(),
  observedGeneration: int64().optional(),
  lastErrors: z.array(LastErrorSchema).optional(),
  conditions: z.array(ConditionSchema).optional(),
  currentPodCliqueSetGenerationHash: z.string().optional(),
  // Deprecated twin of updateProgress, still written by Grove for compatibility.
  rollingUpdateProgress: PodCliqueScalingGroupUpdateProgressSchema.optional(),
  updateProgress: PodCliqueScalingGroupUpdateProgressSchema.optional(),
});

export const PodCliqueScalingGroupSchema = z.strictObject({
  apiVersion: z.literal('grove.io/v1alpha1'),
  kind: z.literal('PodCliqueScalingGroup'),
  metadata: ObjectMetaSchema,
  spec: PodCliqueScalingGroupSpecSchema,
  status: PodCliqueScalingGroupStatusSchema.optional(),
});

export type PodCliqueScalingGroupSpec = z.infer<typeof PodCliqueScalingGroupSpecSchema>;
export type PodCliqueScalingGroupUpdateProgress = z.infer<typeof PodCliqueScalingGroupUpdateProgressSchema>;
export type PodCliqueScalingGroupStatus = z.infer<typeof PodCliqueScalingGroupStatusSchema>;
export type PodCliqueScalingGroup = z.infer<typeof PodCliqueScalingGroupSchema>;
