import { describe, it, expect } from 'vitest';
import { everything } from '../../../src/kube/selector.ts';
import { MetricsUnavailableError, type MetricsProvider } from '../../../src/adapter/provider.ts';
import { withTimeout } from '../../../src/adapter/timeout-provider.ts';
import { fixtureProvider, fixtureTables } from './support/fixture.ts';

const query = { namespace: 'serving', metric: 'request_rate_per_second', selector: everything };

describe('StaticMetricsProvider.snapshotVersion', () => {
  it('grows with every replaced table and every change of availability, and promises nothing while down', () => {
    const p = fixtureProvider();
    const v0 = p.snapshotVersion();
    expect(v0).toBeTypeOf('number');
    expect(p.snapshotVersion()).toBe(v0);
    p.replace(fixtureTables());
    const v1 = p.snapshotVersion() ?? Number.NaN;
    expect(v1).toBeGreaterThan(v0 ?? Number.POSITIVE_INFINITY);
    p.setUnavailable(true);
    expect(p.snapshotVersion()).toBeUndefined();
    p.setUnavailable(false);
    expect(p.snapshotVersion()).toBeGreaterThan(v1);
  });
});

describe('withTimeout', () => {
  it('passes snapshotVersion through only when the provider has one', () => {
    const p = fixtureProvider();
    const wrapped = withTimeout(p, 1000);
    expect(wrapped.snapshotVersion?.()).toBe(p.snapshotVersion());
    p.replace(fixtureTables());
    expect(wrapped.snapshotVersion?.()).toBe(p.snapshotVersion());
    const plain: MetricsProvider = {
      listMetrics: () => p.listMetrics(),
      getObjectMetric: (q) => p.getObjectMetric(q),
      getMetricsBySelector: (q) => p.getMetricsBySelector(q),
      getExternalMetric: (q) => p.getExternalMetric(q),
    };
    expect('snapshotVersion' in withTimeout(plain, 1000)).toBe(false);
  });

  it('resolves with the provider\'s answer and rejects with its own reason, unchanged', async () => {
    const p = fixtureProvider();
    expect(await withTimeout(p, 1000).getExternalMetric(query)).toEqual(await p.getExternalMetric(query));
    const reason = { not: 'an Error' };
    const failing: MetricsProvider = {
      listMetrics: () => [],
      getObjectMetric: () => Promise.reject(new MetricsUnavailableError('down')),
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a provider may reject with anything
      getMetricsBySelector: () => Promise.reject(reason),
      getExternalMetric: () => Promise.resolve([]),
    };
    const wrapped = withTimeout(failing, 1000);
    await expect(wrapped.getObjectMetric({ namespace: 'n', resource: 'pods', name: 'x', metric: 'm', metricSelector: everything })).rejects.toBeInstanceOf(
      MetricsUnavailableError,
    );
    await expect(wrapped.getMetricsBySelector({ namespace: 'n', resource: 'pods', selector: everything, metric: 'm', metricSelector: everything })).rejects.toBe(reason);
  });

  it('turns a read that never answers into MetricsUnavailableError', async () => {
    const hanging: MetricsProvider = {
      listMetrics: () => [],
      getObjectMetric: () => new Promise(() => undefined),
      getMetricsBySelector: () => new Promise(() => undefined),
      getExternalMetric: () => new Promise(() => undefined),
    };
    await expect(withTimeout(hanging, 5).getExternalMetric(query)).rejects.toThrow(/did not answer within 5 ms/);
  });
});
