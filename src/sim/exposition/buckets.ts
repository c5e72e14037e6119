/**
 * The histogram bucket boundaries real engines use, so that simulated pages quantise latencies the
 * way production ones do. Sources: vLLM vllm/v1/metrics/loggers.py; SGLang
 * python/sglang/srt/metrics/collector.py (TokenizerMetricsCollector defaults); TensorRT-LLM
 * tensorrt_llm/metrics/collector.py; Dynamo lib/llm/src/http/service/metrics.rs.
 */

export const VLLM_TTFT_BUCKETS: readonly number[] = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560,
];
export const VLLM_ITL_BUCKETS: readonly number[] = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];
/** vLLM's request-latency buckets (e2e, queue, prefill, decode, inference). */
export const VLLM_E2E_BUCKETS: readonly number[] = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680];

export const SGLANG_TTFT_BUCKETS: readonly number[] = [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400];
export const SGLANG_ITL_BUCKETS: readonly number[] = [
  0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.06, 0.08, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8,
];
export const SGLANG_E2E_BUCKETS: readonly number[] = [
  0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400, 600, 1200, 1800, 2400,
];

/** TensorRT-LLM's defaults are vLLM's. */
export const TRTLLM_TTFT_BUCKETS = VLLM_TTFT_BUCKETS;
export const TRTLLM_ITL_BUCKETS = VLLM_ITL_BUCKETS;
export const TRTLLM_E2E_BUCKETS = VLLM_E2E_BUCKETS;

function roundToSignificant(value: number, digits: number): number {
  if (value === 0) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const scale = 10 ** (digits - 1 - magnitude);
  return Math.round(value * scale) / scale;
}

/**
 * Dynamo's bucket generator: 0, then count − 1 values spaced evenly in log between min and max
 * (the first step above min, the last equal to max), each rounded to 2 significant figures, with
 * duplicates removed.
 */
export function dynamoLogBuckets(min: number, max: number, count: number): number[] {
  if (count <= 0) return [];
  const out = [0];
  const lo = Math.log(min);
  const hi = Math.log(max);
  for (let i = 1; i < count; i++) {
    const v = roundToSignificant(Math.exp(lo + ((hi - lo) * i) / (count - 1)), 2);
    if (v !== out[out.length - 1]) out.push(v);
  }
  return out;
}

export const DYNAMO_TTFT_BUCKETS: readonly number[] = dynamoLogBuckets(0.001, 480, 18);
export const DYNAMO_ITL_BUCKETS: readonly number[] = dynamoLogBuckets(0.001, 2, 13);
export const DYNAMO_REQUEST_DURATION_BUCKETS: readonly number[] = dynamoLogBuckets(1, 256, 10);
export const DYNAMO_INPUT_SEQUENCE_BUCKETS: readonly number[] = dynamoLogBuckets(50, 128_000, 12);
export const DYNAMO_OUTPUT_SEQUENCE_BUCKETS: readonly number[] = dynamoLogBuckets(50, 32_000, 10);
