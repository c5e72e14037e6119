import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandItlRuns } from '../../../src/sim/engine/events.ts';
import { decodeStepSeconds, isolatedPrefillSeconds, kvTransferSeconds } from '../../../src/sim/engine/profile.ts';
import { builtinProfile } from '../../../src/sim/engine/profiles.ts';
import { requestAttainment } from '../../../src/sim/score/slo.ts';
import { simulateStatic } from '../../../src/sim/static.ts';
import { parseAzureTrace } from '../../../src/sim/workload/azure.ts';

const p = builtinProfile();

describe('simulateStatic', () => {
  it('spreads requests round-robin and serves isolated ones at the model latency', () => {
    const requests = [0, 1, 2, 3].map((i) => ({ id: `r${i}`, arrival: i * 0.001, promptTokens: 1000, outputTokens: 3 }));
    const records = simulateStatic({ requests, profile: p, replicas: 4, router: 'round-robin' });
    expect(records.map((r) => r.replica)).toEqual([0, 1, 2, 3]);
    for (const r of records) {
      expect((r.firstToken ?? 0) - r.arrival).toBeCloseTo(isolatedPrefillSeconds(p, 1000), 12);
      expect(Array.from(expandItlRuns(r.itlRuns))).toHaveLength(2);
      expect(r.dropped).toBe(false);
    }
  });

  it('least-loaded avoids a busy replica', () => {
    const requests = [
      { id: 'long', arrival: 0, promptTokens: 1000, outputTokens: 500 },
      { id: 'a', arrival: 1, promptTokens: 100, outputTokens: 5 },
      { id: 'b', arrival: 2, promptTokens: 100, outputTokens: 5 },
    ];
    const records = simulateStatic({ requests, profile: p, replicas: 2, router: 'least-loaded' });
    expect(records.map((r) => r.replica)).toEqual([0, 1, 1]);
  });

  it('adds the KV transfer between prefill and decode when disaggregated', () => {
    const requests = [{ id: 'x', arrival: 0, promptTokens: 4000, outputTokens: 3 }];
    const [r] = simulateStatic({ requests, profile: p, replicas: 1, router: 'round-robin', disaggregated: { prefillReplicas: 1 } });
    const ttft = isolatedPrefillSeconds(p, 4000);
    expect(r?.firstToken).toBeCloseTo(ttft, 12);
    const transfer = kvTransferSeconds(p, 4000);
    expect(transfer).toBeCloseTo((4000 * 131072) / 64e9, 15);
    const gaps = Array.from(expandItlRuns(r?.itlRuns ?? []));
    // Token 2 comes after the transfer and one decode step (KV 4001); token 3 one step later.
    expect(gaps[0]).toBeCloseTo(transfer + decodeStepSeconds(p, 1, 4001), 12);
    expect(gaps[1]).toBeCloseTo(decodeStepSeconds(p, 1, 4002), 12);
    expect(r?.finish).toBeCloseTo(ttft + transfer + decodeStepSeconds(p, 1, 4001) + decodeStepSeconds(p, 1, 4002), 12);
  });

  it('marks requests too large for any replica as dropped', () => {
    const records = simulateStatic({ requests: [{ id: 'huge', arrival: 0, promptTokens: 500_000, outputTokens: 10 }], profile: p, replicas: 1, router: 'round-robin' });
    expect(records[0]?.dropped).toBe(true);
  });

  it('serves the Azure conv trace: more replicas, better attainment; same input, same output', () => {
    const text = readFileSync(new URL('../../../data/traces/azure-llm-2023/AzureLLMInferenceTrace_conv.csv', import.meta.url), 'utf8');
    const requests = parseAzureTrace(text).slice(0, 4000);
    const one = simulateStatic({ requests, profile: p, replicas: 1, router: 'least-loaded' });
    const four = simulateStatic({ requests, profile: p, replicas: 4, router: 'least-loaded' });
    expect(one.every((r) => r.finish !== undefined)).toBe(true);
    expect(requestAttainment(four).attainment).toBeGreaterThan(requestAttainment(one).attainment);
    expect(requestAttainment(four).attainment).toBeGreaterThan(0.95);
    const again = simulateStatic({ requests, profile: p, replicas: 4, router: 'least-loaded' });
    expect(again.map((r) => r.finish)).toEqual(four.map((r) => r.finish));
  });

  it('rejects bad fleets and unsorted input', () => {
    expect(() => simulateStatic({ requests: [], profile: p, replicas: 0, router: 'round-robin' })).toThrow(RangeError);
    const unsorted = [
      { id: 'a', arrival: 2, promptTokens: 1, outputTokens: 1 },
      { id: 'b', arrival: 1, promptTokens: 1, outputTokens: 1 },
    ];
    expect(() => simulateStatic({ requests: unsorted, profile: p, replicas: 1, router: 'round-robin' })).toThrow(/sorted/);
  });
});
