import { describe, expect, it } from 'vitest';
import { planLoad } from '../../../src/loadtest/plan.ts';
import { endpointPath, requestBody, syntheticPrompt } from '../../../src/loadtest/prompt.ts';
import { countWords } from '../../../src/sim/openai-server/protocol.ts';
import type { SimRequest } from '../../../src/sim/workload/request.ts';

const trace: SimRequest[] = Array.from({ length: 200 }, (_, i) => ({ id: `r${i}`, arrival: 100 + i * 0.5, promptTokens: 10 + i, outputTokens: 5 }));

describe('planLoad', () => {
  it('keeps the trace gaps and starts at 0', () => {
    const plan = planLoad(trace, { rateScale: 1 });
    expect(plan).toHaveLength(200);
    expect(plan[0]?.arrival).toBe(0);
    expect(plan[10]?.arrival).toBeCloseTo(5, 12);
  });
  it('thins below 1 and replicates above 1 without compressing time', () => {
    const thin = planLoad(trace, { rateScale: 0.5, seed: 3 });
    expect(thin.length).toBeGreaterThan(60);
    expect(thin.length).toBeLessThan(140);
    // Every kept request keeps its original offset from the first kept one.
    const offset = trace.find((r) => r.id === thin[0]?.id)?.arrival ?? 0;
    for (const r of thin) expect(r.arrival).toBeCloseTo((trace.find((t) => t.id === r.id)?.arrival ?? NaN) - offset, 9);
    const double = planLoad(trace, { rateScale: 2 });
    expect(double).toHaveLength(400);
    expect(double.at(-1)?.arrival).toBeCloseTo(99.5, 9);
    expect(new Set(double.map((r) => r.id)).size).toBe(400);
  });
  it('cuts by count and by time', () => {
    expect(planLoad(trace, { rateScale: 1, maxRequests: 7 })).toHaveLength(7);
    const timed = planLoad(trace, { rateScale: 1, durationSeconds: 10 });
    expect(timed).toHaveLength(20);
    expect(timed.every((r) => r.arrival < 10)).toBe(true);
  });
  it('is reproducible for a seed', () => {
    expect(planLoad(trace, { rateScale: 0.3, seed: 9 })).toEqual(planLoad(trace, { rateScale: 0.3, seed: 9 }));
  });
  it('rejects nonsense bounds', () => {
    expect(() => planLoad(trace, { rateScale: 1, maxRequests: -1 })).toThrow(RangeError);
    expect(() => planLoad(trace, { rateScale: 1, durationSeconds: 0 })).toThrow(RangeError);
  });
});

describe('request bodies', () => {
  it('asks for exactly the output length, streamed, with a prompt of the right word count', () => {
    const body = requestBody('completions', 'm', 123, 45);
    expect(body).toMatchObject({ model: 'm', max_tokens: 45, ignore_eos: true, stream: true, stream_options: { include_usage: true } });
    expect(countWords(String(body['prompt']))).toBe(123);
    const chat = requestBody('chat', 'm', 3, 1);
    expect(chat['messages']).toEqual([{ role: 'user', content: 'hello hello hello' }]);
    expect(endpointPath('chat')).toBe('/v1/chat/completions');
    expect(endpointPath('completions')).toBe('/v1/completions');
    expect(syntheticPrompt(0)).toBe('hello');
  });
});
