import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { withRetry, type RetryOptions } from './retry.ts';

/** The three Grove kinds that have a /scale subresource, with their REST plurals. */
export const scalablePlurals = {
  PodCliqueSet: 'podcliquesets',
  PodClique: 'podcliques',
  PodCliqueScalingGroup: 'podcliquescalinggroups',
} as const;

export type ScalableKind = keyof typeof scalablePlurals;

export interface ScaleTarget {
  kind: ScalableKind;
  namespace: string;
  name: string;
}

/** autoscaling/v1 Scale as the API server returns it for a custom resource. */
export interface ScaleState {
  specReplicas: number;
  statusReplicas: number;
  /** From the kind's labelSelectorPath; empty until the owner publishes it. */
  selector: string;
  resourceVersion: string;
}

const scaleSchema = z.object({
  metadata: z.object({ resourceVersion: z.string().default('') }).default({ resourceVersion: '' }),
  spec: z.object({ replicas: z.number().int().default(0) }).default({ replicas: 0 }),
  status: z.object({ replicas: z.number().int().default(0), selector: z.string().default('') }).default({ replicas: 0, selector: '' }),
});

export function parseScale(body: unknown): ScaleState {
  const s = scaleSchema.parse(body);
  return {
    specReplicas: s.spec.replicas,
    statusReplicas: s.status.replicas,
    selector: s.status.selector,
    resourceVersion: s.metadata.resourceVersion,
  };
}

export interface ScaleClient {
  get(target: ScaleTarget): Promise<ScaleState>;
  /** Merge patch of spec.replicas, guarded by resourceVersion so a concurrent writer causes a 409, not a lost update. */
  patchReplicas(target: ScaleTarget, replicas: number, resourceVersion: string): Promise<ScaleState>;
}

export interface ScaleResult {
  target: ScaleTarget;
  from: number;
  to: number;
  changed: boolean;
}

/**
 * Sets spec.replicas through /scale. Idempotent (no write when already there) and retried on conflicts by
 * re-reading, so the write is always computed against the latest object.
 */
export async function setReplicas(
  client: ScaleClient,
  target: ScaleTarget,
  replicas: number,
  retry: RetryOptions = {},
): Promise<ScaleResult> {
  if (!Number.isInteger(replicas) || replicas < 0) throw new RangeError(`replicas must be a non-negative integer, got ${replicas}`);
  return withRetry(async () => {
    const current = await client.get(target);
    if (current.specReplicas === replicas) return { target, from: current.specReplicas, to: replicas, changed: false };
    const after = await client.patchReplicas(target, replicas, current.resourceVersion);
    return { target, from: current.specReplicas, to: after.specReplicas, changed: true };
  }, retry);
}

const GROUP = 'grove.io';
const VERSION = 'v1alpha1';

export function createScaleClient(kc: KubeConfig, fieldManager = 'canopy'): ScaleClient {
  const api = kc.makeApiClient(CustomObjectsApi);
  const base = (t: ScaleTarget) => ({ group: GROUP, version: VERSION, namespace: t.namespace, plural: scalablePlurals[t.kind], name: t.name });
  return {
    async get(target) {
      const body: unknown = await api.getNamespacedCustomObjectScale(base(target));
      return parseScale(body);
    },
    async patchReplicas(target, replicas, resourceVersion) {
      const patch = { metadata: { resourceVersion }, spec: { replicas } };
      const body: unknown = await api.patchNamespacedCustomObjectScale(
        { ...base(target), body: patch, fieldManager },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      return parseScale(body);
    },
  };
}
