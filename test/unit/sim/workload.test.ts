import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/sim/random/rng.ts';
import { generateArrivals } from '../../../src/sim/workload/arrivals.ts';
import { parseAzureTrace } from '../../../src/sim/workload/azure.ts';
import { rateAt, type RateEnvelope } from '../../../src/sim/workload/envelope.ts';
import { parseLengthTable } from '../../../src/sim/workload/lengths.ts';
import { parseMooncakeTrace } from '../../../src/sim/workload/mooncake.ts';
import { TraceParseError } from '../../../src/sim/workload/request.ts';
import { scaleLoad } from '../../../src/sim/workload/scale.ts';
import { parseServeGenWindows, serveGenEnvelope } from '../../../src/sim/workload/servegen.ts';
import { synthesizeRequests } from '../../../src/sim/workload/synthetic.ts';

const data = (path: string): string => readFileSync(new URL(`../../../data/${path}`, import.meta.url), 'utf8');

function cv(xs: readonly number[]): number {
  const gaps = xs.slice(1).map((x, i) => x - (xs[i] ?? 0));
  const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / (gaps.length - 1));
  return sd / mean;
}

describe('Azure 2023 trace', () => {
  it('reads the conv trace: 19,366 requests over 58.4 min, starting at 0', () => {
    const requests = parseAzureTrace(data('traces/azure-llm-2023/AzureLLMInferenceTrace_conv.csv'), { file: 'conv.csv', idPrefix: 'conv-' });
    expect(requests).toHaveLength(19_366);
    expect(requests[0]?.arrival).toBe(0);
    // 18:15:46.6805900 → 19:14:08.4025270 (the last row) is 3501.72 s.
    expect(requests.at(-1)?.arrival).toBeCloseTo(3501.72, 1);
    expect(requests[0]).toMatchObject({ id: 'conv-0', promptTokens: 374, outputTokens: 44 });
    expect(requests.every((r, i) => i === 0 || r.arrival >= (requests[i - 1]?.arrival ?? 0))).toBe(true);
  });

  it('keeps sub-millisecond precision of the 7-digit fractions', () => {
    const text = 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 23:59:59.9999999,1,1\n2023-11-17 00:00:00.0000001,2,2';
    const requests = parseAzureTrace(text);
    expect(requests[1]?.arrival).toBeCloseTo(2e-7, 12);
  });

  it('reports bad rows as file:line', () => {
    const text = 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:00:00.0,5,5\n2023-11-16 18:00:01.0,five,5';
    expect(() => parseAzureTrace(text, { file: 'bad.csv' })).toThrow('bad.csv:3: ContextTokens must be a positive integer');
    expect(() => parseAzureTrace('TIMESTAMP,ContextTokens,GeneratedTokens\nyesterday,1,1', { file: 'b.csv' })).toThrow(TraceParseError);
    expect(() => parseAzureTrace('a,b\n', { file: 'h.csv' })).toThrow('h.csv:1:');
  });
});

describe('Mooncake trace', () => {
  it('reads the synthetic trace: 3,993 requests, ms timestamps → s, with block hashes', () => {
    const requests = parseMooncakeTrace(data('traces/mooncake-fast25/synthetic_trace.jsonl'));
    expect(requests).toHaveLength(3993);
    expect(requests[0]).toMatchObject({ arrival: 0, promptTokens: 40_160, outputTokens: 6 });
    // 40,160 tokens in 512-token blocks is 79 blocks (the last partial).
    expect(requests[0]?.blockHashes).toHaveLength(Math.ceil(40_160 / 512));
    const span = (requests.at(-1)?.arrival ?? 0) / 60;
    expect(span).toBeGreaterThan(16.5);
    expect(span).toBeLessThan(17.5);
  });

  it('reports bad lines as file:line', () => {
    const text = '{"timestamp": 0, "input_length": 5, "output_length": 1}\n{"timestamp": 10, "input_length": 0, "output_length": 1}';
    expect(() => parseMooncakeTrace(text, { file: 'm.jsonl' })).toThrow('m.jsonl:2: input_length');
    expect(() => parseMooncakeTrace('{oops', { file: 'm.jsonl' })).toThrow('m.jsonl:1: not JSON');
  });
});

describe('lengths and synthetic requests', () => {
  const table = parseLengthTable(data('lengths/sharegpt_8k_filtered_stats_llama2_tokenizer.csv'));

  it('reads the ShareGPT length pairs', () => {
    expect(table).toHaveLength(30_731);
    expect(table[0]).toEqual({ promptTokens: 74, outputTokens: 918 });
  });

  it('samples pairs whose mean matches the table (prefill ≈ 2340, decode ≈ 439)', () => {
    const rng = createRng(11);
    const arrivals = Array.from({ length: 20_000 }, (_, i) => i);
    const requests = synthesizeRequests(rng, arrivals, table, 's-');
    const meanPrompt = requests.reduce((s, r) => s + r.promptTokens, 0) / requests.length;
    const meanOutput = requests.reduce((s, r) => s + r.outputTokens, 0) / requests.length;
    expect(meanPrompt / 2340).toBeGreaterThan(0.97);
    expect(meanPrompt / 2340).toBeLessThan(1.03);
    expect(meanOutput / 439).toBeGreaterThan(0.97);
    expect(meanOutput / 439).toBeLessThan(1.03);
    expect(requests[5]?.arrival).toBe(5);
    expect(requests[5]?.id).toBe('s-5');
  });
});

describe('arrival processes', () => {
  it('Poisson: count ≈ rate × duration, CV ≈ 1', () => {
    const xs = generateArrivals(createRng(1), { process: { kind: 'poisson' }, envelope: { kind: 'constant', rate: 10 }, duration: 2000 });
    expect(xs.length / 20_000).toBeGreaterThan(0.97);
    expect(xs.length / 20_000).toBeLessThan(1.03);
    expect(cv(xs)).toBeGreaterThan(0.95);
    expect(cv(xs)).toBeLessThan(1.05);
  });

  for (const burstiness of [0.25, 0.5, 4]) {
    it(`gamma burstiness ${burstiness}: same mean rate, CV ≈ 1/√burstiness`, () => {
      const xs = generateArrivals(createRng(2), { process: { kind: 'gamma', burstiness }, envelope: { kind: 'constant', rate: 5 }, duration: 8000 });
      expect(xs.length / 40_000).toBeGreaterThan(0.95);
      expect(xs.length / 40_000).toBeLessThan(1.05);
      expect(cv(xs) * Math.sqrt(burstiness)).toBeGreaterThan(0.93);
      expect(cv(xs) * Math.sqrt(burstiness)).toBeLessThan(1.07);
    });
  }

  it('gamma with infinite burstiness is evenly spaced', () => {
    const xs = generateArrivals(createRng(2), { process: { kind: 'gamma', burstiness: Infinity }, envelope: { kind: 'constant', rate: 4 }, duration: 10 });
    expect(xs).toHaveLength(39);
    expect(xs[0]).toBeCloseTo(0.25, 12);
    expect(cv(xs)).toBeLessThan(1e-9);
  });

  it('weibull arrivals keep the requested mean rate', () => {
    const xs = generateArrivals(createRng(3), { process: { kind: 'weibull', shape: 0.6 }, envelope: { kind: 'constant', rate: 2 }, duration: 20_000 });
    expect(xs.length / 40_000).toBeGreaterThan(0.95);
    expect(xs.length / 40_000).toBeLessThan(1.05);
  });

  it('a step envelope triples the rate inside the step only (thinning)', () => {
    const envelope: RateEnvelope = { kind: 'step', base: 2, peak: 6, start: 1000, end: 1600 };
    const xs = generateArrivals(createRng(4), { process: { kind: 'poisson' }, envelope, duration: 2600 });
    const inside = xs.filter((t) => t >= 1000 && t < 1600).length / 600;
    const before = xs.filter((t) => t < 1000).length / 1000;
    expect(inside / 6).toBeGreaterThan(0.93);
    expect(inside / 6).toBeLessThan(1.07);
    expect(before / 2).toBeGreaterThan(0.9);
    expect(before / 2).toBeLessThan(1.1);
  });

  it('envelopes: ramp, sine and compressed windows', () => {
    expect(rateAt({ kind: 'ramp', from: 1, to: 5, start: 10, end: 20 }, 15)).toBe(3);
    expect(rateAt({ kind: 'ramp', from: 1, to: 5, start: 10, end: 20 }, 30)).toBe(5);
    expect(rateAt({ kind: 'sine', mean: 4, amplitude: 2, period: 100 }, 25)).toBeCloseTo(6, 12);
    expect(rateAt({ kind: 'sine', mean: 1, amplitude: 2, period: 100 }, 75)).toBe(0);
    const windows: RateEnvelope = { kind: 'windows', windowSeconds: 600, rates: [1, 3, 2], timeScale: 10 };
    expect(rateAt(windows, 59)).toBe(1);
    expect(rateAt(windows, 61)).toBe(3);
    expect(rateAt(windows, 181)).toBe(0);
  });

  it('is deterministic per seed', () => {
    const spec = { process: { kind: 'gamma', burstiness: 0.5 }, envelope: { kind: 'sine', mean: 3, amplitude: 2, period: 300 }, duration: 600 } as const;
    expect(generateArrivals(createRng(9), spec)).toEqual(generateArrivals(createRng(9), spec));
  });

  it('rejects invalid specs', () => {
    expect(() => generateArrivals(createRng(1), { process: { kind: 'poisson' }, envelope: { kind: 'constant', rate: -1 }, duration: 10 })).toThrow(RangeError);
    expect(() => generateArrivals(createRng(1), { process: { kind: 'gamma', burstiness: 0 }, envelope: { kind: 'constant', rate: 1 }, duration: 10 })).toThrow(RangeError);
  });
});

describe('scaleLoad', () => {
  const base = Array.from({ length: 10_000 }, (_, i) => ({ id: `r${i}`, arrival: i * 0.5, promptTokens: 10, outputTokens: 5 }));

  it('thins below 1 without moving timestamps', () => {
    const out = scaleLoad(createRng(1), base, 0.3);
    expect(out.length / 3000).toBeGreaterThan(0.93);
    expect(out.length / 3000).toBeLessThan(1.07);
    const arrivals = new Set(base.map((r) => r.arrival));
    expect(out.every((r) => arrivals.has(r.arrival))).toBe(true);
  });

  it('replicates above 1 at the same instants with distinct ids', () => {
    const out = scaleLoad(createRng(1), base, 2.5);
    expect(out.length / 25_000).toBeGreaterThan(0.97);
    expect(out.length / 25_000).toBeLessThan(1.03);
    expect(new Set(out.map((r) => r.id)).size).toBe(out.length);
    expect(out.filter((r) => r.arrival === 0).length).toBeGreaterThanOrEqual(2);
    expect(out.every((r, i) => i === 0 || r.arrival >= (out[i - 1]?.arrival ?? 0))).toBe(true);
  });
});

describe('ServeGen rate windows', () => {
  const text = [
    'client_id,window_start_s,rate_rps,iat_cv,iat_dist,iat_shape,iat_scale',
    '7,0,1.5,1.2,Gamma,0.69,0.96',
    '8,0,0.5,0.9,Weibull,1.1,2.0',
    '7,1200,4,1.0,Gamma,1.0,0.25',
  ].join('\n');

  it('sums clients per window, fills missing windows with 0, and rescales to a peak', () => {
    const windows = parseServeGenWindows(text, 'w.csv');
    expect(windows).toHaveLength(3);
    expect(windows[1]).toMatchObject({ clientId: '8', iatDist: 'Weibull', iatShape: 1.1 });
    expect(serveGenEnvelope(windows)).toEqual({ kind: 'windows', windowSeconds: 600, rates: [2, 0, 4] });
    const scaled = serveGenEnvelope(windows, { peakRate: 10, timeScale: 60 });
    expect(scaled.rates).toEqual([5, 0, 10]);
    expect(rateAt(scaled, 21)).toBe(10);
  });

  it('reports bad rows as file:line', () => {
    expect(() => parseServeGenWindows(text.replace('Weibull', 'Pareto'), 'w.csv')).toThrow('w.csv:3: iat_dist');
    expect(() => parseServeGenWindows('a,b\n1,2', 'w.csv')).toThrow('w.csv:1: header');
  });
});
