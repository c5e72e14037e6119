import type { z } from 'zod';
import {
  ClusterTopologyBindingSchema,
  ClusterTopologyBindingSpecSchema,
  ClusterTopologyBindingStatusSchema,
} from './schema/clustertopologybinding.ts';
import { PodCliqueSchema, PodCliqueSpecSchema, PodCliqueStatusSchema } from './schema/podclique.ts';
import {
  PodCliqueScalingGroupSchema,
  PodCliqueScalingGroupSpecSchema,
  PodCliqueScalingGroupStatusSchema,
} from './schema/podcliquescalinggroup.ts';
import { PodCliqueSetSchema, PodCliqueSetSpecSchema, PodCliqueSetStatusSchema } from './schema/podcliqueset.ts';
import { PodGangSchema, PodGangSpecSchema, PodGangStatusSchema } from './schema/podgang.ts';

export const GROVE_GROUP = 'grove.io';
export const SCHEDULER_GROUP = 'scheduler.grove.io';
export const VERSION = 'v1alpha1';
export const GROVE_API_VERSION = `${GROVE_GROUP}/${VERSION}`;
export const SCHEDULER_API_VERSION = `${SCHEDULER_GROUP}/${VERSION}`;

export type GroveKind = 'PodCliqueSet' | 'PodClique' | 'PodCliqueScalingGroup' | 'ClusterTopologyBinding' | 'PodGang';

export interface ScaleSubresource {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  readonly labelSelectorPath: string;
}

export interface KindInfo {
  readonly kind: GroveKind;
  readonly group: string;
  readonly apiVersion: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
  readonly scale?: ScaleSubresource;
  // Whole object, for validating manifests.
  readonly schema: z.ZodType;
  // Spec and status alone, for CRD generation (the root and metadata are fixed by Kubernetes).
  readonly specSchema: z.ZodType;
  readonly statusSchema: z.ZodType;
}

const scale = (labelSelectorPath: string): ScaleSubresource => ({
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath,
});

export const KINDS: readonly KindInfo[] = [
  {
    kind: 'PodCliqueSet',
    group: GROVE_GROUP,
    apiVersion: GROVE_API_VERSION,
    plural: 'podcliquesets',
    singular: 'podcliqueset',
    shortNames: ['pcs'],
    scope: 'Namespaced',
    scale: scale('.status.hpaPodSelector'),
    schema: PodCliqueSetSchema,
    specSchema: PodCliqueSetSpecSchema,
    statusSchema: PodCliqueSetStatusSchema,
  },
  {
    kind: 'PodClique',
    group: GROVE_GROUP,
    apiVersion: GROVE_API_VERSION,
    plural: 'podcliques',
    singular: 'podclique',
    shortNames: ['pclq'],
    scope: 'Namespaced',
    scale: scale('.status.hpaPodSelector'),
    schema: PodCliqueSchema,
    specSchema: PodCliqueSpecSchema,
    statusSchema: PodCliqueStatusSchema,
  },
  {
    kind: 'PodCliqueScalingGroup',
    group: GROVE_GROUP,
    apiVersion: GROVE_API_VERSION,
    plural: 'podcliquescalinggroups',
    singular: 'podcliquescalinggroup',
    shortNames: ['pcsg'],
    scope: 'Namespaced',
    scale: scale('.status.selector'),
    schema: PodCliqueScalingGroupSchema,
    specSchema: PodCliqueScalingGroupSpecSchema,
    statusSchema: PodCliqueScalingGroupStatusSchema,
  },
  {
    kind: 'ClusterTopologyBinding',
    group: GROVE_GROUP,
    apiVersion: GROVE_API_VERSION,
    plural: 'clustertopologybindings',
    singular: 'clustertopologybinding',
    shortNames: ['ct'],
    scope: 'Cluster',
    schema: ClusterTopologyBindingSchema,
    specSchema: ClusterTopologyBindingSpecSchema,
    statusSchema: ClusterTopologyBindingStatusSchema,
  },
  {
    kind: 'PodGang',
    group: SCHEDULER_GROUP,
    apiVersion: SCHEDULER_API_VERSION,
    plural: 'podgangs',
    singular: 'podgang',
    shortNames: ['pg'],
    scope: 'Namespaced',
    schema: PodGangSchema,
    specSchema: PodGangSpecSchema,
    statusSchema: PodGangStatusSchema,
  },
];

export function kindInfo(apiVersion: unknown, kind: unknown): KindInfo | undefined {
  return KINDS.find((k) => k.apiVersion === apiVersion && k.kind === kind);
}
