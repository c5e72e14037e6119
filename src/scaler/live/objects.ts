// Reading the live objects the scaler needs out of raw API responses. Pure and lenient: the scaler reads a
// few fields and must not stop because Grove (or a newer Grove) added others.
import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import type { Pod } from '../hpa/types.ts';
import type { LiveObject } from './snapshot.ts';

const count = z.number().int().min(0).catch(0);

const liveSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), uid: z.string().optional() }),
  spec: z.looseObject({ replicas: count.default(0), minAvailable: z.number().int().min(0).optional().catch(undefined) }).default({ replicas: 0 }),
  status: z
    .looseObject({
      replicas: count.default(0),
      readyReplicas: count.default(0),
      availableReplicas: count.default(0),
      hpaPodSelector: z.string().optional().catch(undefined),
      selector: z.string().optional().catch(undefined),
    })
    .default({ replicas: 0, readyReplicas: 0, availableReplicas: 0 }),
});

/** A PodClique or PodCliqueScalingGroup as returned by the API server; undefined when it is not one. */
export function liveObjectFrom(kind: LiveObject['kind'], raw: unknown): LiveObject | undefined {
  const r = liveSchema.safeParse(raw);
  if (!r.success) return undefined;
  const { metadata, spec, status } = r.data;
  return {
    kind,
    name: metadata.name,
    ...(metadata.uid !== undefined ? { uid: metadata.uid } : {}),
    specReplicas: spec.replicas,
    statusReplicas: status.replicas,
    // A group's unit is an instance: it counts available instances; a clique counts ready pods.
    ready: kind === 'PodClique' ? status.readyReplicas : status.availableReplicas,
    ...(spec.minAvailable !== undefined ? { minAvailable: spec.minAvailable } : {}),
    selector: (kind === 'PodClique' ? status.hpaPodSelector : status.selector) ?? '',
  };
}

const iso = (d: Date | string | undefined | null): string | undefined => (d === undefined || d === null ? undefined : typeof d === 'string' ? d : d.toISOString());

/** The HPA core's view of a pod, from client-node's typed V1Pod (which carries Date objects). */
export function podFromV1(p: V1Pod): Pod | undefined {
  const name = p.metadata?.name;
  if (name === undefined) return undefined;
  const deletion = iso(p.metadata?.deletionTimestamp);
  const start = iso(p.status?.startTime);
  const phase = p.status?.phase;
  const phases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
  const knownPhase = phases.find((x) => x === phase);
  return {
    metadata: { name, ...(deletion !== undefined ? { deletionTimestamp: deletion } : {}) },
    spec: {
      containers: (p.spec?.containers ?? []).map((c) => ({
        name: c.name,
        ...(c.resources?.requests !== undefined ? { resources: { requests: { ...c.resources.requests } } } : {}),
      })),
    },
    status: {
      ...(knownPhase !== undefined ? { phase: knownPhase } : {}),
      ...(start !== undefined ? { startTime: start } : {}),
      conditions: (p.status?.conditions ?? []).flatMap((c) => {
        const status = c.status === 'True' || c.status === 'False' || c.status === 'Unknown' ? c.status : undefined;
        if (status === undefined) return [];
        const t = iso(c.lastTransitionTime);
        return [{ type: c.type, status, ...(t !== undefined ? { lastTransitionTime: t } : {}) }];
      }),
    },
  };
}
