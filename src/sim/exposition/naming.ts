import {
  DYNAMO_INPUT_SEQUENCE_BUCKETS,
  DYNAMO_ITL_BUCKETS,
  DYNAMO_OUTPUT_SEQUENCE_BUCKETS,
  DYNAMO_REQUEST_DURATION_BUCKETS,
  DYNAMO_TTFT_BUCKETS,
  SGLANG_E2E_BUCKETS,
  SGLANG_ITL_BUCKETS,
  SGLANG_TTFT_BUCKETS,
  TRTLLM_E2E_BUCKETS,
  TRTLLM_ITL_BUCKETS,
  TRTLLM_TTFT_BUCKETS,
  VLLM_E2E_BUCKETS,
  VLLM_ITL_BUCKETS,
  VLLM_TTFT_BUCKETS,
} from './buckets.ts';

/** The engines a simulated pod can pretend to be. 'dynamo' is the Dynamo frontend. */
export type ExpositionDialect = 'vllm' | 'sglang' | 'trtllm' | 'dynamo';

export interface HistogramName {
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
}

export interface MetricName {
  readonly name: string;
  readonly help: string;
}

/** How one engine names its metrics and labels. Undefined entries: the engine has no such metric. */
export interface EngineNaming {
  readonly baseLabels: (model: string) => Record<string, string>;
  readonly waiting: MetricName;
  readonly running: MetricName;
  readonly kvUsage: MetricName | undefined;
  readonly ttft: HistogramName;
  readonly itl: HistogramName;
  readonly e2e: HistogramName;
  /** Finished requests; `labels` are the extra labels the engine puts on it. */
  readonly requests: MetricName & { readonly labels: Readonly<Record<string, string>> };
  readonly promptTokens: MetricName | undefined;
  readonly generationTokens: MetricName;
  /** Per-request token-length histograms (Dynamo's frontend). */
  readonly inputSequence: HistogramName | undefined;
  readonly outputSequence: HistogramName | undefined;
}

const VLLM: EngineNaming = {
  baseLabels: (model) => ({ model_name: model, engine: '0' }),
  waiting: { name: 'vllm:num_requests_waiting', help: 'Requests waiting for a slot in the batch.' },
  running: { name: 'vllm:num_requests_running', help: 'Requests in the running batch.' },
  kvUsage: { name: 'vllm:kv_cache_usage_perc', help: 'Fraction of KV-cache blocks in use (0-1).' },
  ttft: { name: 'vllm:time_to_first_token_seconds', help: 'Time to first token, seconds.', buckets: VLLM_TTFT_BUCKETS },
  itl: { name: 'vllm:inter_token_latency_seconds', help: 'Time between output tokens, seconds.', buckets: VLLM_ITL_BUCKETS },
  e2e: { name: 'vllm:e2e_request_latency_seconds', help: 'Request latency from arrival to last token, seconds.', buckets: VLLM_E2E_BUCKETS },
  requests: { name: 'vllm:request_success_total', help: 'Requests finished.', labels: { finished_reason: 'stop' } },
  promptTokens: { name: 'vllm:prompt_tokens_total', help: 'Prompt tokens prefilled.' },
  generationTokens: { name: 'vllm:generation_tokens_total', help: 'Tokens generated.' },
  inputSequence: undefined,
  outputSequence: undefined,
};

/** vLLM before the 0.10/0.11 renames. */
const VLLM_LEGACY: EngineNaming = {
  ...VLLM,
  kvUsage: { name: 'vllm:gpu_cache_usage_perc', help: 'Fraction of GPU KV-cache blocks in use (0-1).' },
  itl: { name: 'vllm:time_per_output_token_seconds', help: 'Time per output token, seconds.', buckets: VLLM_ITL_BUCKETS },
};

const SGLANG: EngineNaming = {
  baseLabels: (model) => ({ model_name: model }),
  waiting: { name: 'sglang:num_queue_reqs', help: 'Requests in the waiting queue.' },
  running: { name: 'sglang:num_running_reqs', help: 'Requests running.' },
  kvUsage: { name: 'sglang:token_usage', help: 'Fraction of KV-cache tokens in use (0-1).' },
  ttft: { name: 'sglang:time_to_first_token_seconds', help: 'Time to first token, seconds.', buckets: SGLANG_TTFT_BUCKETS },
  itl: { name: 'sglang:inter_token_latency_seconds', help: 'Time between output tokens, seconds.', buckets: SGLANG_ITL_BUCKETS },
  e2e: { name: 'sglang:e2e_request_latency_seconds', help: 'Request latency from arrival to last token, seconds.', buckets: SGLANG_E2E_BUCKETS },
  requests: { name: 'sglang:num_requests_total', help: 'Requests finished.', labels: {} },
  promptTokens: { name: 'sglang:prompt_tokens_total', help: 'Prompt tokens prefilled.' },
  generationTokens: { name: 'sglang:generation_tokens_total', help: 'Tokens generated.' },
  inputSequence: undefined,
  outputSequence: undefined,
};

const TRTLLM: EngineNaming = {
  baseLabels: (model) => ({ model_name: model, engine_type: 'trtllm' }),
  waiting: { name: 'trtllm_num_requests_waiting', help: 'Requests waiting for a slot in the batch.' },
  running: { name: 'trtllm_num_requests_running', help: 'Requests running.' },
  kvUsage: { name: 'trtllm_kv_cache_utilization', help: 'Fraction of KV-cache blocks in use (0-1).' },
  ttft: { name: 'trtllm_time_to_first_token_seconds', help: 'Time to first token, seconds.', buckets: TRTLLM_TTFT_BUCKETS },
  itl: { name: 'trtllm_time_per_output_token_seconds', help: 'Time per output token, seconds.', buckets: TRTLLM_ITL_BUCKETS },
  e2e: { name: 'trtllm_e2e_request_latency_seconds', help: 'Request latency from arrival to last token, seconds.', buckets: TRTLLM_E2E_BUCKETS },
  requests: { name: 'trtllm_request_success_total', help: 'Requests finished.', labels: { finished_reason: 'stop' } },
  promptTokens: { name: 'trtllm_prompt_tokens_total', help: 'Prompt tokens prefilled.' },
  generationTokens: { name: 'trtllm_generation_tokens_total', help: 'Tokens generated.' },
  inputSequence: undefined,
  outputSequence: undefined,
};

const DYNAMO: EngineNaming = {
  baseLabels: (model) => ({ model }),
  waiting: { name: 'dynamo_frontend_queued_requests', help: 'Requests not yet answered with a first token.' },
  running: { name: 'dynamo_frontend_inflight_requests', help: 'Requests in flight.' },
  kvUsage: undefined,
  ttft: { name: 'dynamo_frontend_time_to_first_token_seconds', help: 'Time to first token, seconds.', buckets: DYNAMO_TTFT_BUCKETS },
  itl: { name: 'dynamo_frontend_inter_token_latency_seconds', help: 'Time between output tokens, seconds.', buckets: DYNAMO_ITL_BUCKETS },
  e2e: { name: 'dynamo_frontend_request_duration_seconds', help: 'Request duration, seconds.', buckets: DYNAMO_REQUEST_DURATION_BUCKETS },
  requests: {
    name: 'dynamo_frontend_requests_total',
    help: 'Requests handled.',
    labels: { endpoint: 'chat_completions', request_type: 'stream', status: 'success' },
  },
  promptTokens: undefined,
  generationTokens: { name: 'dynamo_frontend_output_tokens_total', help: 'Tokens generated.' },
  inputSequence: { name: 'dynamo_frontend_input_sequence_tokens', help: 'Prompt length, tokens.', buckets: DYNAMO_INPUT_SEQUENCE_BUCKETS },
  outputSequence: { name: 'dynamo_frontend_output_sequence_tokens', help: 'Output length, tokens.', buckets: DYNAMO_OUTPUT_SEQUENCE_BUCKETS },
};

export function engineNaming(dialect: ExpositionDialect, legacyNames = false): EngineNaming {
  switch (dialect) {
    case 'vllm':
      return legacyNames ? VLLM_LEGACY : VLLM;
    case 'sglang':
      return SGLANG;
    case 'trtllm':
      return TRTLLM;
    case 'dynamo':
      return DYNAMO;
  }
}
