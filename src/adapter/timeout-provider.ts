// A provider that does not answer in time is down, not slow: the aggregator gives up after a few seconds
// and the HPA treats any failure alike, so the adapter answers 503 first and keeps its sockets free.
import {
  MetricsUnavailableError,
  type ExternalMetricQuery,
  type ExternalMetricSample,
  type MetricDescriptor,
  type MetricSample,
  type MetricsProvider,
  type NamedMetricSample,
  type ObjectMetricQuery,
  type SelectorMetricQuery,
} from './provider.ts';

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new MetricsUnavailableError(`${what} did not answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

export function withTimeout(provider: MetricsProvider, ms: number): MetricsProvider {
  return {
    listMetrics: (): readonly MetricDescriptor[] => provider.listMetrics(),
    getObjectMetric: (q: ObjectMetricQuery): Promise<MetricSample | undefined> =>
      within(provider.getObjectMetric(q), ms, 'metrics provider'),
    getMetricsBySelector: (q: SelectorMetricQuery): Promise<readonly NamedMetricSample[]> =>
      within(provider.getMetricsBySelector(q), ms, 'metrics provider'),
    getExternalMetric: (q: ExternalMetricQuery): Promise<readonly ExternalMetricSample[]> =>
      within(provider.getExternalMetric(q), ms, 'metrics provider'),
  };
}
