// From manifests to the loop: every GPU clique of the PodCliqueSet becomes an engine pool (its phase read
// from its roleName: prefill, decode, else aggregated), every policy role that scales GPU cliques becomes a
// role of units. Cliques without GPUs (frontends, routers) are not simulated; the router stands for them.
import type { PodCliqueSet } from '../../api/index.ts';
import { roleTargetKind, roleTargetName, type ScalingPolicy } from '../../api/scaling-policy.ts';
import { cliqueMinAvailable, cliqueReplicas, podGpus } from '../../scaler/targets.ts';
import type { EngineProfile } from '../engine/profile.ts';
import type { EngineRole } from '../engine/replica.ts';
import type { PoolSpec, RoleSpec } from './types.ts';

export interface Scenario {
  readonly namespace: string;
  readonly podCliqueSet: string;
  readonly pcs: PodCliqueSet;
  readonly policy: ScalingPolicy;
  readonly pools: readonly PoolSpec[];
  readonly roles: readonly RoleSpec[];
}

function phaseOf(roleName: string): EngineRole {
  const n = roleName.toLowerCase();
  return n.includes('prefill') ? 'prefill' : n.includes('decode') ? 'decode' : 'aggregated';
}

export function scenarioFromManifests(pcs: PodCliqueSet, policy: ScalingPolicy, profile: EngineProfile): Scenario {
  const tpl = pcs.spec.template;
  const pools: PoolSpec[] = [];
  for (const clique of tpl.cliques) {
    const gpus = podGpus(clique);
    if (gpus <= 0) continue;
    pools.push({ name: clique.name, engineRole: phaseOf(clique.spec.roleName), profile: { ...profile, gpusPerReplica: gpus } });
  }
  if (pools.length === 0) throw new Error(`PodCliqueSet ${pcs.metadata.name ?? ''} has no clique that requests nvidia.com/gpu: nothing to simulate`);
  const roles: RoleSpec[] = [];
  for (const r of policy.spec.roles) {
    const target = roleTargetName(r);
    const kind = roleTargetKind(r);
    let members: { pool: string; count: number }[];
    let initial: number;
    let floor: number;
    if (kind === 'PodClique') {
      const clique = tpl.cliques.find((c) => c.name === target);
      if (clique === undefined || !pools.some((p) => p.name === target)) continue;
      members = [{ pool: target, count: 1 }];
      initial = cliqueReplicas(clique);
      floor = cliqueMinAvailable(clique);
    } else {
      const group = (tpl.podCliqueScalingGroups ?? []).find((g) => g.name === target);
      if (group === undefined) continue;
      members = group.cliqueNames.flatMap((name) => {
        const clique = tpl.cliques.find((c) => c.name === name);
        return clique !== undefined && pools.some((p) => p.name === name) ? [{ pool: name, count: cliqueReplicas(clique) }] : [];
      });
      if (members.length === 0) continue;
      initial = group.replicas ?? 1;
      floor = group.minAvailable ?? 1;
    }
    const min = Math.max(r.minReplicas ?? floor, floor);
    const max = Math.max(r.maxReplicas, min);
    roles.push({ name: r.name, kind, target, members, min, max, initial: Math.min(max, Math.max(min, initial)) });
  }
  if (roles.length === 0) throw new Error(`policy ${policy.metadata.name} scales no GPU clique of the PodCliqueSet`);
  return { namespace: pcs.metadata.namespace ?? 'default', podCliqueSet: pcs.metadata.name ?? policy.spec.targetRef.name, pcs, policy, pools, roles };
}
