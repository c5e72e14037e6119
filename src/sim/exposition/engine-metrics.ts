import type { Labels, MetricFamily, Sample } from '../../signals/parse/types.ts';
import { formatSampleValue } from '../../signals/parse/number.ts';
import { renderPrometheusText } from '../../signals/parse/render.ts';
import { createCounterRecorder, createGaugeRecorder, createHistogramRecorder, type HistogramRecorder } from './recorders.ts';
import { engineNaming, type ExpositionDialect, type HistogramName, type MetricName } from './naming.ts';

export interface EngineMetricsOptions {
  readonly dialect: ExpositionDialect;
  readonly model: string;
  /** Extra labels on every series (e.g. pod or namespace, as a relabelling scraper would add). */
  readonly labels?: Readonly<Record<string, string>>;
  /** vLLM only: print the pre-0.10 names (gpu_cache_usage_perc, time_per_output_token_seconds). */
  readonly legacyNames?: boolean;
}

/**
 * What a simulated engine records and prints. Feed it either raw observations (observeTtft, …) or
 * request events (requestArrived → firstToken → token… → requestFinished, times in seconds), which
 * derive the same observations the engines make:
 * TTFT = first token − arrival; ITL = gap between consecutive tokens; e2e = finish − arrival;
 * prompt tokens count when the first token appears (prefill done), each generated token counts as it
 * appears, and a finished request counts once.
 */
export interface EngineMetrics {
  readonly dialect: ExpositionDialect;
  observeTtft(seconds: number): void;
  observeItl(seconds: number, tokens?: number): void;
  observeE2e(seconds: number): void;
  addPromptTokens(n: number): void;
  addGenerationTokens(n: number): void;
  countFinishedRequest(): void;
  setWaiting(n: number): void;
  setRunning(n: number): void;
  /** KV-cache use as a fraction 0–1. */
  setKvCacheUsage(fraction: number): void;

  requestArrived(id: string, at: number, promptTokens: number): void;
  firstToken(id: string, at: number): void;
  token(id: string, at: number): void;
  requestFinished(id: string, at: number): void;
  /** Requests seen arriving that have not finished. */
  inFlight(): number;

  families(): MetricFamily[];
  render(): string;
}

interface RequestState {
  readonly arrivedAt: number;
  readonly promptTokens: number;
  lastTokenAt: number | undefined;
  generated: number;
}

function withLabels(base: Labels, extra: Readonly<Record<string, string>>): Labels {
  return { ...base, ...extra };
}

function gaugeFamily(m: MetricName, type: 'gauge' | 'counter', labels: Labels, value: number): MetricFamily {
  return { name: m.name, type, help: m.help, samples: [{ name: m.name, suffix: '', labels, value, timestampMs: undefined }] };
}

function histogramFamily(h: HistogramName, rec: HistogramRecorder, labels: Labels): MetricFamily {
  const snap = rec.snapshot();
  const samples: Sample[] = [];
  snap.bounds.forEach((bound, i) => {
    samples.push({
      name: `${h.name}_bucket`,
      suffix: '_bucket',
      labels: withLabels(labels, { le: formatSampleValue(bound) }),
      value: snap.counts[i] ?? 0,
      timestampMs: undefined,
    });
  });
  samples.push({ name: `${h.name}_sum`, suffix: '_sum', labels, value: snap.sum, timestampMs: undefined });
  samples.push({ name: `${h.name}_count`, suffix: '_count', labels, value: snap.count, timestampMs: undefined });
  return { name: h.name, type: 'histogram', help: h.help, samples };
}

export function createEngineMetrics(options: EngineMetricsOptions): EngineMetrics {
  const naming = engineNaming(options.dialect, options.legacyNames === true);
  const labels: Labels = { ...naming.baseLabels(options.model), ...(options.labels ?? {}) };
  const ttft = createHistogramRecorder(naming.ttft.buckets);
  const itl = createHistogramRecorder(naming.itl.buckets);
  const e2e = createHistogramRecorder(naming.e2e.buckets);
  const isl = naming.inputSequence === undefined ? undefined : createHistogramRecorder(naming.inputSequence.buckets);
  const osl = naming.outputSequence === undefined ? undefined : createHistogramRecorder(naming.outputSequence.buckets);
  const requests = createCounterRecorder();
  const promptTokens = createCounterRecorder();
  const generationTokens = createCounterRecorder();
  const waiting = createGaugeRecorder();
  const running = createGaugeRecorder();
  const kvUsage = createGaugeRecorder();
  const open = new Map<string, RequestState>();

  const request = (id: string): RequestState => {
    const r = open.get(id);
    if (r === undefined) throw new Error(`unknown request '${id}'`);
    return r;
  };

  const metrics: EngineMetrics = {
    dialect: options.dialect,
    observeTtft: (s) => {
      ttft.observe(s);
    },
    observeItl: (s, tokens = 1) => {
      itl.observe(s, tokens);
    },
    observeE2e: (s) => {
      e2e.observe(s);
    },
    addPromptTokens: (n) => {
      promptTokens.inc(n);
    },
    addGenerationTokens: (n) => {
      generationTokens.inc(n);
    },
    countFinishedRequest: () => {
      requests.inc();
    },
    setWaiting: (n) => {
      waiting.set(n);
    },
    setRunning: (n) => {
      running.set(n);
    },
    setKvCacheUsage: (f) => {
      kvUsage.set(f);
    },

    requestArrived(id, at, prompt) {
      if (open.has(id)) throw new Error(`request '${id}' arrived twice`);
      open.set(id, { arrivedAt: at, promptTokens: prompt, lastTokenAt: undefined, generated: 0 });
      isl?.observe(prompt);
    },
    firstToken(id, at) {
      const r = request(id);
      if (r.lastTokenAt !== undefined) {
        metrics.token(id, at);
        return;
      }
      ttft.observe(at - r.arrivedAt);
      promptTokens.inc(r.promptTokens);
      generationTokens.inc(1);
      r.lastTokenAt = at;
      r.generated = 1;
    },
    token(id, at) {
      const r = request(id);
      if (r.lastTokenAt === undefined) {
        metrics.firstToken(id, at);
        return;
      }
      itl.observe(at - r.lastTokenAt);
      generationTokens.inc(1);
      r.lastTokenAt = at;
      r.generated++;
    },
    requestFinished(id, at) {
      const r = request(id);
      e2e.observe(at - r.arrivedAt);
      osl?.observe(r.generated);
      requests.inc();
      open.delete(id);
    },
    inFlight: () => open.size,

    families() {
      const out: MetricFamily[] = [
        gaugeFamily(naming.running, 'gauge', labels, running.value()),
        gaugeFamily(naming.waiting, 'gauge', labels, waiting.value()),
      ];
      if (naming.kvUsage !== undefined) out.push(gaugeFamily(naming.kvUsage, 'gauge', labels, kvUsage.value()));
      out.push(gaugeFamily(naming.requests, 'counter', withLabels(labels, naming.requests.labels), requests.value()));
      if (naming.promptTokens !== undefined) out.push(gaugeFamily(naming.promptTokens, 'counter', labels, promptTokens.value()));
      out.push(gaugeFamily(naming.generationTokens, 'counter', labels, generationTokens.value()));
      out.push(histogramFamily(naming.ttft, ttft, labels), histogramFamily(naming.itl, itl, labels), histogramFamily(naming.e2e, e2e, labels));
      if (naming.inputSequence !== undefined && isl !== undefined) out.push(histogramFamily(naming.inputSequence, isl, labels));
      if (naming.outputSequence !== undefined && osl !== undefined) out.push(histogramFamily(naming.outputSequence, osl, labels));
      return out;
    },
    render: () => renderPrometheusText(metrics.families()),
  };
  return metrics;
}
