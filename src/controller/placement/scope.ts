// A gang's constraints as a tree of scopes: the gang, its topologyConstraintGroupConfigs, and podgroups
// with their own constraint. Each scope lists the all-or-nothing pods that sit directly in it; pods of a
// podgroup without a constraint belong to the nearest enclosing scope.
import type { ClusterModel } from './cluster.ts';
import type { PackKeys, PlacementGang } from './gang.ts';
import type { PodDemand } from './ledger.ts';

export interface Scope {
  readonly label: string;
  /** Level index every pod of the scope must share a domain of. */
  readonly required: number | undefined;
  /** Level index tried first; the planner widens from here up to `required`. */
  readonly preferred: number | undefined;
  readonly pods: PodDemand[];
  readonly children: Scope[];
  readonly parent: Scope | undefined;
  /** Every all-or-nothing pod in this scope and below. */
  readonly all: PodDemand[];
}

export interface GangPods {
  /** Per podgroup (same order as the gang's), the mandatory and the extra pods. */
  readonly mandatory: readonly (readonly PodDemand[])[];
  readonly extras: readonly (readonly PodDemand[])[];
}

export interface BuiltScopes {
  readonly root: Scope;
  /** Innermost scope of each podgroup, by podgroup index. */
  readonly scopeOfGroup: readonly Scope[];
  readonly warnings: readonly string[];
}

function levels(model: ClusterModel, pack: PackKeys | undefined, where: string, warnings: string[]): { required: number | undefined; preferred: number | undefined } {
  const find = (key: string | undefined, kind: string): number | undefined => {
    if (key === undefined) return undefined;
    const i = model.levels.findIndex((l) => l.key === key);
    if (i >= 0) return i;
    warnings.push(`${where}: ${kind} key ${key} is not a level of the cluster topology; ignored`);
    return undefined;
  };
  const required = find(pack?.required, 'required');
  let preferred = find(pack?.preferred, 'preferred');
  if (preferred !== undefined && required !== undefined && preferred < required) {
    warnings.push(`${where}: preferred level ${model.levels[preferred]?.domain ?? ''} is broader than required; ignored`);
    preferred = undefined;
  }
  return { required, preferred };
}

function scope(label: string, lv: { required: number | undefined; preferred: number | undefined }, parent: Scope | undefined): Scope {
  const s: Scope = { label, required: lv.required, preferred: lv.preferred, pods: [], children: [], parent, all: [] };
  parent?.children.push(s);
  return s;
}

function constrained(lv: { required: number | undefined; preferred: number | undefined }): boolean {
  return lv.required !== undefined || lv.preferred !== undefined;
}

export function buildScopes(model: ClusterModel, gang: PlacementGang, pods: GangPods): BuiltScopes {
  const warnings: string[] = [];
  const where = `gang ${gang.name}`;
  const root = scope('gang', levels(model, gang.pack, where, warnings), undefined);
  const configOf = new Map<string, Scope>();
  for (const cfg of gang.groupConfigs ?? []) {
    const lv = levels(model, cfg.pack, `${where} group config ${cfg.name}`, warnings);
    if (!constrained(lv)) continue;
    const s = scope(`group config ${cfg.name}`, lv, root);
    for (const name of cfg.podGroupNames) if (!configOf.has(name)) configOf.set(name, s);
  }
  const scopeOfGroup = gang.podGroups.map((pg, i) => {
    const outer = configOf.get(pg.name) ?? root;
    const lv = levels(model, pg.pack, `${where} podgroup ${pg.name}`, warnings);
    const s = constrained(lv) ? scope(`podgroup ${pg.name}`, lv, outer) : outer;
    s.pods.push(...(pods.mandatory[i] ?? []));
    return s;
  });
  const collect = (s: Scope): PodDemand[] => {
    s.all.push(...s.pods);
    for (const c of s.children) s.all.push(...collect(c));
    return s.all;
  };
  collect(root);
  return { root, scopeOfGroup, warnings };
}
