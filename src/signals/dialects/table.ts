/**
 * Engine metric names per dialect, mapped to Canopy's canonical signals.
 *
 * Sources (checked against the engines' code): vLLM vllm/v1/metrics/loggers.py, SGLang
 * python/sglang/srt/metrics/collector.py, TensorRT-LLM tensorrt_llm/metrics/collector.py, Dynamo
 * lib/runtime/src/metrics/prometheus_names.rs and lib/llm/src/http/service/metrics.rs.
 * Within one signal the names are alternatives in order of preference (current name first, then the
 * name older releases used). Counter names are given with `_total`, as the Python and Rust clients
 * print them.
 */

export type DialectName = 'vllm' | 'sglang' | 'trtllm' | 'dynamo-frontend' | 'dynamo-worker';

/** Latency histograms, in seconds. */
export type HistogramSignal = 'ttft' | 'itl' | 'e2e';
/** Instantaneous levels. kvUsage is a fraction 0–1. */
export type GaugeSignal = 'waiting' | 'running' | 'kvUsage';
/** Monotonic totals, turned into per-second rates over the window. */
export type CounterSignal = 'requests' | 'promptTokens' | 'generationTokens';

export const HISTOGRAM_SIGNALS: readonly HistogramSignal[] = ['ttft', 'itl', 'e2e'];
export const GAUGE_SIGNALS: readonly GaugeSignal[] = ['waiting', 'running', 'kvUsage'];
export const COUNTER_SIGNALS: readonly CounterSignal[] = ['requests', 'promptTokens', 'generationTokens'];

/** Where a counter's value comes from: a counter, or the _count or _sum of a histogram. */
export interface CounterSource {
  readonly metric: string;
  readonly part: 'value' | 'count' | 'sum';
}

export interface DialectTable {
  readonly name: DialectName;
  /** A page speaks this dialect when one of its family names starts with this prefix. */
  readonly prefix: string;
  readonly histograms: Readonly<Record<HistogramSignal, readonly string[]>>;
  readonly gauges: Readonly<Record<GaugeSignal, readonly string[]>>;
  readonly counters: Readonly<Record<CounterSignal, readonly CounterSource[]>>;
}

const value = (metric: string): CounterSource => ({ metric, part: 'value' });
const countOf = (metric: string): CounterSource => ({ metric, part: 'count' });
const sumOf = (metric: string): CounterSource => ({ metric, part: 'sum' });

const VLLM: DialectTable = {
  name: 'vllm',
  prefix: 'vllm:',
  histograms: {
    ttft: ['vllm:time_to_first_token_seconds'],
    // Renamed in vLLM 0.11; the old name is still printed (deprecated) by some releases.
    itl: ['vllm:inter_token_latency_seconds', 'vllm:time_per_output_token_seconds'],
    e2e: ['vllm:e2e_request_latency_seconds'],
  },
  gauges: {
    waiting: ['vllm:num_requests_waiting'],
    running: ['vllm:num_requests_running'],
    // A fraction despite "perc"; gpu_cache_usage_perc is the pre-0.10 name.
    kvUsage: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'],
  },
  counters: {
    requests: [value('vllm:request_success_total'), countOf('vllm:e2e_request_latency_seconds')],
    promptTokens: [value('vllm:prompt_tokens_total')],
    generationTokens: [value('vllm:generation_tokens_total')],
  },
};

const SGLANG: DialectTable = {
  name: 'sglang',
  prefix: 'sglang:',
  histograms: {
    ttft: ['sglang:time_to_first_token_seconds'],
    itl: ['sglang:inter_token_latency_seconds'],
    e2e: ['sglang:e2e_request_latency_seconds'],
  },
  gauges: {
    waiting: ['sglang:num_queue_reqs'],
    running: ['sglang:num_running_reqs'],
    kvUsage: ['sglang:token_usage'],
  },
  counters: {
    requests: [value('sglang:num_requests_total'), countOf('sglang:e2e_request_latency_seconds')],
    promptTokens: [value('sglang:prompt_tokens_total')],
    generationTokens: [value('sglang:generation_tokens_total')],
  },
};

const TRTLLM: DialectTable = {
  name: 'trtllm',
  prefix: 'trtllm_',
  histograms: {
    ttft: ['trtllm_time_to_first_token_seconds'],
    itl: ['trtllm_time_per_output_token_seconds'],
    e2e: ['trtllm_e2e_request_latency_seconds'],
  },
  gauges: {
    waiting: ['trtllm_num_requests_waiting'],
    running: ['trtllm_num_requests_running'],
    kvUsage: ['trtllm_kv_cache_utilization'],
  },
  counters: {
    requests: [value('trtllm_request_success_total'), countOf('trtllm_e2e_request_latency_seconds')],
    promptTokens: [value('trtllm_prompt_tokens_total')],
    generationTokens: [value('trtllm_generation_tokens_total')],
  },
};

/*
 * The Dynamo frontend (OpenAI HTTP service). queued_requests counts requests that have not yet
 * received their first token (it includes prefill), which is the closest thing the frontend has to
 * an engine's waiting queue. It has no KV-cache gauge; prompt tokens come from the input-length
 * histogram's sum.
 */
const DYNAMO_FRONTEND: DialectTable = {
  name: 'dynamo-frontend',
  prefix: 'dynamo_frontend_',
  histograms: {
    ttft: ['dynamo_frontend_time_to_first_token_seconds'],
    itl: ['dynamo_frontend_inter_token_latency_seconds'],
    e2e: ['dynamo_frontend_request_duration_seconds'],
  },
  gauges: {
    waiting: ['dynamo_frontend_queued_requests'],
    running: ['dynamo_frontend_inflight_requests'],
    kvUsage: [],
  },
  counters: {
    requests: [value('dynamo_frontend_requests_total'), countOf('dynamo_frontend_request_duration_seconds')],
    promptTokens: [sumOf('dynamo_frontend_input_sequence_tokens')],
    generationTokens: [value('dynamo_frontend_output_tokens_total'), sumOf('dynamo_frontend_output_sequence_tokens')],
  },
};

/** Dynamo workers' own component metrics; engine metrics they re-export are read by the engine dialects. */
const DYNAMO_WORKER: DialectTable = {
  name: 'dynamo-worker',
  prefix: 'dynamo_component_',
  histograms: {
    ttft: [],
    itl: [],
    e2e: ['dynamo_component_request_duration_seconds'],
  },
  gauges: {
    waiting: [],
    running: ['dynamo_component_inflight_requests'],
    kvUsage: ['dynamo_component_gpu_cache_usage_percent', 'dynamo_component_kvstats_gpu_cache_usage_percent'],
  },
  counters: {
    requests: [value('dynamo_component_requests_total')],
    promptTokens: [],
    generationTokens: [],
  },
};

/**
 * All dialects, in the order a signal is looked for when a page speaks several (a Dynamo worker page
 * also carries its engine's metrics, which are more specific than the component's).
 */
export const DIALECTS: readonly DialectTable[] = [VLLM, SGLANG, TRTLLM, DYNAMO_FRONTEND, DYNAMO_WORKER];
