import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { currentTargets, parseTargetsFile, podForScrape, resolveStaticTargets, startSignalsLoop, type PodLister } from '../../../src/adapter/wiring.ts';
import { everything, parseSelector } from '../../../src/kube/selector.ts';
import { SignalsMetricsProvider } from '../../../src/signals/provider.ts';
import type { FetchText } from '../../../src/signals/sources/fetch.ts';
import type { ScrapeTarget } from '../../../src/signals/sources/targets.ts';
import { createEngineSimulation } from '../../../src/sim/engine-server/load.ts';

const CLIQUE = { 'grove.io/podclique': 'svc-0-worker' };

function pod(namespace: string, name: string, extra: { labels?: Record<string, string>; annotations?: Record<string, string>; podIP?: string; phase?: string; deleting?: boolean } = {}): V1Pod {
  return {
    metadata: {
      namespace,
      name,
      labels: extra.labels ?? {},
      annotations: extra.annotations ?? {},
      ...(extra.deleting === true ? { deletionTimestamp: new Date(0) } : {}),
    },
    status: { phase: extra.phase ?? 'Running', ...(extra.podIP === undefined ? {} : { podIP: extra.podIP }) },
  };
}

function lister(pods: readonly V1Pod[], calls: { ns: string | undefined; selector: string | undefined }[] = []): PodLister {
  return {
    list: (ns, selector) => {
      calls.push({ ns, selector });
      return Promise.resolve(pods.filter((p) => ns === undefined || p.metadata?.namespace === ns));
    },
  };
}

describe('parseTargetsFile', () => {
  it('reads a bare list and the {targets: [...]} form alike', () => {
    const entry = { namespace: 'ns', pod: 'p-0', url: 'http://10.200.1.1:8000/metrics', labels: CLIQUE, match: { model_name: 'm' } };
    const expected: ScrapeTarget[] = [{ namespace: 'ns', pod: 'p-0', url: entry.url, labels: CLIQUE, match: { model_name: 'm' } }];
    expect(parseTargetsFile(JSON.stringify([entry]))).toEqual({ ok: true, targets: expected });
    expect(parseTargetsFile(JSON.stringify({ targets: [entry] }))).toEqual({ ok: true, targets: expected });
  });

  it('gives a target without labels an empty label set', () => {
    const r = parseTargetsFile('[{"namespace":"ns","pod":"p","url":"https://e:1/metrics"}]');
    expect(r).toEqual({ ok: true, targets: [{ namespace: 'ns', pod: 'p', url: 'https://e:1/metrics', labels: {} }] });
  });

  it('rejects what is not JSON, unknown keys, missing fields and non-HTTP URLs, naming where', () => {
    const notJson = parseTargetsFile('{');
    expect(notJson.ok).toBe(false);
    const bad = parseTargetsFile(JSON.stringify([{ namespace: 'ns', pod: 'p', url: 'ftp://x/metrics' }, { namespace: 'ns', url: 'http://x/' }, { namespace: 'ns', pod: 'q', url: 'http://x/', port: 1 }]));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.some((e) => e.startsWith('0.url'))).toBe(true);
    expect(bad.errors.some((e) => e.startsWith('1.pod'))).toBe(true);
    expect(bad.errors.some((e) => e.startsWith('2'))).toBe(true);
  });

  it('rejects a pod listed twice (two engines cannot both be one pod)', () => {
    const t = { namespace: 'ns', pod: 'p', url: 'http://x/metrics' };
    const r = parseTargetsFile(JSON.stringify([t, { ...t, url: 'http://y/metrics' }]));
    expect(r).toEqual({ ok: false, errors: ['1: pod ns/p is listed twice'] });
  });
});

describe('resolveStaticTargets', () => {
  const targets: ScrapeTarget[] = [
    { namespace: 'a', pod: 'p-0', url: 'http://e0/metrics', labels: { stale: 'yes' } },
    { namespace: 'a', pod: 'p-1', url: 'http://e1/metrics', labels: {}, match: { model_name: 'm' } },
    { namespace: 'b', pod: 'p-0', url: 'http://e2/metrics', labels: {} },
  ];

  it('takes labels from the live pod of the same namespace and name, keeping url and match', () => {
    const live = new Map<string, Record<string, string>>([
      ['a/p-0', CLIQUE],
      ['a/p-1', { other: 'x' }],
    ]);
    const plan = resolveStaticTargets(targets, live);
    expect(plan.targets).toEqual([
      { namespace: 'a', pod: 'p-0', url: 'http://e0/metrics', labels: CLIQUE },
      { namespace: 'a', pod: 'p-1', url: 'http://e1/metrics', labels: { other: 'x' }, match: { model_name: 'm' } },
    ]);
    expect(plan.skipped).toEqual([{ namespace: 'b', pod: 'p-0', reason: 'no such pod in the API server' }]);
  });
});

describe('podForScrape', () => {
  it('drops finished and terminating pods and treats an empty podIP as none', () => {
    expect(podForScrape(pod('ns', 'done', { phase: 'Succeeded' }))).toBeUndefined();
    expect(podForScrape(pod('ns', 'failed', { phase: 'Failed' }))).toBeUndefined();
    expect(podForScrape(pod('ns', 'going', { deleting: true }))).toBeUndefined();
    expect(podForScrape(pod('ns', 'new', { podIP: '' }))?.podIP).toBeUndefined();
    expect(podForScrape(pod('ns', 'up', { podIP: '10.1.2.3', labels: CLIQUE }))).toEqual({ namespace: 'ns', name: 'up', labels: CLIQUE, annotations: {}, podIP: '10.1.2.3' });
  });
});

describe('currentTargets', () => {
  it('--scrape-pods: scrapes each pod at its IP and the port its annotation (or the default) names', async () => {
    const pods = [
      pod('ns', 'annotated', { podIP: '10.0.0.5', annotations: { 'prometheus.io/port': '9000' } }),
      pod('ns', 'plain', { podIP: '10.0.0.6' }),
      pod('ns', 'pending'),
    ];
    const calls: { ns: string | undefined; selector: string | undefined }[] = [];
    const plan = await currentTargets({ kind: 'pods', namespace: 'ns', labelSelector: 'app=x', defaults: { port: 8000 } }, lister(pods, calls));
    expect(calls).toEqual([{ ns: 'ns', selector: 'app=x' }]);
    expect(plan.targets.map((t) => t.url)).toEqual(['http://10.0.0.5:9000/metrics', 'http://10.0.0.6:8000/metrics']);
    expect(plan.skipped.map((s) => s.pod)).toEqual(['pending']);
  });

  it('--scrape-targets: lists each namespace of the file once and resolves labels; --no-resolve-pods does not list', async () => {
    const targets: ScrapeTarget[] = [
      { namespace: 'a', pod: 'p-0', url: 'http://e0/metrics', labels: { file: 'label' } },
      { namespace: 'a', pod: 'p-1', url: 'http://e1/metrics', labels: {} },
    ];
    const calls: { ns: string | undefined; selector: string | undefined }[] = [];
    const live = [pod('a', 'p-0', { labels: CLIQUE }), pod('a', 'p-1', { labels: CLIQUE, phase: 'Failed' })];
    const resolved = await currentTargets({ kind: 'targets', targets, resolvePods: true }, lister(live, calls));
    expect(calls).toEqual([{ ns: 'a', selector: undefined }]);
    expect(resolved.targets).toEqual([{ namespace: 'a', pod: 'p-0', url: 'http://e0/metrics', labels: CLIQUE }]);
    expect(resolved.skipped.map((s) => s.pod)).toEqual(['p-1']);

    const untouched: { ns: string | undefined; selector: string | undefined }[] = [];
    const asIs = await currentTargets({ kind: 'targets', targets, resolvePods: false }, lister(live, untouched));
    expect(untouched).toEqual([]);
    expect(asIs.targets).toEqual(targets);
  });
});

/** A vLLM page after `requests` requests of the given TTFT, from the simulator's exposition. */
function vllmPages(ttftSeconds: number): () => string {
  const sim = createEngineSimulation({
    dialect: 'vllm',
    model: 'm',
    seed: 1,
    load: { rps: 10, ttftSeconds: { kind: 'constant', value: ttftSeconds }, itlSeconds: { kind: 'constant', value: 0.01 }, waiting: 2, running: 1, kv: 0.5 },
  });
  return () => {
    sim.advance(1);
    return sim.render();
  };
}

describe('startSignalsLoop', () => {
  it('serves nothing (503) before the first cycle, then the scraped values for the selected pods', async () => {
    const provider = new SignalsMetricsProvider();
    const page = vllmPages(0.3);
    let t = 1_000;
    const fetch: FetchText = () => Promise.resolve({ ok: true, status: 200, text: page() });
    const loop = startSignalsLoop({
      provider,
      source: { kind: 'targets', targets: [{ namespace: 'ns', pod: 'p-0', url: 'http://e/metrics', labels: {} }], resolvePods: true },
      lister: lister([pod('ns', 'p-0', { labels: CLIQUE })]),
      intervalMs: 3_600_000,
      deps: { fetch, clock: () => t },
    });
    try {
      expect(loop.ready()).toBe(false);
      await expect(provider.getMetricsBySelector({ namespace: 'ns', resource: 'pods', selector: everything, metric: 'queue_waiting', metricSelector: everything })).rejects.toThrow();
      await loop.cycle();
      t += 1;
      await loop.cycle();
      expect(loop.ready()).toBe(true);
      const query = { namespace: 'ns', resource: 'pods' as const, selector: parseSelector('grove.io/podclique=svc-0-worker'), metricSelector: everything };
      const queue = await provider.getMetricsBySelector({ ...query, metric: 'queue_waiting' });
      expect(queue.map((s) => [s.name, s.value])).toEqual([['p-0', 2]]);
      // 0.3 s lies in vLLM's (0.25, 0.5] bucket, so the p90 does too.
      const [ttft] = await provider.getMetricsBySelector({ ...query, metric: 'ttft_p90_seconds' });
      expect(ttft?.value).toBeGreaterThan(0.25);
      expect(ttft?.value).toBeLessThanOrEqual(0.5);
      // The pod's live labels, not the file's (empty) ones, decide selection.
      expect(await provider.getMetricsBySelector({ ...query, selector: parseSelector('grove.io/podclique=other'), metric: 'queue_waiting' })).toEqual([]);
    } finally {
      loop.stop();
    }
  });

  it('keeps scraping the last known targets when listing pods fails, and logs failures once per change', async () => {
    const provider = new SignalsMetricsProvider();
    const lines: string[] = [];
    let listing = 0;
    const flaky: PodLister = {
      list: () => {
        listing++;
        return listing === 1 ? Promise.resolve([pod('ns', 'p-0', { labels: CLIQUE })]) : Promise.reject(new Error('apiserver down'));
      },
    };
    let fetches = 0;
    let up = true;
    const page = vllmPages(0.05);
    const fetch: FetchText = () => {
      fetches++;
      return Promise.resolve(up ? { ok: true, status: 200, text: page() } : { ok: false, error: 'connection refused' });
    };
    let t = 100;
    const loop = startSignalsLoop({
      provider,
      source: { kind: 'targets', targets: [{ namespace: 'ns', pod: 'p-0', url: 'http://e/metrics', labels: {} }], resolvePods: true },
      lister: flaky,
      intervalMs: 3_600_000,
      resyncMs: 0,
      deps: { fetch, clock: () => t },
      log: (l) => lines.push(l),
    });
    try {
      await loop.cycle();
      t += 1;
      await loop.cycle();
      expect(fetches).toBe(2);
      expect(lines.filter((l) => l.includes('apiserver down'))).toHaveLength(1);
      up = false;
      for (let i = 0; i < 3; i++) {
        t += 1;
        await loop.cycle();
      }
      expect(fetches).toBe(5);
      expect(lines.filter((l) => l.includes('connection refused'))).toHaveLength(1);
    } finally {
      loop.stop();
    }
  });

  it('never runs two cycles at once', async () => {
    let inFlight = 0;
    let most = 0;
    const page = vllmPages(0.05);
    const fetch: FetchText = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return { ok: true, status: 200, text: page() };
    };
    const loop = startSignalsLoop({
      provider: new SignalsMetricsProvider(),
      source: { kind: 'targets', targets: [{ namespace: 'ns', pod: 'p', url: 'http://e/metrics', labels: {} }], resolvePods: false },
      lister: lister([]),
      intervalMs: 3_600_000,
      deps: { fetch, clock: () => 1 },
    });
    try {
      await Promise.all([loop.cycle(), loop.cycle(), loop.cycle()]);
      expect(most).toBe(1);
    } finally {
      loop.stop();
    }
  });
});
