// Small builders for placement tests: nodes with topology labels, pods with requests, gangs.
import type { TopologyLevelRef } from '../../../../src/controller/placement/cluster.ts';
import type { GangPod, PlacementGang } from '../../../../src/controller/placement/gang.ts';
import type { NodeObject, PodObject } from '../../../../src/controller/placement/kube.ts';

export const LEVELS: readonly TopologyLevelRef[] = [
  { domain: 'zone', key: 'topology.kubernetes.io/zone' },
  { domain: 'rack', key: 'topology.kubernetes.io/rack' },
  { domain: 'host', key: 'kubernetes.io/hostname' },
];
export const ZONE = 'topology.kubernetes.io/zone';
export const RACK = 'topology.kubernetes.io/rack';
export const HOST = 'kubernetes.io/hostname';

export function node(name: string, zone: string, rack: string, gpus = 8, extra: Partial<NodeObject> = {}): NodeObject {
  return {
    metadata: { name, labels: { [ZONE]: zone, [RACK]: rack, [HOST]: name } },
    status: { allocatable: { 'nvidia.com/gpu': String(gpus), cpu: '64', memory: '512Gi' } },
    ...extra,
  };
}

/** zones × racks × hosts nodes named `<zone>-<rack>-n<i>`, rack values repeating across zones. */
export function grid(zones: readonly string[], racks: readonly string[], hosts: number, gpus = 8): NodeObject[] {
  return zones.flatMap((z) => racks.flatMap((r) => Array.from({ length: hosts }, (_, i) => node(`${z}-${r}-n${i}`, z, r, gpus))));
}

export function boundPod(name: string, nodeName: string, gpus: number): PodObject {
  return {
    metadata: { name, namespace: 'default' },
    spec: { nodeName, containers: [{ name: 'c', resources: { requests: { 'nvidia.com/gpu': String(gpus) } } }] },
  };
}

export function pods(prefix: string, n: number, gpus: number): GangPod[] {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i}`, requests: { 'nvidia.com/gpu': gpus } }));
}

export function gang(name: string, podCount: number, gpus: number, more: Partial<PlacementGang> = {}): PlacementGang {
  return { name, namespace: 'default', podGroups: [{ name: `${name}-pg`, minReplicas: podCount, pods: pods(name, podCount, gpus) }], ...more };
}
