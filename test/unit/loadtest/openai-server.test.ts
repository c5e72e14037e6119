import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeStepSeconds, isolatedPrefillSeconds } from '../../../src/sim/engine/profile.ts';
import { builtinProfile } from '../../../src/sim/engine/profiles.ts';
import { PlannedEngine, planTokens } from '../../../src/sim/openai-server/plan.ts';
import { countWords, fullResponse, parseRequest, tokenChunk } from '../../../src/sim/openai-server/protocol.ts';

const profile = builtinProfile('llama2-70b-tp8-h100');

describe('planTokens', () => {
  it('gives an isolated request its prefill time, then one decode step per token', () => {
    const [plan] = planTokens(profile, [{ id: 'a', arrival: 2, promptTokens: 1000, outputTokens: 4 }]);
    expect(plan?.dropped).toBe(false);
    if (plan === undefined || plan.dropped) return;
    expect(plan.tokenTimes).toHaveLength(4);
    expect((plan.tokenTimes[0] ?? 0) - 2).toBeCloseTo(isolatedPrefillSeconds(profile, 1000), 12);
    // Decode step k holds the prompt plus k tokens of KV.
    for (let k = 1; k < 4; k++) expect((plan.tokenTimes[k] ?? 0) - (plan.tokenTimes[k - 1] ?? 0)).toBeCloseTo(decodeStepSeconds(profile, 1, 1000 + k), 12);
  });
  it('drops a request whose KV can never fit', () => {
    const [plan] = planTokens(profile, [{ id: 'big', arrival: 0, promptTokens: profile.kvCapacityTokens, outputTokens: 10 }]);
    expect(plan?.dropped).toBe(true);
  });
});

describe('PlannedEngine', () => {
  it('never moves a token that was already due when a later request arrives', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 20 })), { minLength: 1, maxLength: 12 }),
        (rows) => {
          const engine = new PlannedEngine(profile);
          let now = 0;
          const seen = new Map<string, readonly number[]>();
          rows.forEach(([gap, prompt, output], i) => {
            now += gap;
            const plans = engine.admit({ id: `r${i}`, promptTokens: prompt, outputTokens: output }, now);
            for (const [id, before] of seen) {
              const after = plans.get(id);
              if (after === undefined || after.dropped) continue; // forgotten: its epoch ended before `now`
              before.filter((t) => t <= now).forEach((t, k) => { expect(after.tokenTimes[k]).toBeCloseTo(t, 9); });
            }
            const mine = plans.get(`r${i}`);
            expect(mine?.dropped).toBe(false);
            if (mine !== undefined && !mine.dropped) {
              expect(mine.tokenTimes).toHaveLength(output);
              expect(mine.tokenTimes[0]).toBeGreaterThan(now);
            }
            for (const [id, p] of plans) if (!p.dropped) seen.set(id, p.tokenTimes);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
  it('forgets the previous busy period once the engine has gone idle', () => {
    const engine = new PlannedEngine(profile);
    engine.admit({ id: 'a', promptTokens: 100, outputTokens: 2 }, 0);
    const plans = engine.admit({ id: 'b', promptTokens: 100, outputTokens: 2 }, 10);
    expect([...plans.keys()]).toEqual(['b']);
    expect(engine.gauges(10.001)).toMatchObject({ running: 1, waiting: 0 });
    expect(engine.gauges(20)).toMatchObject({ running: 0, waiting: 0, kvUsedTokens: 0 });
  });
});

describe('protocol', () => {
  it('counts one token per word and reads max_tokens, stream and usage options', () => {
    expect(countWords('  hello  hello\nhello ')).toBe(3);
    expect(parseRequest('completions', { prompt: 'a b', max_tokens: 5, stream: true, stream_options: { include_usage: true } })).toEqual({
      api: 'completions',
      model: undefined,
      promptTokens: 2,
      outputTokens: 5,
      stream: true,
      includeUsage: true,
    });
    expect(parseRequest('chat', { model: 'x', messages: [{ role: 'system', content: 'a' }, { role: 'user', content: 'b c' }], max_completion_tokens: 2 })).toMatchObject({ promptTokens: 3, outputTokens: 2, stream: false, model: 'x' });
  });
  it('answers malformed requests with a reason', () => {
    expect(parseRequest('completions', [])).toMatch(/JSON object/);
    expect(parseRequest('completions', { prompt: '  ' })).toMatch(/empty/);
    expect(parseRequest('completions', { prompt: 'a', max_tokens: 0 })).toMatch(/max_tokens/);
    expect(parseRequest('chat', { messages: [] })).toMatch(/messages/);
  });
  it('shapes chunks like the OpenAI API', () => {
    const ctx = { api: 'chat' as const, id: 'c1', model: 'm', created: 0 };
    expect(tokenChunk(ctx, 1, true)).toMatchObject({ object: 'chat.completion.chunk', choices: [{ delta: { content: ' tok' }, finish_reason: 'length' }] });
    expect(fullResponse({ ...ctx, api: 'completions' }, 2, 3)).toMatchObject({ choices: [{ text: 'tok tok tok' }], usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 } });
  });
});
