// The adapter's MetricsProvider over the newest SignalSnapshot. The index is built once per snapshot
// (pure); queries are lookups. Missing data is never served as 0: a signal without a value has no item.
import {
  MetricsUnavailableError,
  type ExternalMetricQuery,
  type ExternalMetricSample,
  type MetricDescriptor,
  type MetricResource,
  type MetricSample,
  type MetricsProvider,
  type NamedMetricSample,
  type ObjectMetricQuery,
  type SelectorMetricQuery,
} from '../adapter/provider.ts';
import { matches, type Selector } from '../kube/selector.ts';
import type { Labels } from './parse/types.ts';
import type { SignalState } from './ingest.ts';
import { combineSignals, GROVE_LABELS } from './aggregate/aggregate.ts';
import { replicaName, signalKey, type GroupSignals, type SignalSnapshot } from './aggregate/snapshot.ts';
import { SIGNALS, type SignalName } from './names.ts';
import type { WindowedSignals } from './window/window.ts';

/** A scraped pod as the sources know it. */
export interface PodIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
}

/** What the provider serves from: a snapshot and the labels of the pods behind it. */
export interface SignalView {
  readonly snapshot: SignalSnapshot;
  /** By signalKey(namespace, pod). */
  readonly pods: ReadonlyMap<string, PodIdentity>;
}

/** The view of a source's cycle (direct scrape or Prometheus): its state holds every pod's labels. */
export function signalView(snapshot: SignalSnapshot, state: SignalState): SignalView {
  const pods = new Map<string, PodIdentity>();
  for (const [key, t] of state.targets) pods.set(key, { namespace: t.namespace, name: t.pod, labels: t.labels });
  return { snapshot, pods };
}

/**
 * External-metric label keys. An external query's selector picks the level by the finest key it
 * names (pod, then podclique, podcliquescalinggroup, replica, podcliqueset; none → the namespace),
 * so the HPA's sum over items never counts a pod twice.
 */
export const EXTERNAL_LABELS = {
  namespace: 'namespace',
  pod: 'pod',
  podClique: 'podclique',
  scalingGroup: 'podcliquescalinggroup',
  podCliqueSet: 'podcliqueset',
  replica: 'replica',
} as const;

export type ExternalLevel = 'pod' | 'podclique' | 'podcliquescalinggroup' | 'replica' | 'podcliqueset' | 'namespace';

const LEVEL_BY_KEY: readonly (readonly [string, ExternalLevel])[] = [
  [EXTERNAL_LABELS.pod, 'pod'],
  [EXTERNAL_LABELS.podClique, 'podclique'],
  [EXTERNAL_LABELS.scalingGroup, 'podcliquescalinggroup'],
  [EXTERNAL_LABELS.replica, 'replica'],
  [EXTERNAL_LABELS.podCliqueSet, 'podcliqueset'],
];

export function externalLevel(selector: Selector): ExternalLevel {
  const keys = new Set(selector.requirements.map((r) => r.key));
  for (const [key, level] of LEVEL_BY_KEY) if (keys.has(key)) return level;
  return 'namespace';
}

interface Entry {
  readonly namespace: string;
  readonly name: string;
  readonly values: Readonly<Partial<Record<SignalName, number>>>;
  /** The object's labels, for label-selector queries (pods: their own; groups: those all members share). */
  readonly objectLabels: Labels;
  /** Labels of the series, for metricLabelSelector and external selectors. */
  readonly metricLabels: Labels;
}

/** A snapshot ready for queries. */
export interface ViewIndex {
  readonly at: number;
  readonly windowSeconds: number;
  /** Resource → signalKey(namespace, name) (namespaces: their name) → entry. */
  readonly objects: ReadonlyMap<MetricResource, ReadonlyMap<string, Entry>>;
  readonly external: ReadonlyMap<ExternalLevel, readonly Entry[]>;
}

function intersect(a: Labels | undefined, b: Labels): Labels {
  if (a === undefined) return b;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (b[k] === v) out[k] = v;
  return out;
}

function defined(entries: readonly (readonly [string, string | undefined])[]): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) if (v !== undefined) out[k] = v;
  return out;
}

/** Pod-level values read back as a one-pod window, so that namespaces combine exactly as groups do. */
function asWindow(g: GroupSignals): WindowedSignals {
  const v = g.values;
  const pick = <K extends string>(pairs: readonly (readonly [K, number | undefined])[]): Partial<Record<K, number>> => {
    const out: Partial<Record<K, number>> = {};
    for (const [k, x] of pairs) if (x !== undefined) out[k] = x;
    return out;
  };
  return {
    histograms: g.histograms,
    gauges: pick([
      ['waiting', v.queue_waiting],
      ['running', v.requests_running],
      ['kvUsage', v.kv_cache_utilization],
    ]),
    rates: pick([
      ['requests', v.request_rate_per_second],
      ['promptTokens', v.prompt_tokens_per_second],
      ['generationTokens', v.generation_tokens_per_second],
    ]),
    readings: g.podsReporting,
    spanSeconds: 0,
  };
}

/** Builds the query index of a view. Pure. */
export function indexView(view: SignalView): ViewIndex {
  const { snapshot } = view;
  const podLabels = (ns: string, name: string): Labels => view.pods.get(signalKey(ns, name))?.labels ?? {};

  // Labels every member pod of a group shares become the group object's labels.
  const shared = new Map<string, Labels>();
  const share = (kind: string, key: string, labels: Labels): void => {
    shared.set(`${kind}|${key}`, intersect(shared.get(`${kind}|${key}`), labels));
  };
  const namespaceWindows = new Map<string, WindowedSignals[]>();
  for (const g of snapshot.pods.values()) {
    const labels = podLabels(g.namespace, g.name);
    const clique = labels[GROVE_LABELS.podClique];
    const pcsg = labels[GROVE_LABELS.podCliqueScalingGroup];
    const pcs = labels[GROVE_LABELS.partOf];
    if (clique !== undefined) share('podclique', signalKey(g.namespace, clique), labels);
    if (pcsg !== undefined) share('pcsg', signalKey(g.namespace, pcsg), labels);
    if (pcs !== undefined) share('pcs', signalKey(g.namespace, pcs), labels);
    let list = namespaceWindows.get(g.namespace);
    if (list === undefined) {
      list = [];
      namespaceWindows.set(g.namespace, list);
    }
    if (g.podsReporting > 0) list.push(asWindow(g));
  }

  const replicaLabel = (g: GroupSignals): string | undefined => (g.replicaIndex === undefined ? undefined : String(g.replicaIndex));
  const entry = (g: GroupSignals, objectLabels: Labels, metricLabels: Labels): Entry => ({
    namespace: g.namespace,
    name: g.name,
    values: g.values,
    objectLabels,
    metricLabels,
  });

  const pods = new Map<string, Entry>();
  const podItems: Entry[] = [];
  for (const [key, g] of snapshot.pods) {
    const labels = podLabels(g.namespace, g.name);
    const index = labels[GROVE_LABELS.podCliqueSetReplicaIndex];
    const e = entry(g, labels, defined([
      [EXTERNAL_LABELS.namespace, g.namespace],
      [EXTERNAL_LABELS.pod, g.name],
      [EXTERNAL_LABELS.podClique, labels[GROVE_LABELS.podClique]],
      [EXTERNAL_LABELS.scalingGroup, labels[GROVE_LABELS.podCliqueScalingGroup]],
      [EXTERNAL_LABELS.podCliqueSet, labels[GROVE_LABELS.partOf]],
      [EXTERNAL_LABELS.replica, index],
    ]));
    pods.set(key, e);
    podItems.push(e);
  }
  const groups = (map: ReadonlyMap<string, GroupSignals>, kind: string, own: string): { byKey: Map<string, Entry>; items: Entry[] } => {
    const byKey = new Map<string, Entry>();
    const items: Entry[] = [];
    for (const [key, g] of map) {
      const e = entry(g, shared.get(`${kind}|${key}`) ?? {}, defined([
        [EXTERNAL_LABELS.namespace, g.namespace],
        [own, g.name],
        [EXTERNAL_LABELS.podCliqueSet, g.podCliqueSet],
        [EXTERNAL_LABELS.replica, kind === 'pcs' ? undefined : replicaLabel(g)],
      ]));
      byKey.set(key, e);
      items.push(e);
    }
    return { byKey, items };
  };
  const cliques = groups(snapshot.podCliques, 'podclique', EXTERNAL_LABELS.podClique);
  const pcsgs = groups(snapshot.scalingGroups, 'pcsg', EXTERNAL_LABELS.scalingGroup);
  const pcss = groups(snapshot.podCliqueSets, 'pcs', EXTERNAL_LABELS.podCliqueSet);
  const replicas: Entry[] = [];
  for (const g of snapshot.podCliqueSetReplicas.values()) {
    const pcs = g.podCliqueSet;
    if (pcs === undefined || g.replicaIndex === undefined || replicaName(pcs, g.replicaIndex) !== g.name) continue;
    replicas.push(entry(g, {}, { [EXTERNAL_LABELS.namespace]: g.namespace, [EXTERNAL_LABELS.podCliqueSet]: pcs, [EXTERNAL_LABELS.replica]: String(g.replicaIndex) }));
  }
  const namespaces = new Map<string, Entry>();
  for (const [ns, windows] of namespaceWindows) {
    // Kubernetes labels every namespace with its own name.
    namespaces.set(ns, { namespace: ns, name: ns, values: combineSignals(windows).values, objectLabels: { 'kubernetes.io/metadata.name': ns }, metricLabels: { [EXTERNAL_LABELS.namespace]: ns } });
  }

  return {
    at: snapshot.at,
    windowSeconds: snapshot.windowSeconds,
    objects: new Map<MetricResource, ReadonlyMap<string, Entry>>([
      ['pods', pods],
      ['podcliques.grove.io', cliques.byKey],
      ['podcliquescalinggroups.grove.io', pcsgs.byKey],
      ['podcliquesets.grove.io', pcss.byKey],
      ['namespaces', namespaces],
    ]),
    external: new Map<ExternalLevel, readonly Entry[]>([
      ['pod', podItems],
      ['podclique', cliques.items],
      ['podcliquescalinggroup', pcsgs.items],
      ['replica', replicas],
      ['podcliqueset', pcss.items],
      ['namespace', [...namespaces.values()]],
    ]),
  };
}

/** Every served signal, for every resource, and as an external metric. */
export function signalDescriptors(): MetricDescriptor[] {
  const resources: MetricResource[] = ['pods', 'namespaces', 'podcliques.grove.io', 'podcliquescalinggroups.grove.io', 'podcliquesets.grove.io'];
  return [
    ...SIGNALS.map((s): MetricDescriptor => ({ kind: 'custom', name: s.name, resources })),
    ...SIGNALS.map((s): MetricDescriptor => ({ kind: 'external', name: s.name })),
  ];
}

export interface ProviderTime {
  /** Snapshot time (seconds) → Date; default: seconds since the Unix epoch. */
  readonly toDate?: (at: number) => Date;
}

function sampleOf(index: ViewIndex, e: Entry, metric: string, toDate: (at: number) => Date): MetricSample | undefined {
  const value = e.values[metric as SignalName];
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return { value, timestamp: toDate(index.at), windowSeconds: index.windowSeconds };
}

const epoch = (at: number): Date => new Date(at * 1000);

/** Pure query functions over an index (the provider class only adds the "not warm" rule). */
export function objectMetric(index: ViewIndex, q: ObjectMetricQuery, time: ProviderTime = {}): MetricSample | undefined {
  const key = q.resource === 'namespaces' ? q.name : signalKey(q.namespace ?? '', q.name);
  const e = index.objects.get(q.resource)?.get(key);
  if (e === undefined || !matches(q.metricSelector, e.metricLabels)) return undefined;
  return sampleOf(index, e, q.metric, time.toDate ?? epoch);
}

export function metricsBySelector(index: ViewIndex, q: SelectorMetricQuery, time: ProviderTime = {}): NamedMetricSample[] {
  const out: NamedMetricSample[] = [];
  for (const e of index.objects.get(q.resource)?.values() ?? []) {
    if (q.namespace !== undefined && e.namespace !== q.namespace) continue;
    if (!matches(q.selector, e.objectLabels) || !matches(q.metricSelector, e.metricLabels)) continue;
    const s = sampleOf(index, e, q.metric, time.toDate ?? epoch);
    if (s !== undefined) out.push({ ...s, name: e.name });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function externalMetric(index: ViewIndex, q: ExternalMetricQuery, time: ProviderTime = {}): ExternalMetricSample[] {
  const out: ExternalMetricSample[] = [];
  for (const e of index.external.get(externalLevel(q.selector)) ?? []) {
    if (e.namespace !== q.namespace || !matches(q.selector, e.metricLabels)) continue;
    const s = sampleOf(index, e, q.metric, time.toDate ?? epoch);
    if (s !== undefined) out.push({ ...s, metricLabels: e.metricLabels });
  }
  return out;
}

export interface SignalsProviderOptions extends ProviderTime {
  /** Refuse (503) a snapshot older than this, seconds; needs `clock`. Off by default. */
  readonly maxAgeSeconds?: number;
  /** Seconds on the snapshot's clock. */
  readonly clock?: () => number;
}

/**
 * The live provider. Until the first view arrives, and while the source is marked down, every read
 * fails with MetricsUnavailableError (503): the HPA then holds instead of scaling on nothing.
 */
export class SignalsMetricsProvider implements MetricsProvider {
  readonly #options: SignalsProviderOptions;
  readonly #descriptors: readonly MetricDescriptor[] = signalDescriptors();
  #index: ViewIndex | undefined;
  #down: string | undefined;
  #latest: SignalSnapshot | undefined;
  #version = 0;

  constructor(options: SignalsProviderOptions = {}) {
    this.#options = options;
  }

  update(view: SignalView): void {
    this.#latest = view.snapshot;
    this.#index = indexView(view);
    this.#down = undefined;
    this.#version++;
  }

  /** The source failed (e.g. Prometheus unreachable); undefined clears it. */
  setUnavailable(reason: string | undefined): void {
    this.#down = reason;
    this.#version++;
  }

  /**
   * The newest snapshot, for the scaler: undefined before the first cycle; throws, as the metrics reads do,
   * while the source is down or its numbers are older than maxAgeSeconds (an outage, not data).
   */
  latestSnapshot(): SignalSnapshot | undefined {
    if (this.#latest === undefined && this.#down === undefined) return undefined;
    this.#current();
    return this.#latest;
  }

  /**
   * Lets the adapter reuse rendered answers while the snapshot is unchanged. Undefined whenever an answer
   * could depend on the clock or on an outage, so nothing is reused then.
   */
  snapshotVersion(): number | undefined {
    try {
      this.#current();
    } catch {
      return undefined;
    }
    return this.#version;
  }

  #current(): ViewIndex {
    if (this.#down !== undefined) throw new MetricsUnavailableError(this.#down);
    const index = this.#index;
    if (index === undefined) throw new MetricsUnavailableError('no signals yet (first cycle pending)');
    const { maxAgeSeconds, clock } = this.#options;
    if (maxAgeSeconds !== undefined && clock !== undefined && clock() - index.at > maxAgeSeconds) {
      throw new MetricsUnavailableError(`signals are ${String(Math.round(clock() - index.at))} s old`);
    }
    return index;
  }

  listMetrics(): readonly MetricDescriptor[] {
    return this.#descriptors;
  }

  getObjectMetric(q: ObjectMetricQuery): Promise<MetricSample | undefined> {
    return new Promise((resolve) => {
      resolve(objectMetric(this.#current(), q, this.#options));
    });
  }

  getMetricsBySelector(q: SelectorMetricQuery): Promise<readonly NamedMetricSample[]> {
    return new Promise((resolve) => {
      resolve(metricsBySelector(this.#current(), q, this.#options));
    });
  }

  getExternalMetric(q: ExternalMetricQuery): Promise<readonly ExternalMetricSample[]> {
    return new Promise((resolve) => {
      resolve(externalMetric(this.#current(), q, this.#options));
    });
  }
}
