import { z } from 'zod';
import { ConditionSchema, int32, ObjectMetaSchema } from './common.ts';

// scheduler.grove.io/v1alpha1. Constraints here hold node label keys, already translated from domains.

export const NamespacedNameSchema = z.strictObject({
  namespace: z.string(),
  name: z.string(),
});

export const PodGangTopologyPackConstraintSchema = z.strictObject({
  required: z.string().optional(),
  preferred: z.string().optional(),
});

export const PodGangTopologyConstraintSchema = z.strictObject({
  packConstraint: PodGangTopologyPackConstraintSchema.optional(),
});

export const PodGroupSchema = z.strictObject({
  // The PodClique FQN.
  name: z.string(),
  podReferences: z.array(NamespacedNameSchema),
  minReplicas: int32(),
  topologyConstraint: PodGangTopologyConstraintSchema.optional(),
});

export const TopologyConstraintGroupConfigSchema = z.strictObject({
  name: z.string(),
  podGroupNames: z.array(z.string()),
  topologyConstraint: PodGangTopologyConstraintSchema.optional(),
});

export const PodGangSpecSchema = z.strictObject({
  podgroups: z.array(PodGroupSchema),
  topologyConstraint: PodGangTopologyConstraintSchema.optional(),
  topologyConstraintGroupConfigs: z.array(TopologyConstraintGroupConfigSchema).optional(),
  priorityClassName: z.string().optional(),
  reuseReservationRef: NamespacedNameSchema.optional(),
});

export const PodGangPhaseSchema = z.enum(['Pending', 'Starting', 'Running']);

export const PODGANG_CONDITION_TYPES = ['Scheduled', 'Ready', 'Initialized', 'Unhealthy', 'DisruptionTarget'] as const;

export const PodGangStatusSchema = z.strictObject({
  phase: PodGangPhaseSchema,
  conditions: z.array(ConditionSchema).optional(),
  // 1.0 is the best placement.
  placementScore: z.number().optional().meta({ format: 'double' }),
});

export const PodGangSchema = z.strictObject({
  apiVersion: z.literal('scheduler.grove.io/v1alpha1'),
  kind: z.literal('PodGang'),
  metadata: ObjectMetaSchema,
  spec: PodGangSpecSchema,
  status: PodGangStatusSchema.optional(),
});

export type NamespacedName = z.infer<typeof NamespacedNameSchema>;
export type PodGangTopologyPackConstraint = z.infer<typeof PodGangTopologyPackConstraintSchema>;
export type PodGangTopologyConstraint = z.infer<typeof PodGangTopologyConstraintSchema>;
export type PodGroup = z.infer<typeof PodGroupSchema>;
export type TopologyConstraintGroupConfig = z.infer<typeof TopologyConstraintGroupConfigSchema>;
export type PodGangSpec = z.infer<typeof PodGangSpecSchema>;
export type PodGangPhaseValue = z.infer<typeof PodGangPhaseSchema>;
export type PodGangStatus = z.infer<typeof PodGangStatusSchema>;
export type PodGang = z.infer<typeof PodGangSchema>;
