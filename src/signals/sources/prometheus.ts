import type { Labels, MetricFamily, ParsedPage, Sample } from '../parse/types.ts';
import { extractReading } from '../dialects/extract.ts';
import { DIALECTS } from '../dialects/table.ts';
import type { SignalState } from '../ingest.ts';
import { DEFAULT_WINDOW_SECONDS, evaluateWindow, pushReading, type TargetWindow } from '../window/window.ts';
import { aggregateSignals, GROVE_LABELS, type PodSignalsInput } from '../aggregate/aggregate.ts';
import { signalKey, type SignalSnapshot } from '../aggregate/snapshot.ts';
import { instantQuery, type PostForm, type PromSeries } from './prometheus-api.ts';

/*
 * The Prometheus source reads the SAME cumulative buckets, counters and gauges the engines print, as
 * raw samples over the window (a range selector evaluated at `now`), rebuilds each scrape of each pod
 * as a page, and pushes those pages through the same extraction, window and aggregation code as the
 * direct scrape. Both sources therefore agree to bucket resolution by construction; PromQL's own
 * increase()/histogram_quantile (with extrapolation) is never used.
 */

/** Where Prometheus keeps a pod's identity and labels after relabelling. */
export interface PrometheusRelabel {
  /** The label holding the pod's namespace (default `namespace`). */
  readonly namespace: string;
  /** The label holding the pod's name (default `pod`). */
  readonly pod: string;
  /** Kubernetes pod label → the Prometheus label a relabel rule copied it to. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** Kubernetes service discovery spells a label `a.b/c-d` as `a_b_c_d` (every invalid character → `_`). */
export function prometheusLabelName(kubernetesLabel: string): string {
  return kubernetesLabel.replace(/[^a-zA-Z0-9_]/g, '_');
}

export const DEFAULT_RELABEL: PrometheusRelabel = {
  namespace: 'namespace',
  pod: 'pod',
  podLabels: Object.fromEntries(Object.values(GROVE_LABELS).map((l) => [l, prometheusLabelName(l)])),
};

/** One Prometheus `relabel_configs` rule (the fields Canopy needs). */
export interface RelabelRule {
  readonly source_labels: readonly string[];
  readonly target_label: string;
  readonly action: 'replace';
}

/**
 * The relabel rules a `kubernetes_sd_configs: [{role: pod}]` scrape job needs so that this source
 * can tell pods apart and place them in Grove's hierarchy. (An empty source value sets no label.)
 */
export function podRelabelRules(relabel: PrometheusRelabel = DEFAULT_RELABEL): RelabelRule[] {
  return [
    { source_labels: ['__meta_kubernetes_namespace'], target_label: relabel.namespace, action: 'replace' },
    { source_labels: ['__meta_kubernetes_pod_name'], target_label: relabel.pod, action: 'replace' },
    ...Object.entries(relabel.podLabels).map(([k8s, prom]) => ({
      source_labels: [`__meta_kubernetes_pod_label_${prometheusLabelName(k8s)}`],
      target_label: prom,
      action: 'replace' as const,
    })),
  ];
}

/** Every series name the dialects read: gauges, counters, and each histogram's _bucket/_sum/_count. */
export function engineSeriesNames(): string[] {
  const names = new Set<string>();
  for (const d of DIALECTS) {
    for (const list of Object.values(d.histograms)) for (const m of list) for (const s of ['_bucket', '_sum', '_count']) names.add(m + s);
    for (const list of Object.values(d.gauges)) for (const m of list) names.add(m);
    for (const list of Object.values(d.counters)) {
      for (const src of list) names.add(src.part === 'value' ? src.metric : `${src.metric}${src.part === 'count' ? '_count' : '_sum'}`);
    }
  }
  return [...names].sort();
}

function escapeRegex(name: string): string {
  return name.replace(/[\\.^$|?*+()[\]{}]/g, (c) => `\\${c}`);
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The one query a cycle runs: raw samples of every engine series over the window, e.g.
 * `{__name__=~"vllm:e2e_request_latency_seconds_bucket|…",job="engines"}[60s]`.
 * `matchers` are extra PromQL label matchers, already in PromQL syntax (`job="engines"`).
 */
export function windowQuery(windowSeconds: number, matchers: readonly string[] = []): string {
  const names = engineSeriesNames().map(escapeRegex).join('|');
  const ms = Math.round(windowSeconds * 1000);
  return `{${[`__name__=~${quote(names)}`, ...matchers].join(',')}}[${String(ms)}ms]`;
}

interface PodSeries {
  readonly namespace: string;
  readonly pod: string;
  readonly labels: Labels;
  /** Scrape time in ms → samples of that scrape. */
  readonly scrapes: Map<number, Sample[]>;
}

export interface UnattributedSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly reason: string;
}

function pageOf(samples: readonly Sample[]): ParsedPage {
  const families = new Map<string, MetricFamily>();
  for (const s of samples) {
    const f = families.get(s.name);
    if (f === undefined) families.set(s.name, { name: s.name, type: 'untyped', help: undefined, samples: [s] });
    else (f.samples as Sample[]).push(s);
  }
  return { families, issues: [], sampleCount: samples.length };
}

/**
 * Groups raw samples by pod (through `relabel`) and by scrape instant. Series without the namespace
 * or pod label cannot be attributed (a missing relabel rule) and are reported, not guessed.
 */
export function groupByPod(series: readonly PromSeries[], relabel: PrometheusRelabel = DEFAULT_RELABEL): { pods: Map<string, PodSeries>; unattributed: UnattributedSeries[] } {
  const pods = new Map<string, PodSeries>();
  const unattributed: UnattributedSeries[] = [];
  for (const s of series) {
    const namespace = s.metric[relabel.namespace];
    const pod = s.metric[relabel.pod];
    const name = s.metric['__name__'];
    if (namespace === undefined || namespace === '' || pod === undefined || pod === '') {
      unattributed.push({ metric: s.metric, reason: `no ${relabel.namespace}/${relabel.pod} label (check the relabel rules)` });
      continue;
    }
    if (name === undefined) {
      unattributed.push({ metric: s.metric, reason: 'no __name__' });
      continue;
    }
    const key = signalKey(namespace, pod);
    let entry = pods.get(key);
    if (entry === undefined) {
      const labels: Record<string, string> = {};
      for (const [k8s, prom] of Object.entries(relabel.podLabels)) {
        const v = s.metric[prom];
        if (v !== undefined && v !== '') labels[k8s] = v;
      }
      entry = { namespace, pod, labels, scrapes: new Map() };
      pods.set(key, entry);
    }
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.metric)) if (k !== '__name__') labels[k] = v;
    for (const [t, value] of s.points) {
      const ms = Math.round(t * 1000);
      let samples = entry.scrapes.get(ms);
      if (samples === undefined) {
        samples = [];
        entry.scrapes.set(ms, samples);
      }
      samples.push({ name, suffix: '', labels, value, timestampMs: ms });
    }
  }
  return { pods, unattributed };
}

export interface PrometheusWindowOptions {
  readonly windowSeconds?: number;
  readonly relabel?: PrometheusRelabel;
  /** Only series with these label values count (e.g. one model), as for a direct scrape. */
  readonly match?: Labels;
  /** A pod whose newest sample is older than this leaves the window (default 30 s). */
  readonly staleAfterSeconds?: number;
}

export interface StalePod {
  readonly namespace: string;
  readonly pod: string;
  readonly lastSampleAt: number;
}

export interface PrometheusCycle {
  readonly state: SignalState;
  readonly snapshot: SignalSnapshot;
  readonly unattributed: readonly UnattributedSeries[];
  readonly stale: readonly StalePod[];
}

/**
 * Pure: raw series over the window → per-pod windows (same pushReading/evaluateWindow as the direct
 * scrape) → the snapshot at `now`.
 */
export function signalsFromSeries(series: readonly PromSeries[], now: number, options: PrometheusWindowOptions = {}): PrometheusCycle {
  const windowSeconds = options.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  const staleAfter = options.staleAfterSeconds ?? 30;
  const extractOptions = options.match === undefined ? {} : { match: options.match };
  const { pods, unattributed } = groupByPod(series, options.relabel ?? DEFAULT_RELABEL);
  const targets = new Map<string, { namespace: string; pod: string; labels: Labels; window: TargetWindow }>();
  const inputs: PodSignalsInput[] = [];
  const stale: StalePod[] = [];
  for (const [key, p] of pods) {
    let window: TargetWindow = [];
    for (const ms of [...p.scrapes.keys()].sort((a, b) => a - b)) {
      const reading = extractReading(pageOf(p.scrapes.get(ms) ?? []), extractOptions);
      window = pushReading(window, ms / 1000, reading, windowSeconds);
    }
    const newest = window[window.length - 1];
    if (newest === undefined || newest.at < now - windowSeconds) continue;
    if (newest.at < now - staleAfter) {
      stale.push({ namespace: p.namespace, pod: p.pod, lastSampleAt: newest.at });
      continue;
    }
    targets.set(key, { namespace: p.namespace, pod: p.pod, labels: p.labels, window });
    inputs.push({ namespace: p.namespace, name: p.pod, labels: p.labels, signals: evaluateWindow(window, now, windowSeconds) });
  }
  return { state: { targets }, snapshot: aggregateSignals(inputs, now, windowSeconds), unattributed, stale };
}

export interface PrometheusSourceOptions extends PrometheusWindowOptions {
  /** Prometheus' base URL, e.g. `http://prometheus.monitoring:9090`. */
  readonly url: string;
  /** Extra PromQL label matchers narrowing the engine series, e.g. `job="engines"`. */
  readonly matchers?: readonly string[];
  readonly timeoutMs?: number;
  /** Injected transport (tests). */
  readonly post?: PostForm;
}

export type PrometheusQueryResult = ({ readonly ok: true; readonly warnings: readonly string[] } & PrometheusCycle) | { readonly ok: false; readonly error: string };

/** One cycle against Prometheus at `now` (seconds). Never throws: errors carry Prometheus' message. */
export async function queryPrometheusSignals(options: PrometheusSourceOptions, now: number): Promise<PrometheusQueryResult> {
  const windowSeconds = options.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  const query = windowQuery(windowSeconds, options.matchers);
  const queryOptions = { ...(options.post === undefined ? {} : { post: options.post }), ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) };
  const decoded = await instantQuery(options.url, query, now, queryOptions);
  if (!decoded.ok) return { ok: false, error: `prometheus: ${decoded.error}` };
  if (decoded.result.resultType !== 'matrix') return { ok: false, error: `prometheus: expected a matrix, got ${decoded.result.resultType}` };
  return { ok: true, warnings: decoded.warnings, ...signalsFromSeries(decoded.result.series, now, options) };
}
