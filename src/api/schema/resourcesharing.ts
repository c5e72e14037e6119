import { z } from 'zod';

// DRA resource sharing at PCS / PCSG / PCLQ level. Canopy carries these through; it does not model DRA.

export const ResourceSharingScope = z.enum(['AllReplicas', 'PerReplica']);

const sharingFields = {
  name: z.string(),
  namespace: z.string().optional(),
  scope: ResourceSharingScope,
};

export const ResourceSharingSpecSchema = z.strictObject(sharingFields);

export const PCSResourceSharingSpecSchema = z.strictObject({
  ...sharingFields,
  filter: z
    .strictObject({
      childCliqueNames: z.array(z.string()).optional(),
      childScalingGroupNames: z.array(z.string()).optional(),
    })
    .optional(),
});

export const PCSGResourceSharingSpecSchema = z.strictObject({
  ...sharingFields,
  filter: z.strictObject({ childCliqueNames: z.array(z.string()).optional() }).optional(),
});

// resource.k8s.io ResourceClaimTemplateSpec, passed through.
export const ResourceClaimTemplateConfigSchema = z.strictObject({
  name: z.string(),
  templateSpec: z.looseObject({}).meta({ 'x-kubernetes-preserve-unknown-fields': true }),
});

export type ResourceSharingSpec = z.infer<typeof ResourceSharingSpecSchema>;
export type PCSResourceSharingSpec = z.infer<typeof PCSResourceSharingSpecSchema>;
export type PCSGResourceSharingSpec = z.infer<typeof PCSGResourceSharingSpecSchema>;
export type ResourceClaimTemplateConfig = z.infer<typeof ResourceClaimTemplateConfigSchema>;
