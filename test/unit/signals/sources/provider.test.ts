import { describe, expect, it } from 'vitest';
import { MetricsUnavailableError } from '../../../../src/adapter/provider.ts';
import { everything, parseSelector } from '../../../../src/kube/selector.ts';
import type { GroupSignals, SignalSnapshot } from '../../../../src/signals/aggregate/snapshot.ts';
import type { Histogram } from '../../../../src/signals/window/histogram.ts';
import { SIGNALS } from '../../../../src/signals/names.ts';
import {
  externalLevel,
  externalMetric,
  indexView,
  metricsBySelector,
  objectMetric,
  signalDescriptors,
  SignalsMetricsProvider,
  signalView,
  type PodIdentity,
  type SignalView,
} from '../../../../src/signals/provider.ts';

// A hand-built snapshot: PodCliqueSet "pcs" replica 0 in namespace "ns" with clique pcs-0-prefill
// (pods a, b) and clique pcs-0-sg-0-decode in scaling group pcs-0-sg (pod c); pod d in "other".
const AT = 1_700_000_000;
const h = (bounds: number[], counts: number[]): Histogram => ({ bounds: [...bounds, Infinity], counts, sum: 0, count: counts[counts.length - 1] ?? 0 });

const group = (g: Partial<GroupSignals> & Pick<GroupSignals, 'kind' | 'namespace' | 'name'>): GroupSignals => ({
  podCliqueSet: undefined,
  replicaIndex: undefined,
  pods: 1,
  podsReporting: 1,
  values: {},
  histograms: {},
  ...g,
});

const podLabels: Record<string, Record<string, string>> = {
  a: { app: 'llm', 'app.kubernetes.io/part-of': 'pcs', 'grove.io/podcliqueset-replica-index': '0', 'grove.io/podclique': 'pcs-0-prefill', role: 'prefill' },
  b: { app: 'llm', 'app.kubernetes.io/part-of': 'pcs', 'grove.io/podcliqueset-replica-index': '0', 'grove.io/podclique': 'pcs-0-prefill', role: 'prefill' },
  c: {
    app: 'llm',
    'app.kubernetes.io/part-of': 'pcs',
    'grove.io/podcliqueset-replica-index': '0',
    'grove.io/podclique': 'pcs-0-sg-0-decode',
    'grove.io/podcliquescalinggroup': 'pcs-0-sg',
    role: 'decode',
  },
  d: { app: 'other' },
};

function snapshot(): SignalSnapshot {
  const pods = new Map<string, GroupSignals>([
    ['ns/a', group({ kind: 'pod', namespace: 'ns', name: 'a', podCliqueSet: 'pcs', values: { ttft_p90_seconds: 0.2, queue_waiting: 3, kv_cache_utilization: 0.5, request_rate_per_second: 2 }, histograms: { ttft: h([0.1, 0.25], [0, 10, 10]) } })],
    // b is idle: no latency values, but its queue is 0 (a real zero).
    ['ns/b', group({ kind: 'pod', namespace: 'ns', name: 'b', podCliqueSet: 'pcs', values: { queue_waiting: 0, kv_cache_utilization: 0.1, request_rate_per_second: 0 }, histograms: { ttft: h([0.1, 0.25], [0, 0, 0]) } })],
    ['ns/c', group({ kind: 'pod', namespace: 'ns', name: 'c', podCliqueSet: 'pcs', values: { ttft_p90_seconds: 0.09, queue_waiting: 5, kv_cache_utilization: 0.9, request_rate_per_second: 4 }, histograms: { ttft: h([0.1, 0.25], [30, 30, 30]) } })],
    ['other/d', group({ kind: 'pod', namespace: 'other', name: 'd', values: { queue_waiting: 7 } })],
  ]);
  return {
    at: AT,
    windowSeconds: 60,
    pods,
    podCliques: new Map([
      ['ns/pcs-0-prefill', group({ kind: 'podclique', namespace: 'ns', name: 'pcs-0-prefill', podCliqueSet: 'pcs', replicaIndex: 0, pods: 2, podsReporting: 2, values: { ttft_p90_seconds: 0.235, queue_waiting: 3 } })],
      ['ns/pcs-0-sg-0-decode', group({ kind: 'podclique', namespace: 'ns', name: 'pcs-0-sg-0-decode', podCliqueSet: 'pcs', replicaIndex: 0, values: { queue_waiting: 5 } })],
    ]),
    scalingGroups: new Map([['ns/pcs-0-sg', group({ kind: 'podcliquescalinggroup', namespace: 'ns', name: 'pcs-0-sg', podCliqueSet: 'pcs', replicaIndex: 0, values: { queue_waiting: 5 } })]]),
    podCliqueSetReplicas: new Map([['ns/pcs-0', group({ kind: 'podcliqueset-replica', namespace: 'ns', name: 'pcs-0', podCliqueSet: 'pcs', replicaIndex: 0, pods: 3, values: { queue_waiting: 8 } })]]),
    podCliqueSets: new Map([['ns/pcs', group({ kind: 'podcliqueset', namespace: 'ns', name: 'pcs', podCliqueSet: 'pcs', pods: 3, values: { queue_waiting: 8, ttft_p99_seconds: 0.1 } })]]),
  };
}

function view(): SignalView {
  const pods = new Map<string, PodIdentity>();
  for (const [name, labels] of Object.entries(podLabels)) {
    const namespace = name === 'd' ? 'other' : 'ns';
    pods.set(`${namespace}/${name}`, { namespace, name, labels });
  }
  return { snapshot: snapshot(), pods };
}

const index = indexView(view());
const sel = parseSelector;

describe('descriptors', () => {
  it('serves every signal for every resource, and as an external metric', () => {
    const d = signalDescriptors();
    expect(d).toHaveLength(2 * SIGNALS.length);
    expect(d).toContainEqual({ kind: 'custom', name: 'ttft_p90_seconds', resources: ['pods', 'namespaces', 'podcliques.grove.io', 'podcliquescalinggroups.grove.io', 'podcliquesets.grove.io'] });
    expect(d).toContainEqual({ kind: 'external', name: 'queue_waiting' });
  });
});

describe('object metrics', () => {
  it('reads a PodClique, a PodCliqueScalingGroup and a PodCliqueSet by name, with snapshot time and window', () => {
    const q = { namespace: 'ns', metricSelector: everything };
    expect(objectMetric(index, { ...q, resource: 'podcliques.grove.io', name: 'pcs-0-prefill', metric: 'ttft_p90_seconds' })).toEqual({
      value: 0.235,
      timestamp: new Date(AT * 1000),
      windowSeconds: 60,
    });
    expect(objectMetric(index, { ...q, resource: 'podcliquescalinggroups.grove.io', name: 'pcs-0-sg', metric: 'queue_waiting' })?.value).toBe(5);
    expect(objectMetric(index, { ...q, resource: 'podcliquesets.grove.io', name: 'pcs', metric: 'ttft_p99_seconds' })?.value).toBe(0.1);
    expect(objectMetric(index, { ...q, resource: 'pods', name: 'a', metric: 'queue_waiting' })?.value).toBe(3);
  });

  it('has no value (never 0) for a latency without data, an unknown object or another namespace', () => {
    const q = { namespace: 'ns', metricSelector: everything };
    expect(objectMetric(index, { ...q, resource: 'pods', name: 'b', metric: 'ttft_p90_seconds' })).toBeUndefined();
    expect(objectMetric(index, { ...q, resource: 'pods', name: 'b', metric: 'queue_waiting' })?.value).toBe(0);
    expect(objectMetric(index, { ...q, resource: 'podcliques.grove.io', name: 'nope', metric: 'queue_waiting' })).toBeUndefined();
    expect(objectMetric(index, { ...q, namespace: 'other', resource: 'podcliques.grove.io', name: 'pcs-0-prefill', metric: 'queue_waiting' })).toBeUndefined();
  });

  it('combines a namespace from its pods: queues add, KV is the mean, latency buckets add before the quantile', () => {
    const q = { namespace: undefined, resource: 'namespaces' as const, name: 'ns', metricSelector: everything };
    expect(objectMetric(index, { ...q, metric: 'queue_waiting' })?.value).toBe(8);
    expect(objectMetric(index, { ...q, metric: 'kv_cache_utilization' })?.value).toBeCloseTo(0.5, 12);
    expect(objectMetric(index, { ...q, metric: 'kv_cache_utilization_max' })?.value).toBe(0.9);
    expect(objectMetric(index, { ...q, metric: 'request_rate_per_second' })?.value).toBe(6);
    // 40 observations: 30 at ≤0.1, 10 in (0.1, 0.25]; p50 is rank 20 → inside the first bucket: 0.1 × 20/30.
    expect(objectMetric(index, { ...q, metric: 'ttft_p50_seconds' })?.value).toBeCloseTo(0.1 * (20 / 30), 12);
    // p90 is rank 36 → (0.1, 0.25] bucket, 6 of its 10: 0.1 + 0.15 × 0.6.
    expect(objectMetric(index, { ...q, metric: 'ttft_p90_seconds' })?.value).toBeCloseTo(0.19, 12);
    expect(objectMetric(index, { ...q, name: 'other', metric: 'queue_waiting' })?.value).toBe(7);
    expect(objectMetric(index, { ...q, name: 'other', metric: 'ttft_p50_seconds' })).toBeUndefined();
  });

  it('filters by metricLabelSelector over the group labels', () => {
    const q = { namespace: 'ns', resource: 'podcliques.grove.io' as const, name: 'pcs-0-prefill', metric: 'queue_waiting' };
    expect(objectMetric(index, { ...q, metricSelector: sel('podcliqueset=pcs') })?.value).toBe(3);
    expect(objectMetric(index, { ...q, metricSelector: sel('podcliqueset=x') })).toBeUndefined();
  });
});

describe('pod metrics by label selector', () => {
  it("selects pods by their Kubernetes labels and skips those without the value", () => {
    const q = { namespace: 'ns', resource: 'pods' as const, metricSelector: everything };
    const names = (metric: string, s: string): string[] => metricsBySelector(index, { ...q, metric, selector: sel(s) }).map((x) => x.name);
    expect(names('queue_waiting', 'role=prefill')).toEqual(['a', 'b']);
    expect(names('ttft_p90_seconds', 'role=prefill')).toEqual(['a']);
    expect(names('queue_waiting', 'app=llm,role in (decode)')).toEqual(['c']);
    expect(names('queue_waiting', 'app=other')).toEqual([]); // d is in another namespace
    const items = metricsBySelector(index, { ...q, metric: 'queue_waiting', selector: sel('role=prefill') });
    expect(items[0]).toEqual({ name: 'a', value: 3, timestamp: new Date(AT * 1000), windowSeconds: 60 });
  });

  it('selects groups by the labels all their pods share', () => {
    const q = { namespace: 'ns', metricSelector: everything, metric: 'queue_waiting' };
    expect(metricsBySelector(index, { ...q, resource: 'podcliques.grove.io', selector: sel('role=prefill') }).map((x) => x.name)).toEqual(['pcs-0-prefill']);
    expect(metricsBySelector(index, { ...q, resource: 'podcliques.grove.io', selector: sel('app=llm') }).map((x) => x.name)).toEqual(['pcs-0-prefill', 'pcs-0-sg-0-decode']);
    // The PodCliqueSet's pods disagree on role, so the set has no role label.
    expect(metricsBySelector(index, { ...q, resource: 'podcliquesets.grove.io', selector: sel('role') })).toEqual([]);
    expect(metricsBySelector(index, { ...q, namespace: undefined, resource: 'namespaces', selector: sel('kubernetes.io/metadata.name=other') }).map((x) => x.value)).toEqual([7]);
  });
});

describe('external metrics', () => {
  it('picks the level from the finest label the selector names', () => {
    expect(externalLevel(sel('podcliqueset=pcs,podclique=x'))).toBe('podclique');
    expect(externalLevel(sel('podcliqueset=pcs,replica=0'))).toBe('replica');
    expect(externalLevel(sel('podcliquescalinggroup=g'))).toBe('podcliquescalinggroup');
    expect(externalLevel(sel('pod=a'))).toBe('pod');
    expect(externalLevel(everything)).toBe('namespace');
  });

  it('answers one item per selected group, labelled, so that the HPA sum counts each pod once', () => {
    const q = (metric: string, s: string): { v: number; l: unknown }[] =>
      externalMetric(index, { namespace: 'ns', metric, selector: sel(s) }).map((x) => ({ v: x.value, l: x.metricLabels }));
    expect(q('queue_waiting', 'podclique=pcs-0-prefill')).toEqual([{ v: 3, l: { namespace: 'ns', podclique: 'pcs-0-prefill', podcliqueset: 'pcs', replica: '0' } }]);
    expect(q('queue_waiting', 'podcliqueset=pcs')).toEqual([{ v: 8, l: { namespace: 'ns', podcliqueset: 'pcs' } }]);
    expect(q('queue_waiting', 'podcliqueset=pcs,replica=0')).toEqual([{ v: 8, l: { namespace: 'ns', podcliqueset: 'pcs', replica: '0' } }]);
    expect(q('queue_waiting', 'podcliquescalinggroup=pcs-0-sg')).toEqual([{ v: 5, l: { namespace: 'ns', podcliquescalinggroup: 'pcs-0-sg', podcliqueset: 'pcs', replica: '0' } }]);
    expect(q('queue_waiting', 'podclique in (pcs-0-prefill,pcs-0-sg-0-decode)').map((x) => x.v)).toEqual([3, 5]);
    expect(q('queue_waiting', '')).toEqual([{ v: 8, l: { namespace: 'ns' } }]);
    expect(q('queue_waiting', 'pod=c').map((x) => x.v)).toEqual([5]);
    expect(q('ttft_p90_seconds', 'podclique=pcs-0-sg-0-decode')).toEqual([]);
    expect(externalMetric(index, { namespace: 'other', metric: 'queue_waiting', selector: sel('podcliqueset=pcs') })).toEqual([]);
  });
});

describe('SignalsMetricsProvider', () => {
  it('is unavailable (503) until the first snapshot and while the source is down', async () => {
    const p = new SignalsMetricsProvider();
    const q = { namespace: 'ns', resource: 'pods' as const, name: 'a', metric: 'queue_waiting', metricSelector: everything };
    await expect(p.getObjectMetric(q)).rejects.toBeInstanceOf(MetricsUnavailableError);
    expect(p.listMetrics()).toHaveLength(2 * SIGNALS.length);
    p.update(view());
    expect((await p.getObjectMetric(q))?.value).toBe(3);
    p.setUnavailable('prometheus: HTTP 503');
    await expect(p.getExternalMetric({ namespace: 'ns', metric: 'queue_waiting', selector: everything })).rejects.toThrow('prometheus: HTTP 503');
    p.update(view());
    expect(await p.getExternalMetric({ namespace: 'ns', metric: 'queue_waiting', selector: everything })).toHaveLength(1);
  });

  it('refuses a snapshot older than maxAgeSeconds', async () => {
    let now = AT + 5;
    const p = new SignalsMetricsProvider({ maxAgeSeconds: 30, clock: () => now });
    p.update(view());
    const q = { namespace: 'ns', resource: 'pods' as const, selector: everything, metric: 'queue_waiting', metricSelector: everything };
    expect(await p.getMetricsBySelector(q)).toHaveLength(3);
    now = AT + 31;
    await expect(p.getMetricsBySelector(q)).rejects.toThrow(/31 s old/);
  });

  it('offers a snapshot version only while answers are servable, and a new one for every update or outage', () => {
    let now = AT + 5;
    const p = new SignalsMetricsProvider({ maxAgeSeconds: 30, clock: () => now });
    expect(p.snapshotVersion()).toBeUndefined();
    p.update(view());
    const first = p.snapshotVersion();
    expect(first).toBeTypeOf('number');
    expect(p.snapshotVersion()).toBe(first);
    p.update(view());
    const second = p.snapshotVersion();
    expect(second).toBeGreaterThan(first ?? Infinity);
    p.setUnavailable('down');
    expect(p.snapshotVersion()).toBeUndefined();
    p.setUnavailable(undefined);
    expect(p.snapshotVersion()).toBeGreaterThan(second ?? Infinity);
    now = AT + 31;
    expect(p.snapshotVersion()).toBeUndefined();
  });

  it('maps snapshot time through toDate', async () => {
    const p = new SignalsMetricsProvider({ toDate: (at) => new Date(Date.UTC(2025, 0, 1) + at * 1000) });
    p.update(view());
    const s = await p.getObjectMetric({ namespace: 'ns', resource: 'pods', name: 'a', metric: 'queue_waiting', metricSelector: everything });
    expect(s?.timestamp.toISOString()).toBe(new Date(Date.UTC(2025, 0, 1) + AT * 1000).toISOString());
  });

  it('builds its view from a source state (pods and their labels)', () => {
    const snap = snapshot();
    const v = signalView(snap, { targets: new Map([['ns/a', { namespace: 'ns', pod: 'a', labels: podLabels.a ?? {}, window: [] }]]) });
    expect(v.snapshot).toBe(snap);
    expect([...v.pods.values()]).toEqual([{ namespace: 'ns', name: 'a', labels: podLabels.a }]);
  });
});
