import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EngineLoad } from '../../src/sim/engine-server/load.ts';
import { grovePods } from '../../src/sim/engine-server/fleet.ts';
import { applyCrdDir } from '../env/crds.ts';
import { testKubeConfig } from '../env/kube.ts';
import { waitFor } from '../env/net.ts';
import { integrationSkipped } from '../env/skip.ts';
import {
  createReadyPod,
  createTestContext,
  kubectlGetRaw,
  quantityValue,
  registerApiServices,
  startAdapterInNetns,
  startHostEngine,
  type AdapterInNetns,
  type HostEngine,
  type TestContext,
} from '../support/aggregated-adapter.ts';

/*
 * Issue 3 end to end: Canopy's adapter runs as `canopy adapter` inside a network namespace, registered
 * with the REAL kube-apiserver aggregator; the REAL HPA controller reads a Pods metric through it and
 * scales a PodClique through its /scale subresource.
 */

const CLIQUE = 'inference-0-worker';
const SELECTOR = `grove.io/podclique=${CLIQUE}`;
const TARGET = '500m';

function load(ttftSeconds: number): EngineLoad {
  return {
    rps: 5,
    ttftSeconds: { kind: 'constant', value: ttftSeconds },
    itlSeconds: { kind: 'constant', value: 0.02 },
    outputTokens: { kind: 'constant', value: 8 },
    waiting: 3,
    running: 2,
    kv: 0.25,
  };
}

interface Item {
  describedObject?: { kind?: string; name?: string; namespace?: string };
  metric?: { name?: string };
  metricName?: string;
  metricLabels?: Record<string, string>;
  value: string;
  timestamp: string;
  windowSeconds?: number;
  window?: number;
}
interface ValueList {
  kind: string;
  apiVersion: string;
  items: Item[];
}
interface ResourceList {
  kind: string;
  groupVersion: string;
  resources: { name: string; namespaced: boolean; kind: string; verbs: string[] }[];
}

describe.skipIf(integrationSkipped)('adapter behind the real aggregator, read by the real HPA', () => {
  const env = inject('canopyEnv');
  let ctx: TestContext;
  let adapter: AdapterInNetns;
  const engines: HostEngine[] = [];
  const pods = grovePods(2, { podCliqueSet: 'inference', replicaIndex: 0, clique: 'worker' });
  const timings: Record<string, number> = {};
  const started = Date.now();
  const mark = (what: string): void => {
    timings[what] = (Date.now() - started) / 1000;
  };

  beforeAll(async () => {
    await applyCrdDir(testKubeConfig(), join(import.meta.dirname, '..', '..', 'charts', 'canopy', 'crds'));
    ctx = await createTestContext(env, 'canopy-agg');
    try {
      for (const [i, pod] of pods.entries()) {
        const engine = await startHostEngine(ctx.netns.hostAddress, { dialect: 'vllm', model: 'model', seed: i + 1, load: load(0.1) });
        engines.push(engine);
        ctx.defer(() => engine.close());
        await createReadyPod(ctx, pod.name, pod.labels);
      }
      const ns = ctx.namespace;
      await ctx.api.must('POST', `/apis/grove.io/v1alpha1/namespaces/${ns}/podcliques`, {
        apiVersion: 'grove.io/v1alpha1',
        kind: 'PodClique',
        metadata: { name: CLIQUE, labels: pods[0]?.labels ?? {} },
        spec: { roleName: 'worker', replicas: 2, podSpec: { containers: [{ name: 'engine', image: 'canopy.test/simulated-engine:0' }] } },
      });
      await ctx.api.must(
        'PATCH',
        `/apis/grove.io/v1alpha1/namespaces/${ns}/podcliques/${CLIQUE}/status`,
        { status: { replicas: 2, readyReplicas: 2, hpaPodSelector: SELECTOR } },
        'application/merge-patch+json',
      );
      mark('workload created');
      adapter = await startAdapterInNetns(ctx, {
        // The targets file carries no labels: the adapter takes them from the live pods.
        targets: pods.map((p, i) => ({ namespace: ns, pod: p.name, url: engines[i]?.url ?? '' })),
        window: '20s',
        interval: '1s',
      });
      mark('adapter ready');
      await registerApiServices(ctx, adapter);
      mark('APIServices available');
    } catch (error) {
      await ctx.close().catch(() => undefined);
      throw error;
    }
  });

  afterAll(async () => {
    process.stderr.write(`[aggregator-hpa] timings (s since start): ${JSON.stringify(timings)}\n`);
    await ctx.close();
  });

  it('serves the discovery documents of every group-version through the aggregator', async () => {
    const group = (await kubectlGetRaw(env, '/apis/custom.metrics.k8s.io')) as { kind: string; preferredVersion: { version: string }; versions: { version: string }[] };
    expect(group.kind).toBe('APIGroup');
    expect(group.preferredVersion.version).toBe('v1beta2');
    expect(group.versions.map((v) => v.version)).toEqual(['v1beta2', 'v1beta1']);

    for (const version of ['v1beta1', 'v1beta2']) {
      const list = (await kubectlGetRaw(env, `/apis/custom.metrics.k8s.io/${version}`)) as ResourceList;
      expect(list.kind).toBe('APIResourceList');
      expect(list.groupVersion).toBe(`custom.metrics.k8s.io/${version}`);
      const pods = list.resources.find((r) => r.name === 'pods/ttft_p90_seconds');
      expect(pods).toMatchObject({ namespaced: true, kind: 'MetricValueList', verbs: ['get'] });
      expect(list.resources.find((r) => r.name === 'podcliques.grove.io/queue_waiting')).toBeDefined();
      expect(list.resources.find((r) => r.name === 'namespaces/queue_waiting')).toMatchObject({ namespaced: false });
    }
    const external = (await kubectlGetRaw(env, '/apis/external.metrics.k8s.io/v1beta1')) as ResourceList;
    expect(external.groupVersion).toBe('external.metrics.k8s.io/v1beta1');
    expect(external.resources.find((r) => r.name === 'queue_waiting')).toMatchObject({ namespaced: true, kind: 'ExternalMetricValueList' });
  });

  it('serves Pods, Object and External values through the aggregator (v1beta1 and v1beta2)', async () => {
    const ns = ctx.namespace;
    const podsPath = (version: string): string =>
      `/apis/custom.metrics.k8s.io/${version}/namespaces/${ns}/pods/*/ttft_p90_seconds?labelSelector=${encodeURIComponent(SELECTOR)}`;
    // Every TTFT is 0.1 s, inside vLLM's (0.08, 0.1] bucket: the p90 lies in that bucket.
    const v2 = await waitFor(
      'a TTFT p90 for both pods',
      async () => {
        const list = (await kubectlGetRaw(env, podsPath('v1beta2'))) as ValueList;
        return list.items.length === 2 ? list : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(v2).toMatchObject({ kind: 'MetricValueList', apiVersion: 'custom.metrics.k8s.io/v1beta2' });
    expect(v2.items.map((i) => i.describedObject?.name).sort()).toEqual(pods.map((p) => p.name).sort());
    for (const item of v2.items) {
      expect(item.describedObject).toMatchObject({ kind: 'Pod', namespace: ns });
      expect(item.metric?.name).toBe('ttft_p90_seconds');
      expect(quantityValue(item.value)).toBeGreaterThan(0.08);
      expect(quantityValue(item.value)).toBeLessThanOrEqual(0.1);
      expect(item.windowSeconds).toBe(20);
      expect(Number.isNaN(Date.parse(item.timestamp))).toBe(false);
    }

    const v1 = (await kubectlGetRaw(env, podsPath('v1beta1'))) as ValueList;
    expect(v1.apiVersion).toBe('custom.metrics.k8s.io/v1beta1');
    expect(v1.items).toHaveLength(2);
    for (const item of v1.items) {
      expect(item.metricName).toBe('ttft_p90_seconds');
      expect(quantityValue(item.value)).toBeLessThanOrEqual(0.1);
    }

    // Object metric on the PodClique: the queue of its two engines (3 waiting each) is summed.
    const object = (await kubectlGetRaw(env, `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${ns}/podcliques.grove.io/${CLIQUE}/queue_waiting`)) as ValueList;
    expect(object.items).toHaveLength(1);
    expect(object.items[0]?.describedObject).toMatchObject({ kind: 'PodClique', name: CLIQUE, namespace: ns });
    expect(quantityValue(object.items[0]?.value ?? '')).toBe(6);

    // External metric selected at the PodClique level: one series, the same sum.
    const external = (await kubectlGetRaw(
      env,
      `/apis/external.metrics.k8s.io/v1beta1/namespaces/${ns}/queue_waiting?labelSelector=${encodeURIComponent(`podclique=${CLIQUE}`)}`,
    )) as ValueList;
    expect(external).toMatchObject({ kind: 'ExternalMetricValueList', apiVersion: 'external.metrics.k8s.io/v1beta1' });
    expect(external.items).toHaveLength(1);
    expect(external.items[0]?.metricName).toBe('queue_waiting');
    expect(external.items[0]?.metricLabels).toMatchObject({ podclique: CLIQUE, namespace: ns });
    expect(quantityValue(external.items[0]?.value ?? '')).toBe(6);
  });

  it('the real HPA scales the PodClique up when TTFT p90 exceeds the target and back down when it recovers', async () => {
    const ns = ctx.namespace;
    await ctx.api.must('POST', `/apis/autoscaling/v2beta2/namespaces/${ns}/horizontalpodautoscalers`, {
      apiVersion: 'autoscaling/v2beta2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'worker' },
      spec: {
        scaleTargetRef: { apiVersion: 'grove.io/v1alpha1', kind: 'PodClique', name: CLIQUE },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [{ type: 'Pods', pods: { metric: { name: 'ttft_p90_seconds' }, target: { type: 'AverageValue', averageValue: TARGET } } }],
      },
    });
    const cliquePath = `/apis/grove.io/v1alpha1/namespaces/${ns}/podcliques/${CLIQUE}`;
    const hpaPath = `/apis/autoscaling/v2beta2/namespaces/${ns}/horizontalpodautoscalers/worker`;
    const replicas = async (): Promise<number | undefined> => ((await ctx.api.must('GET', cliquePath)) as { spec?: { replicas?: number } }).spec?.replicas;
    const hpaState = async (): Promise<string> => JSON.stringify(((await ctx.api.must('GET', hpaPath)) as { status?: unknown }).status ?? {});

    // At 0.1 s the HPA reads the metric and holds at the minimum.
    await waitFor(
      'the HPA to read ttft_p90_seconds',
      async () => {
        const hpa = (await ctx.api.must('GET', hpaPath)) as { status?: { currentMetrics?: { pods?: { current?: { averageValue?: string } } }[] } };
        const v = hpa.status?.currentMetrics?.[0]?.pods?.current?.averageValue;
        return v === undefined ? undefined : v;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\nHPA status: ${await hpaState()}\n--- adapter log ---\n${adapter.log()}`);
    });
    mark('HPA reads the metric');
    expect(await replicas()).toBe(2);

    // 2 s TTFT: p90 ≈ 2.35 s per pod (bucket (1, 2.5]), 4.7 × the target → ceil(4.7 × 2) = 10, capped at 6.
    for (const e of engines) e.setLoad(load(2));
    await waitFor('the HPA to scale the PodClique to maxReplicas', async () => ((await replicas()) === 6 ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 1_000,
    }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\nreplicas: ${String(await replicas())}\nHPA status: ${await hpaState()}`);
    });
    mark('scaled up');

    // Back to 0.1 s: once the 20 s window holds only fast requests the ratio is < 0.2; after the
    // downscale stabilization the HPA returns to minReplicas.
    for (const e of engines) e.setLoad(load(0.1));
    await waitFor('the HPA to scale the PodClique back to minReplicas', async () => ((await replicas()) === 2 ? true : undefined), {
      timeoutMs: 150_000,
      intervalMs: 1_000,
    }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\nreplicas: ${String(await replicas())}\nHPA status: ${await hpaState()}`);
    });
    mark('scaled down');
    const hpa = (await ctx.api.must('GET', hpaPath)) as { status?: { desiredReplicas?: number } };
    expect(hpa.status?.desiredReplicas).toBe(2);
  });
});
