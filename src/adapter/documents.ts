// The JSON documents the adapter serves: discovery (APIResourceList) and the metric value lists in the
// exact v1beta1 / v1beta2 / external shapes of k8s.io/metrics. Pure builders; no I/O.
import type { LabelSelector } from '../kube/selector.ts';
import type { MetricDescriptor, MetricResource, MetricSample } from './provider.ts';
import { formatMilliQuantity } from './quantity.ts';
import { customGroup, externalGroup, type CustomVersion } from './routes.ts';

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: 'MetricValueList' | 'ExternalMetricValueList';
  verbs: string[];
}

export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

/** Namespaces are the one cluster-scoped resource here; everything else is namespaced. */
export function isNamespacedResource(resource: MetricResource): boolean {
  return resource !== 'namespaces';
}

/**
 * The version document. It is never empty: client-go treats an empty resource list as failed discovery,
 * so with no metrics a placeholder is advertised, as the reference adapters do.
 */
export function discoveryDocument(group: string, version: string, metrics: readonly MetricDescriptor[]): APIResourceList {
  const resources: APIResource[] = [];
  const seen = new Set<string>();
  if (group === customGroup) {
    for (const m of metrics) {
      if (m.kind !== 'custom') continue;
      for (const r of m.resources) {
        const name = `${r}/${m.name}`;
        if (seen.has(name)) continue;
        seen.add(name);
        resources.push({ name, singularName: '', namespaced: isNamespacedResource(r), kind: 'MetricValueList', verbs: ['get'] });
      }
    }
    if (resources.length === 0)
      resources.push({ name: 'custommetrics', singularName: '', namespaced: true, kind: 'MetricValueList', verbs: ['get'] });
  } else if (group === externalGroup) {
    for (const m of metrics) {
      if (m.kind !== 'external' || seen.has(m.name)) continue;
      seen.add(m.name);
      resources.push({ name: m.name, singularName: '', namespaced: true, kind: 'ExternalMetricValueList', verbs: ['get'] });
    }
    if (resources.length === 0)
      resources.push({ name: 'externalmetrics', singularName: '', namespaced: true, kind: 'ExternalMetricValueList', verbs: ['get'] });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources };
}

export interface ObjectReference {
  kind: string;
  namespace?: string;
  name: string;
  apiVersion: string;
}

const kinds: Readonly<Record<MetricResource, { kind: string; apiVersion: string }>> = {
  pods: { kind: 'Pod', apiVersion: 'v1' },
  namespaces: { kind: 'Namespace', apiVersion: 'v1' },
  'podcliques.grove.io': { kind: 'PodClique', apiVersion: 'grove.io/v1alpha1' },
  'podcliquescalinggroups.grove.io': { kind: 'PodCliqueScalingGroup', apiVersion: 'grove.io/v1alpha1' },
  'podcliquesets.grove.io': { kind: 'PodCliqueSet', apiVersion: 'grove.io/v1alpha1' },
};

export function describedObject(resource: MetricResource, namespace: string | undefined, name: string): ObjectReference {
  const { kind, apiVersion } = kinds[resource];
  return namespace === undefined ? { kind, name, apiVersion } : { kind, namespace, name, apiVersion };
}

/** A sample ready to serve: value as a Quantity, time as RFC 3339, window as whole seconds. */
export interface ServedSample {
  value: string;
  timestamp: string;
  windowSeconds?: number;
}

// The samples of one answer nearly always share one snapshot time, so the last formatting is kept.
let lastMs = Number.NaN;
let lastText = '';

/** RFC 3339 with milliseconds, UTC. */
function rfc3339(ms: number): string {
  if (ms !== lastMs) {
    lastText = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastText;
}

/** Undefined when the sample cannot be served (NaN or infinite value, invalid time). */
export function serveSample(sample: MetricSample): ServedSample | undefined {
  const value = formatMilliQuantity(sample.value);
  const ms = sample.timestamp.getTime();
  if (value === undefined || !Number.isFinite(ms)) return undefined;
  const served: ServedSample = { value, timestamp: rfc3339(ms) };
  const w = sample.windowSeconds;
  if (w !== undefined && Number.isFinite(w) && w >= 0) served.windowSeconds = Math.round(w);
  return served;
}

export interface CustomItem {
  readonly describedObject: ObjectReference;
  readonly metric: string;
  /** The metricLabelSelector the value was filtered by; undefined when none was given. */
  readonly metricSelector: LabelSelector | undefined;
  readonly sample: ServedSample;
}

export interface MetricValueListV1beta2 {
  kind: 'MetricValueList';
  apiVersion: 'custom.metrics.k8s.io/v1beta2';
  metadata: Record<string, never>;
  items: {
    describedObject: ObjectReference;
    metric: { name: string; selector?: LabelSelector };
    timestamp: string;
    windowSeconds?: number;
    value: string;
  }[];
}

export interface MetricValueListV1beta1 {
  kind: 'MetricValueList';
  apiVersion: 'custom.metrics.k8s.io/v1beta1';
  metadata: Record<string, never>;
  items: {
    describedObject: ObjectReference;
    metricName: string;
    timestamp: string;
    window?: number;
    value: string;
    selector: LabelSelector | null;
  }[];
}

export function metricValueList(
  version: CustomVersion,
  items: readonly CustomItem[],
): MetricValueListV1beta1 | MetricValueListV1beta2 {
  if (version === 'v1beta2') {
    return {
      kind: 'MetricValueList',
      apiVersion: 'custom.metrics.k8s.io/v1beta2',
      metadata: {},
      items: items.map((i) => {
        const metric: { name: string; selector?: LabelSelector } = { name: i.metric };
        if (i.metricSelector !== undefined) metric.selector = i.metricSelector;
        const item: MetricValueListV1beta2['items'][number] = {
          describedObject: i.describedObject,
          metric,
          timestamp: i.sample.timestamp,
          value: i.sample.value,
        };
        if (i.sample.windowSeconds !== undefined) item.windowSeconds = i.sample.windowSeconds;
        return item;
      }),
    };
  }
  return {
    kind: 'MetricValueList',
    apiVersion: 'custom.metrics.k8s.io/v1beta1',
    metadata: {},
    items: items.map((i) => {
      const item: MetricValueListV1beta1['items'][number] = {
        describedObject: i.describedObject,
        metricName: i.metric,
        timestamp: i.sample.timestamp,
        value: i.sample.value,
        selector: i.metricSelector ?? null,
      };
      if (i.sample.windowSeconds !== undefined) item.window = i.sample.windowSeconds;
      return item;
    }),
  };
}

export interface ExternalMetricValueList {
  kind: 'ExternalMetricValueList';
  apiVersion: 'external.metrics.k8s.io/v1beta1';
  metadata: Record<string, never>;
  items: {
    metricName: string;
    metricLabels: Record<string, string>;
    timestamp: string;
    window?: number;
    value: string;
  }[];
}

export function externalMetricValueList(
  metric: string,
  items: readonly { metricLabels: Readonly<Record<string, string>>; sample: ServedSample }[],
): ExternalMetricValueList {
  return {
    kind: 'ExternalMetricValueList',
    apiVersion: 'external.metrics.k8s.io/v1beta1',
    metadata: {},
    items: items.map((i) => {
      const item: ExternalMetricValueList['items'][number] = {
        metricName: metric,
        metricLabels: { ...i.metricLabels },
        timestamp: i.sample.timestamp,
        value: i.sample.value,
      };
      if (i.sample.windowSeconds !== undefined) item.window = i.sample.windowSeconds;
      return item;
    }),
  };
}
