import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../../../src/signals/parse/parser.ts';
import { ingestCycle, EMPTY_SIGNAL_STATE, type SignalState } from '../../../../src/signals/ingest.ts';
import type { SignalSnapshot } from '../../../../src/signals/aggregate/snapshot.ts';
import type { PostForm, PromSeries } from '../../../../src/signals/sources/prometheus-api.ts';
import {
  DEFAULT_RELABEL,
  engineSeriesNames,
  groupByPod,
  podRelabelRules,
  prometheusLabelName,
  queryPrometheusSignals,
  signalsFromSeries,
  windowQuery,
} from '../../../../src/signals/sources/prometheus.ts';
import { createEngineSimulation, type EngineSimulation } from '../../../../src/sim/engine-server/load.ts';
import type { ExpositionDialect } from '../../../../src/sim/exposition/naming.ts';

describe('relabelling', () => {
  it("spells Kubernetes labels the way Prometheus' pod discovery does", () => {
    expect(prometheusLabelName('grove.io/podcliqueset-replica-index')).toBe('grove_io_podcliqueset_replica_index');
    expect(DEFAULT_RELABEL.podLabels).toEqual({
      'grove.io/podclique': 'grove_io_podclique',
      'grove.io/podcliquescalinggroup': 'grove_io_podcliquescalinggroup',
      'grove.io/podcliqueset-replica-index': 'grove_io_podcliqueset_replica_index',
      'app.kubernetes.io/part-of': 'app_kubernetes_io_part_of',
    });
  });

  it('writes the relabel rules a kubernetes_sd pod job needs', () => {
    const rules = podRelabelRules({ namespace: 'kube_ns', pod: 'pod_name', podLabels: { 'grove.io/podclique': 'clique' } });
    expect(rules).toEqual([
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'kube_ns', action: 'replace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod_name', action: 'replace' },
      { source_labels: ['__meta_kubernetes_pod_label_grove_io_podclique'], target_label: 'clique', action: 'replace' },
    ]);
  });

  it('reads pod identity and Grove labels back through a custom mapping, and reports series it cannot place', () => {
    const series: PromSeries[] = [
      { metric: { __name__: 'vllm:num_requests_waiting', kube_ns: 'ns', pod_name: 'p', clique: 'c' }, points: [[1, 2]] },
      { metric: { __name__: 'vllm:num_requests_waiting', instance: '10.0.0.1:8000' }, points: [[1, 2]] },
    ];
    const { pods, unattributed } = groupByPod(series, { namespace: 'kube_ns', pod: 'pod_name', podLabels: { 'grove.io/podclique': 'clique' } });
    expect([...pods.keys()]).toEqual(['ns/p']);
    expect(pods.get('ns/p')?.labels).toEqual({ 'grove.io/podclique': 'c' });
    expect(unattributed).toHaveLength(1);
    expect(unattributed[0]?.reason).toMatch(/relabel/);
  });
});

describe('windowQuery', () => {
  it('selects every series the dialects read, exactly, over the window', () => {
    const names = engineSeriesNames();
    expect(names).toContain('vllm:time_to_first_token_seconds_bucket');
    expect(names).toContain('vllm:e2e_request_latency_seconds_count');
    expect(names).toContain('vllm:num_requests_waiting');
    expect(names).toContain('dynamo_frontend_input_sequence_tokens_sum');
    expect(names).not.toContain('vllm:time_to_first_token_seconds');
    const q = windowQuery(60, ['job="engines"']);
    expect(q.startsWith('{__name__=~"')).toBe(true);
    expect(q.endsWith(',job="engines"}[60000ms]')).toBe(true);
    const alternatives = /__name__=~"([^"]*)"/.exec(q)?.[1]?.split('|');
    expect(alternatives).toEqual(names);
  });
});

interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
}

/**
 * What Prometheus would store for the same scrapes: every sample of every page as a series carrying
 * the target labels relabelling attached (plus job and instance), one point per scrape.
 */
function asPrometheusSeries(scrapes: readonly { pod: Pod; at: number; text: string }[]): PromSeries[] {
  const series = new Map<string, { metric: Record<string, string>; points: [number, number][] }>();
  for (const s of scrapes) {
    const target: Record<string, string> = { job: 'engines', instance: `${s.pod.name}:8000`, namespace: s.pod.namespace, pod: s.pod.name };
    for (const [k, v] of Object.entries(s.pod.labels)) target[prometheusLabelName(k)] = v;
    for (const family of parsePrometheusText(s.text).families.values()) {
      for (const sample of family.samples) {
        const metric = { ...sample.labels, ...target, __name__: sample.name };
        const key = JSON.stringify(Object.entries(metric).sort());
        let entry = series.get(key);
        if (entry === undefined) {
          entry = { metric, points: [] };
          series.set(key, entry);
        }
        entry.points.push([s.at, sample.value]);
      }
    }
  }
  return [...series.values()];
}

function values(snapshot: SignalSnapshot): unknown {
  const level = (m: SignalSnapshot['pods']): unknown => Object.fromEntries([...m].map(([k, g]) => [k, { pods: g.pods, values: g.values, histograms: g.histograms }]));
  return {
    pods: level(snapshot.pods),
    podCliques: level(snapshot.podCliques),
    scalingGroups: level(snapshot.scalingGroups),
    replicas: level(snapshot.podCliqueSetReplicas),
    sets: level(snapshot.podCliqueSets),
  };
}

describe('signalsFromSeries agrees with the direct scrape by construction', () => {
  it('gives the same snapshot as ingestCycle over the same scrapes (any dialect, load, window, restarts)', () => {
    fc.assert(
      fc.property(
        fc.record({
          dialect: fc.constantFrom<ExpositionDialect>('vllm', 'sglang', 'trtllm', 'dynamo'),
          seed: fc.integer({ min: 0, max: 1000 }),
          rps: fc.double({ min: 0, max: 12, noNaN: true }),
          ttft: fc.double({ min: 0.005, max: 3, noNaN: true }),
          seconds: fc.integer({ min: 2, max: 40 }),
          windowSeconds: fc.integer({ min: 5, max: 60 }),
          restartAt: fc.option(fc.integer({ min: 1, max: 39 }), { nil: undefined }),
        }),
        (p) => {
          const pods: Pod[] = [0, 1, 2].map((i) => ({
            namespace: 'ns',
            name: `pcs-0-w-${String(i)}`,
            labels: { 'grove.io/podclique': i < 2 ? 'pcs-0-w' : 'pcs-0-x', 'app.kubernetes.io/part-of': 'pcs', 'grove.io/podcliqueset-replica-index': '0' },
          }));
          const make = (i: number): EngineSimulation =>
            createEngineSimulation({
              dialect: p.dialect,
              model: 'm',
              seed: p.seed + i,
              load: {
                rps: p.rps * (i + 1),
                ttftSeconds: { kind: 'lognormal', median: p.ttft, sigma: 0.5 },
                itlSeconds: { kind: 'uniform', min: 0.01, max: 0.08 },
                outputTokens: { kind: 'uniform', min: 1, max: 20 },
                waiting: i,
                running: 2 * i,
                kv: 0.1 * i,
              },
            });
          const sims = pods.map((_, i) => make(i));
          const scrapes: { pod: Pod; at: number; text: string }[] = [];
          let direct: SignalState = EMPTY_SIGNAL_STATE;
          let directSnapshot: SignalSnapshot | undefined;
          for (let t = 0; t <= p.seconds; t++) {
            if (t === p.restartAt) sims[1] = make(7); // pod 1's engine restarts: its counters start again
            const now = 1000 + t;
            const round = pods.map((pod, i) => ({ pod, at: now - 0.25, text: sims[i]?.render() ?? '' }));
            scrapes.push(...round);
            const cycle = ingestCycle(direct, round.map((r) => ({ namespace: r.pod.namespace, pod: r.pod.name, labels: r.pod.labels, at: r.at, text: r.text })), now, p.windowSeconds);
            direct = cycle.state;
            directSnapshot = cycle.snapshot;
            for (const s of sims) s.advance(1);
          }
          const now = 1000 + p.seconds;
          const viaPrometheus = signalsFromSeries(asPrometheusSeries(scrapes), now, { windowSeconds: p.windowSeconds, staleAfterSeconds: 30 });
          expect(viaPrometheus.unattributed).toEqual([]);
          expect(directSnapshot).toBeDefined();
          expect(values(viaPrometheus.snapshot)).toEqual(values(directSnapshot as SignalSnapshot));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('drops a pod whose newest sample is older than the staleness limit, and says so', () => {
    const sim = createEngineSimulation({ dialect: 'vllm', model: 'm', seed: 1 });
    const pod: Pod = { namespace: 'ns', name: 'p', labels: {} };
    const series = asPrometheusSeries([{ pod, at: 100, text: sim.render() }, { pod, at: 101, text: sim.render() }]);
    const r = signalsFromSeries(series, 120, { windowSeconds: 60, staleAfterSeconds: 10 });
    expect(r.stale).toEqual([{ namespace: 'ns', pod: 'p', lastSampleAt: 101 }]);
    expect(r.snapshot.pods.size).toBe(0);
    expect(signalsFromSeries(series, 105, { windowSeconds: 60, staleAfterSeconds: 10 }).snapshot.pods.size).toBe(1);
  });
});

describe('queryPrometheusSignals', () => {
  it('runs the window query at `now` and builds the snapshot from the matrix', async () => {
    const sim = createEngineSimulation({
      dialect: 'vllm',
      model: 'm',
      seed: 3,
      load: { rps: 2, ttftSeconds: { kind: 'constant', value: 0.3 }, itlSeconds: { kind: 'constant', value: 0.02 }, waiting: 4, running: 6, kv: 0.25 },
    });
    const pod: Pod = { namespace: 'ns', name: 'p', labels: { 'grove.io/podclique': 'c' } };
    const scrapes = [];
    for (let t = 0; t <= 10; t++) {
      scrapes.push({ pod, at: 50 + t, text: sim.render() });
      sim.advance(1);
    }
    const series = asPrometheusSeries(scrapes);
    const forms: Readonly<Record<string, string>>[] = [];
    const post: PostForm = (_url, form) => {
      forms.push(form);
      return Promise.resolve({ status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: series.map((s) => ({ metric: s.metric, values: s.points.map(([t, v]) => [t, String(v)]) })) } }) });
    };
    const r = await queryPrometheusSignals({ url: 'http://prom', post, windowSeconds: 30, matchers: ['job="engines"'] }, 60);
    expect(forms).toEqual([{ query: windowQuery(30, ['job="engines"']), time: '60.000', timeout: '10s' }]);
    if (!r.ok) throw new Error(r.error);
    const v = r.snapshot.podCliques.get('ns/c')?.values;
    expect(v?.request_rate_per_second).toBeCloseTo(2, 9);
    expect(v?.queue_waiting).toBe(4);
    expect(v?.kv_cache_utilization).toBe(0.25);
    // 0.3 s is in vLLM's (0.25, 0.5] TTFT bucket.
    expect(v?.ttft_p50_seconds).toBeGreaterThan(0.25);
    expect(v?.ttft_p50_seconds).toBeLessThanOrEqual(0.5);
  });

  it("returns Prometheus' error instead of throwing", async () => {
    const post: PostForm = () => Promise.resolve({ status: 422, body: JSON.stringify({ status: 'error', errorType: 'execution', error: 'query processing would load too many samples' }) });
    expect(await queryPrometheusSignals({ url: 'http://prom', post }, 1)).toEqual({ ok: false, error: 'prometheus: HTTP 422: execution: query processing would load too many samples' });
  });
});
