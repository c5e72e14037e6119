import { expandItlRuns } from '../engine/events.ts';
import type { EngineGauges } from '../engine/replica.ts';
import { EngineReplica } from '../engine/replica.ts';
import type { EngineProfile } from '../engine/profile.ts';
import { simulateStatic } from '../static.ts';
import type { SimRequest } from '../workload/request.ts';

/** When the engine model says each output token of a request appears (engine seconds), or why it never will. */
export type TokenPlan =
  | { readonly id: string; readonly dropped: false; readonly tokenTimes: readonly number[] }
  | { readonly id: string; readonly dropped: true; readonly reason: string };

/**
 * Token times of every request on ONE engine replica, from the iteration model: the first token at the
 * end of the request's prefill, then one per decode iteration. The model is causal (an arrival at t
 * changes nothing before t), so re-planning after each arrival never moves a token already due.
 */
export function planTokens(profile: EngineProfile, requests: readonly SimRequest[]): TokenPlan[] {
  const records = simulateStatic({ requests, profile, replicas: 1, router: 'round-robin' });
  return records.map((r): TokenPlan => {
    if (r.dropped || r.firstToken === undefined) {
      const need = r.promptTokens + r.outputTokens;
      return { id: r.id, dropped: true, reason: `the request needs ${need} KV tokens, the engine holds ${profile.kvCapacityTokens}` };
    }
    const first = r.firstToken;
    const gaps = expandItlRuns(r.itlRuns);
    const times = [first];
    for (const gap of gaps) times.push((times.at(-1) ?? first) + gap);
    return { id: r.id, dropped: false, tokenTimes: times };
  });
}

/**
 * The engine of the simulated server, in engine seconds. It keeps the requests of the current busy
 * period (an "epoch": since the engine was last idle) and re-plans all of them on each arrival; what
 * came before the last idle instant cannot influence the future and is forgotten. Cost per arrival is
 * one simulation of the epoch, which the span-based engine model makes cheap.
 */
export class PlannedEngine {
  readonly profile: EngineProfile;
  #epoch: SimRequest[] = [];
  #plans = new Map<string, TokenPlan>();
  /** When the last request of the epoch is done (engine seconds); the engine is idle after it. */
  #epochEnd = -Infinity;

  constructor(profile: EngineProfile) {
    this.profile = profile;
  }

  /** Adds a request arriving at `now` and returns the new plans of every request of the epoch. */
  admit(request: Omit<SimRequest, 'arrival'>, now: number): ReadonlyMap<string, TokenPlan> {
    const last = this.#epoch.at(-1);
    if (last !== undefined && now < last.arrival) throw new RangeError(`arrival at ${now} is before the previous one at ${last.arrival}`);
    if (now > this.#epochEnd) {
      this.#epoch = [];
      this.#plans = new Map();
    }
    this.#epoch.push({ ...request, arrival: now });
    const plans = planTokens(this.profile, this.#epoch);
    this.#plans = new Map(plans.map((p) => [p.id, p]));
    this.#epochEnd = Math.max(now, ...plans.map((p) => (p.dropped ? -Infinity : (p.tokenTimes.at(-1) ?? -Infinity))));
    return this.#plans;
  }

  plan(id: string): TokenPlan | undefined {
    return this.#plans.get(id);
  }

  /** Waiting, running and KV use at `now`, as the engine model has them. */
  gauges(now: number): EngineGauges {
    const engine = new EngineReplica(this.profile, 'aggregated', { tokenEvents: false });
    if (now <= this.#epochEnd) {
      for (const r of this.#epoch) {
        if (r.arrival > now) break;
        engine.advance(r.arrival);
        engine.enqueue(r, r.arrival);
      }
    }
    engine.advance(Math.max(now, engine.now));
    return engine.gauges();
  }
}
