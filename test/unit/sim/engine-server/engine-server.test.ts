import { describe, expect, it, vi } from 'vitest';
import { parsePrometheusText } from '../../../../src/signals/parse/parser.ts';
import { extractReading } from '../../../../src/signals/dialects/extract.ts';
import { createRng } from '../../../../src/sim/random/rng.ts';
import { createEngineSimulation, sample, type EngineLoad } from '../../../../src/sim/engine-server/load.ts';
import { startEngineServer } from '../../../../src/sim/engine-server/server.ts';
import { fleetScrapeConfig, grovePods, startEngineFleet } from '../../../../src/sim/engine-server/fleet.ts';
import { EMPTY_SCRAPE_STATE, scrapeOnce } from '../../../../src/signals/sources/scrape.ts';

const steady: EngineLoad = {
  rps: 10,
  ttftSeconds: { kind: 'constant', value: 0.05 },
  itlSeconds: { kind: 'constant', value: 0.02 },
  outputTokens: { kind: 'constant', value: 11 },
  promptTokens: { kind: 'constant', value: 100 },
  waiting: 2,
  running: 8,
  kv: 0.4,
};

const read = (text: string) => extractReading(parsePrometheusText(text));

describe('distributions', () => {
  it('draws within their support and around their centre', () => {
    const rng = createRng(9);
    const draws = (d: Parameters<typeof sample>[1]): number[] => Array.from({ length: 4000 }, () => sample(rng, d));
    expect(draws({ kind: 'constant', value: 3 }).every((x) => x === 3)).toBe(true);
    expect(draws({ kind: 'uniform', min: 1, max: 2 }).every((x) => x >= 1 && x < 2)).toBe(true);
    const logn = draws({ kind: 'lognormal', median: 0.2, sigma: 0.3 }).sort((a, b) => a - b);
    expect(logn[2000]).toBeGreaterThan(0.18);
    expect(logn[2000]).toBeLessThan(0.22);
    const exp = draws({ kind: 'exponential', mean: 2 });
    expect(exp.reduce((a, b) => a + b, 0) / exp.length).toBeGreaterThan(1.8);
    expect(exp.reduce((a, b) => a + b, 0) / exp.length).toBeLessThan(2.2);
    expect(new Set(draws({ kind: 'empirical', values: [1, 5] }))).toEqual(new Set([1, 5]));
  });
});

describe('createEngineSimulation', () => {
  it('finishes rps × seconds requests and records what each one implies', () => {
    const sim = createEngineSimulation({ dialect: 'vllm', model: 'm', seed: 1, load: steady });
    sim.advance(2);
    const r = read(sim.render());
    expect(sim.finished()).toBe(20);
    expect(sim.time()).toBe(2);
    expect(r.counters).toEqual({ requests: 20, promptTokens: 2000, generationTokens: 220 });
    expect(r.histograms.ttft?.count).toBe(20);
    expect(r.histograms.itl?.count).toBe(200); // 10 gaps per 11-token request
    expect(r.histograms.e2e?.sum).toBeCloseTo(20 * (0.05 + 10 * 0.02), 9);
    expect(r.gauges).toEqual({ waiting: 2, running: 8, kvUsage: 0.4 });
  });

  it('carries fractional arrivals across steps instead of losing them', () => {
    const sim = createEngineSimulation({ dialect: 'sglang', model: 'm', seed: 1, load: { ...steady, rps: 0.3 }, stepSeconds: 0.1 });
    sim.advance(10);
    expect(sim.finished()).toBe(3);
  });

  it('follows a load that is a function of time, step by step', () => {
    const sim = createEngineSimulation({ dialect: 'vllm', model: 'm', seed: 1, load: (t) => ({ ...steady, rps: t < 5 ? 0 : 4, waiting: t }) });
    sim.advance(5);
    expect(sim.finished()).toBe(0);
    expect(read(sim.render()).gauges.waiting).toBe(5);
    sim.advance(5);
    expect(sim.finished()).toBe(20);
    sim.setLoad({ ...steady, waiting: 42 });
    expect(read(sim.render()).gauges.waiting).toBe(42);
  });

  it('is deterministic for a seed, and different seeds differ', () => {
    const load: EngineLoad = { ...steady, ttftSeconds: { kind: 'lognormal', median: 0.2, sigma: 1 }, itlSeconds: { kind: 'exponential', mean: 0.03 } };
    const run = (seed: number): string => {
      const s = createEngineSimulation({ dialect: 'trtllm', model: 'm', seed, load });
      s.advance(3);
      return s.render();
    };
    expect(run(5)).toBe(run(5));
    expect(run(5)).not.toBe(run(6));
  });

  it('rejects time running backwards', () => {
    const sim = createEngineSimulation({ dialect: 'vllm', model: 'm', seed: 1 });
    expect(() => { sim.advance(-1); }).toThrow(RangeError);
  });
});

describe('startEngineServer', () => {
  it('serves the page on 127.0.0.1 and only on its path; values move only when advanced', async () => {
    const server = await startEngineServer({ dialect: 'vllm', model: 'm', seed: 2, load: steady });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const first = await fetch(server.url);
      expect(first.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const before = await first.text();
      expect(await (await fetch(server.url)).text()).toBe(before);
      server.advance(1);
      const after = await (await fetch(server.url)).text();
      expect(read(after).counters.requests).toBe(10);
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
      expect(server.scrapes()).toBe(3);
    } finally {
      await server.close();
    }
  });
});

describe('tick', () => {
  it('advances the engine by its interval on each timer tick until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const server = await startEngineServer({ dialect: 'vllm', model: 'm', seed: 2, load: steady });
    try {
      const stop = server.tick(0.5);
      vi.advanceTimersByTime(2000);
      expect(server.simulation.time()).toBe(2);
      expect(server.simulation.finished()).toBe(20);
      stop();
      vi.advanceTimersByTime(2000);
      expect(server.simulation.time()).toBe(2);
    } finally {
      vi.useRealTimers();
      await server.close();
    }
  });
});

describe('engine fleet', () => {
  it('names pods and labels them the way Grove does', () => {
    expect(grovePods(2, { podCliqueSet: 'svc', replicaIndex: 1, clique: 'decode', scalingGroup: 'sg' })).toEqual([
      0, 1,
    ].map((i) => ({
      name: `svc-1-sg-0-decode-${String(i)}`,
      labels: {
        'app.kubernetes.io/part-of': 'svc',
        'grove.io/podcliqueset-replica-index': '1',
        'grove.io/podclique': 'svc-1-sg-0-decode',
        'grove.io/podcliquescalinggroup': 'svc-1-sg',
      },
    })));
  });

  it('starts N engines whose targets a direct scrape reads, grouped by their Grove labels', async () => {
    const fleet = await startEngineFleet({ count: 3, namespace: 'ns', podCliqueSet: 'pcs', clique: 'w', loadFor: (i) => ({ ...steady, waiting: i + 1 }) });
    try {
      expect(fleet.targets.map((t) => t.pod)).toEqual(['pcs-0-w-0', 'pcs-0-w-1', 'pcs-0-w-2']);
      let clock = 100;
      let cycle = await scrapeOnce(EMPTY_SCRAPE_STATE, fleet.targets, { clock: () => clock });
      fleet.advance(10);
      clock = 110;
      cycle = await scrapeOnce(cycle.state, fleet.targets, { clock: () => clock });
      expect(cycle.failures).toEqual([]);
      const clique = cycle.snapshot.podCliques.get('ns/pcs-0-w');
      expect(clique?.pods).toBe(3);
      expect(clique?.values.queue_waiting).toBe(6);
      expect(clique?.values.request_rate_per_second).toBeCloseTo(30, 9);
      const config = fleetScrapeConfig(fleet);
      expect(config.static_configs[1]?.labels).toEqual({
        __meta_kubernetes_namespace: 'ns',
        __meta_kubernetes_pod_name: 'pcs-0-w-1',
        __meta_kubernetes_pod_label_app_kubernetes_io_part_of: 'pcs',
        __meta_kubernetes_pod_label_grove_io_podcliqueset_replica_index: '0',
        __meta_kubernetes_pod_label_grove_io_podclique: 'pcs-0-w',
      });
      expect(config.static_configs[1]?.targets).toEqual([fleet.engines[1]?.target.url.replace('http://', '').replace('/metrics', '')]);
    } finally {
      await fleet.close();
    }
  });
});
