import type { HistogramSignal } from '../dialects/table.ts';
import type { SignalName } from '../names.ts';
import type { Histogram } from '../window/histogram.ts';

/** The levels signals are aggregated to, finest first (Grove's hierarchy). */
export type GroupKind = 'pod' | 'podclique' | 'podcliquescalinggroup' | 'podcliqueset-replica' | 'podcliqueset';

/** Signals of one pod or one group of pods. */
export interface GroupSignals {
  readonly kind: GroupKind;
  readonly namespace: string;
  /**
   * The object's name: the pod, the PodClique (FQN), the PodCliqueScalingGroup (FQN), the
   * PodCliqueSet; for a PodCliqueSet replica `<pcs>-<replicaIndex>` (the name of its base PodGang).
   */
  readonly name: string;
  /** The PodCliqueSet the group belongs to (`app.kubernetes.io/part-of`), when known. */
  readonly podCliqueSet: string | undefined;
  readonly replicaIndex: number | undefined;
  /** Pods in the group. */
  readonly pods: number;
  /** Pods whose window held at least one reading. */
  readonly podsReporting: number;
  /** Served values; an absent name means no data. */
  readonly values: Readonly<Partial<Record<SignalName, number>>>;
  /** The window's latency histograms, bucket counts added over the group's pods. */
  readonly histograms: Readonly<Partial<Record<HistogramSignal, Histogram>>>;
}

/** Everything the adapter and the scaler read: per pod and per Grove group, keyed by signalKey(). */
export interface SignalSnapshot {
  /** Evaluation time, seconds. */
  readonly at: number;
  readonly windowSeconds: number;
  readonly pods: ReadonlyMap<string, GroupSignals>;
  readonly podCliques: ReadonlyMap<string, GroupSignals>;
  readonly scalingGroups: ReadonlyMap<string, GroupSignals>;
  readonly podCliqueSetReplicas: ReadonlyMap<string, GroupSignals>;
  readonly podCliqueSets: ReadonlyMap<string, GroupSignals>;
}

/** The map key of a group: `<namespace>/<name>`. */
export function signalKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The name of a PodCliqueSet replica group (Grove names the replica's base PodGang the same way). */
export function replicaName(podCliqueSet: string, replicaIndex: number): string {
  return `${podCliqueSet}-${String(replicaIndex)}`;
}
