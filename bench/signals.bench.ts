// Signal ingestion: CPU to turn 1,000 simulated vLLM /metrics pages into a SignalSnapshot, per scrape cycle,
// against the cost of merely splitting the same pages into lines (and, in details, JSON.parse of the same data).
import type { BenchResult } from './types.ts';
import { createEngineMetrics, type EngineMetrics } from '../src/sim/exposition/engine-metrics.ts';
import { EMPTY_SIGNAL_STATE, ingestCycle, type Scrape, type SignalState } from '../src/signals/ingest.ts';
import { parsePrometheusText } from '../src/signals/parse/parser.ts';
import { GROVE_LABELS } from '../src/signals/aggregate/aggregate.ts';

const ENDPOINTS = 1000;
const CYCLES = 5; // the first one warms up and fills the windows; the rest are measured
const SCRAPE_INTERVAL = 15;

function cpuSeconds(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

// Deterministic pseudo-random numbers, so every run measures the same pages.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function addTraffic(m: EngineMetrics, next: () => number): void {
  for (let i = 0; i < 20; i++) {
    m.observeTtft(0.05 + next() * 2);
    m.observeE2e(1 + next() * 30);
    m.observeItl(0.01 + next() * 0.1, 50);
    m.addPromptTokens(500);
    m.addGenerationTokens(50);
    m.countFinishedRequest();
  }
  m.setWaiting(Math.floor(next() * 10));
  m.setRunning(Math.floor(next() * 64));
  m.setKvCacheUsage(next());
}

export function run(): Promise<BenchResult> {
  const next = rng(42);
  const engines = Array.from({ length: ENDPOINTS }, (_, i) => {
    const replica = Math.floor(i / 100);
    const clique = i % 100 < 30 ? 'prefill' : 'decode';
    return {
      pod: `svc-${String(replica)}-${clique}-${String(i)}`,
      labels: {
        [GROVE_LABELS.partOf]: 'svc',
        [GROVE_LABELS.podCliqueSetReplicaIndex]: String(replica),
        [GROVE_LABELS.podClique]: `svc-${String(replica)}-${clique}`,
      },
      metrics: createEngineMetrics({ dialect: 'vllm', model: 'meta-llama/Llama-3.1-8B-Instruct' }),
    };
  });

  const cycles: Scrape[][] = [];
  const json: string[][] = [];
  for (let c = 0; c < CYCLES; c++) {
    for (const e of engines) addTraffic(e.metrics, next);
    const at = c * SCRAPE_INTERVAL;
    cycles.push(engines.map((e) => ({ namespace: 'bench', pod: e.pod, labels: e.labels, at, text: e.metrics.render() })));
    json.push(engines.map((e) => JSON.stringify(e.metrics.families())));
  }

  let state: SignalState = EMPTY_SIGNAL_STATE;
  const first = cycles[0] ?? [];
  state = ingestCycle(state, first, 0).state;

  const measured = cycles.slice(1);
  let pods = 0;
  const ours = cpuSeconds(() => {
    for (const [k, scrapes] of measured.entries()) {
      const result = ingestCycle(state, scrapes, (k + 1) * SCRAPE_INTERVAL);
      state = result.state;
      pods = result.snapshot.pods.size;
    }
  });
  if (pods !== ENDPOINTS) throw new Error(`snapshot has ${String(pods)} pods, expected ${String(ENDPOINTS)}`);

  let lines = 0;
  const split = cpuSeconds(() => {
    for (const scrapes of measured) for (const s of scrapes) lines += s.text.split('\n').length;
  });
  let parsedJson = 0;
  const jsonParse = cpuSeconds(() => {
    for (const pages of json.slice(1)) for (const p of pages) parsedJson += (JSON.parse(p) as unknown[]).length;
  });
  let bytes = 0;
  const parseOnly = cpuSeconds(() => {
    for (const scrapes of measured) {
      for (const s of scrapes) {
        bytes += s.text.length;
        parsePrometheusText(s.text);
      }
    }
  });

  const n = measured.length;
  const perCycle = ours / n;
  const splitPerCycle = split / n;
  return Promise.resolve({
    name: 'signals: ingest 1,000 vLLM endpoints per scrape cycle',
    figure: `${(perCycle * 1000).toFixed(1)} ms CPU per cycle (parse, dialect, 60 s window, Grove aggregation) for ${String(ENDPOINTS)} pages`,
    ratio: splitPerCycle / perCycle,
    baseline: `splitting the same pages into lines: ${(splitPerCycle * 1000).toFixed(1)} ms CPU per cycle`,
    details: {
      endpoints: ENDPOINTS,
      measuredCycles: n,
      cpuMsPerCycle: perCycle * 1000,
      lineSplitMsPerCycle: splitPerCycle * 1000,
      jsonParseMsPerCycle: (jsonParse / n) * 1000,
      ratioVsJsonParse: jsonParse / n / perCycle,
      parseMBPerSecond: bytes / 1e6 / parseOnly,
      pageBytes: Math.round(bytes / (n * ENDPOINTS)),
      linesPerPage: Math.round(lines / (n * ENDPOINTS)),
      jsonFamiliesPerPage: Math.round(parsedJson / (n * ENDPOINTS)),
    },
  });
}
