import { z } from 'zod';
import { int32, int64, Quantity } from './common.ts';

// core/v1 PodSpec is embedded verbatim by Grove. Canopy types only the fields its validation, placement
// and simulation read; everything else passes through untouched (and the CRD preserves unknown fields).

export const ResourceRequirementsSchema = z.looseObject({
  requests: z.record(z.string(), Quantity).optional(),
  limits: z.record(z.string(), Quantity).optional(),
});

export const ContainerSchema = z.looseObject({
  name: z.string(),
  image: z.string().optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  resources: ResourceRequirementsSchema.optional(),
});

export const TopologySpreadConstraintSchema = z.looseObject({
  maxSkew: int32(),
  topologyKey: z.string(),
  whenUnsatisfiable: z.string(),
});

export const RestartPolicy = z.enum(['Always', 'OnFailure', 'Never']);

export const PodSpecSchema = z
  .looseObject({
    containers: z.array(ContainerSchema),
    initContainers: z.array(ContainerSchema).optional(),
    schedulerName: z.string().optional(),
    nodeName: z.string().optional(),
    nodeSelector: z.record(z.string(), z.string()).optional(),
    topologySpreadConstraints: z.array(TopologySpreadConstraintSchema).optional(),
    restartPolicy: RestartPolicy.optional(),
    terminationGracePeriodSeconds: int64().optional(),
    priorityClassName: z.string().optional(),
  })
  .meta({ 'x-kubernetes-preserve-unknown-fields': true });

export type ResourceRequirements = z.infer<typeof ResourceRequirementsSchema>;
export type Container = z.infer<typeof ContainerSchema>;
export type TopologySpreadConstraint = z.infer<typeof TopologySpreadConstraintSchema>;
export type PodSpec = z.infer<typeof PodSpecSchema>;
