// The Placer the loop uses: Canopy's own topology-aware, all-or-nothing gang placement
// (src/controller/placement) over the simulated nodes, with every unit already running taken off its node.
import { buildClusterModel, type TopologyLevelRef } from '../../controller/placement/cluster.ts';
import type { NodeObject, PodObject } from '../../controller/placement/kube.ts';
import type { PlacementGang } from '../../controller/placement/gang.ts';
import { planPlacement } from '../../controller/placement/plan.ts';
import { GPU_RESOURCE } from '../../scaler/targets.ts';
import type { Placer, PlacementOutcome, UnitGang } from './types.ts';

export interface GangPlacerOptions {
  readonly nodes: readonly NodeObject[];
  readonly levels: readonly TopologyLevelRef[];
  readonly namespace?: string;
  /** Node label key every pod of a unit must share (e.g. the rack: NVLink / leaf locality). */
  readonly packRequiredKey?: string;
}

function boundPod(pod: string, node: string, gpus: number, namespace: string): PodObject {
  return {
    metadata: { name: pod, namespace },
    spec: { nodeName: node, containers: [{ name: 'engine', resources: { requests: { [GPU_RESOURCE]: String(gpus) } } }] },
    status: { phase: 'Running' },
  };
}

export function createGangPlacer(options: GangPlacerOptions): Placer {
  const namespace = options.namespace ?? 'default';
  const totalGpus = options.nodes.reduce((s, n) => s + Number(n.status?.allocatable?.[GPU_RESOURCE] ?? 0), 0);
  return {
    totalGpus,
    place(gang: UnitGang, bound): PlacementOutcome {
      const model = buildClusterModel({
        nodes: options.nodes,
        pods: bound.map((b) => boundPod(b.pod, b.node, b.gpus, namespace)),
        levels: options.levels,
        extraResources: [GPU_RESOURCE],
      });
      const placement: PlacementGang = {
        name: gang.name,
        namespace,
        ...(options.packRequiredKey === undefined ? {} : { pack: { required: options.packRequiredKey } }),
        podGroups: gang.pods.map((p) => ({ name: p.name, minReplicas: 1, pods: [{ name: p.name, requests: { [GPU_RESOURCE]: p.gpus } }] })),
      };
      const plan = planPlacement(model, [placement]);
      const result = plan.gangs[0];
      if (result === undefined) return { placed: false, reasons: ['the planner returned no result'] };
      if (!result.placed) return { placed: false, reasons: result.reasons };
      const nodes: Record<string, string> = {};
      for (const a of result.assignments) nodes[a.pod] = a.node;
      return { placed: true, nodes };
    },
  };
}

/** A placer for runs without a cluster model: every gang fits. */
export const UNBOUNDED_PLACER: Placer = {
  totalGpus: Infinity,
  place(gang) {
    return { placed: true, nodes: Object.fromEntries(gang.pods.map((p) => [p.name, 'unbounded'])) };
  },
};
