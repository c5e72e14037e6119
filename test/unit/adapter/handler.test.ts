import { describe, it, expect } from 'vitest';
import { handleMetricsRequest, planRequest, type AdapterResponse } from '../../../src/adapter/handler.ts';
import { discoveryDocument } from '../../../src/adapter/documents.ts';
import { StaticMetricsProvider } from '../../../src/adapter/static-provider.ts';
import type { MetricsProvider } from '../../../src/adapter/provider.ts';
import { fixtureProvider, fixtureTables } from './support/fixture.ts';

const custom = (v: 'v1beta1' | 'v1beta2', rest: string): string => `/apis/custom.metrics.k8s.io/${v}${rest}`;
const external = (rest: string): string => `/apis/external.metrics.k8s.io/v1beta1${rest}`;

async function get(url: string, provider: MetricsProvider = fixtureProvider()): Promise<AdapterResponse> {
  return handleMetricsRequest({ method: 'GET', url }, provider);
}

function body(r: AdapterResponse): Record<string, unknown> {
  return r.body as Record<string, unknown>;
}

function expectStatus(r: AdapterResponse, code: number, reason: string): void {
  expect(r.status).toBe(code);
  expect(r.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, code });
}

describe('discovery documents', () => {
  it('advertises resource/metric pairs for custom metrics, namespaces cluster-scoped', async () => {
    for (const v of ['v1beta1', 'v1beta2'] as const) {
      const r = await get(custom(v, ''));
      expect(r.status).toBe(200);
      const doc = body(r);
      expect(doc).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `custom.metrics.k8s.io/${v}` });
      const resources = doc.resources as { name: string; namespaced: boolean; kind: string; verbs: string[]; singularName: string }[];
      expect(resources.map((x) => x.name).sort()).toEqual([
        'namespaces/queue_waiting',
        'podcliques.grove.io/queue_waiting',
        'podcliques.grove.io/ttft_p90_seconds',
        'podcliquescalinggroups.grove.io/queue_waiting',
        'podcliquesets.grove.io/ttft_p90_seconds',
        'pods/ttft_p90_seconds',
      ]);
      for (const x of resources) {
        expect(x).toMatchObject({ singularName: '', kind: 'MetricValueList', verbs: ['get'] });
        expect(x.namespaced).toBe(!x.name.startsWith('namespaces/'));
      }
    }
  });

  it('advertises external metrics as namespaced ExternalMetricValueList', async () => {
    const r = await get(external(''));
    expect(body(r)).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'external.metrics.k8s.io/v1beta1',
      resources: [{ name: 'request_rate_per_second', singularName: '', namespaced: true, kind: 'ExternalMetricValueList', verbs: ['get'] }],
    });
  });

  it('never serves an empty resources list (placeholders when there are no metrics)', () => {
    expect(discoveryDocument('custom.metrics.k8s.io', 'v1beta2', []).resources.map((r) => r.name)).toEqual(['custommetrics']);
    expect(discoveryDocument('external.metrics.k8s.io', 'v1beta1', []).resources.map((r) => r.name)).toEqual(['externalmetrics']);
  });

  it('accepts a trailing slash on the version path', async () => {
    expect((await get(custom('v1beta2', '/'))).status).toBe(200);
  });

  it('does not serve /apis or the group document (the aggregator does)', async () => {
    expectStatus(await get('/apis'), 404, 'NotFound');
    expectStatus(await get('/apis/custom.metrics.k8s.io'), 404, 'NotFound');
    expectStatus(await get('/apis/custom.metrics.k8s.io/v1'), 404, 'NotFound');
    expectStatus(await get('/apis/external.metrics.k8s.io/v1beta2'), 404, 'NotFound');
  });
});

describe('pods metrics by label selector', () => {
  const path = (v: 'v1beta1' | 'v1beta2', star: string, q: string): string =>
    custom(v, `/namespaces/serving/pods/${star}/ttft_p90_seconds${q}`);

  it('v1beta2: one item per selected pod with a servable value, keyed by pod name', async () => {
    const r = await get(path('v1beta2', '*', '?labelSelector=role%3Dprefill'));
    expect(r.status).toBe(200);
    expect(body(r)).toEqual({
      kind: 'MetricValueList',
      apiVersion: 'custom.metrics.k8s.io/v1beta2',
      metadata: {},
      items: [
        {
          describedObject: { kind: 'Pod', namespace: 'serving', name: 'llm-0-prefill-a', apiVersion: 'v1' },
          metric: { name: 'ttft_p90_seconds' },
          timestamp: '2026-11-21T05:00:00.125Z',
          windowSeconds: 60,
          value: '250m',
        },
        {
          describedObject: { kind: 'Pod', namespace: 'serving', name: 'llm-0-prefill-b', apiVersion: 'v1' },
          metric: { name: 'ttft_p90_seconds' },
          timestamp: '2026-11-21T05:00:00.125Z',
          windowSeconds: 60,
          value: '1500m',
        },
      ],
    });
  });

  it('v1beta1: metricName, window and a null selector', async () => {
    const r = await get(path('v1beta1', '%2A', '?labelSelector=role%3Dprefill'));
    const items = body(r).items as Record<string, unknown>[];
    expect(body(r)).toMatchObject({ kind: 'MetricValueList', apiVersion: 'custom.metrics.k8s.io/v1beta1', metadata: {} });
    expect(items[0]).toEqual({
      describedObject: { kind: 'Pod', namespace: 'serving', name: 'llm-0-prefill-a', apiVersion: 'v1' },
      metricName: 'ttft_p90_seconds',
      timestamp: '2026-11-21T05:00:00.125Z',
      window: 60,
      value: '250m',
      selector: null,
    });
  });

  it('accepts set-based selectors and drops pods whose value is not servable (NaN)', async () => {
    const r = await get(path('v1beta2', '%2a', '?labelSelector=' + encodeURIComponent('role in (prefill,decode),!canary')));
    expect(r.status).toBe(200);
    const names = (body(r).items as { describedObject: { name: string } }[]).map((i) => i.describedObject.name);
    expect(names).toEqual(['llm-0-prefill-a', 'llm-0-prefill-b']);
  });

  it('404 with the selector in the message when nothing is selected', async () => {
    const r = await get(path('v1beta2', '*', '?labelSelector=role%3Ddecode'));
    expectStatus(r, 404, 'NotFound');
    expect(body(r).message).toBe('the server could not find the metric ttft_p90_seconds for pods with selector role=decode');
  });

  it('400 for a malformed labelSelector or metricLabelSelector', async () => {
    expectStatus(await get(path('v1beta2', '*', '?labelSelector=role%20in')), 400, 'BadRequest');
    expectStatus(await get(path('v1beta2', '*', '?metricLabelSelector=a%3D%3D%3Db')), 400, 'BadRequest');
    // gt/lt parse as selectors but have no metav1.LabelSelector form to echo back.
    expectStatus(await get(path('v1beta2', '*', '?metricLabelSelector=a%3E1')), 400, 'BadRequest');
  });

  it('404 for a metric the resource does not carry, and for a pod path without a metric', async () => {
    expectStatus(await get(custom('v1beta2', '/namespaces/serving/pods/*/queue_waiting')), 404, 'NotFound');
    expectStatus(await get(custom('v1beta2', '/namespaces/serving/pods/x')), 404, 'NotFound');
    expectStatus(await get(custom('v1beta2', '/nodes/x')), 404, 'NotFound');
  });
});

describe('object metrics', () => {
  it('serves exactly one item for a PodClique, echoing the metricLabelSelector (v1beta2)', async () => {
    const r = await get(
      custom('v1beta2', '/namespaces/serving/podcliques.grove.io/llm-0-prefill/queue_waiting?metricLabelSelector=model%3Dllama'),
    );
    expect(r.status).toBe(200);
    expect(body(r)).toEqual({
      kind: 'MetricValueList',
      apiVersion: 'custom.metrics.k8s.io/v1beta2',
      metadata: {},
      items: [
        {
          describedObject: { kind: 'PodClique', namespace: 'serving', name: 'llm-0-prefill', apiVersion: 'grove.io/v1alpha1' },
          metric: { name: 'queue_waiting', selector: { matchLabels: { model: 'llama' } } },
          timestamp: '2026-11-21T05:00:00.125Z',
          value: '12',
        },
      ],
    });
  });

  it('v1beta1 object item carries the selector object', async () => {
    const r = await get(
      custom('v1beta1', '/namespaces/serving/podcliques.grove.io/llm-0-prefill/queue_waiting?metricLabelSelector=model%20in%20(llama)'),
    );
    expect((body(r).items as unknown[])[0]).toEqual({
      describedObject: { kind: 'PodClique', namespace: 'serving', name: 'llm-0-prefill', apiVersion: 'grove.io/v1alpha1' },
      metricName: 'queue_waiting',
      timestamp: '2026-11-21T05:00:00.125Z',
      value: '12',
      selector: { matchExpressions: [{ key: 'model', operator: 'In', values: ['llama'] }] },
    });
  });

  it('400 for a malformed labelSelector even though a named object ignores it', async () => {
    expectStatus(await get(custom('v1beta2', '/namespaces/serving/podcliques.grove.io/llm-0-prefill/queue_waiting?labelSelector=%3D%3D')), 400, 'BadRequest');
    expect((await get(custom('v1beta2', '/namespaces/serving/podcliques.grove.io/llm-0-prefill/queue_waiting?labelSelector=x%3Dy'))).status).toBe(200);
  });

  it('404 when the metricLabelSelector filters the only series out', async () => {
    const r = await get(
      custom('v1beta2', '/namespaces/serving/podcliques.grove.io/llm-0-prefill/queue_waiting?metricLabelSelector=model%3Dother'),
    );
    expectStatus(r, 404, 'NotFound');
    expect(body(r).message).toBe(
      'the server could not find the metric queue_waiting for podcliques.grove.io llm-0-prefill with selector model=other',
    );
  });

  it('rounds to milli-units: 0.0004 s is served as 0 (HPA precision), 2000 as 2k, negatives as 0', async () => {
    const tiny = await get(custom('v1beta2', '/namespaces/serving/podcliques.grove.io/llm-0-prefill/ttft_p90_seconds'));
    expect((body(tiny).items as { value: string; windowSeconds: number }[])[0]).toMatchObject({ value: '0', windowSeconds: 30 });
    const big = await get(custom('v1beta2', '/namespaces/serving/podcliquescalinggroups.grove.io/llm-0-sg/queue_waiting'));
    expect((body(big).items as { value: string; describedObject: { kind: string } }[])[0]).toMatchObject({
      value: '2k',
      describedObject: { kind: 'PodCliqueScalingGroup' },
    });
    const neg = await get(custom('v1beta2', '/namespaces/serving/podcliquesets.grove.io/llm/ttft_p90_seconds'));
    expect((body(neg).items as { value: string; describedObject: { kind: string } }[])[0]).toMatchObject({
      value: '0',
      describedObject: { kind: 'PodCliqueSet' },
    });
  });

  it('404 for an object with no value, and for a NaN value', async () => {
    expectStatus(await get(custom('v1beta2', '/namespaces/serving/podcliques.grove.io/nope/queue_waiting')), 404, 'NotFound');
    expectStatus(await get(custom('v1beta2', '/namespaces/serving/pods/llm-0-decode-a/ttft_p90_seconds')), 404, 'NotFound');
  });

  it('404 for unknown resources and for a namespaced resource on a root-scoped path', async () => {
    expectStatus(await get(custom('v1beta2', '/namespaces/serving/deployments.apps/x/queue_waiting')), 404, 'NotFound');
    expectStatus(await get(custom('v1beta2', '/namespaces/serving/podcliques/llm-0-prefill/queue_waiting')), 404, 'NotFound');
    expectStatus(await get(custom('v1beta2', '/podcliques.grove.io/llm-0-prefill/queue_waiting')), 404, 'NotFound');
  });
});

describe('namespace metrics', () => {
  it('/namespaces/{ns}/metrics/{metric} describes the Namespace object (no namespace field)', async () => {
    const r = await get(custom('v1beta2', '/namespaces/serving/metrics/queue_waiting'));
    expect(r.status).toBe(200);
    expect((body(r).items as unknown[])[0]).toEqual({
      describedObject: { kind: 'Namespace', name: 'serving', apiVersion: 'v1' },
      metric: { name: 'queue_waiting' },
      timestamp: '2026-11-21T05:00:00.125Z',
      value: '14',
    });
  });

  it('the root-scoped forms /namespaces/{name}/{metric} and /namespaces/*/{metric} work too', async () => {
    const one = await get(custom('v1beta1', '/namespaces/serving/queue_waiting'));
    expect(one.status).toBe(200);
    expect((body(one).items as { describedObject: unknown }[])[0]?.describedObject).toEqual({
      kind: 'Namespace',
      name: 'serving',
      apiVersion: 'v1',
    });
    const all = await get(custom('v1beta2', '/namespaces/*/queue_waiting?labelSelector=team%3Dml'));
    expect(all.status).toBe(200);
    expect((body(all).items as unknown[]).length).toBe(1);
  });

  it('404 for a metric not served on namespaces', async () => {
    expectStatus(await get(custom('v1beta2', '/namespaces/serving/metrics/ttft_p90_seconds')), 404, 'NotFound');
  });
});

describe('external metrics', () => {
  it('serves every series the labelSelector selects, with metricLabels', async () => {
    const r = await get(external('/namespaces/serving/request_rate_per_second?labelSelector=pcs%3Dllm'));
    expect(r.status).toBe(200);
    expect(body(r)).toEqual({
      kind: 'ExternalMetricValueList',
      apiVersion: 'external.metrics.k8s.io/v1beta1',
      metadata: {},
      items: [
        {
          metricName: 'request_rate_per_second',
          metricLabels: { model: 'llama', pcs: 'llm' },
          timestamp: '2026-11-21T05:00:00.125Z',
          window: 60,
          value: '3500m',
        },
        { metricName: 'request_rate_per_second', metricLabels: { model: 'mistral', pcs: 'llm' }, timestamp: '2026-11-21T05:00:00.125Z', value: '1' },
      ],
    });
  });

  it('set-based selectors narrow the series', async () => {
    const r = await get(external('/namespaces/serving/request_rate_per_second?labelSelector=' + encodeURIComponent('model notin (llama)')));
    expect((body(r).items as { metricLabels: { model: string } }[]).map((i) => i.metricLabels.model)).toEqual(['mistral']);
  });

  it('404 for unknown metrics, other namespaces, root-scoped paths and names with a slash', async () => {
    expectStatus(await get(external('/namespaces/serving/nope')), 404, 'NotFound');
    expectStatus(await get(external('/namespaces/other/request_rate_per_second')), 404, 'NotFound');
    expectStatus(await get(external('/request_rate_per_second')), 404, 'NotFound');
    expectStatus(await get(external('/namespaces/serving/request_rate_per_second%2Fx')), 404, 'NotFound');
  });

  it('400 for a malformed labelSelector', async () => {
    expectStatus(await get(external('/namespaces/serving/request_rate_per_second?labelSelector=%21')), 400, 'BadRequest');
  });
});

describe('failures', () => {
  it('503 ServiceUnavailable while the provider is down', async () => {
    const p = fixtureProvider();
    p.setUnavailable(true);
    expectStatus(await get(custom('v1beta2', '/namespaces/serving/pods/*/ttft_p90_seconds'), p), 503, 'ServiceUnavailable');
    expectStatus(await get(external('/namespaces/serving/request_rate_per_second'), p), 503, 'ServiceUnavailable');
    expectStatus(await get(custom('v1beta2', '/namespaces/serving/metrics/queue_waiting'), p), 503, 'ServiceUnavailable');
  });

  it('500 InternalError when the provider throws anything else', async () => {
    const broken: MetricsProvider = {
      listMetrics: () => fixtureTables().metrics,
      getObjectMetric: () => Promise.reject(new Error('boom')),
      getMetricsBySelector: () => Promise.reject(new Error('boom')),
      getExternalMetric: () => Promise.reject(new Error('boom')),
    };
    expectStatus(await get(custom('v1beta2', '/namespaces/serving/metrics/queue_waiting'), broken), 500, 'InternalError');
  });

  it('405 MethodNotAllowed for anything but GET', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'HEAD']) {
      const plan = planRequest({ method, url: custom('v1beta2', '') }, fixtureTables().metrics);
      expect(plan.kind).toBe('respond');
      if (plan.kind === 'respond') expect(plan.response.status).toBe(405);
    }
  });

  it('400 for a path with a malformed percent escape', async () => {
    expectStatus(await get(custom('v1beta2', '/namespaces/%zz/pods/*/m')), 400, 'BadRequest');
  });

  it('an empty provider still answers discovery with placeholders and 404s metrics', async () => {
    const empty = new StaticMetricsProvider({ metrics: [] });
    expect((body(await get(custom('v1beta2', ''), empty)).resources as unknown[]).length).toBe(1);
    expectStatus(await get(custom('v1beta2', '/namespaces/x/pods/*/m'), empty), 404, 'NotFound');
  });
});
