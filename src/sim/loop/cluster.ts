// A simulated GPU cluster as v1 Node objects: racks of identical GPU nodes under one zone, labelled the way
// the topology-aware placement reads them (zone, rack, hostname), so the placement code sees what it would
// see in a real cluster.
import type { NodeObject } from '../../controller/placement/kube.ts';
import type { TopologyLevelRef } from '../../controller/placement/cluster.ts';

export interface RackClusterSpec {
  readonly racks: number;
  readonly nodesPerRack: number;
  readonly gpusPerNode: number;
  readonly zone?: string;
}

export const RACK_TOPOLOGY_LEVELS: readonly TopologyLevelRef[] = [
  { domain: 'zone', key: 'topology.kubernetes.io/zone' },
  { domain: 'rack', key: 'topology.kubernetes.io/rack' },
  { domain: 'host', key: 'kubernetes.io/hostname' },
];

export function rackClusterNodes(spec: RackClusterSpec): NodeObject[] {
  for (const [name, v] of Object.entries({ racks: spec.racks, nodesPerRack: spec.nodesPerRack, gpusPerNode: spec.gpusPerNode })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${String(v)}`);
  }
  const zone = spec.zone ?? 'zone-a';
  const nodes: NodeObject[] = [];
  for (let r = 1; r <= spec.racks; r++) {
    for (let n = 1; n <= spec.nodesPerRack; n++) {
      const name = `gpu-r${String(r).padStart(2, '0')}-n${String(n).padStart(2, '0')}`;
      nodes.push({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone, 'topology.kubernetes.io/rack': `rack-${String(r)}`, 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
        },
        status: { allocatable: { cpu: '192', memory: '1843Gi', 'nvidia.com/gpu': String(spec.gpusPerNode), pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
  }
  return nodes;
}
