import { podCliqueName } from '../../../../src/api/naming.ts';
import { signalKey, type GroupKind, type GroupSignals, type SignalName, type SignalSnapshot } from '../../../../src/signals/index.ts';
import type { ControlView, RoleSpec } from '../../../../src/sim/loop/types.ts';

export const NS = 'ns';
export const PCS = 'svc';

function group(kind: GroupKind, name: string, values: Partial<Record<SignalName, number>>): GroupSignals {
  return { kind, namespace: NS, name, podCliqueSet: PCS, replicaIndex: 0, pods: 1, podsReporting: 1, values, histograms: {} };
}

export interface FakeSignals {
  readonly pods?: Readonly<Record<string, Partial<Record<SignalName, number>>>>;
  /** By clique template name. */
  readonly cliques?: Readonly<Record<string, Partial<Record<SignalName, number>>>>;
}

export function snapshot(at: number, s: FakeSignals): SignalSnapshot {
  return {
    at,
    windowSeconds: 60,
    pods: new Map(Object.entries(s.pods ?? {}).map(([pod, v]) => [signalKey(NS, pod), group('pod', pod, v)])),
    podCliques: new Map(Object.entries(s.cliques ?? {}).map(([c, v]) => [signalKey(NS, podCliqueName(PCS, 0, c)), group('podclique', podCliqueName(PCS, 0, c), v)])),
    scalingGroups: new Map(),
    podCliqueSetReplicas: new Map(),
    podCliqueSets: new Map(),
  };
}

export function roleSpec(name: string, min = 1, max = 10): RoleSpec {
  return { name, kind: 'PodClique', target: name, members: [{ pool: name, count: 1 }], initial: 1, min, max };
}

export function view(now: number, roles: Record<string, { current: number; ready?: number; starting?: number; pods?: string[] }>, s: FakeSignals): ControlView {
  return {
    now,
    signals: snapshot(now, s),
    roles: Object.fromEntries(
      Object.entries(roles).map(([r, v]) => [r, { current: v.current, ready: v.ready ?? v.current, starting: v.starting ?? 0, pending: 0, draining: 0 }]),
    ),
    readyPods: Object.fromEntries(Object.entries(roles).map(([r, v]) => [r, v.pods ?? Array.from({ length: v.ready ?? v.current }, (_, i) => `${r}-${String(i)}`)])),
  };
}
