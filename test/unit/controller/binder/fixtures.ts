// Builders for binder tests: topology-labelled GPU nodes, PodGangs with their pods, a snapshot.
import type { ClusterTopologyBinding, PodGang } from '../../../../src/api/types.ts';
import { LABEL_BASE_PODGANG, LABEL_PODGANG, LABEL_SCHEDULER_NAME } from '../../../../src/api/labels.ts';
import type { NodeObject } from '../../../../src/controller/placement/kube.ts';
import type { BinderPod, BinderSnapshot } from '../../../../src/controller/binder/types.ts';
import { ANNOTATION_PLACEMENT_PLAN, formatPersistedPlan, type PersistedPlan } from '../../../../src/controller/binder/plan-annotation.ts';

export const ZONE = 'topology.kubernetes.io/zone';
export const RACK = 'topology.kubernetes.io/rack';
export const HOST = 'kubernetes.io/hostname';
export const SCHED = 'canopy';
export const NOW = '2026-01-01T00:00:00Z';

export const TOPOLOGY: ClusterTopologyBinding = {
  apiVersion: 'grove.io/v1alpha1',
  kind: 'ClusterTopologyBinding',
  metadata: { name: 'cluster' },
  spec: {
    levels: [
      { domain: 'zone', key: ZONE },
      { domain: 'rack', key: RACK },
      { domain: 'host', key: HOST },
    ],
  },
};

export function node(name: string, zone: string, rack: string, gpus = 8): NodeObject {
  return {
    metadata: { name, labels: { [ZONE]: zone, [RACK]: rack, [HOST]: name } },
    status: { allocatable: { 'nvidia.com/gpu': String(gpus), cpu: '64' }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export interface PodOptions {
  readonly gpus?: number;
  readonly nodeName?: string;
  readonly scheduler?: string;
  readonly baseGang?: string;
  readonly phase?: string;
  readonly gates?: readonly string[];
}

export function pod(name: string, gang: string, o: PodOptions = {}): BinderPod {
  return {
    metadata: { name, namespace: 'ns', labels: { [LABEL_PODGANG]: gang, ...(o.baseGang === undefined ? {} : { [LABEL_BASE_PODGANG]: o.baseGang }) } },
    spec: {
      schedulerName: o.scheduler ?? SCHED,
      containers: [{ name: 'c', resources: { requests: { 'nvidia.com/gpu': String(o.gpus ?? 1) } } }],
      ...(o.nodeName === undefined ? {} : { nodeName: o.nodeName }),
      ...(o.gates === undefined ? {} : { schedulingGates: o.gates.map((g) => ({ name: g })) }),
    },
    status: { phase: o.phase ?? 'Pending' },
  };
}

export interface GangOptions {
  readonly required?: string;
  readonly plan?: PersistedPlan;
  readonly generation?: number;
  readonly scheduler?: string;
  readonly status?: PodGang['status'];
}

/** A gang of podgroups given as [name, minReplicas, pod names]. */
export function podGang(name: string, groups: readonly (readonly [string, number, readonly string[]])[], o: GangOptions = {}): PodGang {
  return {
    apiVersion: 'scheduler.grove.io/v1alpha1',
    kind: 'PodGang',
    metadata: {
      name,
      namespace: 'ns',
      generation: o.generation ?? 1,
      resourceVersion: '10',
      labels: { [LABEL_SCHEDULER_NAME]: o.scheduler ?? SCHED },
      ...(o.plan === undefined ? {} : { annotations: { [ANNOTATION_PLACEMENT_PLAN]: formatPersistedPlan(o.plan) } }),
    },
    spec: {
      podgroups: groups.map(([pg, min, names]) => ({ name: pg, minReplicas: min, podReferences: names.map((n) => ({ namespace: 'ns', name: n })) })),
      ...(o.required === undefined ? {} : { topologyConstraint: { packConstraint: { required: o.required } } }),
    },
    ...(o.status === undefined ? {} : { status: o.status }),
  };
}

export function snapshot(podGangs: readonly PodGang[], pods: readonly BinderPod[], nodes: readonly NodeObject[]): BinderSnapshot {
  return { podGangs, pods, nodes, topologies: [TOPOLOGY] };
}

export function names(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
}
