import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createEngineMetrics, type EngineMetrics, type EngineMetricsOptions } from '../../../src/sim/exposition/engine-metrics.ts';
import { engineNaming } from '../../../src/sim/exposition/naming.ts';
import { EMPTY_SIGNAL_STATE, ingestCycle, type Scrape } from '../../../src/signals/ingest.ts';
import { GROVE_LABELS } from '../../../src/signals/aggregate/aggregate.ts';
import { PERCENTILES, latencySignalName } from '../../../src/signals/names.ts';
import type { HistogramSignal } from '../../../src/signals/dialects/table.ts';

// Small deterministic generator so every run feeds the same requests.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Fed {
  ttft: number[];
  itl: number[];
  e2e: number[];
  prompt: number;
  generated: number;
  requests: number;
}

/** Feeds `n` requests through the event API between t0 and t0 + 20 s; returns what was fed. */
function feed(m: EngineMetrics, n: number, seed: number, t0: number): Fed {
  const r = rng(seed);
  const fed: Fed = { ttft: [], itl: [], e2e: [], prompt: 0, generated: 0, requests: 0 };
  for (let i = 0; i < n; i++) {
    const id = `${String(seed)}-${String(i)}`;
    const arrive = t0 + r() * 20;
    const prompt = 50 + Math.floor(r() * 2000);
    m.requestArrived(id, arrive, prompt);
    const ttft = Math.exp(Math.log(0.02) + r() * (Math.log(5) - Math.log(0.02)));
    let t = arrive + ttft;
    m.firstToken(id, t);
    fed.ttft.push(t - arrive);
    const tokens = 1 + Math.floor(r() * 30);
    for (let k = 1; k < tokens; k++) {
      const gap = 0.003 + r() * 0.25;
      const next = t + gap;
      m.token(id, next);
      fed.itl.push(next - t);
      t = next;
    }
    m.requestFinished(id, t);
    fed.e2e.push(t - arrive);
    fed.prompt += prompt;
    fed.generated += tokens;
    fed.requests++;
  }
  return fed;
}

/** The bucket (lower, upper] holding the k-th smallest value, k = ceil(q·n): where PromQL's rank lands. */
function bucketOfTrueQuantile(values: readonly number[], q: number, bounds: readonly number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const k = Math.max(1, Math.ceil(q * sorted.length));
  const v = sorted[k - 1] ?? NaN;
  let lower = 0;
  for (const b of bounds) {
    if (v <= b) return [lower, b];
    lower = b;
  }
  // Above the highest finite bound: PromQL answers with that bound.
  return [lower, lower];
}

const labels = {
  [GROVE_LABELS.partOf]: 'svc',
  [GROVE_LABELS.podClique]: 'svc-0-decode',
  [GROVE_LABELS.podCliqueSetReplicaIndex]: '0',
};

function scrape(m: EngineMetrics, at: number): Scrape {
  return { namespace: 'ns', pod: 'svc-0-decode-abc', labels, at, text: m.render() };
}

const CASES: readonly (EngineMetricsOptions & { title: string })[] = [
  { title: 'vLLM', dialect: 'vllm', model: 'm' },
  { title: 'vLLM (old names)', dialect: 'vllm', model: 'm', legacyNames: true },
  { title: 'SGLang', dialect: 'sglang', model: 'm' },
  { title: 'TensorRT-LLM', dialect: 'trtllm', model: 'm' },
  { title: 'Dynamo frontend', dialect: 'dynamo', model: 'm' },
];

describe('render → parse → window → quantile gives back what was fed, to bucket resolution', () => {
  for (const c of CASES) {
    it(c.title, () => {
      const m = createEngineMetrics(c);
      const first = ingestCycle(EMPTY_SIGNAL_STATE, [scrape(m, 0)], 0);
      const fed = feed(m, 300, 7, 0);
      m.setWaiting(7);
      m.setRunning(5);
      m.setKvCacheUsage(0.42);
      const second = ingestCycle(first.state, [scrape(m, 30)], 30);
      expect(second.problems).toEqual([]);

      const podValues = second.snapshot.pods.get('ns/svc-0-decode-abc')?.values ?? {};
      const naming = engineNaming(c.dialect, c.legacyNames === true);
      const bounds: Record<HistogramSignal, readonly number[]> = { ttft: naming.ttft.buckets, itl: naming.itl.buckets, e2e: naming.e2e.buckets };
      const values: Record<HistogramSignal, number[]> = { ttft: fed.ttft, itl: fed.itl, e2e: fed.e2e };
      for (const signal of ['ttft', 'itl', 'e2e'] as const) {
        for (const p of PERCENTILES) {
          const [lo, hi] = bucketOfTrueQuantile(values[signal], p / 100, bounds[signal]);
          const got = podValues[latencySignalName(signal, p)];
          expect(got, `${signal} p${String(p)}`).toBeGreaterThanOrEqual(lo);
          expect(got, `${signal} p${String(p)}`).toBeLessThanOrEqual(hi);
        }
      }
      expect(podValues.queue_waiting).toBe(7);
      expect(podValues.requests_running).toBe(5);
      if (c.dialect === 'dynamo') expect(podValues.kv_cache_utilization).toBeUndefined();
      else expect(podValues.kv_cache_utilization).toBe(0.42);
      expect(podValues.request_rate_per_second).toBeCloseTo(fed.requests / 30, 9);
      expect(podValues.prompt_tokens_per_second).toBeCloseTo(fed.prompt / 30, 9);
      expect(podValues.generation_tokens_per_second).toBeCloseTo(fed.generated / 30, 9);
      // The pod's clique, replica and PodCliqueSet see the same values (one pod).
      expect(second.snapshot.podCliques.get('ns/svc-0-decode')?.values).toEqual(podValues);
      expect(second.snapshot.podCliqueSets.get('ns/svc')?.values).toEqual(podValues);
    });
  }

  it('property (vLLM): any set of TTFTs comes back within its bucket', () => {
    const bounds = engineNaming('vllm').ttft.buckets;
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.0005, max: 3000, noNaN: true }), { minLength: 1, maxLength: 200 }), (ttfts) => {
        const m = createEngineMetrics({ dialect: 'vllm', model: 'm' });
        const s0 = ingestCycle(EMPTY_SIGNAL_STATE, [scrape(m, 0)], 0);
        for (const v of ttfts) m.observeTtft(v);
        const values = ingestCycle(s0.state, [scrape(m, 15)], 15).snapshot.pods.get('ns/svc-0-decode-abc')?.values ?? {};
        for (const p of PERCENTILES) {
          const [lo, hi] = bucketOfTrueQuantile(ttfts, p / 100, bounds);
          const got = values[latencySignalName('ttft', p)] ?? NaN;
          expect(got).toBeGreaterThanOrEqual(lo);
          expect(got).toBeLessThanOrEqual(hi);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('ingestCycle', () => {
  it('idle engines give no latency values, only levels', () => {
    const m = createEngineMetrics({ dialect: 'vllm', model: 'm' });
    const a = ingestCycle(EMPTY_SIGNAL_STATE, [scrape(m, 0)], 0);
    const b = ingestCycle(a.state, [scrape(m, 15)], 15);
    const values = b.snapshot.pods.get('ns/svc-0-decode-abc')?.values;
    expect(values).toEqual({
      queue_waiting: 0,
      requests_running: 0,
      kv_cache_utilization: 0,
      kv_cache_utilization_max: 0,
      request_rate_per_second: 0,
      prompt_tokens_per_second: 0,
      generation_tokens_per_second: 0,
    });
  });

  it('an engine restart between scrapes counts as a counter reset, not negative traffic', () => {
    const before = createEngineMetrics({ dialect: 'vllm', model: 'm' });
    feed(before, 100, 1, 0);
    const a = ingestCycle(EMPTY_SIGNAL_STATE, [scrape(before, 0)], 0);
    const after = createEngineMetrics({ dialect: 'vllm', model: 'm' });
    const fed = feed(after, 10, 2, 0);
    const values = ingestCycle(a.state, [scrape(after, 15)], 15).snapshot.pods.get('ns/svc-0-decode-abc')?.values;
    expect(values?.request_rate_per_second).toBeCloseTo(fed.requests / 15, 9);
    expect(values?.ttft_p50_seconds).toBeGreaterThan(0);
  });

  it('reports malformed lines and unknown dialects, keeps targets through a missed scrape, and forgets them after the window', () => {
    const m = createEngineMetrics({ dialect: 'vllm', model: 'm' });
    const a = ingestCycle(EMPTY_SIGNAL_STATE, [{ ...scrape(m, 0), text: `${m.render()}broken{\n` }, { namespace: 'ns', pod: 'other', labels: {}, at: 0, text: 'up 1\n' }], 0);
    expect(a.problems).toHaveLength(2);
    expect(a.problems[0]?.issues[0]?.line).toBeGreaterThan(1);
    expect(a.problems[1]?.dialects).toEqual([]);
    const b = ingestCycle(a.state, [], 30);
    expect(b.snapshot.pods.size).toBe(2);
    const c = ingestCycle(b.state, [], 61);
    expect(c.snapshot.pods.size).toBe(0);
    expect(a.state.targets.size).toBe(2); // the old state is untouched
  });
});
