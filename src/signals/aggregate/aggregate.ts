import type { Labels } from '../parse/types.ts';
import { COUNTER_SIGNALS, HISTOGRAM_SIGNALS, type HistogramSignal } from '../dialects/table.ts';
import { GAUGE_SIGNAL_NAMES, PERCENTILES, RATE_SIGNAL_NAMES, latencySignalName, type SignalName } from '../names.ts';
import { mergeHistograms, type Histogram } from '../window/histogram.ts';
import { histogramQuantile } from '../window/quantile.ts';
import type { WindowedSignals } from '../window/window.ts';
import { replicaName, signalKey, type GroupKind, type GroupSignals, type SignalSnapshot } from './snapshot.ts';
import { LABEL_PART_OF, LABEL_PCS_REPLICA_INDEX, LABEL_PCSG, LABEL_PODCLIQUE } from '../../api/labels.ts';

/** Grove's pod labels (grove.io/v1alpha1) that place a pod in the hierarchy. */
export const GROVE_LABELS = {
  podClique: LABEL_PODCLIQUE,
  podCliqueScalingGroup: LABEL_PCSG,
  podCliqueSetReplicaIndex: LABEL_PCS_REPLICA_INDEX,
  partOf: LABEL_PART_OF,
} as const;

/** One scraped pod: who it is (namespace, name, pod labels) and what its window says. */
export interface PodSignalsInput {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** Undefined when the pod has no readings (never scraped, or all scrapes failed). */
  readonly signals: WindowedSignals | undefined;
}

interface Member {
  readonly kind: GroupKind;
  readonly namespace: string;
  readonly name: string;
  readonly podCliqueSet: string | undefined;
  readonly replicaIndex: number | undefined;
}

/** The groups a pod belongs to, from its Grove labels; a pod without them is only itself. */
function membership(pod: PodSignalsInput): Member[] {
  const { namespace, labels } = pod;
  const pcs = labels[GROVE_LABELS.partOf];
  const out: Member[] = [{ kind: 'pod', namespace, name: pod.name, podCliqueSet: pcs, replicaIndex: undefined }];
  const indexText = labels[GROVE_LABELS.podCliqueSetReplicaIndex];
  const index = indexText !== undefined && /^\d+$/.test(indexText) ? Number(indexText) : undefined;
  const clique = labels[GROVE_LABELS.podClique];
  if (clique !== undefined) out.push({ kind: 'podclique', namespace, name: clique, podCliqueSet: pcs, replicaIndex: index });
  const pcsg = labels[GROVE_LABELS.podCliqueScalingGroup];
  if (pcsg !== undefined) out.push({ kind: 'podcliquescalinggroup', namespace, name: pcsg, podCliqueSet: pcs, replicaIndex: index });
  if (pcs !== undefined) {
    if (index !== undefined) out.push({ kind: 'podcliqueset-replica', namespace, name: replicaName(pcs, index), podCliqueSet: pcs, replicaIndex: index });
    out.push({ kind: 'podcliqueset', namespace, name: pcs, podCliqueSet: pcs, replicaIndex: undefined });
  }
  return out;
}

/**
 * Combines pods' windows into one group's values: latency bucket counts are added and the quantile
 * taken from the sum (percentiles are never averaged); queues, running requests and rates are added;
 * KV-cache use gives the mean and the max over the pods that report it.
 */
export function combineSignals(windows: readonly WindowedSignals[]): {
  values: Partial<Record<SignalName, number>>;
  histograms: Partial<Record<HistogramSignal, Histogram>>;
} {
  const values: Partial<Record<SignalName, number>> = {};
  const histograms: Partial<Record<HistogramSignal, Histogram>> = {};
  for (const signal of HISTOGRAM_SIGNALS) {
    const parts: Histogram[] = [];
    for (const w of windows) {
      const h = w.histograms[signal];
      if (h !== undefined) parts.push(h);
    }
    const merged = mergeHistograms(parts);
    if (merged === undefined) continue;
    histograms[signal] = merged;
    for (const p of PERCENTILES) {
      const q = histogramQuantile(p / 100, merged);
      if (!Number.isNaN(q)) values[latencySignalName(signal, p)] = q;
    }
  }
  for (const signal of ['waiting', 'running'] as const) {
    let total = 0;
    let seen = false;
    for (const w of windows) {
      const v = w.gauges[signal];
      if (v === undefined) continue;
      total += v;
      seen = true;
    }
    if (seen) values[GAUGE_SIGNAL_NAMES[signal]] = total;
  }
  let kvTotal = 0;
  let kvMax = -Infinity;
  let kvPods = 0;
  for (const w of windows) {
    const v = w.gauges.kvUsage;
    if (v === undefined) continue;
    kvTotal += v;
    kvMax = Math.max(kvMax, v);
    kvPods++;
  }
  if (kvPods > 0) {
    values.kv_cache_utilization = kvTotal / kvPods;
    values.kv_cache_utilization_max = kvMax;
  }
  for (const signal of COUNTER_SIGNALS) {
    let total = 0;
    let seen = false;
    for (const w of windows) {
      const v = w.rates[signal];
      if (v === undefined) continue;
      total += v;
      seen = true;
    }
    if (seen) values[RATE_SIGNAL_NAMES[signal]] = total;
  }
  return { values, histograms };
}

interface Accumulator {
  readonly member: Member;
  pods: number;
  readonly windows: WindowedSignals[];
}

/**
 * Builds the snapshot: every pod, and every PodClique, PodCliqueScalingGroup, PodCliqueSet replica
 * and PodCliqueSet its Grove labels name. Pure: same pods in, same snapshot out.
 */
export function aggregateSignals(pods: readonly PodSignalsInput[], at: number, windowSeconds: number): SignalSnapshot {
  const byKind = new Map<GroupKind, Map<string, Accumulator>>();
  for (const pod of pods) {
    for (const member of membership(pod)) {
      let groups = byKind.get(member.kind);
      if (groups === undefined) {
        groups = new Map();
        byKind.set(member.kind, groups);
      }
      const key = signalKey(member.namespace, member.name);
      let acc = groups.get(key);
      if (acc === undefined) {
        acc = { member, pods: 0, windows: [] };
        groups.set(key, acc);
      }
      acc.pods++;
      if (pod.signals !== undefined && pod.signals.readings > 0) acc.windows.push(pod.signals);
    }
  }
  const finish = (kind: GroupKind): ReadonlyMap<string, GroupSignals> => {
    const out = new Map<string, GroupSignals>();
    for (const [key, acc] of byKind.get(kind) ?? []) {
      const { values, histograms } = combineSignals(acc.windows);
      out.set(key, { ...acc.member, pods: acc.pods, podsReporting: acc.windows.length, values, histograms });
    }
    return out;
  };
  return {
    at,
    windowSeconds,
    pods: finish('pod'),
    podCliques: finish('podclique'),
    scalingGroups: finish('podcliquescalinggroup'),
    podCliqueSetReplicas: finish('podcliqueset-replica'),
    podCliqueSets: finish('podcliqueset'),
  };
}
