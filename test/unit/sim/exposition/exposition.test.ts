import { describe, it, expect } from 'vitest';
import {
  DYNAMO_ITL_BUCKETS,
  DYNAMO_TTFT_BUCKETS,
  SGLANG_ITL_BUCKETS,
  VLLM_ITL_BUCKETS,
  VLLM_TTFT_BUCKETS,
  dynamoLogBuckets,
} from '../../../../src/sim/exposition/buckets.ts';
import { createCounterRecorder, createHistogramRecorder } from '../../../../src/sim/exposition/recorders.ts';
import { createEngineMetrics } from '../../../../src/sim/exposition/engine-metrics.ts';
import { parsePrometheusText } from '../../../../src/signals/parse/parser.ts';

describe('real bucket boundaries', () => {
  it('vLLM TTFT and ITL buckets are the ones in the reference notes', () => {
    expect(VLLM_TTFT_BUCKETS).toEqual([0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560]);
    expect(VLLM_ITL_BUCKETS).toEqual([0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80]);
    expect(SGLANG_ITL_BUCKETS[0]).toBe(0.002);
    expect(SGLANG_ITL_BUCKETS[SGLANG_ITL_BUCKETS.length - 1]).toBe(8);
  });

  it("Dynamo's generator: 0, then log-spaced steps ending at max, 2 significant figures", () => {
    expect(DYNAMO_TTFT_BUCKETS).toHaveLength(18);
    expect(DYNAMO_TTFT_BUCKETS[0]).toBe(0);
    expect(DYNAMO_TTFT_BUCKETS[DYNAMO_TTFT_BUCKETS.length - 1]).toBe(480);
    expect(DYNAMO_ITL_BUCKETS).toHaveLength(13);
    expect(DYNAMO_ITL_BUCKETS[DYNAMO_ITL_BUCKETS.length - 1]).toBe(2);
    // 1 → 256 in 9 log steps of ×256^(1/9) ≈ 1.85: 1.9, 3.4, 6.3, 12, 22, 40, 75, 140, 256 → rounded 260.
    expect(dynamoLogBuckets(1, 256, 10)).toEqual([0, 1.9, 3.4, 6.3, 12, 22, 40, 75, 140, 260]);
    for (let i = 1; i < DYNAMO_TTFT_BUCKETS.length; i++) expect(DYNAMO_TTFT_BUCKETS[i]).toBeGreaterThan(DYNAMO_TTFT_BUCKETS[i - 1] ?? Infinity);
  });
});

describe('recorders', () => {
  it('a histogram bucket counts observations ≤ its bound, cumulatively, with +Inf last', () => {
    const h = createHistogramRecorder([1, 2]);
    for (const v of [0.5, 1, 1.5, 2, 3, NaN]) h.observe(v);
    h.observe(0.1, 3);
    expect(h.snapshot()).toEqual({ bounds: [1, 2, Infinity], counts: [5, 7, 8], sum: 0.5 + 1 + 1.5 + 2 + 3 + 0.30000000000000004, count: 8 });
  });

  it('refuses duplicate or infinite bounds, and counters that go down', () => {
    expect(() => createHistogramRecorder([1, 1])).toThrow(/duplicate/);
    expect(() => createHistogramRecorder([1, Infinity])).toThrow(/finite/);
    const c = createCounterRecorder();
    c.inc(2);
    expect(() => {
      c.inc(-1);
    }).toThrow(/cannot go down/);
    expect(c.value()).toBe(2);
  });
});

describe('engine metrics state', () => {
  it('derives TTFT, ITL, e2e and token counts from request events', () => {
    const m = createEngineMetrics({ dialect: 'vllm', model: 'llama' });
    m.requestArrived('a', 10, 100);
    m.firstToken('a', 10.3); // TTFT 0.3
    m.token('a', 10.32); // ITL 0.02
    m.token('a', 10.36); // ITL 0.04
    m.requestFinished('a', 10.36); // e2e 0.36
    expect(m.inFlight()).toBe(0);
    const fams = new Map(m.families().map((f) => [f.name, f]));
    const value = (name: string, suffix = '', le?: string) =>
      fams.get(name)?.samples.find((s) => s.suffix === suffix && (le === undefined || s.labels.le === le))?.value;
    expect(value('vllm:prompt_tokens_total')).toBe(100);
    expect(value('vllm:generation_tokens_total')).toBe(3);
    expect(value('vllm:request_success_total')).toBe(1);
    expect(value('vllm:time_to_first_token_seconds', '_bucket', '0.25')).toBe(0);
    expect(value('vllm:time_to_first_token_seconds', '_bucket', '0.5')).toBe(1);
    expect(value('vllm:inter_token_latency_seconds', '_bucket', '0.025')).toBe(1);
    expect(value('vllm:inter_token_latency_seconds', '_bucket', '0.05')).toBe(2);
    expect(value('vllm:inter_token_latency_seconds', '_count')).toBe(2);
    expect(value('vllm:e2e_request_latency_seconds', '_bucket', '0.3')).toBe(0);
    expect(value('vllm:e2e_request_latency_seconds', '_bucket', '0.5')).toBe(1);
    expect(() => {
      m.token('nope', 1);
    }).toThrow(/unknown request/);
  });

  it('prints a page the parser reads without a single issue, in every dialect, with the given labels', () => {
    for (const dialect of ['vllm', 'sglang', 'trtllm', 'dynamo'] as const) {
      const m = createEngineMetrics({ dialect, model: 'org/model "x"', labels: { pod: 'p-0' } });
      m.observeTtft(0.2);
      m.setWaiting(3);
      const page = parsePrometheusText(m.render());
      expect(page.issues).toEqual([]);
      expect(page.sampleCount).toBeGreaterThan(20);
      for (const f of page.families.values()) {
        for (const s of f.samples) expect(s.labels.pod).toBe('p-0');
      }
    }
  });

  it('prints the old vLLM names on request', () => {
    const page = parsePrometheusText(createEngineMetrics({ dialect: 'vllm', model: 'm', legacyNames: true }).render());
    expect(page.families.has('vllm:gpu_cache_usage_perc')).toBe(true);
    expect(page.families.has('vllm:time_per_output_token_seconds')).toBe(true);
    expect(page.families.has('vllm:kv_cache_usage_perc')).toBe(false);
  });
});
