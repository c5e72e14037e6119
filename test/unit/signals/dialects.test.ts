import { describe, it, expect } from 'vitest';
import { parsePrometheusText } from '../../../src/signals/parse/parser.ts';
import { detectDialects, extractReading } from '../../../src/signals/dialects/extract.ts';

const page = (lines: string[]) => parsePrometheusText(lines.join('\n'));

// Pages written by hand in the shape each engine prints (names from the engines' sources).
const VLLM_CURRENT = [
  '# TYPE vllm:num_requests_running gauge',
  'vllm:num_requests_running{engine="0",model_name="m"} 3.0',
  'vllm:num_requests_running{engine="1",model_name="m"} 4.0',
  '# TYPE vllm:num_requests_waiting gauge',
  'vllm:num_requests_waiting{engine="0",model_name="m"} 1.0',
  'vllm:num_requests_waiting{engine="1",model_name="m"} 2.0',
  '# TYPE vllm:kv_cache_usage_perc gauge',
  'vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.2',
  'vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.6',
  '# TYPE vllm:request_success_total counter',
  'vllm:request_success_total{engine="0",finished_reason="stop",model_name="m"} 10.0',
  'vllm:request_success_total{engine="0",finished_reason="length",model_name="m"} 5.0',
  'vllm:request_success_total{engine="1",finished_reason="stop",model_name="m"} 1.0',
  '# TYPE vllm:prompt_tokens_total counter',
  'vllm:prompt_tokens_total{engine="0",model_name="m"} 1000.0',
  '# TYPE vllm:prompt_tokens_created gauge',
  'vllm:prompt_tokens_created{engine="0",model_name="m"} 1.7e9',
  '# TYPE vllm:generation_tokens_total counter',
  'vllm:generation_tokens_total{engine="0",model_name="m"} 2000.0',
  '# TYPE vllm:time_to_first_token_seconds histogram',
  'vllm:time_to_first_token_seconds_bucket{engine="0",le="0.1",model_name="m"} 2.0',
  'vllm:time_to_first_token_seconds_bucket{engine="0",le="0.5",model_name="m"} 6.0',
  'vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="m"} 8.0',
  'vllm:time_to_first_token_seconds_count{engine="0",model_name="m"} 8.0',
  'vllm:time_to_first_token_seconds_sum{engine="0",model_name="m"} 2.5',
  'vllm:time_to_first_token_seconds_bucket{engine="1",le="0.1",model_name="m"} 1.0',
  'vllm:time_to_first_token_seconds_bucket{engine="1",le="0.25",model_name="m"} 1.0',
  'vllm:time_to_first_token_seconds_bucket{engine="1",le="0.5",model_name="m"} 2.0',
  'vllm:time_to_first_token_seconds_bucket{engine="1",le="+Inf",model_name="m"} 2.0',
  'vllm:time_to_first_token_seconds_count{engine="1",model_name="m"} 2.0',
  'vllm:time_to_first_token_seconds_sum{engine="1",model_name="m"} 0.5',
  '# TYPE vllm:inter_token_latency_seconds histogram',
  'vllm:inter_token_latency_seconds_bucket{engine="0",le="0.01",model_name="m"} 7.0',
  'vllm:inter_token_latency_seconds_bucket{engine="0",le="+Inf",model_name="m"} 9.0',
  'vllm:inter_token_latency_seconds_count{engine="0",model_name="m"} 9.0',
  'vllm:inter_token_latency_seconds_sum{engine="0",model_name="m"} 0.1',
  '# TYPE vllm:time_per_output_token_seconds histogram',
  'vllm:time_per_output_token_seconds_bucket{engine="0",le="0.01",model_name="m"} 1.0',
  'vllm:time_per_output_token_seconds_bucket{engine="0",le="+Inf",model_name="m"} 1.0',
];

describe('vLLM', () => {
  it('detects the dialect and reads every signal, adding series and averaging KV use', () => {
    const p = page(VLLM_CURRENT);
    expect(detectDialects(p)).toEqual(['vllm']);
    const r = extractReading(p);
    expect(r.gauges).toEqual({ running: 7, waiting: 3, kvUsage: 0.4 });
    expect(r.counters).toEqual({ requests: 16, promptTokens: 1000, generationTokens: 2000 });
    // Engine 1 has an extra 0.25 bound; only bounds both engines have are kept.
    expect(r.histograms.ttft).toEqual({ bounds: [0.1, 0.5, Infinity], counts: [3, 8, 10], sum: 3, count: 10 });
    // The current ITL name wins over the deprecated one when both are printed.
    expect(r.histograms.itl?.counts).toEqual([7, 9]);
    expect(r.histograms.e2e).toBeUndefined();
  });

  it('reads the pre-0.10 names', () => {
    const p = page([
      'vllm:gpu_cache_usage_perc{model_name="m"} 0.75',
      '# TYPE vllm:time_per_output_token_seconds histogram',
      'vllm:time_per_output_token_seconds_bucket{le="0.05",model_name="m"} 4',
      'vllm:time_per_output_token_seconds_bucket{le="+Inf",model_name="m"} 5',
      'vllm:time_per_output_token_seconds_count{model_name="m"} 5',
      'vllm:time_per_output_token_seconds_sum{model_name="m"} 0.2',
    ]);
    const r = extractReading(p);
    expect(r.gauges.kvUsage).toBe(0.75);
    expect(r.histograms.itl).toEqual({ bounds: [0.05, Infinity], counts: [4, 5], sum: 0.2, count: 5 });
  });

  it('falls back to the e2e histogram count for requests, and reads histograms printed without TYPE', () => {
    const r = extractReading(
      page([
        'vllm:e2e_request_latency_seconds_bucket{le="1.0"} 3',
        'vllm:e2e_request_latency_seconds_bucket{le="+Inf"} 4',
        'vllm:e2e_request_latency_seconds_count 4',
        'vllm:e2e_request_latency_seconds_sum 3.5',
      ]),
    );
    expect(r.counters.requests).toBe(4);
    expect(r.histograms.e2e).toEqual({ bounds: [1, Infinity], counts: [3, 4], sum: 3.5, count: 4 });
  });

  it('keeps only series matching a label filter', () => {
    const r = extractReading(page(VLLM_CURRENT), { match: { engine: '1' } });
    expect(r.gauges).toEqual({ running: 4, waiting: 2, kvUsage: 0.6 });
    expect(r.histograms.ttft?.counts).toEqual([1, 1, 2, 2]);
  });
});

describe('other engines', () => {
  it('SGLang', () => {
    const p = page([
      '# TYPE sglang:num_queue_reqs gauge',
      'sglang:num_queue_reqs{model_name="m"} 5.0',
      'sglang:num_running_reqs{model_name="m"} 9.0',
      'sglang:token_usage{model_name="m"} 0.33',
      '# TYPE sglang:num_requests_total counter',
      'sglang:num_requests_total{model_name="m"} 12.0',
      '# TYPE sglang:prompt_tokens_total counter',
      'sglang:prompt_tokens_total{model_name="m"} 300.0',
      '# TYPE sglang:generation_tokens_total counter',
      'sglang:generation_tokens_total{model_name="m"} 900.0',
      '# TYPE sglang:inter_token_latency_seconds histogram',
      'sglang:inter_token_latency_seconds_bucket{le="0.02",model_name="m"} 10.0',
      'sglang:inter_token_latency_seconds_bucket{le="+Inf",model_name="m"} 11.0',
      'sglang:inter_token_latency_seconds_count{model_name="m"} 11.0',
      'sglang:inter_token_latency_seconds_sum{model_name="m"} 0.3',
    ]);
    expect(detectDialects(p)).toEqual(['sglang']);
    const r = extractReading(p);
    expect(r.gauges).toEqual({ waiting: 5, running: 9, kvUsage: 0.33 });
    expect(r.counters).toEqual({ requests: 12, promptTokens: 300, generationTokens: 900 });
    expect(r.histograms.itl?.counts).toEqual([10, 11]);
  });

  it('TensorRT-LLM', () => {
    const p = page([
      'trtllm_num_requests_waiting{engine_type="trtllm",model_name="m"} 2',
      'trtllm_num_requests_running{engine_type="trtllm",model_name="m"} 6',
      'trtllm_kv_cache_utilization{engine_type="trtllm",model_name="m"} 0.5',
      '# TYPE trtllm_request_success_total counter',
      'trtllm_request_success_total{engine_type="trtllm",finished_reason="stop",model_name="m"} 40',
      '# TYPE trtllm_time_per_output_token_seconds histogram',
      'trtllm_time_per_output_token_seconds_bucket{le="0.025",model_name="m"} 3',
      'trtllm_time_per_output_token_seconds_bucket{le="+Inf",model_name="m"} 3',
      'trtllm_time_per_output_token_seconds_count{model_name="m"} 3',
      'trtllm_time_per_output_token_seconds_sum{model_name="m"} 0.06',
    ]);
    expect(detectDialects(p)).toEqual(['trtllm']);
    const r = extractReading(p);
    expect(r.gauges).toEqual({ waiting: 2, running: 6, kvUsage: 0.5 });
    expect(r.counters.requests).toBe(40);
    expect(r.histograms.itl?.counts).toEqual([3, 3]);
  });

  it('Dynamo frontend: queued → waiting, inflight → running, prompt tokens from the input-length sum', () => {
    const p = page([
      '# TYPE dynamo_frontend_queued_requests gauge',
      'dynamo_frontend_queued_requests{model="m"} 4',
      'dynamo_frontend_inflight_requests{model="m"} 10',
      '# TYPE dynamo_frontend_requests_total counter',
      'dynamo_frontend_requests_total{endpoint="chat_completions",model="m",request_type="stream",status="success"} 20',
      'dynamo_frontend_requests_total{endpoint="chat_completions",model="m",request_type="stream",status="error"} 1',
      '# TYPE dynamo_frontend_output_tokens_total counter',
      'dynamo_frontend_output_tokens_total{model="m"} 5000',
      '# TYPE dynamo_frontend_input_sequence_tokens histogram',
      'dynamo_frontend_input_sequence_tokens_bucket{model="m",le="+Inf"} 21',
      'dynamo_frontend_input_sequence_tokens_sum{model="m"} 8400',
      'dynamo_frontend_input_sequence_tokens_count{model="m"} 21',
      '# TYPE dynamo_frontend_time_to_first_token_seconds histogram',
      'dynamo_frontend_time_to_first_token_seconds_bucket{model="m",le="0"} 0',
      'dynamo_frontend_time_to_first_token_seconds_bucket{model="m",le="0.0021"} 1',
      'dynamo_frontend_time_to_first_token_seconds_bucket{model="m",le="+Inf"} 20',
      'dynamo_frontend_time_to_first_token_seconds_sum{model="m"} 6',
      'dynamo_frontend_time_to_first_token_seconds_count{model="m"} 20',
    ]);
    expect(detectDialects(p)).toEqual(['dynamo-frontend']);
    const r = extractReading(p);
    expect(r.gauges).toEqual({ waiting: 4, running: 10 });
    expect(r.counters).toEqual({ requests: 21, promptTokens: 8400, generationTokens: 5000 });
    expect(r.histograms.ttft?.bounds).toEqual([0, 0.0021, Infinity]);
  });

  it('Dynamo worker with vLLM inside: engine metrics first, component metrics fill the gaps', () => {
    const p = page([
      'dynamo_component_inflight_requests{dynamo_component="backend",dynamo_endpoint="generate",dynamo_namespace="ns"} 99',
      'dynamo_component_gpu_cache_usage_percent{dynamo_component="backend"} 0.9',
      '# TYPE dynamo_component_requests_total counter',
      'dynamo_component_requests_total{dynamo_component="backend"} 77',
      'vllm:num_requests_running{model="m",model_name="m"} 3',
    ]);
    expect(detectDialects(p)).toEqual(['vllm', 'dynamo-worker']);
    const r = extractReading(p);
    expect(r.gauges).toEqual({ running: 3, kvUsage: 0.9 });
    expect(r.counters).toEqual({ requests: 77 });
    expect(extractReading(p, { dialects: ['dynamo-worker'] }).gauges.running).toBe(99);
  });

  it('a page in no known dialect reads as nothing', () => {
    const r = extractReading(page(['process_cpu_seconds_total 5', 'up 1']));
    expect(r).toEqual({ dialects: [], histograms: {}, gauges: {}, counters: {} });
  });
});
