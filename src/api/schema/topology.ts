import { z } from 'zod';

// Grove-facing topology level name (region, zone, rack, host, ...), not a node label key.
export const TopologyDomainSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z][a-z0-9-]*$/);

export const WELL_KNOWN_TOPOLOGY_DOMAINS = ['region', 'zone', 'datacenter', 'block', 'rack', 'host', 'numa'] as const;

export const TopologyPackConstraintSchema = z.strictObject({
  required: TopologyDomainSchema.optional(),
  preferred: TopologyDomainSchema.optional(),
});

export const TopologyConstraintSchema = z.strictObject({
  topologyName: z.string().optional(),
  pack: TopologyPackConstraintSchema.optional(),
  // Deprecated; Grove rejects it on create.
  packDomain: TopologyDomainSchema.optional(),
});

export type TopologyDomain = z.infer<typeof TopologyDomainSchema>;
export type TopologyPackConstraint = z.infer<typeof TopologyPackConstraintSchema>;
export type TopologyConstraint = z.infer<typeof TopologyConstraintSchema>;
