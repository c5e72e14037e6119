// An in-memory MetricsProvider: a fixed table of objects and series. The adapter's tests and benchmark use it
// where the live provider over the signals cache (signals/provider.ts) is not what is being measured.
import { matches, type Labels } from '../kube/selector.ts';
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
} from './provider.ts';

export interface StaticObject {
  readonly resource: MetricResource;
  /** Undefined for cluster-scoped objects (namespaces). */
  readonly namespace?: string;
  readonly name: string;
  readonly labels?: Labels;
}

export interface StaticSeries extends MetricSample {
  readonly resource: MetricResource;
  readonly namespace?: string;
  readonly name: string;
  readonly metric: string;
  /** Labels of the series itself, filtered by `metricLabelSelector`. */
  readonly metricLabels?: Labels;
}

export interface StaticExternalSeries extends ExternalMetricSample {
  readonly namespace: string;
  readonly metric: string;
}

export interface StaticTables {
  readonly metrics: readonly MetricDescriptor[];
  readonly objects?: readonly StaticObject[];
  readonly series?: readonly StaticSeries[];
  readonly external?: readonly StaticExternalSeries[];
}

function sample(s: MetricSample): MetricSample {
  return s.windowSeconds === undefined
    ? { value: s.value, timestamp: s.timestamp }
    : { value: s.value, timestamp: s.timestamp, windowSeconds: s.windowSeconds };
}

export class StaticMetricsProvider implements MetricsProvider {
  #tables: StaticTables;
  #unavailable = false;
  #version = 1;

  /** The tables are read, never copied: treat them as frozen once given (see `replace`). */
  constructor(tables: StaticTables) {
    this.#tables = tables;
  }

  /** Replaces the whole table, as a refresh of the real cache would. */
  replace(tables: StaticTables): void {
    this.#tables = tables;
    this.#version++;
  }

  /** While set, every read fails with MetricsUnavailableError (the source is down). */
  setUnavailable(unavailable: boolean): void {
    this.#unavailable = unavailable;
    this.#version++;
  }

  snapshotVersion(): number | undefined {
    return this.#unavailable ? undefined : this.#version;
  }

  listMetrics(): readonly MetricDescriptor[] {
    return this.#tables.metrics;
  }

  getObjectMetric(q: ObjectMetricQuery): Promise<MetricSample | undefined> {
    if (this.#unavailable) return Promise.reject(new MetricsUnavailableError('static provider marked unavailable'));
    // One series per object and metric is the table's contract; the first match answers.
    const found = (this.#tables.series ?? []).find(
      (s) =>
        s.resource === q.resource &&
        s.namespace === q.namespace &&
        s.name === q.name &&
        s.metric === q.metric &&
        matches(q.metricSelector, s.metricLabels ?? {}),
    );
    return Promise.resolve(found === undefined ? undefined : sample(found));
  }

  getMetricsBySelector(q: SelectorMetricQuery): Promise<readonly NamedMetricSample[]> {
    if (this.#unavailable) return Promise.reject(new MetricsUnavailableError('static provider marked unavailable'));
    const selected = (this.#tables.objects ?? []).filter(
      (o) => o.resource === q.resource && o.namespace === q.namespace && matches(q.selector, o.labels ?? {}),
    );
    const out: NamedMetricSample[] = [];
    for (const o of selected) {
      const s = (this.#tables.series ?? []).find(
        (x) =>
          x.resource === o.resource &&
          x.namespace === o.namespace &&
          x.name === o.name &&
          x.metric === q.metric &&
          matches(q.metricSelector, x.metricLabels ?? {}),
      );
      if (s !== undefined) out.push({ ...sample(s), name: o.name });
    }
    return Promise.resolve(out);
  }

  getExternalMetric(q: ExternalMetricQuery): Promise<readonly ExternalMetricSample[]> {
    if (this.#unavailable) return Promise.reject(new MetricsUnavailableError('static provider marked unavailable'));
    const out = (this.#tables.external ?? [])
      .filter((s) => s.namespace === q.namespace && s.metric === q.metric && matches(q.selector, s.metricLabels))
      .map((s) => ({ ...sample(s), metricLabels: s.metricLabels }));
    return Promise.resolve(out);
  }
}
