import { z } from 'zod';
import { AutoScalingConfigSchema } from './autoscaling.ts';
import { ConditionSchema, Duration, int32, int64, LastErrorSchema, ObjectMetaSchema, StringMap, Time } from './common.ts';
import { PodCliqueSpecSchema } from './podclique.ts';
import {
  PCSGResourceSharingSpecSchema,
  PCSResourceSharingSpecSchema,
  ResourceClaimTemplateConfigSchema,
  ResourceSharingSpecSchema,
} from './resourcesharing.ts';
import { TopologyConstraintSchema } from './topology.ts';

export const UpdateStrategyType = z.enum(['RollingRecreate', 'OnDelete']);
export const CliqueStartupType = z.enum([
  'CliqueStartupTypeAnyOrder',
  'CliqueStartupTypeInOrder',
  'CliqueStartupTypeExplicit',
]);

export const PodCliqueTemplateSpecSchema = z.strictObject({
  name: z.string(),
  labels: StringMap.optional(),
  annotations: StringMap.optional(),
  topologyConstraint: TopologyConstraintSchema.optional(),
  resourceSharing: z.array(ResourceSharingSpecSchema).optional(),
  spec: PodCliqueSpecSchema,
});

export const PodCliqueScalingGroupConfigSchema = z.strictObject({
  name: z.string(),
  cliqueNames: z.array(z.string()),
  annotations: StringMap.optional(),
  // Used only when the PodCliqueScalingGroup object is first created; the HPA owns it afterwards.
  replicas: int32().optional().meta({ default: 1 }),
  // Immutable.
  minAvailable: int32().optional().meta({ default: 1 }),
  scaleConfig: AutoScalingConfigSchema.optional(),
  resourceSharing: z.array(PCSGResourceSharingSpecSchema).optional(),
  topologyConstraint: TopologyConstraintSchema.optional(),
});

export const HeadlessServiceConfigSchema = z.strictObject({
  publishNotReadyAddresses: z.boolean().optional().meta({ default: true }),
});

export const PodCliqueSetTemplateSpecSchema = z.strictObject({
  cliques: z
    .array(PodCliqueTemplateSpecSchema)
    .min(1, 'at least one PodClique must be defined')
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }),
  cliqueStartupType: CliqueStartupType.optional().meta({ default: 'CliqueStartupTypeAnyOrder' }),
  priorityClassName: z.string().optional(),
  headlessServiceConfig: HeadlessServiceConfigSchema.optional(),
  topologyConstraint: TopologyConstraintSchema.optional(),
  terminationDelay: Duration.optional(),
  resourceClaimTemplates: z.array(ResourceClaimTemplateConfigSchema).optional(),
  resourceSharing: z.array(PCSResourceSharingSpecSchema).optional(),
  podCliqueScalingGroups: z.array(PodCliqueScalingGroupConfigSchema).optional(),
});

export const PodCliqueSetUpdateStrategySchema = z.strictObject({
  type: UpdateStrategyType.optional().meta({ default: 'RollingRecreate' }),
});

export const PodCliqueSetSpecSchema = z.strictObject({
  replicas: int32().min(0).optional().meta({ default: 0 }),
  updateStrategy: PodCliqueSetUpdateStrategySchema.optional(),
  template: PodCliqueSetTemplateSpecSchema,
});

export const PodGangPhase = z.enum(['Pending', 'Starting', 'Running', 'Failed', 'Succeeded']);

// Declared by Grove in PodCliqueSet.status but never written.
export const PodCliqueSetPodGangStatusSchema = z.strictObject({
  name: z.string(),
  phase: PodGangPhase,
  conditions: z.array(ConditionSchema).optional(),
});

export const PodCliqueSetReplicaUpdateProgressSchema = z.strictObject({
  replicaIndex: int32(),
  updateStartedAt: Time.optional(),
  updateEndedAt: Time.optional(),
});

export const PodCliqueSetUpdateProgressSchema = z.strictObject({
  updateStartedAt: Time.optional(),
  updateEndedAt: Time.optional(),
  updatedPodCliquesCount: int32().optional(),
  totalPodCliquesCount: int32().optional(),
  updatedPodCliqueScalingGroupsCount: int32().optional(),
  totalPodCliqueScalingGroupsCount: int32().optional(),
  currentlyUpdating: z.array(PodCliqueSetReplicaUpdateProgressSchema).optional(),
});

export const PodCliqueSetStatusSchema = z.strictObject({
  observedGeneration: int64().optional(),
  conditions: z.array(ConditionSchema).optional(),
  lastErrors: z.array(LastErrorSchema).optional(),
  replicas: int32().optional(),
  updatedReplicas: int32().optional().meta({ default: 0 }),
  availableReplicas: int32().optional().meta({ default: 0 }),
  hpaPodSelector: z.string().optional(),
  podGangStatuses: z.array(PodCliqueSetPodGangStatusSchema).optional(),
  currentGenerationHash: z.string().optional(),
  updateProgress: PodCliqueSetUpdateProgressSchema.optional(),
});

export const PodCliqueSetSchema = z.strictObject({
  apiVersion: z.literal('grove.io/v1alpha1'),
  kind: z.literal('PodCliqueSet'),
  metadata: ObjectMetaSchema,
  spec: PodCliqueSetSpecSchema,
  status: PodCliqueSetStatusSchema.optional(),
});

export type UpdateStrategyTypeValue = z.infer<typeof UpdateStrategyType>;
export type CliqueStartupTypeValue = z.infer<typeof CliqueStartupType>;
export type PodCliqueTemplateSpec = z.infer<typeof PodCliqueTemplateSpecSchema>;
export type PodCliqueScalingGroupConfig = z.infer<typeof PodCliqueScalingGroupConfigSchema>;
export type HeadlessServiceConfig = z.infer<typeof HeadlessServiceConfigSchema>;
export type PodCliqueSetTemplateSpec = z.infer<typeof PodCliqueSetTemplateSpecSchema>;
export type PodCliqueSetUpdateStrategy = z.infer<typeof PodCliqueSetUpdateStrategySchema>;
export type PodCliqueSetSpec = z.infer<typeof PodCliqueSetSpecSchema>;
export type PodCliqueSetUpdateProgress = z.infer<typeof PodCliqueSetUpdateProgressSchema>;
export type PodCliqueSetStatus = z.infer<typeof PodCliqueSetStatusSchema>;
export type PodCliqueSet = z.infer<typeof PodCliqueSetSchema>;
