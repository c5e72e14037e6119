// The placement plan: a pure function of the cluster model and the gangs.
//
// Order: gangs that follow no base gang first, then scaled gangs (which need their base's domain); within
// each phase the largest gang first (sum over resources of its share of the cluster), ties in input order.
// Per gang: choose the parent domain (the cluster; the base gang's required domain for a scaled gang;
// the spread domains in skew order for a spread replica), then place the gang's scope tree inside it,
// trying candidate domains tightest-fit first with checkpoint and rollback, so a gang is either placed
// whole (every podgroup's minReplicas) or not at all. Extra pods beyond minReplicas are then placed one
// by one where they fit without leaving their scope's required domain; those that do not fit are listed.
import type { ClusterModel } from './cluster.ts';
import { compare } from './cluster.ts';
import type { Demand, FillContext } from './fill.ts';
import { bestFitOrder, makeDemand, pack } from './fill.ts';
import type { PlacementGang, SpreadPolicy } from './gang.ts';
import type { PodDemand } from './ledger.ts';
import { Ledger } from './ledger.ts';
import { domainName, shortfall } from './reasons.ts';
import type { Scope } from './scope.ts';
import { buildScopes } from './scope.ts';
import { achievableDepth, allocatableShapes, lcaDepth, placementScore } from './score.ts';

export interface PlanOptions {
  /** Candidate domains tried per scope and level before giving up (default 16). */
  readonly maxTries?: number | undefined;
}

export interface PodAssignment {
  readonly pod: string;
  readonly podGroup: string;
  readonly node: string;
  /** True for a pod beyond its podgroup's minReplicas. */
  readonly extra: boolean;
}

export interface PlacedGang {
  readonly gang: string;
  readonly namespace: string;
  readonly placed: true;
  readonly score: number;
  /** The domain the gang scope was placed in ("" = the whole cluster). */
  readonly domain: string;
  readonly assignments: readonly PodAssignment[];
  readonly extraPodsUnplaced: readonly string[];
  readonly notes: readonly string[];
}

export interface UnplacedGang {
  readonly gang: string;
  readonly namespace: string;
  readonly placed: false;
  readonly reasons: readonly string[];
}

export type GangResult = PlacedGang | UnplacedGang;

export interface PlacementPlan {
  /** In input order. */
  readonly gangs: readonly GangResult[];
  readonly placedGangs: number;
  readonly unplaceableGangs: number;
  readonly warnings: readonly string[];
}

interface PodMeta {
  readonly gang: number;
  readonly podGroup: string;
  readonly name: string;
  readonly extra: boolean;
}

interface GangRecord {
  /** Domain the scaled gangs of this gang must stay inside. */
  readonly anchor: number;
}

const MAX_REASONS = 4;

export function planPlacement(model: ClusterModel, gangs: readonly PlacementGang[], options: PlanOptions = {}): PlacementPlan {
  const ledger = new Ledger(model);
  const width = model.resources.length;
  const resourceIndex = new Map(model.resources.map((r, k) => [r, k]));
  const scale = new Float64Array(width);
  model.resources.forEach((_, k) => {
    const a = model.domains[0]?.allocatable[k] ?? 0;
    scale[k] = a > 0 ? 1 / a : 0;
  });
  const demands: PodDemand[] = [];
  const meta: PodMeta[] = [];
  const ctx: FillContext = { ledger, demands, scale, maxTries: options.maxTries ?? 16 };
  const warnings: string[] = [...model.warnings];
  const shapes = allocatableShapes(model);
  const ancestors = model.domains.map((_, d) => {
    const chain: number[] = [];
    for (let x = d; x > 0; x = model.domains[x]?.parent ?? 0) chain.unshift(x);
    return chain; // chain[l] = ancestor at level l
  });
  const ancestorAt = (d: number, level: number): number => (level < 0 ? 0 : (ancestors[d]?.[level] ?? d));
  const within = new Map<string, number[]>();
  const domainsAt = (parent: number, level: number): number[] => {
    const pl = model.domains[parent]?.level ?? -1;
    if (level <= pl) return [parent];
    const key = `${parent}:${level}`;
    let out = within.get(key);
    if (out === undefined) {
      const all = model.domainsByLevel[level] ?? [];
      out = pl < 0 ? [...all] : all.filter((d) => ancestorAt(d, pl) === parent);
      within.set(key, out);
    }
    return out;
  };

  // Pod tables per gang, with requests indexed by resource.
  const prepared = gangs.map((gang, g) => {
    const missing = new Set<string>();
    const toDemand = (name: string, podGroup: string, req: Readonly<Record<string, number>>, extra: boolean): PodDemand => {
      const v = new Float64Array(width);
      for (const [r, amount] of Object.entries(req)) {
        const k = resourceIndex.get(r);
        if (k === undefined) {
          if (amount > 0) missing.add(r);
        } else v[k] = amount;
      }
      const pod = { id: demands.length, req: v };
      demands.push(pod);
      meta.push({ gang: g, podGroup, name, extra });
      return pod;
    };
    const mandatory = gang.podGroups.map((pg) => pg.pods.slice(0, pg.minReplicas).map((p) => toDemand(p.name, pg.name, p.requests, false)));
    const extras = gang.podGroups.map((pg) => pg.pods.slice(pg.minReplicas).map((p) => toDemand(p.name, pg.name, p.requests, true)));
    const short = gang.podGroups.filter((pg) => pg.pods.length < pg.minReplicas).map((pg) => `podgroup ${pg.name} has ${pg.pods.length} pods, fewer than minReplicas ${pg.minReplicas}`);
    const scopes = buildScopes(model, gang, { mandatory, extras });
    warnings.push(...scopes.warnings);
    const demand = makeDemand(ctx, scopes.root.all);
    let size = 0;
    for (let k = 0; k < width; k++) size += (demand.total[k] ?? 0) * (scale[k] ?? 0);
    const blockers = [...[...missing].sort(compare).map((r) => `no node offers ${r}`), ...short];
    return { gang, index: g, mandatory, extras, scopes, demand, size, blockers };
  });

  const results: (GangResult | undefined)[] = gangs.map(() => undefined);
  const records = new Map<string, GangRecord | null>();
  const spreadCounts = new Map<string, Map<number, number>>();
  const chosen = new Map<Scope, number>();

  function placeScope(scope: Scope, parent: number, failures: string[]): boolean {
    if (scope.all.length === 0) {
      // Nothing is all-or-nothing here; extras will fix the domain (see narrow).
      const give = (s: Scope): void => {
        chosen.set(s, parent);
        s.children.forEach(give);
      };
      give(scope);
      return true;
    }
    const demand = makeDemand(ctx, scope.all);
    const floor = scope.required ?? -1;
    const levels: number[] = [];
    for (let l = scope.preferred !== undefined && scope.preferred > floor ? scope.preferred : floor; l >= floor; l--) levels.push(l);
    let triedAny = false;
    for (const level of levels) {
      for (const d of bestFitOrder(ctx, domainsAt(parent, level), demand, ctx.maxTries)) {
        triedAny = true;
        const cp = ledger.checkpoint();
        if (placeInside(scope, d, failures)) {
          chosen.set(scope, d);
          return true;
        }
        ledger.rollback(cp, demands);
      }
    }
    failures.push(explain(scope, parent, demand, triedAny));
    return false;
  }

  function placeInside(scope: Scope, domain: number, failures: string[]): boolean {
    const children = [...scope.children].sort((a, b) => b.all.length - a.all.length);
    for (const child of children) if (!placeScope(child, domain, failures)) return false;
    return pack(ctx, domain, scope.pods).length === 0;
  }

  function levelLabel(scope: Scope, parent: number): string {
    const where = scope.label === 'gang' ? '' : `${scope.label}: `;
    const inside = parent === 0 ? '' : ` within ${domainName(model, parent)}`;
    if (scope.required !== undefined) return `${where}required ${model.levels[scope.required]?.domain ?? ''}${inside}`;
    if (scope.preferred !== undefined) return `${where}preferred ${model.levels[scope.preferred]?.domain ?? ''}, widened to${parent === 0 ? ' the cluster' : inside}`;
    return `${where}${parent === 0 ? 'cluster' : `within ${domainName(model, parent)}`}`;
  }

  function explain(scope: Scope, parent: number, demand: Demand, triedAny: boolean): string {
    const label = levelLabel(scope, parent);
    const domains = domainsAt(parent, scope.required ?? -1);
    const why = shortfall(ctx, label, domains, demand);
    if (why !== undefined) return why;
    return triedAny
      ? `${label}: every candidate domain failed on the constraints inside it`
      : `${label}: no single domain has room for all ${demand.pods.length} pods together`;
  }

  // Where an extra pod of a scope may go: it starts in the narrowest domain chosen along its scope chain and
  // may widen up to the narrowest required domain along that chain. All these domains contain the scope's
  // placed pods, so they lie on one ancestor chain and "narrowest" is well defined.
  function extraRange(scope: Scope, gangParent: number): { start: number; bound: number } {
    const deeper = (a: number, b: number): number => ((model.domains[a]?.level ?? -1) >= (model.domains[b]?.level ?? -1) ? a : b);
    let start = gangParent;
    let bound = gangParent;
    for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
      const d = chosen.get(s) ?? gangParent;
      start = deeper(start, d);
      if (s.required !== undefined) bound = deeper(bound, ancestorAt(d, s.required));
    }
    return { start, bound };
  }

  // A scope without all-or-nothing pods was given its parent's domain; its first extra pod fixes the
  // domain at its required level, for it and for every enclosing scope in the same situation.
  function narrow(scope: Scope, node: number): void {
    for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
      const d = chosen.get(s);
      if (s.required === undefined || d === undefined) continue;
      if ((model.domains[d]?.level ?? -1) < s.required) chosen.set(s, model.nodes[node]?.domains[s.required] ?? d);
    }
  }

  function placeExtras(p: (typeof prepared)[number], gangParent: number): string[] {
    const unplaced: string[] = [];
    p.extras.forEach((pods, i) => {
      const scope = p.scopes.scopeOfGroup[i] ?? p.scopes.root;
      for (const pod of pods) {
        const { start, bound } = extraRange(scope, gangParent);
        let d = start;
        let done = false;
        for (;;) {
          if (pack(ctx, d, [pod]).length === 0) {
            done = true;
            narrow(scope, ledger.bindings[ledger.bindings.length - 1]?.node ?? 0);
            break;
          }
          if (d === bound || d === 0) break;
          d = model.domains[d]?.parent ?? 0;
        }
        if (!done) unplaced.push(meta[pod.id]?.name ?? '');
      }
    });
    return unplaced;
  }

  interface ParentChoice {
    readonly parent: number;
    readonly spreadDomain: number | undefined;
  }

  function parentChoices(p: (typeof prepared)[number], anchor: number, reasons: string[]): ParentChoice[] {
    const spread = p.gang.spread;
    if (spread === undefined) return [{ parent: anchor, spreadDomain: undefined }];
    const level = model.levels.findIndex((l) => l.key === spread.key);
    if (level < 0) {
      warnings.push(`gang ${p.gang.name}: spread key ${spread.key} is not a level of the cluster topology; ignored`);
      return [{ parent: anchor, spreadDomain: undefined }];
    }
    const counts = spreadCounts.get(spread.group) ?? new Map<number, number>();
    const all = model.domainsByLevel[level] ?? [];
    const min = Math.min(...all.map((d) => counts.get(d) ?? 0));
    // Fewest replicas first (maxSkew 1 allows only those when required), then tightest fit.
    const candidates = domainsAt(anchor, level)
      .map((d, order) => ({ d, order, count: counts.get(d) ?? 0, slack: ledger.domainFreeOf(d, p.demand.dominant) - (p.demand.total[p.demand.dominant] ?? 0) }))
      .filter((c) => c.slack >= 0)
      .sort((a, b) => a.count - b.count || a.slack - b.slack || a.order - b.order);
    const allowed = spread.policy === 'required' ? candidates.filter((c) => c.count === min) : candidates;
    if (allowed.length === 0 || (allowed[0]?.count ?? 0) > min) {
      reasons.push(spreadReason(spread.policy, model.levels[level]?.domain ?? '', min, all, counts));
    }
    const out: ParentChoice[] = allowed.map((c) => ({ parent: c.d, spreadDomain: c.count === min ? c.d : undefined }));
    if (spread.policy === 'preferred') out.push({ parent: anchor, spreadDomain: undefined });
    return out;
  }

  function spreadReason(policy: SpreadPolicy, levelName: string, min: number, all: readonly number[], counts: Map<number, number>): string {
    const least = all.filter((d) => (counts.get(d) ?? 0) === min).map((d) => domainName(model, d));
    return `spread ${levelName} (${policy}, maxSkew 1): none of the ${levelName} domains with the fewest replicas (${min}) has room: ${least.join(', ')}`;
  }

  function placeGang(p: (typeof prepared)[number]): GangResult {
    const { gang } = p;
    const unplaced = (reasons: readonly string[]): UnplacedGang => ({ gang: gang.name, namespace: gang.namespace, placed: false, reasons: reasons.slice(0, MAX_REASONS) });
    if (p.blockers.length > 0) return unplaced(p.blockers);
    const notes: string[] = [];
    let anchor = 0;
    if (gang.baseGang !== undefined) {
      const base = records.get(`${gang.namespace}/${gang.baseGang}`);
      if (base === null) return unplaced([`base gang ${gang.baseGang} is not placed; a scaled gang is only scheduled after its base`]);
      if (base === undefined) notes.push(`base gang ${gang.baseGang} is not part of this plan; placed without its domain`);
      else anchor = base.anchor;
    }
    const reasons: string[] = [];
    for (const choice of parentChoices(p, anchor, reasons)) {
      const failures: string[] = [];
      const cp = ledger.checkpoint();
      if (placeScope(p.scopes.root, choice.parent, failures)) {
        const mandatoryCount = ledger.bindings.length - cp;
        const extraPodsUnplaced = placeExtras(p, choice.parent);
        const bindings = ledger.bindings.slice(cp);
        const gangDomain = chosen.get(p.scopes.root) ?? choice.parent;
        const required = p.scopes.root.required;
        const bound = required === undefined ? choice.parent : ancestorAt(gangDomain, required);
        const deeper = (model.domains[bound]?.level ?? -1) >= (model.domains[choice.parent]?.level ?? -1) ? bound : choice.parent;
        records.set(`${gang.namespace}/${gang.name}`, { anchor: deeper });
        if (gang.spread !== undefined) {
          const counts = spreadCounts.get(gang.spread.group) ?? new Map<number, number>();
          spreadCounts.set(gang.spread.group, counts);
          const level = model.levels.findIndex((l) => l.key === gang.spread?.key);
          const touched = new Set(bindings.map((b) => model.nodes[b.node]?.domains[level]).filter((d) => d !== undefined));
          for (const d of touched) counts.set(d, (counts.get(d) ?? 0) + 1);
          if (choice.spreadDomain === undefined && level >= 0) notes.push(`${reasons[0] ?? 'spread (preferred): no domain with the fewest replicas had room'}; placed anyway, the spread is only preferred`);
        }
        if (extraPodsUnplaced.length > 0) notes.push(`${extraPodsUnplaced.length} pods beyond minReplicas did not fit and stay pending`);
        const placedExtras = bindings.length - mandatoryCount;
        if (placedExtras > 0) notes.push(`${placedExtras} pods beyond minReplicas placed where they fit`);
        const nodes = bindings.map((b) => b.node);
        const score = placementScore(lcaDepth(model, nodes), achievableDepth(shapes, p.demand.total));
        const assignments = bindings
          .map((b) => ({ pod: meta[b.pod]?.name ?? '', podGroup: meta[b.pod]?.podGroup ?? '', node: model.nodes[b.node]?.name ?? '', extra: meta[b.pod]?.extra ?? false }))
          .sort((a, b) => compare(a.podGroup, b.podGroup) || compare(a.pod, b.pod));
        return { gang: gang.name, namespace: gang.namespace, placed: true, score, domain: model.domains[gangDomain]?.id ?? '', assignments, extraPodsUnplaced, notes };
      }
      ledger.rollback(cp, demands);
      if (reasons.length === 0) reasons.push(...failures.reverse());
    }
    if (reasons.length === 0) reasons.push('no candidate domain');
    records.set(`${gang.namespace}/${gang.name}`, null);
    return unplaced([...new Set(reasons)]);
  }

  const order = [...prepared].sort((a, b) => Number(a.gang.baseGang !== undefined) - Number(b.gang.baseGang !== undefined) || b.size - a.size || b.demand.pods.length - a.demand.pods.length || a.index - b.index);
  for (const p of order) results[p.index] = placeGang(p);

  const final = results.filter((r): r is GangResult => r !== undefined);
  const placedGangs = final.filter((r) => r.placed).length;
  return { gangs: final, placedGangs, unplaceableGangs: final.length - placedGangs, warnings: [...new Set(warnings)] };
}
