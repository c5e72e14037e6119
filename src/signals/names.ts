/**
 * The signals Canopy serves, by name. This table is the contract between signals, the metrics
 * adapter (which serves these names through custom.metrics.k8s.io and external.metrics.k8s.io) and
 * the scaler (which reads them from a SignalSnapshot).
 *
 * Naming: `<what>[_p<percentile>]_<unit>`. Latencies are in SECONDS (the adapter turns them into
 * Kubernetes quantities, e.g. 0.25 s → "250m"); queues and running requests are request counts;
 * KV-cache use is a fraction 0–1; rates are per second over the window.
 *
 * | name | meaning | per group |
 * |---|---|---|
 * | ttft_p50/p90/p95/p99_seconds | time to first token, histogram_quantile of the window's bucket increase | buckets of all pods added, then the quantile |
 * | itl_p50/p90/p95/p99_seconds | inter-token latency, likewise | likewise |
 * | e2e_p50/p90/p95/p99_seconds | end-to-end request latency, likewise | likewise |
 * | queue_waiting | requests waiting for the engine (newest value) | sum |
 * | requests_running | requests the engine is running (newest value) | sum |
 * | kv_cache_utilization | KV-cache use, fraction 0–1 (newest value) | mean over pods |
 * | kv_cache_utilization_max | KV-cache use of the fullest pod | max over pods |
 * | request_rate_per_second | finished requests per second | sum |
 * | prompt_tokens_per_second | prompt (input) tokens per second | sum |
 * | generation_tokens_per_second | generated (output) tokens per second | sum |
 *
 * No data is absent, never zero: a latency with no requests in the window has no value, while an
 * empty queue is 0.
 */

import type { CounterSignal, GaugeSignal, HistogramSignal } from './dialects/table.ts';

export const PERCENTILES = [50, 90, 95, 99] as const;
export type Percentile = (typeof PERCENTILES)[number];

export type LatencySignalName = `${'ttft' | 'itl' | 'e2e'}_p${Percentile}_seconds`;

export type SignalName =
  | LatencySignalName
  | 'queue_waiting'
  | 'requests_running'
  | 'kv_cache_utilization'
  | 'kv_cache_utilization_max'
  | 'request_rate_per_second'
  | 'prompt_tokens_per_second'
  | 'generation_tokens_per_second';

export type SignalUnit = 'seconds' | 'requests' | 'fraction' | 'per_second';

export interface SignalDefinition {
  readonly name: SignalName;
  readonly unit: SignalUnit;
  readonly description: string;
}

const LATENCY_PREFIX: Readonly<Record<HistogramSignal, 'ttft' | 'itl' | 'e2e'>> = { ttft: 'ttft', itl: 'itl', e2e: 'e2e' };
const LATENCY_TEXT: Readonly<Record<HistogramSignal, string>> = {
  ttft: 'time to first token',
  itl: 'inter-token latency',
  e2e: 'end-to-end request latency',
};

/** The served name of a latency percentile, e.g. latencySignalName('ttft', 90) → 'ttft_p90_seconds'. */
export function latencySignalName(signal: HistogramSignal, percentile: Percentile): LatencySignalName {
  return `${LATENCY_PREFIX[signal]}_p${percentile}_seconds`;
}

export const GAUGE_SIGNAL_NAMES: Readonly<Record<GaugeSignal, SignalName>> = {
  waiting: 'queue_waiting',
  running: 'requests_running',
  kvUsage: 'kv_cache_utilization',
};

export const RATE_SIGNAL_NAMES: Readonly<Record<CounterSignal, SignalName>> = {
  requests: 'request_rate_per_second',
  promptTokens: 'prompt_tokens_per_second',
  generationTokens: 'generation_tokens_per_second',
};

/** Every served signal with its unit, in a stable order. */
export const SIGNALS: readonly SignalDefinition[] = [
  ...(['ttft', 'itl', 'e2e'] as const).flatMap((s) =>
    PERCENTILES.map((p) => ({ name: latencySignalName(s, p), unit: 'seconds' as const, description: `p${p} ${LATENCY_TEXT[s]} over the window` })),
  ),
  { name: 'queue_waiting', unit: 'requests', description: 'requests waiting to be scheduled' },
  { name: 'requests_running', unit: 'requests', description: 'requests being processed' },
  { name: 'kv_cache_utilization', unit: 'fraction', description: 'KV-cache use, 0–1; mean over pods' },
  { name: 'kv_cache_utilization_max', unit: 'fraction', description: 'KV-cache use of the fullest pod, 0–1' },
  { name: 'request_rate_per_second', unit: 'per_second', description: 'finished requests per second' },
  { name: 'prompt_tokens_per_second', unit: 'per_second', description: 'prompt tokens processed per second' },
  { name: 'generation_tokens_per_second', unit: 'per_second', description: 'tokens generated per second' },
];

const KNOWN: ReadonlySet<string> = new Set(SIGNALS.map((s) => s.name));

export function isSignalName(name: string): name is SignalName {
  return KNOWN.has(name);
}
