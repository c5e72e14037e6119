// Rendered answers are reused per (request target, provider snapshot) behind authentication and
// authorization: these tests pin that reuse never changes what a caller gets.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { FakeKubeAuthClient } from '../../../src/adapter/auth/fake-kube-auth-client.ts';
import type { AccessReviewRequest } from '../../../src/adapter/auth/kube-auth-client.ts';
import type { MetricsProvider } from '../../../src/adapter/provider.ts';
import { startAdapter, type RunningAdapter } from '../../../src/adapter/start.ts';
import { StaticMetricsProvider } from '../../../src/adapter/static-provider.ts';
import { call, json, type CallOptions } from './support/client.ts';
import { fixtureTables } from './support/fixture.ts';
import { mintTestPki, type TestPki } from './support/pki.ts';

const hpaUser = 'system:serviceaccount:kube-system:horizontal-pod-autoscaler';
const pods = (selector: string): string =>
  `/apis/custom.metrics.k8s.io/v1beta2/namespaces/serving/pods/%2A/ttft_p90_seconds?labelSelector=${encodeURIComponent(selector)}`;
const prefill = pods('role=prefill');

/** Counts provider reads, so a test can see whether an answer was reused. */
class CountingProvider implements MetricsProvider {
  readonly inner: StaticMetricsProvider;
  readonly versioned: boolean;
  reads = 0;
  /** Replaces the inner provider's version when set (a misbehaving provider). */
  version: (() => number | undefined) | undefined;

  constructor(inner: StaticMetricsProvider, versioned: boolean) {
    this.inner = inner;
    this.versioned = versioned;
  }

  listMetrics(): ReturnType<MetricsProvider['listMetrics']> {
    return this.inner.listMetrics();
  }

  getObjectMetric(q: Parameters<MetricsProvider['getObjectMetric']>[0]): ReturnType<MetricsProvider['getObjectMetric']> {
    this.reads++;
    return this.inner.getObjectMetric(q);
  }

  getMetricsBySelector(q: Parameters<MetricsProvider['getMetricsBySelector']>[0]): ReturnType<MetricsProvider['getMetricsBySelector']> {
    this.reads++;
    return this.inner.getMetricsBySelector(q);
  }

  getExternalMetric(q: Parameters<MetricsProvider['getExternalMetric']>[0]): ReturnType<MetricsProvider['getExternalMetric']> {
    this.reads++;
    return this.inner.getExternalMetric(q);
  }

  snapshotVersion(): number | undefined {
    if (this.version !== undefined) return this.version();
    return this.versioned ? this.inner.snapshotVersion() : undefined;
  }
}

let pki: TestPki;
let client: FakeKubeAuthClient;

function allow(r: AccessReviewRequest): boolean {
  return r.user.username === hpaUser || r.user.username === 'alice';
}

beforeAll(() => {
  pki = mintTestPki();
  client = new FakeKubeAuthClient({ configMap: pki.configMap, policy: allow });
});

afterAll(() => {
  pki.cleanup();
});

const asProxy = (user: string, groups: string[] = []): CallOptions => ({
  identity: pki.frontProxyClient,
  headers: { 'X-Remote-User': user, 'X-Remote-Group': groups },
});

async function withAdapter(versioned: boolean, body: (adapter: RunningAdapter, provider: CountingProvider) => Promise<void>): Promise<void> {
  const provider = new CountingProvider(new StaticMetricsProvider(fixtureTables()), versioned);
  const adapter = await startAdapter({ provider, kubeAuthClient: client, tls: pki.serving, port: 0, reloadIntervalMs: 0 });
  try {
    await body(adapter, provider);
  } finally {
    await adapter.stop();
  }
}

function get(adapter: RunningAdapter, path: string, options: CallOptions): ReturnType<typeof call> {
  return call(adapter.address.port, pki.servingCA.cert, path, options);
}

const values = (reply: Awaited<ReturnType<typeof call>>): string[] =>
  (json(reply) as { items: { describedObject: { name: string }; value: string }[] }).items.map((i) => `${i.describedObject.name}=${i.value}`);

describe('reused answers', () => {
  it('answers a repeated question without reading the provider again, with the same bytes and headers', async () => {
    await withAdapter(true, async (adapter, provider) => {
      const first = await get(adapter, prefill, asProxy(hpaUser));
      const second = await get(adapter, prefill, asProxy(hpaUser));
      expect(first.status).toBe(200);
      expect(values(first)).toEqual(['llm-0-prefill-a=250m', 'llm-0-prefill-b=1500m']);
      expect(second.status).toBe(200);
      expect(second.text).toBe(first.text);
      expect(second.headers['content-type']).toBe('application/json');
      expect(second.headers['content-length']).toBe(String(Buffer.byteLength(first.text)));
      expect(provider.reads).toBe(1);
    });
  });

  it('different queries never share a body', async () => {
    await withAdapter(true, async (adapter, provider) => {
      const a = await get(adapter, prefill, asProxy(hpaUser));
      const b = await get(adapter, pods('role=decode'), asProxy(hpaUser));
      const c = await get(adapter, pods('grove.io/podclique=llm-0-prefill'), asProxy(hpaUser));
      expect(values(a)).toEqual(['llm-0-prefill-a=250m', 'llm-0-prefill-b=1500m']);
      // The only decode pod's value is NaN: missing, so the list is a 404, not the prefill body.
      expect(b.status).toBe(404);
      expect(json(b)).toMatchObject({ kind: 'Status', reason: 'NotFound' });
      expect(values(c)).toEqual(values(a));
      expect(provider.reads).toBe(3);
      // Repeats answer each from its own entry.
      expect((await get(adapter, pods('role=decode'), asProxy(hpaUser))).text).toBe(b.text);
      expect((await get(adapter, prefill, asProxy(hpaUser))).text).toBe(a.text);
      expect(provider.reads).toBe(3);
    });
  });

  it('a provider update invalidates every reused answer', async () => {
    await withAdapter(true, async (adapter, provider) => {
      expect(values(await get(adapter, prefill, asProxy(hpaUser)))).toEqual(['llm-0-prefill-a=250m', 'llm-0-prefill-b=1500m']);
      const tables = fixtureTables();
      provider.inner.replace({
        ...tables,
        series: (tables.series ?? []).map((s) => (s.name === 'llm-0-prefill-a' && s.metric === 'ttft_p90_seconds' ? { ...s, value: 0.75 } : s)),
      });
      expect(values(await get(adapter, prefill, asProxy(hpaUser)))).toEqual(['llm-0-prefill-a=750m', 'llm-0-prefill-b=1500m']);
      expect(provider.reads).toBe(2);
      // Discovery is rendered from the snapshot too.
      provider.inner.replace({ ...tables, metrics: [{ kind: 'external', name: 'request_rate_per_second' }] });
      const discovery = await get(adapter, '/apis/custom.metrics.k8s.io/v1beta2', asProxy(hpaUser));
      expect((json(discovery) as { resources: { name: string }[] }).resources.map((r) => r.name)).toEqual(['custommetrics']);
      expect((await get(adapter, prefill, asProxy(hpaUser))).status).toBe(404);
    });
  });

  it('an outage is never served from an earlier answer, and is not remembered after recovery', async () => {
    await withAdapter(true, async (adapter, provider) => {
      expect((await get(adapter, prefill, asProxy(hpaUser))).status).toBe(200);
      provider.inner.setUnavailable(true);
      const down = await get(adapter, prefill, asProxy(hpaUser));
      expect(down.status).toBe(503);
      expect(json(down)).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable' });
      expect((await get(adapter, prefill, asProxy(hpaUser))).status).toBe(503);
      provider.inner.setUnavailable(false);
      expect(values(await get(adapter, prefill, asProxy(hpaUser)))).toEqual(['llm-0-prefill-a=250m', 'llm-0-prefill-b=1500m']);
    });
  });

  it('every caller is still authenticated and authorized: a reused body never reaches a denied or anonymous caller', async () => {
    await withAdapter(true, async (adapter, provider) => {
      expect((await get(adapter, prefill, asProxy(hpaUser))).status).toBe(200);
      const before = client.accessReviews.length;
      const denied = await get(adapter, prefill, asProxy('mallory'));
      expect(denied.status).toBe(403);
      expect(json(denied)).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
      // mallory's decision is mallory's own review, not the HPA's cached allow.
      expect(client.accessReviews.slice(before).map((r) => r.user.username)).toEqual(['mallory']);
      expect((await get(adapter, prefill, {})).status).toBe(401);
      expect((await get(adapter, prefill, { identity: pki.rogueFrontProxy, headers: { 'X-Remote-User': hpaUser } })).status).toBe(401);
      // Another allowed identity (client certificate) gets the same answer, through its own review.
      const alice = await get(adapter, prefill, { identity: pki.alice });
      expect(alice.status).toBe(200);
      expect(client.accessReviews.at(-1)?.user.username).toBe('alice');
      expect(provider.reads).toBe(1);
    });
  });

  it('a provider that does not version its snapshots is read on every request', async () => {
    await withAdapter(false, async (adapter, provider) => {
      const first = await get(adapter, prefill, asProxy(hpaUser));
      const second = await get(adapter, prefill, asProxy(hpaUser));
      expect(second.text).toBe(first.text);
      expect(provider.reads).toBe(2);
    });
  });

  it('a version that names no snapshot (NaN, or a throwing provider) only turns reuse off', async () => {
    await withAdapter(true, async (adapter, provider) => {
      provider.version = () => Number.NaN;
      const first = await get(adapter, prefill, asProxy(hpaUser));
      expect(values(first)).toEqual(['llm-0-prefill-a=250m', 'llm-0-prefill-b=1500m']);
      expect((await get(adapter, prefill, asProxy(hpaUser))).text).toBe(first.text);
      expect(provider.reads).toBe(2);
      provider.version = () => {
        throw new Error('version unavailable');
      };
      expect((await get(adapter, prefill, asProxy(hpaUser))).text).toBe(first.text);
      expect(provider.reads).toBe(3);
    });
  });

  it('only GET answers are reused; other methods are still refused', async () => {
    await withAdapter(true, async (adapter) => {
      expect((await get(adapter, prefill, asProxy(hpaUser))).status).toBe(200);
      const post = await get(adapter, prefill, { ...asProxy('admin', ['system:masters']), method: 'POST' });
      expect(post.status).toBe(405);
      expect(json(post)).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed' });
    });
  });

  it('reused answers are counted under their own route in /metrics', async () => {
    await withAdapter(true, async (adapter) => {
      for (let i = 0; i < 3; i++) expect((await get(adapter, prefill, asProxy(hpaUser))).status).toBe(200);
      const metrics = await get(adapter, '/metrics', asProxy('prometheus', ['system:masters']));
      expect(metrics.text).toMatch(/canopy_adapter_requests_total\{code="200",verb="GET",route="selector"\} 3\n/);
      expect(metrics.text).toMatch(/canopy_adapter_request_duration_seconds_count\{verb="GET",route="selector"\} 3\n/);
    });
  });
});
