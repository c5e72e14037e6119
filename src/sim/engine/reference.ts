import type { EngineProfile } from './profile.ts';

/**
 * A deliberately naive model of the same scheduler, stepping one iteration at a time and recording
 * every token time: the specification the fast engine (which jumps over decode stretches) must match.
 * Rules: FIFO admission while running < maxNumSeqs and reserved + prompt + output ≤ KV capacity and
 * the token budget is not spent; decoding sequences take one token each, then partly-prefilled prompts,
 * then new ones; a request arriving before an iteration starts may join it.
 */
export interface ReferenceRequest {
  readonly id: string;
  readonly arrival: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
}

export interface ReferenceResult {
  readonly tokenTimes: number[];
  readonly rejected: boolean;
}

interface Running {
  readonly req: ReferenceRequest;
  prefilled: number;
  generated: number;
  readonly times: number[];
}

export function referenceSimulate(profile: EngineProfile, requests: readonly ReferenceRequest[]): Map<string, ReferenceResult> {
  const out = new Map<string, ReferenceResult>();
  const pending = [...requests].sort((a, b) => a.arrival - b.arrival);
  const waiting: ReferenceRequest[] = [];
  let running: Running[] = [];
  let reserved = 0;
  let t = 0;
  let next = 0;
  for (;;) {
    while (next < pending.length && (pending[next]?.arrival ?? Infinity) <= t) {
      const r = pending[next++];
      if (r === undefined) break;
      if (r.promptTokens + r.outputTokens > profile.kvCapacityTokens) out.set(r.id, { tokenTimes: [], rejected: true });
      else waiting.push(r);
    }
    if (running.length === 0 && waiting.length === 0) {
      const r = pending[next];
      if (r === undefined) break;
      t = Math.max(t, r.arrival);
      continue;
    }
    const decoding = running.filter((s) => s.generated >= 1);
    let budget = profile.maxNumBatchedTokens - decoding.length;
    const chunks: [Running, number][] = [];
    for (const s of running) {
      if (s.generated === 0 && budget > 0) {
        const c = Math.min(s.req.promptTokens - s.prefilled, budget);
        chunks.push([s, c]);
        budget -= c;
      }
    }
    while (waiting.length > 0 && running.length < profile.maxNumSeqs && budget > 0) {
      const r = waiting[0];
      if (r === undefined || reserved + r.promptTokens + r.outputTokens > profile.kvCapacityTokens) break;
      waiting.shift();
      reserved += r.promptTokens + r.outputTokens;
      const s: Running = { req: r, prefilled: 0, generated: 0, times: [] };
      running.push(s);
      const c = Math.min(r.promptTokens, budget);
      chunks.push([s, c]);
      budget -= c;
    }
    const newTokens = chunks.reduce((n, [, c]) => n + c, 0);
    const attention = chunks.reduce((n, [s, c]) => n + c * (s.prefilled + c), 0);
    const kv = decoding.reduce((n, s) => n + s.req.promptTokens + s.generated, 0);
    const seconds =
      (newTokens > 0 ? profile.prefill.baseSeconds : profile.decode.baseSeconds) +
      profile.prefill.perTokenSeconds * newTokens +
      profile.prefill.quadraticSeconds * attention +
      profile.decode.perSequenceSeconds * decoding.length +
      profile.decode.perKvTokenSeconds * kv;
    t += seconds;
    for (const s of decoding) {
      s.generated++;
      s.times.push(t);
    }
    for (const [s, c] of chunks) {
      s.prefilled += c;
      if (s.prefilled === s.req.promptTokens) {
        s.generated = 1;
        s.times.push(t);
      }
    }
    running = running.filter((s) => {
      if (s.generated < s.req.outputTokens) return true;
      reserved -= s.req.promptTokens + s.req.outputTokens;
      out.set(s.req.id, { tokenTimes: s.times, rejected: false });
      return false;
    });
  }
  return out;
}
