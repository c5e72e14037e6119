// A small Grove-shaped world: one PodCliqueSet `llm` in namespace `serving` with a prefill and a decode
// PodClique, three pods, and the series the adapter serves for them.
import { StaticMetricsProvider, type StaticTables } from '../../../../src/adapter/static-provider.ts';

export const t0 = new Date('2026-11-21T05:00:00.125Z');

export function fixtureTables(): StaticTables {
  return {
    metrics: [
      { kind: 'custom', name: 'ttft_p90_seconds', resources: ['pods', 'podcliques.grove.io', 'podcliquesets.grove.io'] },
      { kind: 'custom', name: 'queue_waiting', resources: ['podcliques.grove.io', 'podcliquescalinggroups.grove.io', 'namespaces'] },
      { kind: 'external', name: 'request_rate_per_second' },
    ],
    objects: [
      { resource: 'pods', namespace: 'serving', name: 'llm-0-prefill-a', labels: { 'grove.io/podclique': 'llm-0-prefill', role: 'prefill' } },
      { resource: 'pods', namespace: 'serving', name: 'llm-0-prefill-b', labels: { 'grove.io/podclique': 'llm-0-prefill', role: 'prefill' } },
      { resource: 'pods', namespace: 'serving', name: 'llm-0-decode-a', labels: { 'grove.io/podclique': 'llm-0-decode', role: 'decode' } },
      { resource: 'namespaces', name: 'serving', labels: { team: 'ml' } },
    ],
    series: [
      { resource: 'pods', namespace: 'serving', name: 'llm-0-prefill-a', metric: 'ttft_p90_seconds', value: 0.25, timestamp: t0, windowSeconds: 60 },
      { resource: 'pods', namespace: 'serving', name: 'llm-0-prefill-b', metric: 'ttft_p90_seconds', value: 1.5, timestamp: t0, windowSeconds: 60 },
      { resource: 'pods', namespace: 'serving', name: 'llm-0-decode-a', metric: 'ttft_p90_seconds', value: Number.NaN, timestamp: t0 },
      { resource: 'podcliques.grove.io', namespace: 'serving', name: 'llm-0-prefill', metric: 'queue_waiting', value: 12, timestamp: t0, metricLabels: { model: 'llama' } },
      { resource: 'podcliques.grove.io', namespace: 'serving', name: 'llm-0-prefill', metric: 'ttft_p90_seconds', value: 0.0004, timestamp: t0, windowSeconds: 30 },
      { resource: 'podcliquescalinggroups.grove.io', namespace: 'serving', name: 'llm-0-sg', metric: 'queue_waiting', value: 2000, timestamp: t0 },
      { resource: 'podcliquesets.grove.io', namespace: 'serving', name: 'llm', metric: 'ttft_p90_seconds', value: -3, timestamp: t0 },
      { resource: 'namespaces', name: 'serving', metric: 'queue_waiting', value: 14, timestamp: t0 },
    ],
    external: [
      { namespace: 'serving', metric: 'request_rate_per_second', metricLabels: { model: 'llama', pcs: 'llm' }, value: 3.5, timestamp: t0, windowSeconds: 60 },
      { namespace: 'serving', metric: 'request_rate_per_second', metricLabels: { model: 'mistral', pcs: 'llm' }, value: 1, timestamp: t0 },
    ],
  };
}

export function fixtureProvider(): StaticMetricsProvider {
  return new StaticMetricsProvider(fixtureTables());
}
