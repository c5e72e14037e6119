// Where one PodGang stands, from the binder's point of view: not ours, still waiting for its pods, or
// ready to be (or already) placed, with its pods split into bound and unbound per podgroup.
import { LABEL_BASE_PODGANG, LABEL_SCHEDULER_NAME, SCHEDULING_GATE_PODGANG_PENDING } from '../../api/labels.ts';
import type { PodGang } from '../../api/types.ts';
import { isTerminal } from '../placement/kube.ts';
import type { BinderPod } from './types.ts';
import { isBound, isTerminating, namespaceOf, podKey } from './types.ts';

export interface GroupState {
  readonly name: string;
  readonly minReplicas: number;
  /** Referenced pods that exist, in podReferences order. */
  readonly pods: readonly BinderPod[];
  readonly bound: number;
}

export type WaitingReason = 'WaitingForPods' | 'SchedulingGated';

export type GangState =
  | { readonly kind: 'foreign' }
  | { readonly kind: 'waiting'; readonly reason: WaitingReason; readonly message: string }
  | {
      readonly kind: 'active';
      readonly groups: readonly GroupState[];
      readonly pods: readonly BinderPod[];
      /** Pods of ours that still need a node (not bound, not terminating). */
      readonly unbound: readonly BinderPod[];
      /** Every podgroup has at least minReplicas bound pods. */
      readonly scheduled: boolean;
      /** For a scaled gang: its base gang (from the pods' grove.io/base-podgang label). */
      readonly baseGang: string | undefined;
    };

function initializedFalse(gang: PodGang): boolean {
  const c = gang.status?.conditions?.find((x) => x.type === 'Initialized');
  return c !== undefined && c.status !== 'True';
}

export function gangState(gang: PodGang, pods: ReadonlyMap<string, BinderPod>, schedulerName: string): GangState {
  const groups: GroupState[] = [];
  const missing: string[] = [];
  for (const pg of gang.spec.podgroups) {
    const found: BinderPod[] = [];
    for (const ref of pg.podReferences) {
      const pod = pods.get(podKey(ref.namespace, ref.name));
      if (pod === undefined || (isTerminating(pod) && !isBound(pod))) missing.push(ref.name);
      else found.push(pod);
    }
    groups.push({ name: pg.name, minReplicas: pg.minReplicas, pods: found, bound: found.filter((p) => isBound(p) && !isTerminal(p)).length });
  }
  const all = groups.flatMap((g) => g.pods);
  const label = gang.metadata.labels?.[LABEL_SCHEDULER_NAME];
  const ours = label !== undefined ? label === schedulerName : all.length > 0 && all.every((p) => p.spec.schedulerName === schedulerName);
  if (!ours) return { kind: 'foreign' };

  const short = groups.filter((g) => g.pods.length < g.minReplicas);
  if (short.length > 0 || initializedFalse(gang) || missing.length > 0) {
    const parts = short.map((g) => `podgroup ${g.name} has ${g.pods.length} of ${g.minReplicas} pods`);
    if (missing.length > 0) parts.push(`${missing.length} referenced pods do not exist yet (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''})`);
    if (parts.length === 0) parts.push('PodGang is not Initialized: its PodCliques have not created all their pods');
    return { kind: 'waiting', reason: 'WaitingForPods', message: parts.join('; ') };
  }
  const unbound = all.filter((p) => !isBound(p) && !isTerminating(p) && p.spec.schedulerName === schedulerName);
  const gated = unbound.filter((p) => (p.spec.schedulingGates ?? []).length > 0);
  if (gated.length > 0) {
    const gates = [...new Set(gated.flatMap((p) => (p.spec.schedulingGates ?? []).map((g) => g.name)))].sort();
    const why = gates.includes(SCHEDULING_GATE_PODGANG_PENDING) ? ' (Grove lifts its gate once the pod is in its PodGang)' : '';
    return { kind: 'waiting', reason: 'SchedulingGated', message: `${gated.length} pods still carry scheduling gates ${gates.join(', ')}${why}` };
  }
  const baseGang = all.map((p) => p.metadata.labels?.[LABEL_BASE_PODGANG]).find((b) => b !== undefined && b !== '');
  return {
    kind: 'active',
    groups,
    pods: all,
    unbound,
    scheduled: groups.every((g) => g.bound >= g.minReplicas),
    baseGang: baseGang === gang.metadata.name ? undefined : baseGang,
  };
}

/** Namespace-qualified gang key. */
export function gangKey(gang: PodGang): string {
  return podKey(namespaceOf(gang), gang.metadata.name ?? '');
}
