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
  // One timer and one settle per read (no race and finally chain): this is on every uncached request.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new MetricsUnavailableError(`${what} did not answer within ${ms} ms`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        // Adopting the settled promise passes its rejection reason on unchanged.
        resolve(promise);
      },
    );
  });
}

export function withTimeout(provider: MetricsProvider, ms: number): MetricsProvider {
  const wrapped: MetricsProvider = {
    listMetrics: (): readonly MetricDescriptor[] => provider.listMetrics(),
    getObjectMetric: (q: ObjectMetricQuery): Promise<MetricSample | undefined> =>
      within(provider.getObjectMetric(q), ms, 'metrics provider'),
    getMetricsBySelector: (q: SelectorMetricQuery): Promise<readonly NamedMetricSample[]> =>
      within(provider.getMetricsBySelector(q), ms, 'metrics provider'),
    getExternalMetric: (q: ExternalMetricQuery): Promise<readonly ExternalMetricSample[]> =>
      within(provider.getExternalMetric(q), ms, 'metrics provider'),
  };
  // Only a provider that versions its snapshots may have its answers reused; the wrapper never adds that.
  if (provider.snapshotVersion !== undefined) wrapped.snapshotVersion = (): number | undefined => provider.snapshotVersion?.();
  return wrapped;
}
