// Placement score of a placed gang, in [0, 1].
//
//   depth(d)   = 0 for the whole cluster, i + 1 for a domain of binding level i (broadest level = 1)
//   achieved   = depth of the narrowest domain that holds every placed pod of the gang
//   achievable = depth of the narrowest level where at least one domain's total allocatable covers the
//                gang's all-or-nothing requests (what an empty cluster of this shape would allow)
//   score      = 1 if achievable = 0, else min(1, achieved / achievable)
//
// So 1 means "packed at the narrowest level this cluster's shape allows", 0 means "spread over several
// broadest-level domains although one of them could have held it".
import type { ClusterModel } from './cluster.ts';

export function lcaDepth(model: ClusterModel, nodes: readonly number[]): number {
  const first = nodes[0] === undefined ? undefined : model.nodes[nodes[0]];
  if (first === undefined) return 0;
  let depth = 0;
  for (let l = 0; l < model.levels.length; l++) {
    const d = first.domains[l];
    if (!nodes.every((n) => model.nodes[n]?.domains[l] === d)) break;
    depth = l + 1;
  }
  return depth;
}

/** Distinct allocatable vectors per level, so the achievable depth is cheap to find per gang. */
export function allocatableShapes(model: ClusterModel): readonly (readonly (readonly number[])[])[] {
  return model.domainsByLevel.map((ds) => {
    const seen = new Map<string, readonly number[]>();
    for (const d of ds) {
      const a = model.domains[d]?.allocatable ?? [];
      seen.set(a.join(','), a);
    }
    return [...seen.values()];
  });
}

export function achievableDepth(shapes: readonly (readonly (readonly number[])[])[], total: Float64Array): number {
  for (let l = shapes.length - 1; l >= 0; l--) {
    const fits = (shapes[l] ?? []).some((a) => a.every((v, k) => v >= (total[k] ?? 0)));
    if (fits) return l + 1;
  }
  return 0;
}

export function placementScore(achieved: number, achievable: number): number {
  if (achievable === 0) return 1;
  return Math.min(1, achieved / achievable);
}
