// The binder's decision: a pure function of the cluster snapshot returning, per PodGang, the plan to
// persist, the pods to bind and the status to write, with the reasons.
//
// Order of work, so capacity goes first to what is already under way:
//  1. gangs with a persisted plan that still holds (same PodGang generation, every planned node still
//     schedulable with room, bound pods where the plan put them) resume it: its unbound pods are bound
//     to the planned nodes, even after a restart;
//  2. gangs that must stay next to bound pods — a partly bound gang (its plan broke, e.g. a planned node
//     disappeared) and a scaled gang whose base gang is scheduled — are planned one at a time on the
//     nodes of that domain;
//  3. every other gang is planned in one batch per topology, all-or-nothing, so replicas spread.
// A scaled gang waits until its base gang is scheduled. A gang that does not fit gets Scheduled=False
// with the planner's reasons and is tried again on the next snapshot.
import { DEFAULT_NAMESPACE } from '../../api/defaulting.ts';
import { ANNOTATION_TOPOLOGY_NAME } from '../../api/labels.ts';
import type { ClusterTopologyBinding, PodGang, PodGangStatus } from '../../api/types.ts';
import type { ClusterModel, TopologyLevelRef } from '../placement/cluster.ts';
import { buildClusterModel, compare } from '../placement/cluster.ts';
import type { PlacementGang } from '../placement/gang.ts';
import { isTerminal } from '../placement/kube.ts';
import type { GangResult } from '../placement/plan.ts';
import { planPlacement } from '../placement/plan.ts';
import { podRequests } from '../placement/requests.ts';
import { gangFromPodGang } from '../placement/workload.ts';
import type { NodeFilter } from './fence.ts';
import { domainFence } from './fence.ts';
import type { GangState } from './gang-state.ts';
import { gangKey, gangState } from './gang-state.ts';
import type { PersistedPlan } from './plan-annotation.ts';
import { ANNOTATION_PLACEMENT_PLAN, parsePersistedPlan } from './plan-annotation.ts';
import type { SchedulingOutcome } from './status.ts';
import { desiredStatus, statusDiffers } from './status.ts';
import type { BinderOptions, BinderPod, BinderSnapshot, PodBinding } from './types.ts';
import { isBound, namespaceOf, podKey } from './types.ts';

export interface GangAction {
  readonly namespace: string;
  readonly name: string;
  /** Of the PodGang as seen, for guarded writes. */
  readonly resourceVersion: string;
  /** Write this plan to the annotation before binding anything. */
  readonly plan?: PersistedPlan | undefined;
  /** In order; all of them belong to one plan. */
  readonly binds: readonly PodBinding[];
  /** The status once the binds are done; absent when nothing the binder owns changes. */
  readonly status?: PodGangStatus | undefined;
  readonly reasons: readonly string[];
}

export interface BinderDecision {
  /** Only gangs with something to write, in namespace/name order. */
  readonly actions: readonly GangAction[];
  readonly warnings: readonly string[];
}

type ActiveState = Extract<GangState, { kind: 'active' }>;

interface Entry {
  readonly gang: PodGang;
  readonly key: string;
  readonly namespace: string;
  readonly state: GangState;
  readonly plan: PersistedPlan | undefined;
}

interface ActiveEntry extends Entry {
  readonly state: ActiveState;
}

function topologyOf(gang: PodGang, topologies: readonly ClusterTopologyBinding[]): ClusterTopologyBinding | undefined {
  const named = gang.metadata.annotations?.[ANNOTATION_TOPOLOGY_NAME];
  if (named !== undefined && named !== '') return topologies.find((t) => t.metadata.name === named);
  return topologies.length === 1 ? topologies[0] : undefined;
}

function levelsOf(topology: ClusterTopologyBinding | undefined): TopologyLevelRef[] {
  return (topology?.spec.levels ?? []).map((l) => ({ domain: l.domain, key: l.key }));
}

export function decideBindings(snapshot: BinderSnapshot, options: BinderOptions): BinderDecision {
  const { schedulerName, now } = options;
  const warnings: string[] = [];
  const pods = new Map(snapshot.pods.map((p) => [podKey(namespaceOf(p), p.metadata.name), p]));
  const nodes = new Map(snapshot.nodes.map((n) => [n.metadata.name, n]));
  const usage: BinderPod[] = snapshot.pods.filter((p) => isBound(p) && !isTerminal(p));

  const entries = [...snapshot.podGangs]
    .sort((a, b) => compare(gangKey(a), gangKey(b)))
    .map((gang): Entry => ({
      gang,
      key: gangKey(gang),
      namespace: gang.metadata.namespace ?? DEFAULT_NAMESPACE,
      state: gangState(gang, pods, schedulerName),
      plan: parsePersistedPlan(gang.metadata.annotations?.[ANNOTATION_PLACEMENT_PLAN]),
    }))
    .filter((e) => e.state.kind !== 'foreign');
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const actions = new Map<string, GangAction>();

  const model = (levels: readonly TopologyLevelRef[], filter?: NodeFilter): ClusterModel => {
    const chosen = filter === undefined ? snapshot.nodes : snapshot.nodes.filter(filter);
    const names = new Set(chosen.map((n) => n.metadata.name));
    return buildClusterModel({ nodes: chosen, pods: usage.filter((p) => names.has(p.spec.nodeName ?? '')), levels });
  };

  // Planned pods hold their node for the rest of this decision, as if already bound.
  const reserve = (namespace: string, binds: readonly PodBinding[]): void => {
    for (const b of binds) {
      const pod = pods.get(podKey(namespace, b.pod));
      if (pod !== undefined) usage.push({ ...pod, spec: { ...pod.spec, nodeName: b.node } });
    }
  };

  const settle = (e: Entry, outcome: SchedulingOutcome, extra: { plan?: PersistedPlan | undefined; binds?: readonly PodBinding[]; reasons?: readonly string[] } = {}): void => {
    const binds = extra.binds ?? [];
    const target = new Map(binds.map((b) => [b.pod, b.node]));
    const after = (e.state.kind === 'active' ? e.state.pods : []).map((p) => {
      const node = target.get(p.metadata.name);
      return node === undefined ? p : { ...p, spec: { ...p.spec, nodeName: node } };
    });
    const status = desiredStatus(e.gang, outcome, after, now);
    const write = statusDiffers(e.gang.status, status);
    if (extra.plan === undefined && binds.length === 0 && !write) return;
    actions.set(e.key, {
      namespace: e.namespace,
      name: e.gang.metadata.name ?? '',
      resourceVersion: e.gang.metadata.resourceVersion ?? '',
      ...(extra.plan === undefined ? {} : { plan: extra.plan }),
      binds,
      ...(write ? { status } : {}),
      reasons: extra.reasons ?? [],
    });
  };

  // The status of a gang once `binds` are done (scheduled when every podgroup reaches minReplicas).
  const outcomeAfter = (e: ActiveEntry, binds: readonly PodBinding[], plan: PersistedPlan | undefined, unplacedReasons?: readonly string[]): SchedulingOutcome => {
    const extra = new Set(binds.map((b) => b.pod));
    const boundAfter = e.state.groups.map((g) => g.bound + g.pods.filter((p) => !isBound(p) && extra.has(p.metadata.name)).length);
    const scheduled = e.state.groups.every((g, i) => (boundAfter[i] ?? 0) >= g.minReplicas);
    const total = e.state.pods.length;
    const bound = boundAfter.reduce((a, b) => a + b, 0);
    if (scheduled) {
      const where = plan === undefined || plan.domain === '' ? '' : ` in ${plan.domain}`;
      return { kind: 'scheduled', score: plan?.score, message: `${bound} of ${total} pods bound${where}` };
    }
    if (unplacedReasons !== undefined) {
      const prefix = bound > 0 ? [`gang is partly bound (${bound} of ${total} pods); the rest does not fit`] : [];
      return { kind: 'unschedulable', reasons: [...prefix, ...unplacedReasons] };
    }
    return { kind: 'waiting', reason: 'Binding', message: `${bound} of ${total} pods bound; binding the rest` };
  };

  const fitsPlan = (e: ActiveEntry, plan: PersistedPlan): { binds: PodBinding[] } | { why: string } => {
    if (plan.podGangGeneration !== (e.gang.metadata.generation ?? 0)) return { why: `PodGang generation ${e.gang.metadata.generation ?? 0} differs from the plan's ${plan.podGangGeneration}` };
    for (const p of e.state.pods) {
      const planned = plan.pods[p.metadata.name];
      if (isBound(p) && planned !== undefined && planned !== p.spec.nodeName) return { why: `pod ${p.metadata.name} is bound to ${p.spec.nodeName ?? ''}, not to planned node ${planned}` };
    }
    const binds = e.state.unbound.flatMap((p) => {
      const node = plan.pods[p.metadata.name];
      return node === undefined ? [] : [{ pod: p.metadata.name, node }];
    });
    const covered = new Set(binds.map((b) => b.pod));
    for (const g of e.state.groups) {
      const have = g.bound + g.pods.filter((p) => !isBound(p) && covered.has(p.metadata.name)).length;
      if (have < g.minReplicas) return { why: `the plan covers ${have} of the ${g.minReplicas} pods podgroup ${g.name} needs` };
    }
    const m = model(levelsOf(topologyOf(e.gang, snapshot.topologies)));
    const index = new Map(m.nodes.map((n) => [n.name, n]));
    const need = new Map<string, Record<string, number>>();
    for (const b of binds) {
      if (!index.has(b.node)) return { why: nodes.has(b.node) ? `planned node ${b.node} is no longer schedulable` : `planned node ${b.node} is gone` };
      const pod = e.state.unbound.find((p) => p.metadata.name === b.pod);
      const sum = need.get(b.node) ?? {};
      for (const [r, v] of Object.entries(pod === undefined ? {} : podRequests(pod.spec))) sum[r] = (sum[r] ?? 0) + v;
      need.set(b.node, sum);
    }
    for (const [node, sum] of need) {
      const n = index.get(node);
      for (const [r, v] of Object.entries(sum)) {
        const k = m.resources.indexOf(r);
        const free = k < 0 ? 0 : (n?.free[k] ?? 0);
        if (v > free) return { why: `planned node ${node} no longer has room (${r}: needs ${v}, ${free} free)` };
      }
    }
    return { binds };
  };

  // The unbound remainder of a gang as the planner sees it: bound pods already count towards minReplicas.
  const residual = (e: ActiveEntry): PlacementGang | undefined => {
    const unbound = new Set(e.state.unbound.map((p) => p.metadata.name));
    const gang: PodGang = {
      ...e.gang,
      spec: {
        ...e.gang.spec,
        podgroups: e.gang.spec.podgroups.map((pg, i) => ({
          ...pg,
          podReferences: pg.podReferences.filter((r) => r.namespace === e.namespace && unbound.has(r.name)),
          minReplicas: Math.max(0, pg.minReplicas - (e.state.groups[i]?.bound ?? 0)),
        })),
      },
    };
    const { gang: placement, errors } = gangFromPodGang(gang, e.state.unbound);
    warnings.push(...errors);
    return placement === undefined ? undefined : { ...placement, baseGang: undefined };
  };

  const fenceOf = (e: ActiveEntry, levels: readonly TopologyLevelRef[]): NodeFilter | undefined => {
    const anchor = (gang: PodGang, boundPods: readonly BinderPod[]): NodeFilter | undefined => {
      const key = gang.spec.topologyConstraint?.packConstraint?.required;
      const nodeName = boundPods.find((p) => isBound(p))?.spec.nodeName;
      if (key === undefined || nodeName === undefined) return undefined;
      const ref = nodes.get(nodeName);
      if (ref === undefined) {
        warnings.push(`PodGang ${gangKey(gang)}: node ${nodeName} of its bound pods is gone; its required domain cannot be kept`);
        return undefined;
      }
      return domainFence(ref, key, levels);
    };
    if (e.state.pods.some((p) => isBound(p))) return anchor(e.gang, e.state.pods);
    if (e.state.baseGang !== undefined) {
      const base = byKey.get(podKey(e.namespace, e.state.baseGang));
      if (base?.state.kind === 'active') return anchor(base.gang, base.state.pods);
    }
    return undefined;
  };

  const newPlan = (e: ActiveEntry, placed: Extract<GangResult, { placed: true }>): { plan: PersistedPlan; binds: PodBinding[] } => {
    const binds = placed.assignments.map((a) => ({ pod: a.pod, node: a.node }));
    const planned: Record<string, string> = {};
    for (const p of e.state.pods) if (isBound(p)) planned[p.metadata.name] = p.spec.nodeName ?? '';
    for (const b of binds) planned[b.pod] = b.node;
    return {
      plan: { generation: (e.plan?.generation ?? 0) + 1, podGangGeneration: e.gang.metadata.generation ?? 0, score: placed.score, domain: placed.domain, pods: planned },
      binds,
    };
  };

  const apply = (e: ActiveEntry, result: GangResult | undefined, why: readonly string[]): void => {
    if (result === undefined) {
      settle(e, outcomeAfter(e, [], e.plan, ['the gang could not be read for placement']));
      return;
    }
    if (!result.placed) {
      settle(e, outcomeAfter(e, [], e.plan, result.reasons), { reasons: [...why, ...result.reasons] });
      return;
    }
    if (result.assignments.length === 0) {
      settle(e, outcomeAfter(e, [], e.plan));
      return;
    }
    const { plan, binds } = newPlan(e, result);
    reserve(e.namespace, binds);
    settle(e, outcomeAfter(e, binds, plan), { plan, binds, reasons: [...why, ...result.notes] });
  };

  const fenced: { e: ActiveEntry; fence: NodeFilter; why: string[] }[] = [];
  const fresh: { e: ActiveEntry; why: string[] }[] = [];

  for (const e of entries) {
    const { state } = e;
    if (state.kind === 'foreign') continue;
    if (state.kind === 'waiting') {
      settle(e, { kind: 'waiting', reason: state.reason, message: state.message });
      continue;
    }
    const active = e as ActiveEntry;
    const anyBound = state.pods.some((p) => isBound(p));
    if (state.baseGang !== undefined && !anyBound) {
      const base = byKey.get(podKey(e.namespace, state.baseGang));
      if (base?.state.kind !== 'active' || !base.state.scheduled) {
        settle(e, { kind: 'waiting', reason: 'WaitingForBaseGang', message: `a scaled gang is scheduled only after its base gang ${state.baseGang} is` });
        continue;
      }
    }
    if (state.unbound.length === 0) {
      settle(e, outcomeAfter(active, [], e.plan));
      continue;
    }
    const why: string[] = [];
    if (e.plan !== undefined) {
      const fit = fitsPlan(active, e.plan);
      if ('binds' in fit) {
        reserve(e.namespace, fit.binds);
        settle(e, outcomeAfter(active, fit.binds, e.plan), { binds: fit.binds, reasons: [`resuming persisted plan ${e.plan.generation}`] });
        continue;
      }
      why.push(`re-planning: ${fit.why}`);
    }
    const levels = levelsOf(topologyOf(e.gang, snapshot.topologies));
    const fence = fenceOf(active, levels);
    if (fence !== undefined) fenced.push({ e: active, fence, why });
    else fresh.push({ e: active, why });
  }

  for (const { e, fence, why } of fenced) {
    const gang = residual(e);
    const levels = levelsOf(topologyOf(e.gang, snapshot.topologies));
    const plan = gang === undefined ? undefined : planPlacement(model(levels, fence), [gang], { maxTries: options.maxTries });
    if (plan !== undefined) warnings.push(...plan.warnings);
    apply(e, plan?.gangs[0], why);
  }

  const batches = new Map<string, { e: ActiveEntry; why: string[]; gang: PlacementGang | undefined }[]>();
  for (const f of fresh) {
    const name = topologyOf(f.e.gang, snapshot.topologies)?.metadata.name ?? '';
    const batch = batches.get(name) ?? [];
    batch.push({ ...f, gang: residual(f.e) });
    batches.set(name, batch);
  }
  for (const [name, batch] of [...batches].sort((a, b) => compare(a[0], b[0]))) {
    const levels = levelsOf(snapshot.topologies.find((t) => t.metadata.name === name));
    const gangs = batch.flatMap((b) => (b.gang === undefined ? [] : [b.gang]));
    const plan = planPlacement(model(levels), gangs, { maxTries: options.maxTries });
    warnings.push(...plan.warnings);
    const results = new Map(plan.gangs.map((g) => [podKey(g.namespace, g.gang), g]));
    for (const b of batch) apply(b.e, results.get(b.e.key), b.why);
  }

  return { actions: [...actions.values()].sort((a, b) => compare(podKey(a.namespace, a.name), podKey(b.namespace, b.name))), warnings: [...new Set(warnings)] };
}
