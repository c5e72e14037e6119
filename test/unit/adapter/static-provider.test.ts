import { describe, it, expect } from 'vitest';
import { parseSelector, everything } from '../../../src/kube/selector.ts';
import { MetricsUnavailableError } from '../../../src/adapter/provider.ts';
import { fixtureProvider, t0 } from './support/fixture.ts';

describe('StaticMetricsProvider', () => {
  it('answers object, selector and external reads from its table', async () => {
    const p = fixtureProvider();
    expect(
      await p.getObjectMetric({ namespace: 'serving', resource: 'podcliques.grove.io', name: 'llm-0-prefill', metric: 'queue_waiting', metricSelector: everything }),
    ).toEqual({ value: 12, timestamp: t0 });
    const pods = await p.getMetricsBySelector({
      namespace: 'serving',
      resource: 'pods',
      selector: parseSelector('role=prefill'),
      metric: 'ttft_p90_seconds',
      metricSelector: everything,
    });
    expect(pods.map((s) => [s.name, s.value])).toEqual([
      ['llm-0-prefill-a', 0.25],
      ['llm-0-prefill-b', 1.5],
    ]);
    const ext = await p.getExternalMetric({ namespace: 'serving', metric: 'request_rate_per_second', selector: parseSelector('model=mistral') });
    expect(ext.map((s) => s.value)).toEqual([1]);
  });

  it('rejects every read while marked unavailable', async () => {
    const p = fixtureProvider();
    p.setUnavailable(true);
    await expect(p.getExternalMetric({ namespace: 'serving', metric: 'x', selector: everything })).rejects.toBeInstanceOf(MetricsUnavailableError);
    p.setUnavailable(false);
    await expect(p.getExternalMetric({ namespace: 'serving', metric: 'x', selector: everything })).resolves.toEqual([]);
  });
});
