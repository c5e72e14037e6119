import { EventQueue } from '../events/queue.ts';
import type { EngineEvent, PackedItlRuns } from './events.ts';
import type { EngineProfile } from './profile.ts';

/**
 * An iteration-level model of one inference engine replica (vLLM-style continuous batching), driven by
 * a discrete-event loop:
 *
 *   engine.enqueue(request, now)   a request reaches the replica
 *   engine.nextEventTime()         when the next iteration boundary worth stopping at falls
 *   engine.advance(until)          run every iteration that ends at or before `until`, return events
 *   engine.gauges()                waiting / running / KV, as a scraper would see them at the last `until`
 *
 * Scheduling per iteration (vLLM V1 with chunked prefill): every decoding sequence takes one token of
 * the `maxNumBatchedTokens` budget; the rest goes to prompts in admission order, partly-prefilled ones
 * first, then new requests from the FIFO waiting queue. A prompt that does not fit the budget is
 * prefilled in chunks over several iterations. A request is admitted only while fewer than
 * `maxNumSeqs` run and its whole KV footprint fits.
 *
 * KV policy: ADMISSION CONTROL, no preemption. Admission reserves prompt + output tokens (the simulator
 * knows the output length), so a running request can never run out of KV and is never preempted; when
 * the cache is full, new requests queue (head-of-line, FIFO) until a finishing request frees its
 * reservation. Real vLLM admits on the prompt alone and preempts (recomputes) the newest request when
 * decoding fills the cache; this model queues earlier instead of thrashing. `gauges().kvUsedTokens`
 * reports the tokens actually held (prompt so far + generated), `kvReservedTokens` the reservations.
 *
 * Speed: iterations in which nothing but decoding happens are not stepped one by one. Between two
 * changes of the batch the step time grows linearly (each step adds one KV token per sequence), so a
 * whole stretch up to the next finishing request is one arithmetic series; it is cut short only when
 * a newly enqueued request could join the batch.
 *
 * Roles: `aggregated` prefills and decodes; `prefill` prefills, emits the first token and hands the
 * request off (its KV is released at hand-off: the transfer is assumed to stream layer by layer while
 * the replica moves on); `decode` receives requests whose prompt KV has arrived and produces their
 * remaining outputTokens − 1 tokens, one per iteration from the iteration that admits them.
 */
export type EngineRole = 'aggregated' | 'prefill' | 'decode';

export interface EngineRequest {
  readonly id: string;
  readonly promptTokens: number;
  readonly outputTokens: number;
}

export interface EngineGauges {
  readonly waiting: number;
  readonly running: number;
  readonly kvUsedTokens: number;
  readonly kvReservedTokens: number;
  readonly kvCapacityTokens: number;
  /** kvUsedTokens / kvCapacityTokens, the `kv_cache_usage_perc` of vLLM as a fraction. */
  readonly kvUsage: number;
}

export interface EngineOptions {
  /** Emit `tokens` events (for metric recorders). Off saves work when only request records matter. */
  readonly tokenEvents?: boolean;
}

interface Seq {
  readonly req: EngineRequest;
  readonly need: number;
  prefilled: number;
  /** Iteration whose end produced this replica's first token for the request; −1 before. */
  firstTokenIter: number;
  firstTokenTime: number;
  finishIter: number;
}

interface IterationPlan {
  readonly kind: 'iteration';
  readonly start: number;
  readonly end: number;
  readonly chunks: readonly (readonly [Seq, number])[];
  /** How many requests from the head of the waiting queue this iteration admits. */
  readonly admitted: number;
  /** Decode-role requests admitted into this iteration (they produce their first local token in it). */
  readonly joined: readonly Seq[];
  readonly decoding: number;
}

interface SpanPlan {
  readonly kind: 'span';
  readonly start: number;
  end: number;
  iterations: number;
  readonly decoding: number;
  readonly firstGap: number;
  readonly gapStep: number;
}

type Plan = IterationPlan | SpanPlan;

export class EngineReplica {
  readonly profile: EngineProfile;
  readonly role: EngineRole;
  readonly #tokenEvents: boolean;

  #clock = 0;
  #now = 0;
  #plan: Plan | undefined;
  #iter = 0;
  #waiting: Seq[] = [];
  #waitingHead = 0;
  #prefilling: Seq[] = [];
  #running = 0;
  #decoding = 0;
  #decodeKv = 0;
  #prefillHeld = 0;
  #reserved = 0;
  #finishing = new EventQueue<Seq>();
  #pending: EngineEvent[] = [];
  // The iteration log: runs of back-to-back iterations, parallel arrays for speed.
  #logIter: number[] = [];
  #logCount: number[] = [];
  #logFirst: number[] = [];
  #logStep: number[] = [];

  constructor(profile: EngineProfile, role: EngineRole = 'aggregated', options: EngineOptions = {}) {
    this.profile = profile;
    this.role = role;
    this.#tokenEvents = options.tokenEvents ?? true;
  }

  /** The time of the last `advance`. */
  get now(): number {
    return this.#now;
  }

  enqueue(req: EngineRequest, now: number): void {
    if (now < this.#now) throw new RangeError(`enqueue at ${now} is before the engine's time ${this.#now}`);
    const need = this.role === 'prefill' ? req.promptTokens : req.promptTokens + req.outputTokens;
    if (need > this.profile.kvCapacityTokens) {
      this.#pending.push({ kind: 'rejected', id: req.id, time: now, reason: `needs ${need} KV tokens, the replica holds ${this.profile.kvCapacityTokens}` });
      return;
    }
    if (this.role === 'decode' && req.outputTokens < 2) {
      this.#pending.push({ kind: 'rejected', id: req.id, time: now, reason: 'a decode replica needs a request with at least 2 output tokens' });
      return;
    }
    if (this.#plan === undefined && this.#isIdle()) this.#clock = Math.max(this.#clock, now);
    const couldJoin = this.#waitingHead === this.#waiting.length && this.#running < this.profile.maxNumSeqs && this.#reserved + need <= this.profile.kvCapacityTokens;
    this.#waiting.push({ req, need, prefilled: 0, firstTokenIter: -1, firstTokenTime: Number.NaN, finishIter: -1 });
    const plan = this.#plan;
    if (plan === undefined) return;
    // A plan starting at this very instant is rebuilt to include the newcomer. A decode stretch in
    // flight is cut at the next step boundary; if the newcomer could not join, the stretch runs on
    // unchanged, which is exactly what stepping it would have done.
    if (now <= plan.start) this.#plan = undefined;
    else if (couldJoin && plan.kind === 'span') this.#cutSpan(plan, now);
  }

  /** The end of the iteration or decode stretch in flight, or Infinity when idle. */
  nextEventTime(): number {
    this.#plan ??= this.#makePlan();
    return this.#plan?.end ?? Infinity;
  }

  advance(until: number): EngineEvent[] {
    const events: EngineEvent[] = [];
    this.advanceInto(until, events);
    return events;
  }

  /** `advance`, appending the events to `events` (lets a hot loop reuse one array). */
  advanceInto(until: number, events: EngineEvent[]): void {
    if (until < this.#now) throw new RangeError(`advance to ${until} is before the engine's time ${this.#now}`);
    if (this.#pending.length > 0) {
      for (const e of this.#pending) events.push(e);
      this.#pending.length = 0;
    }
    for (;;) {
      this.#plan ??= this.#makePlan();
      const plan = this.#plan;
      if (plan === undefined || plan.end > until) break;
      this.#plan = undefined;
      if (plan.kind === 'span') this.#commitSpan(plan, events);
      else this.#commitIteration(plan, events);
    }
    if (this.#plan === undefined) this.#clock = Math.max(this.#clock, until);
    this.#now = until;
  }

  /** Requests waiting or running: what a least-loaded router compares. */
  get outstanding(): number {
    return this.#waiting.length - this.#waitingHead + this.#running;
  }

  gauges(): EngineGauges {
    let kvUsed = this.#prefillHeld + this.#decodeKv;
    const plan = this.#plan;
    // Inside a decode stretch, count the steps already done by `now`.
    if (plan?.kind === 'span' && this.#now > plan.start) kvUsed += plan.decoding * (this.#stepsEndingBy(plan, this.#now));
    // Requests admitted into the iteration in flight are running from its start.
    let admitted = 0;
    let reserved = this.#reserved;
    if (plan?.kind === 'iteration' && this.#now >= plan.start) {
      admitted = plan.admitted;
      for (let k = 0; k < admitted; k++) reserved += this.#waiting[this.#waitingHead + k]?.need ?? 0;
    }
    const capacity = this.profile.kvCapacityTokens;
    return {
      waiting: this.#waiting.length - this.#waitingHead - admitted,
      running: this.#running + admitted,
      kvUsedTokens: kvUsed,
      kvReservedTokens: reserved,
      kvCapacityTokens: capacity,
      kvUsage: kvUsed / capacity,
    };
  }

  #isIdle(): boolean {
    return this.#running === 0 && this.#waitingHead === this.#waiting.length;
  }

  /**
   * The next iteration (or decode stretch) from the current state, without changing it: a plan is only
   * applied when it completes, so a request enqueued at the very instant the plan starts can still
   * replace it with one that includes the newcomer.
   */
  #makePlan(): Plan | undefined {
    if (this.#isIdle()) return undefined;
    const p = this.profile;
    const start = this.#clock;
    let budget = p.maxNumBatchedTokens - this.#decoding;
    const chunks: [Seq, number][] = [];
    let newTokens = 0;
    let attention = 0;
    for (const seq of this.#prefilling) {
      if (budget <= 0) break;
      const chunk = Math.min(seq.req.promptTokens - seq.prefilled, budget);
      chunks.push([seq, chunk]);
      budget -= chunk;
      newTokens += chunk;
      attention += chunk * (seq.prefilled + chunk);
    }
    let admitted = 0;
    let reserved = this.#reserved;
    let decoding = this.#decoding;
    let decodeKv = this.#decodeKv;
    const joined: Seq[] = [];
    for (let w = this.#waitingHead; w < this.#waiting.length && this.#running + admitted < p.maxNumSeqs && budget > 0; w++) {
      const seq = this.#waiting[w];
      if (seq === undefined || reserved + seq.need > p.kvCapacityTokens) break;
      admitted++;
      reserved += seq.need;
      if (this.role === 'decode') {
        // The prompt's KV arrived with the request: it decodes from this iteration on.
        joined.push(seq);
        decoding++;
        decodeKv += seq.req.promptTokens + 1;
        budget -= 1;
      } else {
        const chunk = Math.min(seq.req.promptTokens, budget);
        chunks.push([seq, chunk]);
        budget -= chunk;
        newTokens += chunk;
        attention += chunk * chunk;
      }
    }
    if (chunks.length === 0 && joined.length === 0) {
      if (decoding === 0) return undefined;
      const iterations = this.#finishing.peekTime() - this.#iter + 1;
      const firstGap = p.decode.baseSeconds + p.decode.perSequenceSeconds * decoding + p.decode.perKvTokenSeconds * decodeKv;
      const gapStep = p.decode.perKvTokenSeconds * decoding;
      return { kind: 'span', start, end: spanEnd(start, iterations, firstGap, gapStep), iterations, decoding, firstGap, gapStep };
    }
    const seconds =
      (newTokens > 0 ? p.prefill.baseSeconds : p.decode.baseSeconds) +
      p.prefill.perTokenSeconds * newTokens +
      p.prefill.quadraticSeconds * attention +
      p.decode.perSequenceSeconds * decoding +
      p.decode.perKvTokenSeconds * decodeKv;
    return { kind: 'iteration', start, end: start + seconds, chunks, admitted, joined, decoding };
  }

  #commitIteration(plan: IterationPlan, events: EngineEvent[]): void {
    const end = plan.end;
    const iter = this.#iter;
    // Admissions take effect now; new prompts join the prefilling list behind the older ones.
    for (let k = 0; k < plan.admitted; k++) {
      const seq = this.#waiting[this.#waitingHead++];
      if (seq === undefined) continue;
      this.#running++;
      this.#reserved += seq.need;
      if (this.role !== 'decode') this.#prefilling.push(seq);
    }
    if (this.#waitingHead > 1024 && this.#waitingHead * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#waitingHead);
      this.#waitingHead = 0;
    }
    for (const seq of plan.joined) {
      seq.prefilled = seq.req.promptTokens;
      seq.firstTokenIter = iter;
      seq.finishIter = iter + seq.req.outputTokens - 2;
      this.#decoding++;
      this.#decodeKv += seq.req.promptTokens + 1;
      this.#finishing.push(seq.finishIter, seq);
    }
    this.#log(iter, 1, end - plan.start, 0);
    if (plan.decoding > 0 && this.#tokenEvents) {
      events.push({ kind: 'tokens', time: end, start: plan.start, iterations: 1, sequences: plan.decoding, firstGap: end - plan.start, gapStep: 0 });
    }
    this.#decodeKv += plan.decoding;
    for (const seq of plan.joined) {
      seq.firstTokenTime = end;
      events.push({ kind: 'first-token', id: seq.req.id, time: end });
    }
    let completedPrefills = 0;
    for (const [seq, chunk] of plan.chunks) {
      seq.prefilled += chunk;
      this.#prefillHeld += chunk;
      if (seq.prefilled < seq.req.promptTokens) continue;
      completedPrefills++;
      this.#prefillHeld -= seq.req.promptTokens;
      seq.firstTokenIter = iter;
      seq.firstTokenTime = end;
      events.push({ kind: 'first-token', id: seq.req.id, time: end });
      if (this.role === 'prefill' || seq.req.outputTokens === 1) {
        this.#release(seq);
        events.push({ kind: 'finished', id: seq.req.id, time: end, firstTokenTime: end, itlRuns: EMPTY_RUNS });
      } else {
        seq.finishIter = iter + seq.req.outputTokens - 1;
        this.#decoding++;
        this.#decodeKv += seq.req.promptTokens + 1;
        this.#finishing.push(seq.finishIter, seq);
      }
    }
    if (completedPrefills > 0) this.#prefilling = this.#prefilling.filter((s) => s.prefilled < s.req.promptTokens);
    this.#iter = iter + 1;
    this.#clock = end;
    this.#finishDue(end, events);
  }

  #commitSpan(plan: SpanPlan, events: EngineEvent[]): void {
    this.#log(this.#iter, plan.iterations, plan.firstGap, plan.gapStep);
    if (this.#tokenEvents) {
      events.push({
        kind: 'tokens',
        time: plan.end,
        start: plan.start,
        iterations: plan.iterations,
        sequences: plan.decoding,
        firstGap: plan.firstGap,
        gapStep: plan.gapStep,
      });
    }
    this.#decodeKv += plan.decoding * plan.iterations;
    this.#iter += plan.iterations;
    this.#clock = plan.end;
    this.#finishDue(plan.end, events);
  }

  #finishDue(time: number, events: EngineEvent[]): void {
    const last = this.#iter - 1;
    while (this.#finishing.size > 0 && this.#finishing.peekTime() <= last) {
      const seq = this.#finishing.pop()?.item;
      if (seq === undefined) break;
      this.#decoding--;
      this.#decodeKv -= seq.req.promptTokens + seq.req.outputTokens;
      this.#release(seq);
      events.push({ kind: 'finished', id: seq.req.id, time, firstTokenTime: seq.firstTokenTime, itlRuns: this.#itlRuns(seq.firstTokenIter + 1, seq.finishIter) });
    }
    if (this.#running === 0) {
      // Nothing running can look back further than now: the log can go.
      this.#logIter.length = 0;
      this.#logCount.length = 0;
      this.#logFirst.length = 0;
      this.#logStep.length = 0;
    }
  }

  #release(seq: Seq): void {
    this.#running--;
    this.#reserved -= seq.need;
  }

  #log(firstIter: number, count: number, first: number, step: number): void {
    this.#logIter.push(firstIter);
    this.#logCount.push(count);
    this.#logFirst.push(first);
    this.#logStep.push(step);
  }

  /** The lengths of iterations from..to (inclusive), as packed runs: a running request's inter-token gaps. */
  #itlRuns(from: number, to: number): PackedItlRuns {
    if (from > to) return EMPTY_RUNS;
    const iters = this.#logIter;
    let lo = 0;
    let hi = iters.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((iters[mid] ?? 0) <= from) lo = mid;
      else hi = mid - 1;
    }
    const out: number[] = [];
    for (let r = lo; r < iters.length; r++) {
      const runStart = iters[r] ?? 0;
      if (runStart > to) break;
      const a = Math.max(from, runStart);
      const b = Math.min(to, runStart + (this.#logCount[r] ?? 0) - 1);
      if (b < a) continue;
      const step = this.#logStep[r] ?? 0;
      out.push(b - a + 1, (this.#logFirst[r] ?? 0) + step * (a - runStart), step);
    }
    return out;
  }

  /** Shortens a decode stretch so that it ends at the first iteration boundary at or after `now`. */
  #cutSpan(plan: SpanPlan, now: number): void {
    if (now >= plan.end) return;
    // A request arriving exactly at a step boundary joins the step that starts there.
    let j = this.#stepsEndingBy(plan, now);
    if (j === 0 || spanEnd(plan.start, j, plan.firstGap, plan.gapStep) < now) j += 1;
    if (j >= plan.iterations) return;
    plan.iterations = j;
    plan.end = spanEnd(plan.start, j, plan.firstGap, plan.gapStep);
  }

  /** How many steps of the stretch have ended by time t (at most its length). */
  #stepsEndingBy(plan: SpanPlan, t: number): number {
    const x = t - plan.start;
    if (x <= 0) return 0;
    const { firstGap: d, gapStep: s } = plan;
    // Solve s/2·j² + (d − s/2)·j = x for j, then correct for rounding.
    let j = s === 0 ? Math.floor(x / d) : Math.floor((-(d - s / 2) + Math.sqrt((d - s / 2) ** 2 + 2 * s * x)) / s);
    j = Math.max(0, Math.min(plan.iterations, j));
    while (j > 0 && spanEnd(plan.start, j, d, s) > t) j--;
    while (j < plan.iterations && spanEnd(plan.start, j + 1, d, s) <= t) j++;
    return j;
  }
}

const EMPTY_RUNS: PackedItlRuns = Object.freeze([]);

/** End of `k` back-to-back steps from `start` whose lengths are d, d + s, d + 2s, … */
function spanEnd(start: number, k: number, d: number, s: number): number {
  return start + k * d + (s * k * (k - 1)) / 2;
}
