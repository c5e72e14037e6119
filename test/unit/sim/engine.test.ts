import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandItlRuns, type EngineEvent } from '../../../src/sim/engine/events.ts';
import { decodeStepSeconds, isolatedPrefillSeconds, type EngineProfile } from '../../../src/sim/engine/profile.ts';
import { builtinProfile } from '../../../src/sim/engine/profiles.ts';
import { EngineReplica, type EngineRequest } from '../../../src/sim/engine/replica.ts';
import { referenceSimulate, type ReferenceRequest } from '../../../src/sim/engine/reference.ts';

const p8b = builtinProfile('8b-h100');

interface Outcome {
  firstToken: number;
  finish: number;
  tokenTimes: number[];
  rejected: boolean;
}

/** Drives an engine over requests; `step` > 0 also advances in fixed increments between arrivals. */
function drive(engine: EngineReplica, requests: readonly ReferenceRequest[], step = 0): Map<string, Outcome> {
  const out = new Map<string, Outcome>();
  const handle = (events: readonly EngineEvent[]): void => {
    for (const e of events) {
      if (e.kind === 'finished') {
        const times = [e.firstTokenTime];
        for (const gap of expandItlRuns(e.itlRuns)) times.push((times.at(-1) ?? 0) + gap);
        out.set(e.id, { firstToken: e.firstTokenTime, finish: e.time, tokenTimes: times, rejected: false });
      } else if (e.kind === 'rejected') {
        out.set(e.id, { firstToken: Number.NaN, finish: Number.NaN, tokenTimes: [], rejected: true });
      }
    }
  };
  let now = 0;
  for (const r of [...requests].sort((a, b) => a.arrival - b.arrival)) {
    if (step > 0) {
      while (now + step < r.arrival) {
        now += step;
        handle(engine.advance(now));
      }
    }
    now = r.arrival;
    handle(engine.advance(now));
    engine.enqueue({ id: r.id, promptTokens: r.promptTokens, outputTokens: r.outputTokens }, now);
  }
  handle(engine.advance(Infinity));
  return out;
}

function profile(overrides: Partial<EngineProfile>): EngineProfile {
  return { ...p8b, ...overrides };
}

describe('EngineReplica: isolated requests', () => {
  it('TTFT of a lone request is a_p + b_p·prompt', () => {
    const engine = new EngineReplica(p8b);
    const out = drive(engine, [{ id: 'a', arrival: 5, promptTokens: 1000, outputTokens: 1 }]);
    expect(out.get('a')?.firstToken).toBeCloseTo(5 + 0.012 + 0.000022 * 1000, 12);
    expect(isolatedPrefillSeconds(p8b, 1000)).toBeCloseTo(0.034, 12);
  });

  it('ITL of a lone request is the batch-1 decode step, growing by c_d per KV token', () => {
    const out = drive(new EngineReplica(p8b), [{ id: 'a', arrival: 0, promptTokens: 2000, outputTokens: 200 }]);
    const times = out.get('a')?.tokenTimes ?? [];
    expect(times).toHaveLength(200);
    for (let i = 1; i < times.length; i++) {
      // The i-th decode step attends to the prompt and the i tokens generated so far.
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeCloseTo(decodeStepSeconds(p8b, 1, 2000 + i), 12);
    }
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeCloseTo(0.006 + 0.00005 + 0.0000003 * 2001, 12);
  });

  it('chunks a prompt longer than max_num_batched_tokens over several iterations', () => {
    const out = drive(new EngineReplica(p8b), [{ id: 'a', arrival: 0, promptTokens: 20_000, outputTokens: 1 }]);
    // 8192 + 8192 + 3616 tokens: three iterations, each paying the base cost.
    expect(out.get('a')?.firstToken).toBeCloseTo(3 * 0.012 + 0.000022 * 20_000, 12);
  });

  it('rejects a request that can never fit in the KV cache', () => {
    const out = drive(new EngineReplica(profile({ kvCapacityTokens: 1000 })), [{ id: 'a', arrival: 0, promptTokens: 900, outputTokens: 200 }]);
    expect(out.get('a')?.rejected).toBe(true);
  });
});

describe('EngineReplica: contention', () => {
  it('queues a request while the KV cache is reserved, and starts it when the first one finishes', () => {
    const small = profile({ kvCapacityTokens: 1000 });
    const engine = new EngineReplica(small);
    const out = drive(engine, [
      { id: 'a', arrival: 0, promptTokens: 500, outputTokens: 100 },
      { id: 'b', arrival: 0.001, promptTokens: 500, outputTokens: 100 },
    ]);
    const a = out.get('a');
    const b = out.get('b');
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    // b's prefill cannot start before a frees its 600 reserved tokens.
    expect(b?.firstToken ?? 0).toBeCloseTo((a?.finish ?? 0) + isolatedPrefillSeconds(small, 500), 12);
  });

  it('reports waiting requests and KV use through gauges', () => {
    const engine = new EngineReplica(profile({ kvCapacityTokens: 1000 }));
    engine.enqueue({ id: 'a', promptTokens: 500, outputTokens: 100 }, 0);
    engine.enqueue({ id: 'b', promptTokens: 500, outputTokens: 100 }, 0);
    engine.advance(0.2);
    const g = engine.gauges();
    expect(g.running).toBe(1);
    expect(g.waiting).toBe(1);
    expect(g.kvReservedTokens).toBe(600);
    expect(g.kvCapacityTokens).toBe(1000);
    // By 0.2 s: prompt 500 + first token + one token per finished decode step.
    const prefillEnd = isolatedPrefillSeconds(p8b, 500);
    let t = prefillEnd;
    let generated = 1;
    while (t + decodeStepSeconds(p8b, 1, 500 + generated) <= 0.2) {
      t += decodeStepSeconds(p8b, 1, 500 + generated);
      generated++;
    }
    expect(g.kvUsedTokens).toBe(500 + generated);
    expect(g.kvUsage).toBeCloseTo((500 + generated) / 1000, 12);
  });

  it('never runs more than max_num_seqs at once', () => {
    const engine = new EngineReplica(profile({ maxNumSeqs: 3 }));
    for (let i = 0; i < 10; i++) engine.enqueue({ id: `r${i}`, promptTokens: 100, outputTokens: 50 }, 0);
    for (let t = 0.01; t < 5; t += 0.01) {
      engine.advance(t);
      expect(engine.gauges().running).toBeLessThanOrEqual(3);
    }
    expect(engine.gauges().running + engine.gauges().waiting).toBe(0);
  });

  it('throughput saturates as offered load grows', () => {
    const throughput = (rate: number): number => {
      const requests: EngineRequest[] = [];
      const engine = new EngineReplica(p8b, 'aggregated', { tokenEvents: false });
      let finished = 0;
      const duration = 120;
      for (let i = 0; i < rate * duration; i++) {
        const t = i / rate;
        for (const e of engine.advance(t)) if (e.kind === 'finished') finished++;
        const r = { id: `r${i}`, promptTokens: 1000, outputTokens: 200 };
        requests.push(r);
        engine.enqueue(r, t);
      }
      for (const e of engine.advance(duration)) if (e.kind === 'finished') finished++;
      return finished / duration;
    };
    const [t1, t4, t16, t64, t128] = [1, 4, 16, 64, 128].map(throughput);
    // Under capacity every request is served.
    expect(t1).toBeGreaterThan(0.95);
    expect(t4).toBeGreaterThan(3.8);
    // Far past capacity, doubling the offered load adds (almost) nothing.
    expect(t128 ?? 0).toBeLessThan(64);
    expect(Math.abs((t128 ?? 0) - (t64 ?? 0)) / (t64 ?? 1)).toBeLessThan(0.1);
    expect(t16 ?? 0).toBeGreaterThan(t4 ?? 0);
  });
});

describe('EngineReplica: matches the naive per-iteration model', () => {
  const arbRequests = fc
    .array(
      fc.record({
        arrival: fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), fc.integer({ min: 0, max: 50 }).map((k) => k / 10)),
        promptTokens: fc.integer({ min: 1, max: 3000 }),
        outputTokens: fc.integer({ min: 1, max: 120 }),
      }),
      { minLength: 1, maxLength: 25 },
    )
    .map((rs) => rs.map((r, i) => ({ ...r, id: `r${i}` })));
  const arbProfile = fc.record({
    maxNumSeqs: fc.integer({ min: 1, max: 8 }),
    maxNumBatchedTokens: fc.integer({ min: 8, max: 4096 }),
    kvCapacityTokens: fc.integer({ min: 500, max: 20_000 }),
    quadraticSeconds: fc.constantFrom(0, 1e-9),
  });

  it('gives the same token times for every request, however the driver steps', () => {
    fc.assert(
      fc.property(arbRequests, arbProfile, fc.constantFrom(0, 0.013), (requests, limits, step) => {
        const prof = profile({
          maxNumSeqs: limits.maxNumSeqs,
          maxNumBatchedTokens: Math.max(limits.maxNumBatchedTokens, limits.maxNumSeqs),
          kvCapacityTokens: limits.kvCapacityTokens,
          prefill: { ...p8b.prefill, quadraticSeconds: limits.quadraticSeconds },
        });
        const expected = referenceSimulate(prof, requests);
        const actual = drive(new EngineReplica(prof), requests, step);
        expect(actual.size).toBe(requests.length);
        for (const r of requests) {
          const e = expected.get(r.id);
          const a = actual.get(r.id);
          expect(a?.rejected).toBe(e?.rejected);
          const et = e?.tokenTimes ?? [];
          const at = a?.tokenTimes ?? [];
          expect(at).toHaveLength(et.length);
          for (let i = 0; i < et.length; i++) expect(Math.abs((at[i] ?? 0) - (et[i] ?? 0))).toBeLessThan(1e-9);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('EngineReplica: disaggregated roles', () => {
  it('a prefill replica finishes a request at its first token and frees it', () => {
    const engine = new EngineReplica(p8b, 'prefill');
    engine.enqueue({ id: 'a', promptTokens: 4000, outputTokens: 300 }, 1);
    const events = engine.advance(10);
    const finished = events.find((e) => e.kind === 'finished');
    expect(finished?.time).toBeCloseTo(1 + isolatedPrefillSeconds(p8b, 4000), 12);
    expect(engine.gauges().running).toBe(0);
    expect(engine.gauges().kvUsedTokens).toBe(0);
  });

  it('a decode replica produces the remaining output − 1 tokens, one per step, with the prompt KV present', () => {
    const engine = new EngineReplica(p8b, 'decode');
    engine.enqueue({ id: 'a', promptTokens: 1000, outputTokens: 5 }, 2);
    const events = engine.advance(10);
    const finished = events.find((e) => e.kind === 'finished');
    if (finished?.kind !== 'finished') throw new Error('no finished event');
    // Local tokens 2..5: four decode steps, attending to 1001, 1002, 1003, 1004 tokens.
    const steps = [1001, 1002, 1003, 1004].map((kv) => decodeStepSeconds(p8b, 1, kv));
    expect(finished.firstTokenTime).toBeCloseTo(2 + (steps[0] ?? 0), 12);
    expect(finished.time).toBeCloseTo(2 + steps.reduce((s, x) => s + x, 0), 12);
    expect(Array.from(expandItlRuns(finished.itlRuns))).toEqual(steps.slice(1).map((s) => expect.closeTo(s, 12) as unknown as number));
  });

  it('a decode replica refuses single-token requests', () => {
    const engine = new EngineReplica(p8b, 'decode');
    engine.enqueue({ id: 'a', promptTokens: 10, outputTokens: 1 }, 0);
    expect(engine.advance(1)[0]?.kind).toBe('rejected');
  });
});

describe('EngineReplica: token events for metric recorders', () => {
  it('account for every decoded token exactly once', () => {
    const engine = new EngineReplica(p8b);
    const outputs = [30, 80, 5, 120];
    outputs.forEach((o, i) => {
      engine.enqueue({ id: `r${i}`, promptTokens: 300 + i * 100, outputTokens: o }, i * 0.05);
    });
    let decoded = 0;
    let firsts = 0;
    for (const e of engine.advance(100)) {
      if (e.kind === 'tokens') decoded += e.iterations * e.sequences;
      if (e.kind === 'first-token') firsts++;
    }
    expect(firsts).toBe(4);
    expect(decoded).toBe(outputs.reduce((s, o) => s + o - 1, 0));
  });

  it('refuses to go back in time', () => {
    const engine = new EngineReplica(p8b);
    engine.advance(5);
    expect(() => {
      engine.enqueue({ id: 'a', promptTokens: 1, outputTokens: 1 }, 4);
    }).toThrow(RangeError);
    expect(() => engine.advance(1)).toThrow(RangeError);
  });
});
