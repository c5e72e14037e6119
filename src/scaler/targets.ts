// What a policy role points at inside a PodCliqueSet: the template, its floor (minAvailable), its size when
// Grove creates it, and the GPUs one replica (one pod, or one whole scaling-group instance) holds.
import type { PodCliqueSet, PodCliqueTemplateSpec } from '../api/index.ts';
import { approximateFloat } from '../api/quantity.ts';
import { roleTargetKind, roleTargetName, type ScalingPolicyRole } from '../api/scaling-policy.ts';

export const GPU_RESOURCE = 'nvidia.com/gpu';

export interface ResolvedTarget {
  readonly kind: 'PodClique' | 'PodCliqueScalingGroup';
  readonly template: string;
  /** Grove's floor: a standalone clique's minAvailable (default: its replicas), a group's minAvailable (default 1). */
  readonly minAvailable: number;
  /** spec.replicas Grove gives the object when it creates it. */
  readonly templateReplicas: number;
  /** GPUs per pod (PodClique) or per instance (scaling group: every member clique's pods). */
  readonly gpusPerReplica: number;
}

export type TargetResolution = { ok: true; target: ResolvedTarget } | { ok: false; message: string };

function quantityNumber(q: string | number | undefined): number {
  if (q === undefined) return 0;
  try {
    return approximateFloat(q);
  } catch {
    return 0;
  }
}

// Parsing quantities is the costliest part of resolving a target; a template is immutable data, so its GPU
// count is remembered per template object.
const gpuCache = new WeakMap<PodCliqueTemplateSpec, number>();

/** GPUs one pod of the clique asks for: limits win over requests, as the device plugin counts them. */
export function podGpus(clique: PodCliqueTemplateSpec): number {
  const cached = gpuCache.get(clique);
  if (cached !== undefined) return cached;
  let total = 0;
  for (const c of clique.spec.podSpec.containers) {
    total += quantityNumber(c.resources?.limits?.[GPU_RESOURCE] ?? c.resources?.requests?.[GPU_RESOURCE]);
  }
  gpuCache.set(clique, total);
  return total;
}

/** Webhook defaults: replicas 0/absent → 1; minAvailable absent → replicas as written (then ≥ 1). */
export function cliqueReplicas(clique: PodCliqueTemplateSpec): number {
  const r = clique.spec.replicas ?? 0;
  return r === 0 ? 1 : r;
}

export function cliqueMinAvailable(clique: PodCliqueTemplateSpec): number {
  return clique.spec.minAvailable ?? cliqueReplicas(clique);
}

type PairCache<V> = WeakMap<object, WeakMap<object, V>>;

// What is asked per decision depends only on the template and a part of the policy, both immutable data:
// remember it per pair.
function perTemplate<K extends object, V>(cache: PairCache<V>, pcs: PodCliqueSet, key: K, compute: (pcs: PodCliqueSet, key: K) => V): V {
  let byKey = cache.get(pcs.spec.template);
  if (byKey === undefined) {
    byKey = new WeakMap<object, V>();
    cache.set(pcs.spec.template, byKey);
  }
  let v = byKey.get(key);
  if (v === undefined) {
    v = compute(pcs, key);
    byKey.set(key, v);
  }
  return v;
}

const resolveCache: PairCache<TargetResolution> = new WeakMap();

export function resolveTarget(pcs: PodCliqueSet, role: Pick<ScalingPolicyRole, 'target' | 'gpusPerReplica'>): TargetResolution {
  return perTemplate(resolveCache, pcs, role, resolveUncached);
}

function resolveUncached(pcs: PodCliqueSet, role: Pick<ScalingPolicyRole, 'target' | 'gpusPerReplica'>): TargetResolution {
  const name = roleTargetName(role);
  const tpl = pcs.spec.template;
  const groups = tpl.podCliqueScalingGroups ?? [];
  if (roleTargetKind(role) === 'PodClique') {
    const clique = tpl.cliques.find((c) => c.name === name);
    if (clique === undefined) return { ok: false, message: `PodCliqueSet "${pcs.metadata.name ?? ''}" has no clique "${name}"` };
    const group = groups.find((g) => g.cliqueNames.includes(name));
    if (group !== undefined) {
      return { ok: false, message: `clique "${name}" belongs to scaling group "${group.name}": scale the group (target.podCliqueScalingGroup), Grove publishes no selector for its members` };
    }
    return {
      ok: true,
      target: {
        kind: 'PodClique',
        template: name,
        minAvailable: cliqueMinAvailable(clique),
        templateReplicas: cliqueReplicas(clique),
        gpusPerReplica: role.gpusPerReplica ?? podGpus(clique),
      },
    };
  }
  const group = groups.find((g) => g.name === name);
  if (group === undefined) return { ok: false, message: `PodCliqueSet "${pcs.metadata.name ?? ''}" has no podCliqueScalingGroup "${name}"` };
  let gpus = 0;
  for (const member of group.cliqueNames) {
    const clique = tpl.cliques.find((c) => c.name === member);
    if (clique !== undefined) gpus += podGpus(clique) * cliqueReplicas(clique);
  }
  return {
    ok: true,
    target: {
      kind: 'PodCliqueScalingGroup',
      template: name,
      minAvailable: group.minAvailable ?? 1,
      templateReplicas: group.replicas ?? 1,
      gpusPerReplica: role.gpusPerReplica ?? gpus,
    },
  };
}

/**
 * GPUs per PodCliqueSet replica held by templates no role scales: they count against the budget at their
 * template size.
 */
const unmanagedCache: PairCache<number> = new WeakMap();

export function unmanagedGpusPerSetReplica(pcs: PodCliqueSet, roles: readonly Pick<ScalingPolicyRole, 'target'>[]): number {
  return perTemplate(unmanagedCache, pcs, roles, unmanagedUncached);
}

function unmanagedUncached(pcs: PodCliqueSet, roles: readonly Pick<ScalingPolicyRole, 'target'>[]): number {
  const tpl = pcs.spec.template;
  const groups = tpl.podCliqueScalingGroups ?? [];
  const scaledCliques = new Set(roles.flatMap((r) => (r.target.podClique !== undefined ? [r.target.podClique] : [])));
  const scaledGroups = new Set(roles.flatMap((r) => (r.target.podCliqueScalingGroup !== undefined ? [r.target.podCliqueScalingGroup] : [])));
  let gpus = 0;
  for (const clique of tpl.cliques) {
    const group = groups.find((g) => g.cliqueNames.includes(clique.name));
    if (group === undefined) {
      if (!scaledCliques.has(clique.name)) gpus += podGpus(clique) * cliqueReplicas(clique);
    } else if (!scaledGroups.has(group.name)) {
      gpus += podGpus(clique) * cliqueReplicas(clique) * (group.replicas ?? 1);
    }
  }
  return gpus;
}
