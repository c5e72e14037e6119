import { z } from 'zod';
import { ConditionSchema, int64, ObjectMetaSchema } from './common.ts';
import { TopologyDomainSchema } from './topology.ts';

export const TopologyLevelSchema = z.strictObject({
  domain: TopologyDomainSchema,
  // A node label key (qualified name).
  key: z
    .string()
    .min(1)
    .max(63)
    .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/),
});

export const SchedulerTopologyBindingSchema = z.strictObject({
  schedulerName: z.string(),
  topologyReference: z.string(),
});

export const SchedulerTopologyStatusSchema = z.strictObject({
  schedulerName: z.string(),
  topologyReference: z.string(),
  inSync: z.boolean(),
  schedulerBackendTopologyObservedGeneration: int64().optional(),
  message: z.string().optional(),
});

export const ClusterTopologyBindingSpecSchema = z.strictObject({
  // Broadest first.
  levels: z.array(TopologyLevelSchema).min(1),
  schedulerTopologyBindings: z.array(SchedulerTopologyBindingSchema).optional(),
});

export const ClusterTopologyBindingStatusSchema = z.strictObject({
  observedGeneration: int64().optional(),
  conditions: z.array(ConditionSchema).optional(),
  schedulerTopologyStatuses: z.array(SchedulerTopologyStatusSchema).optional(),
});

export const ClusterTopologyBindingSchema = z.strictObject({
  apiVersion: z.literal('grove.io/v1alpha1'),
  kind: z.literal('ClusterTopologyBinding'),
  metadata: ObjectMetaSchema,
  spec: ClusterTopologyBindingSpecSchema,
  status: ClusterTopologyBindingStatusSchema.optional(),
});

export type TopologyLevel = z.infer<typeof TopologyLevelSchema>;
export type SchedulerTopologyBinding = z.infer<typeof SchedulerTopologyBindingSchema>;
export type ClusterTopologyBindingSpec = z.infer<typeof ClusterTopologyBindingSpecSchema>;
export type ClusterTopologyBindingStatus = z.infer<typeof ClusterTopologyBindingStatusSchema>;
export type ClusterTopologyBinding = z.infer<typeof ClusterTopologyBindingSchema>;
