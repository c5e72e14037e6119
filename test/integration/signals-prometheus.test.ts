import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type Prometheus } from '../env/prometheus.ts';
import { integrationSkipped } from '../env/skip.ts';
import type { GroupSignals, SignalSnapshot } from '../../src/signals/aggregate/snapshot.ts';
import type { Histogram } from '../../src/signals/window/histogram.ts';
import { HISTOGRAM_SIGNALS } from '../../src/signals/dialects/table.ts';
import { SIGNALS, type SignalName } from '../../src/signals/names.ts';
import { applyScrapes, EMPTY_SCRAPE_STATE, scrapeOnce, type ScrapeState } from '../../src/signals/sources/scrape.ts';
import { queryPrometheusSignals, type PrometheusSourceOptions } from '../../src/signals/sources/prometheus.ts';
import { fleetScrapeConfig, startEngineFleet, type EngineFleet } from '../../src/sim/engine-server/fleet.ts';

/*
 * Acceptance: the Prometheus source and the direct scrape observe the same three simulated vLLM
 * engines over the same window and must agree on every signal.
 *
 * Choreography (wall clock, Prometheus and the direct scraper both at 1 s):
 *   ready ── both sources hold idle readings
 *   ready + 6 s ── the load runs for 8 s (engines advanced by hand, 1 simulated second per real second)
 *   now = ready + 6 + W − 3 ── both windows [now − W, now] start on idle readings and end long after
 *   the load stopped, so every counter and bucket increase is the whole load in BOTH sources: the
 *   histograms must be equal count for count, hence quantiles equal (in particular the same bucket);
 *   gauges must be equal. Rates divide by each source's own span between its first and last reading
 *   in the window; the two sources scrape at different instants, so each span lies in
 *   [W − 2Δ, W] (Δ = scrape interval plus jitter) and the rates may differ by at most W/(W − 2Δ) − 1.
 */

const W = 30;
const INTERVAL = 1;
/** Scrape interval plus the jitter a loaded test machine adds. */
const DELTA = 1.5;
const RATE_TOLERANCE = W / (W - 2 * DELTA) - 1;

const nowSeconds = (): number => Date.now() / 1000;

function bucketIndex(bounds: readonly number[], value: number): number {
  const i = bounds.findIndex((b) => value <= b);
  return i < 0 ? bounds.length : i;
}

function levels(s: SignalSnapshot): [string, ReadonlyMap<string, GroupSignals>][] {
  return [
    ['pods', s.pods],
    ['podCliques', s.podCliques],
    ['podCliqueSetReplicas', s.podCliqueSetReplicas],
    ['podCliqueSets', s.podCliqueSets],
  ];
}

describe.skipIf(integrationSkipped)('Prometheus source vs direct scrape', () => {
  let fleet: EngineFleet;
  let prometheus: Prometheus;

  beforeAll(async () => {
    fleet = await startEngineFleet({
      count: 3,
      namespace: 'serving',
      podCliqueSet: 'llm',
      clique: 'decode',
      seed: 42,
      loadFor: (i) => ({
        rps: 5 + 2 * i,
        ttftSeconds: { kind: 'lognormal', median: 0.05 * (i + 1), sigma: 0.7 },
        itlSeconds: { kind: 'uniform', min: 0.01, max: 0.03 + 0.02 * i },
        outputTokens: { kind: 'uniform', min: 5, max: 40 },
        promptTokens: { kind: 'uniform', min: 100, max: 900 },
        waiting: i + 1,
        running: 2 * i + 3,
        kv: 0.2 + 0.1 * i,
      }),
    });
    // Pause the load until the choreography starts it: engines only move when advanced.
    prometheus = await startPrometheus({ scrapeConfigs: [fleetScrapeConfig(fleet)], scrapeIntervalSeconds: INTERVAL });
  });

  afterAll(async () => {
    await prometheus.stop();
    await fleet.close();
  });

  it('agrees on every signal at every Grove level', async () => {
    const promOptions: PrometheusSourceOptions = { url: prometheus.url, windowSeconds: W, matchers: ['job="engines"'] };
    const scrapeOptions = { windowSeconds: W, staleAfterSeconds: W };
    let direct: ScrapeState = EMPTY_SCRAPE_STATE;
    let cycles = 0;

    // Both sources hold readings of all three idle engines (bounded wait).
    const readyBy = nowSeconds() + 60;
    for (;;) {
      const cycle = await scrapeOnce(direct, fleet.targets, {}, scrapeOptions);
      direct = cycle.state;
      cycles++;
      expect(cycle.failures).toEqual([]);
      const prom = await queryPrometheusSignals(promOptions, nowSeconds());
      if (prom.ok && prom.snapshot.pods.size === 3) break;
      if (nowSeconds() > readyBy) throw new Error(`Prometheus did not scrape the engines within 60 s: ${prom.ok ? `${String(prom.snapshot.pods.size)} pods` : prom.error}`);
      await sleep(INTERVAL * 1000);
    }
    const ready = nowSeconds();
    const loadFrom = ready + 6;
    const loadSeconds = 8;
    const now = loadFrom + W - 3;
    let advanced = 0;

    // One loop drives both the load and the direct scrape; it ends at `now`, so it is bounded.
    while (nowSeconds() < now) {
      const t = nowSeconds();
      if (t >= loadFrom && advanced < loadSeconds) {
        fleet.advance(1);
        advanced++;
      }
      const cycle = await scrapeOnce(direct, fleet.targets, {}, scrapeOptions);
      direct = cycle.state;
      cycles++;
      expect(cycle.failures).toEqual([]);
      await sleep(Math.max(0, Math.min(INTERVAL, now - nowSeconds()) * 1000));
    }
    expect(advanced).toBe(loadSeconds);
    const directSnapshot = applyScrapes(direct, fleet.targets, [], now, scrapeOptions).snapshot;

    // Let Prometheus commit the scrapes up to `now`, then read the same window.
    await sleep(2 * INTERVAL * 1000);
    const prom = await queryPrometheusSignals(promOptions, now);
    if (!prom.ok) throw new Error(prom.error);
    expect(prom.unattributed).toEqual([]);
    expect(prom.stale).toEqual([]);
    expect(cycles).toBeGreaterThan(W);

    // The relabelled Grove labels place the pods exactly as the direct scrape's pod labels do.
    expect([...prom.snapshot.podCliques.keys()]).toEqual(['serving/llm-0-decode']);
    expect([...prom.snapshot.podCliqueSets.keys()]).toEqual(['serving/llm']);
    expect([...prom.snapshot.podCliqueSetReplicas.keys()]).toEqual(['serving/llm-0']);

    const directLevels = levels(directSnapshot);
    for (const [level, promGroups] of levels(prom.snapshot)) {
      const directGroups = directLevels.find(([l]) => l === level)?.[1];
      expect([...promGroups.keys()].sort(), level).toEqual([...(directGroups?.keys() ?? [])].sort());
      for (const [key, p] of promGroups) {
        const d = directGroups?.get(key);
        const where = `${level} ${key}`;
        expect(d, where).toBeDefined();
        if (d === undefined) continue;
        expect(p.podsReporting, where).toBe(d.podsReporting);
        // The load happened inside both windows: every latency signal has data.
        for (const s of SIGNALS) expect(p.values[s.name], `${where} ${s.name}`).toBeDefined();
        for (const h of HISTOGRAM_SIGNALS) {
          const ph = p.histograms[h] as Histogram;
          const dh = d.histograms[h] as Histogram;
          expect(ph.counts, `${where} ${h} bucket counts`).toEqual(dh.counts);
          expect(ph.bounds, `${where} ${h} bounds`).toEqual(dh.bounds);
          expect(ph.count, `${where} ${h} count`).toBe(dh.count);
        }
        for (const s of SIGNALS) {
          const name: SignalName = s.name;
          const pv = p.values[name] as number;
          const dv = d.values[name] as number;
          const what = `${where} ${name}`;
          if (s.unit === 'seconds') {
            const h = name.slice(0, 3) as 'ttft' | 'itl' | 'e2e';
            const bounds = p.histograms[h]?.bounds ?? [];
            expect(bucketIndex(bounds, pv), `${what} bucket`).toBe(bucketIndex(bounds, dv));
            expect(pv, what).toBeCloseTo(dv, 9);
          } else if (s.unit === 'per_second') {
            expect(Math.abs(pv - dv), `${what}: ${String(pv)} vs ${String(dv)}`).toBeLessThanOrEqual(RATE_TOLERANCE * Math.max(pv, dv));
            expect(pv, what).toBeGreaterThan(0);
          } else {
            // Same numbers; a group's mean KV may add its pods in another order (last-bit difference).
            expect(pv, what).toBeCloseTo(dv, 12);
          }
        }
      }
    }
    // Per pod the counter increases are identical and only the span differs, so all three rates of a
    // pod differ by the same factor (the ratio of the two spans).
    for (const [key, p] of prom.snapshot.pods) {
      const d = directSnapshot.pods.get(key);
      const ratio = (name: SignalName): number => (p.values[name] ?? NaN) / (d?.values[name] ?? NaN);
      expect(ratio('prompt_tokens_per_second'), key).toBeCloseTo(ratio('request_rate_per_second'), 9);
      expect(ratio('generation_tokens_per_second'), key).toBeCloseTo(ratio('request_rate_per_second'), 9);
    }
    // A spot check against the load itself: the clique's queue is 1 + 2 + 3.
    expect(prom.snapshot.podCliques.get('serving/llm-0-decode')?.values.queue_waiting).toBe(6);
  });
});
