// From what the API server and the signal source say now to decide()'s ScalerSnapshot. Pure. A role whose
// driving signals are all absent (or whose source failed) is left out of the snapshot, which makes decide()
// hold it at its current size, and is reported as an outage so nothing scales down on missing data.
import type { PodCliqueSet } from '../../api/index.ts';
import { podCliqueName, podCliqueScalingGroupName, scalingGroupPodCliqueName } from '../../api/naming.ts';
import { policyMetricName, roleSignals, roleTargetKind, roleTargetName, type RoleSignal, type ScalingPolicy, type ScalingPolicyRole } from '../../api/scaling-policy.ts';
import {
  histogramQuantile,
  isSignalName,
  mergeHistograms,
  PERCENTILES,
  signalKey,
  type GroupSignals,
  type Histogram,
  type SignalName,
  type SignalSnapshot,
} from '../../signals/index.ts';
import type { RoleOutage, UndecidedRole } from '../actuate/status.ts';
import type { ExternalMetricSample, ObjectMetricSample, PodMetricSample } from '../hpa/snapshot.ts';
import type { Pod } from '../hpa/types.ts';
import type { HpaObjectInputs, Percentiles, PhaseTraffic, RoleSnapshot, ScalerSnapshot } from '../types.ts';

/** A live PodClique or PodCliqueScalingGroup, as far as the scaler needs it. */
export interface LiveObject {
  readonly kind: 'PodClique' | 'PodCliqueScalingGroup';
  readonly name: string;
  readonly uid?: string | undefined;
  readonly specReplicas: number;
  readonly statusReplicas: number;
  /** Ready pods (PodClique) or available instances (PodCliqueScalingGroup). */
  readonly ready: number;
  readonly minAvailable?: number | undefined;
  /** The published pod selector (hpaPodSelector / selector); empty until Grove publishes it. */
  readonly selector: string;
}

export interface LiveState {
  readonly namespace: string;
  readonly pcs: PodCliqueSet;
  /** By object name. */
  readonly objects: ReadonlyMap<string, LiveObject>;
  /** Pods behind each object's selector, by object name (read for `hpa` roles only). */
  readonly pods: ReadonlyMap<string, readonly Pod[]>;
}

export type SignalRead = { readonly ok: true; readonly snapshot: SignalSnapshot } | { readonly ok: false; readonly error: string };

export interface BuiltSnapshot {
  readonly snapshot: ScalerSnapshot;
  readonly outages: readonly RoleOutage[];
  /** Roles left out of the snapshot, at their live size. */
  readonly undecided: readonly UndecidedRole[];
}

/** The role's object names in each PodCliqueSet replica, by replica index. */
export function roleObjectNames(pcs: PodCliqueSet, pcsName: string, role: Pick<ScalingPolicyRole, 'target'>): string[] {
  const template = roleTargetName(role);
  const count = pcs.spec.replicas ?? 0;
  const name = roleTargetKind(role) === 'PodClique' ? podCliqueName : podCliqueScalingGroupName;
  return Array.from({ length: count }, (_, i) => name(pcsName, i, template));
}

/** The objects that exist, in replica order; the first missing one ends the list (decide() reads it so). */
function existing(state: LiveState, names: readonly string[]): LiveObject[] {
  const out: LiveObject[] = [];
  for (const n of names) {
    const o = state.objects.get(n);
    if (o === undefined) break;
    out.push(o);
  }
  return out;
}

function finite(v: number | undefined): number | undefined {
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

function sumOf(groups: readonly GroupSignals[], name: SignalName): number | undefined {
  let total: number | undefined;
  for (const g of groups) {
    const v = finite(g.values[name]);
    if (v !== undefined) total = (total ?? 0) + v;
  }
  return total;
}

/** Pod-weighted mean, as the signals aggregate KV-cache use within one group. */
function meanOf(groups: readonly GroupSignals[], name: SignalName): number | undefined {
  let weighted = 0;
  let weight = 0;
  for (const g of groups) {
    const v = finite(g.values[name]);
    if (v === undefined) continue;
    const w = Math.max(1, g.podsReporting);
    weighted += v * w;
    weight += w;
  }
  return weight === 0 ? undefined : weighted / weight;
}

/**
 * Percentiles over several groups: bucket counts are added first, then the quantile is taken (percentiles
 * never average). One group without histograms falls back to its served values.
 */
function percentiles(groups: readonly GroupSignals[], signal: 'ttft' | 'itl', wanted: readonly number[]): Percentiles | undefined {
  const hs = groups.flatMap((g): Histogram[] => {
    const h = g.histograms[signal];
    return h !== undefined ? [h] : [];
  });
  const out: Record<string, number> = {};
  const merged = mergeHistograms(hs);
  if (merged !== undefined && merged.count > 0) {
    for (const p of wanted) {
      const v = histogramQuantile(p / 100, merged);
      if (Number.isFinite(v)) out[`p${p}`] = v;
    }
  } else if (groups.length === 1) {
    for (const p of PERCENTILES) {
      const v = finite(groups[0]?.values[`${signal}_p${p}_seconds`]);
      if (v !== undefined) out[`p${p}`] = v;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function wantedPercentiles(role: ScalingPolicyRole, signal: 'ttft' | 'itl'): number[] {
  const own = role.slo?.[signal]?.percentile;
  const set = new Set<number>(PERCENTILES);
  if (own !== undefined) set.add(own);
  return [...set].sort((a, b) => a - b);
}

interface SignalFields {
  ttft?: Percentiles;
  itl?: Percentiles;
  requestRate?: number;
  promptTokensPerSecond?: number;
  generationTokensPerSecond?: number;
  queue?: number;
  running?: number;
  kvCacheUsage?: number;
}

function sloFields(role: ScalingPolicyRole, groups: readonly GroupSignals[]): SignalFields {
  const f: SignalFields = {};
  const ttft = percentiles(groups, 'ttft', wantedPercentiles(role, 'ttft'));
  const itl = percentiles(groups, 'itl', wantedPercentiles(role, 'itl'));
  const requestRate = sumOf(groups, 'request_rate_per_second');
  const prompt = sumOf(groups, 'prompt_tokens_per_second');
  const generation = sumOf(groups, 'generation_tokens_per_second');
  const queue = sumOf(groups, 'queue_waiting');
  const running = sumOf(groups, 'requests_running');
  const kv = meanOf(groups, 'kv_cache_utilization');
  if (ttft !== undefined) f.ttft = ttft;
  if (itl !== undefined) f.itl = itl;
  if (requestRate !== undefined) f.requestRate = requestRate;
  if (prompt !== undefined) f.promptTokensPerSecond = prompt;
  if (generation !== undefined) f.generationTokensPerSecond = generation;
  if (queue !== undefined) f.queue = queue;
  if (running !== undefined) f.running = running;
  if (kv !== undefined) f.kvCacheUsage = kv;
  return f;
}

/**
 * One phase's traffic counters, summed over its member PodCliques in every instance of the role's scaling
 * groups (instances 0 … spec.replicas − 1 of each set replica's group; pods of instances past that are on
 * their way out). A member without signals adds nothing.
 */
function phaseTraffic(s: SignalSnapshot, namespace: string, groups: readonly LiveObject[], cliques: readonly string[]): PhaseTraffic {
  const members: GroupSignals[] = [];
  for (const pcsg of groups) {
    for (let j = 0; j < pcsg.specReplicas; j++) {
      for (const clique of cliques) {
        const g = s.podCliques.get(signalKey(namespace, scalingGroupPodCliqueName(pcsg.name, j, clique)));
        if (g !== undefined) members.push(g);
      }
    }
  }
  return {
    requestRate: sumOf(members, 'request_rate_per_second'),
    promptTokensPerSecond: sumOf(members, 'prompt_tokens_per_second'),
    generationTokensPerSecond: sumOf(members, 'generation_tokens_per_second'),
  };
}

/** The rate fields as roleTraffic() reads a split group: arrivals and prompts from prefill, output from decode. */
function splitRates(fields: SignalFields, prefill: PhaseTraffic, decode: PhaseTraffic): SignalFields {
  const out = { ...fields };
  delete out.requestRate;
  delete out.promptTokensPerSecond;
  delete out.generationTokensPerSecond;
  if (prefill.requestRate !== undefined) out.requestRate = prefill.requestRate;
  if (prefill.promptTokensPerSecond !== undefined) out.promptTokensPerSecond = prefill.promptTokensPerSecond;
  if (decode.generationTokensPerSecond !== undefined) out.generationTokensPerSecond = decode.generationTokensPerSecond;
  return out;
}

const SIGNAL_FIELD: Readonly<Record<RoleSignal, keyof SignalFields>> = {
  ttft: 'ttft',
  itl: 'itl',
  requestRate: 'requestRate',
  promptTokens: 'promptTokensPerSecond',
  generationTokens: 'generationTokensPerSecond',
  queue: 'queue',
  kvCacheUsage: 'kvCacheUsage',
};

/** Metric values travel as milli-units, rounded up like MilliValue(). */
export function milli(v: number): bigint {
  return BigInt(Math.ceil(v * 1000 - 1e-9));
}

function groupOf(snapshot: SignalSnapshot, namespace: string, kind: string, name: string): GroupSignals | undefined {
  const key = signalKey(namespace, name);
  if (kind === 'PodClique') return snapshot.podCliques.get(key);
  if (kind === 'PodCliqueScalingGroup') return snapshot.scalingGroups.get(key);
  if (kind === 'PodCliqueSet') return snapshot.podCliqueSets.get(key);
  return undefined;
}

/**
 * What the HPA of one object reads: Pods metrics per pod from the pods' own signals, Object metrics from the
 * described Grove object's group (the role's own object when it names the role's kind; the described name is
 * written once for every set replica), External metrics as one item, the object's group value.
 */
function hpaInputs(role: ScalingPolicyRole, o: LiveObject, state: LiveState, s: SignalSnapshot, pcsName: string): { inputs: HpaObjectInputs; samples: number } {
  const pods = state.pods.get(o.name) ?? [];
  const podMetrics: PodMetricSample[] = [];
  const objectMetrics: ObjectMetricSample[] = [];
  const externalMetrics: ExternalMetricSample[] = [];
  const own = groupOf(s, state.namespace, o.kind, o.name);
  for (const m of role.metrics ?? []) {
    const name = policyMetricName(m);
    if (name === undefined || !isSignalName(name)) continue;
    if (m.type === 'Pods') {
      for (const p of pods) {
        const v = finite(s.pods.get(signalKey(state.namespace, p.metadata.name))?.values[name]);
        if (v !== undefined) podMetrics.push({ pod: p.metadata.name, metric: name, value: milli(v), timestamp: s.at * 1000, windowSeconds: s.windowSeconds });
      }
    } else if (m.type === 'Object' && m.object !== undefined) {
      const kind = m.object.describedObject.kind;
      const g = kind === o.kind ? own : kind === 'PodCliqueSet' ? groupOf(s, state.namespace, kind, pcsName) : undefined;
      const v = finite(g?.values[name]);
      if (v !== undefined) objectMetrics.push({ metric: name, value: milli(v) });
    } else if (m.type === 'External') {
      const v = finite(own?.values[name]);
      if (v !== undefined) externalMetrics.push({ metric: name, values: [milli(v)] });
    }
  }
  return {
    inputs: { pods, podMetrics, objectMetrics, externalMetrics, statusReplicas: o.statusReplicas },
    samples: podMetrics.length + objectMetrics.length + externalMetrics.length,
  };
}

export function buildScalerSnapshot(policy: ScalingPolicy, state: LiveState, signals: SignalRead, now: number): BuiltSnapshot {
  const pcsName = state.pcs.metadata.name ?? policy.spec.targetRef.name;
  const roles: Record<string, RoleSnapshot> = {};
  const outages: RoleOutage[] = [];
  const undecided: UndecidedRole[] = [];
  for (const role of policy.spec.roles) {
    const objects = existing(state, roleObjectNames(state.pcs, pcsName, role));
    const replicas = objects.map((o) => o.specReplicas);
    const base = { replicas, readyReplicas: objects.reduce((a, o) => a + o.ready, 0) };
    const hold = (message: string): void => {
      outages.push({ role: role.name, message });
      undecided.push({ role: role.name, kind: roleTargetKind(role), target: roleTargetName(role), current: replicas.reduce((a, b) => a + b, 0) });
    };
    if (!signals.ok) {
      hold(`signal source failed: ${signals.error}`);
      continue;
    }
    const s = signals.snapshot;
    if (role.mode === 'slo') {
      const groups = objects.flatMap((o) => {
        const g = groupOf(s, state.namespace, o.kind, o.name);
        return g !== undefined ? [g] : [];
      });
      const fields = sloFields(role, groups);
      // A group of prefill and decode workers: the rates are read per phase from the member PodCliques (the
      // group sums count every request twice), so those are what must be there for the role to be informed.
      const split = roleTargetKind(role) === 'PodCliqueScalingGroup' ? role.slo?.phaseCliques : undefined;
      const phases = split === undefined ? undefined : { prefill: phaseTraffic(s, state.namespace, objects, split.prefill), decode: phaseTraffic(s, state.namespace, objects, split.decode) };
      const read = phases === undefined ? fields : splitRates(fields, phases.prefill, phases.decode);
      const driving = [...roleSignals(role)];
      if (objects.length > 0 && !driving.some((d) => read[SIGNAL_FIELD[d]] !== undefined)) {
        hold(`no data for ${driving.join(', ')}`);
        continue;
      }
      roles[role.name] = phases === undefined ? { ...base, ...fields } : { ...base, ...fields, phases };
    } else {
      const built = objects.map((o) => hpaInputs(role, o, state, s, pcsName));
      if (objects.length > 0 && built.every((b) => b.samples === 0)) {
        hold(`no data for ${(role.metrics ?? []).map((m) => policyMetricName(m) ?? m.type).join(', ') || 'any metric'}`);
        continue;
      }
      roles[role.name] = { ...base, hpa: built.map((b) => b.inputs) };
    }
  }
  return { snapshot: { time: now, roles }, outages, undecided };
}
