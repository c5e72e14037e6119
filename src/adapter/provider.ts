// What the adapter reads. The adapter never computes a metric: a provider (the signals cache in the live
// system, an in-memory table in tests) answers these questions from its latest snapshot.
import type { Labels, Selector } from '../kube/selector.ts';

/** The object resources Canopy serves custom metrics for, spelled as the API path spells them. */
export const metricResources = [
  'pods',
  'namespaces',
  'podcliques.grove.io',
  'podcliquescalinggroups.grove.io',
  'podcliquesets.grove.io',
] as const;

export type MetricResource = (typeof metricResources)[number];

export function isMetricResource(value: string): value is MetricResource {
  return (metricResources as readonly string[]).includes(value);
}

export type MetricDescriptor =
  | {
      readonly kind: 'custom';
      /** The served name, e.g. `ttft_p90_seconds`. No '/'. */
      readonly name: string;
      /** The resources whose objects carry this metric. */
      readonly resources: readonly MetricResource[];
    }
  | { readonly kind: 'external'; readonly name: string };

export interface MetricSample {
  readonly value: number;
  /** When the value was observed (the true sample time, not the time of the request). */
  readonly timestamp: Date;
  /** Width of the window the value summarises, in seconds, when it is a windowed aggregate. */
  readonly windowSeconds?: number;
}

export interface ObjectMetricQuery {
  /** Undefined for cluster-scoped objects (namespaces). */
  readonly namespace: string | undefined;
  readonly resource: MetricResource;
  readonly name: string;
  readonly metric: string;
  readonly metricSelector: Selector;
}

export interface SelectorMetricQuery {
  readonly namespace: string | undefined;
  readonly resource: MetricResource;
  /** Selects the described objects (for pods: the scale target's pod selector). */
  readonly selector: Selector;
  readonly metric: string;
  readonly metricSelector: Selector;
}

export interface NamedMetricSample extends MetricSample {
  /** Name of the described object (for pods: the pod name the HPA keys on). */
  readonly name: string;
}

export interface ExternalMetricQuery {
  readonly namespace: string;
  readonly metric: string;
  readonly selector: Selector;
}

export interface ExternalMetricSample extends MetricSample {
  readonly metricLabels: Labels;
}

export interface MetricsProvider {
  /** Cheap and synchronous: discovery is answered from it on every call. */
  listMetrics(): readonly MetricDescriptor[];
  /** One object's value, or undefined when there is none. */
  getObjectMetric(query: ObjectMetricQuery): Promise<MetricSample | undefined>;
  /** One value per selected object that has one. */
  getMetricsBySelector(query: SelectorMetricQuery): Promise<readonly NamedMetricSample[]>;
  getExternalMetric(query: ExternalMetricQuery): Promise<readonly ExternalMetricSample[]>;
  /**
   * Which data the answers come from, so the adapter may reuse a rendered answer instead of asking again.
   * Equal values promise equal answers to equal queries (`listMetrics` included); new data or a change of
   * availability yields a greater value. Undefined promises nothing (source down, or answers that depend
   * on the clock), and a provider without this method is asked on every request.
   */
  snapshotVersion?(): number | undefined;
}

/** Thrown by a provider whose source is down or not yet warm: served as 503 ServiceUnavailable. */
export class MetricsUnavailableError extends Error {
  override readonly name = 'MetricsUnavailableError';
}
