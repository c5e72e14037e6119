// The SLO decision for one role, set-wide: a predictive floor from forecast demand and per-replica capacity,
// a reactive step from the observed percentiles, queue and KV cache, and a scale-in that only happens when the
// load spread over fewer replicas still meets the SLO with headroom (the N/(N−1) test, generalised to N/M).
import { roleSignals, type PercentileTarget, type ScalingPolicyRole, type ScalingPolicySpec } from '../../api/scaling-policy.ts';
import type { DecisionReason, LatencyObservation, RoleHistory, RoleSnapshot } from '../types.ts';
import { decodeCapacity, decodeItlSeconds, prefillCapacity, prefillTtftSeconds, type Capacity, type PrefillProfile } from './capacity.ts';
import { loadSeries, riseAtQuantile, roleDemand, type DemandPair } from './demand.ts';
import type { ObservationSeries, Series } from '../series.ts';
import { fitLatency, fittedCapacity, fittedLatency } from './fit.ts';
import { BurstinessFit, queueingPrefillCapacity, queueingTtftSeconds, type Burstiness } from './queueing.ts';
import { Explanation } from '../explanation.ts';
import { fmt, pct } from '../format.ts';

export interface SloProposal {
  /** Set-wide replicas this role wants, before bounds, behavior, ratio and budget. */
  readonly desired: number;
  readonly reason: DecisionReason;
  readonly inputs: Record<string, number>;
  /** Formatted on first read (most are never read). */
  readonly explanation: Explanation;
  /** What to remember for the online fit. */
  readonly observation: LatencyObservation;
}

/** One latency target and the load that drives it. */
interface Leg {
  readonly name: 'TTFT' | 'ITL';
  readonly unit: string;
  readonly target: PercentileTarget;
  readonly observed: number | undefined;
  readonly load: number | undefined;
  readonly capacity: Capacity | undefined;
  readonly source: 'profile' | 'measured' | 'fit' | 'none';
  /** Latency at a per-replica load, when a model exists. */
  readonly latencyAt: ((perReplicaLoad: number) => number) | undefined;
  /** Burst headroom included in `load`: the rise seen within one look-ahead at the target's percentile. */
  readonly rise: number;
  /** Prefill from a profile: the queueing model's burst terms. */
  readonly burstiness?: Burstiness;
}

/** The names each leg's numbers go by in a decision's inputs (spelled out once, not built per decision). */
const INPUT_KEYS = {
  TTFT: { load: 'ttftLoad', rise: 'ttftRise', observed: 'ttftObserved', target: 'ttftTarget', capacity: 'ttftCapacityPerReplica', burst: 'ttftBurst' },
  ITL: { load: 'itlLoad', rise: 'itlRise', observed: 'itlObserved', target: 'itlTarget', capacity: 'itlCapacityPerReplica', burst: 'itlBurst' },
} as const;

const DEFAULT_PROMPT_TOKENS = 3000; // Dynamo planner's ISL default, used until a length is observed
const DEFAULT_OUTPUT_TOKENS = 150;

function percentileKey(t: PercentileTarget): string {
  return `p${t.percentile}`;
}

function observed(values: Readonly<Record<string, number>> | undefined, t: PercentileTarget): number | undefined {
  const v = values?.[percentileKey(t)];
  return v !== undefined && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function usableCapacity(c: Capacity): Capacity | undefined {
  return Number.isFinite(c.perReplica) && c.perReplica > 0 ? c : undefined;
}

/** The burst term κ from the role's own history: observed TTFT at the per-replica load, joined with the prompt length seen then. */
function observedBurstiness(p: PrefillProfile, h: RoleHistory, keep: number, target: PercentileTarget, minObservations: number): Burstiness {
  const o = h.observations;
  const prompts = h.promptTokens;
  const fit = new BurstinessFit(p, target.percentile / 100);
  // Both are in time order and written at the same instants: a merge walk pairs each observation with the
  // prompt length seen then.
  let j = prompts.start;
  for (let i = o.start; i < o.end; i++) {
    const t = o.times[i] ?? NaN;
    while (j < prompts.end && (prompts.times[j] ?? Infinity) < t) j++;
    if (j === prompts.end) break;
    // NaN (not observed) fails fit.add's finiteness check, as an absent point would.
    if (prompts.times[j] === t) fit.add(o.promptLoad[i] ?? NaN, o.ttft[i] ?? NaN, (prompts.values[j] ?? 0) * keep);
  }
  return fit.result(minObservations);
}

/** (load, latency) pairs of the observations where both were observed. */
function latencyPoints(o: ObservationSeries, loads: readonly number[], latencies: readonly number[]): { load: number; latency: number }[] {
  const out: { load: number; latency: number }[] = [];
  for (let i = o.start; i < o.end; i++) {
    const load = loads[i] ?? NaN;
    const latency = latencies[i] ?? NaN;
    if (!Number.isNaN(load) && !Number.isNaN(latency)) out.push({ load, latency });
  }
  return out;
}

function buildLegs(role: ScalingPolicyRole, s: RoleSnapshot, h: RoleHistory, d: DemandPair, minObservations: number, lookAheadSeconds: number): Leg[] {
  const signals = roleSignals(role);
  const legs: Leg[] = [];
  const prompt = Math.max(d.now.promptTokens ?? 0, d.forecast.promptTokens ?? 0) || DEFAULT_PROMPT_TOKENS;
  const output = Math.max(d.now.outputTokens ?? 0, d.forecast.outputTokens ?? 0) || DEFAULT_OUTPUT_TOKENS;
  const keep = 1 - Math.min(1, Math.max(0, s.prefixCacheHitRate ?? 0));
  // The larger of now and the forecast, plus how far the load has been seen to rise within one look-ahead.
  const load = (now: number | undefined, f: number | undefined, rise: number): number | undefined =>
    now === undefined && f === undefined ? undefined : Math.max(now ?? 0, f ?? 0) + rise;
  const riseOf = (lengths: Series, share: number, t: PercentileTarget): number =>
    riseAtQuantile(loadSeries(h.requestRate, lengths, share), lookAheadSeconds * 1000, t.percentile / 100, minObservations);

  const ttft = role.slo?.ttft;
  if (ttft !== undefined) {
    const p = role.profile?.prefill;
    const measured = role.profile?.promptTokensPerSecond;
    // The online fit is only needed when the policy gives no capacity.
    const fit =
      p === undefined && measured === undefined
        ? fitLatency(
            latencyPoints(h.observations, h.observations.promptLoad, h.observations.ttft),
            minObservations,
          )
        : undefined;
    const rise = riseOf(h.promptTokens, keep, ttft);
    const base = { name: 'TTFT', unit: 'prompt tokens/s', target: ttft, observed: signals.has('ttft') ? observed(s.ttft, ttft) : undefined, load: load(d.now.prefillLoad, d.forecast.prefillLoad, rise), rise } as const;
    if (p !== undefined) {
      const isl = prompt * keep;
      const burst = observedBurstiness(p, h, keep, ttft, minObservations);
      const steady = prefillCapacity(p, ttft.targetSeconds, isl);
      // The steady-stream model bounds what an idle replica can do; the queueing model what bursts leave of it.
      // When even an idle replica waits out its bursts past the target, size for bursts of 1 + κ prompts.
      const queued = queueingPrefillCapacity(p, ttft.targetSeconds, isl, burst);
      const capacity: Capacity =
        queued <= 0
          ? { ...steady, perReplica: steady.perReplica / (1 + burst.burst), reachable: false }
          : queued < steady.perReplica
            ? { ...steady, perReplica: queued }
            : steady;
      legs.push({
        ...base,
        capacity: usableCapacity(capacity),
        source: 'profile',
        latencyAt: (x) => Math.max(prefillTtftSeconds(p, x, isl), queueingTtftSeconds(p, x, isl, burst)),
        burstiness: burst,
      });
    } else if (measured !== undefined) {
      legs.push({ ...base, capacity: { perReplica: measured, reachable: true, limitedBy: 'measured' }, source: 'measured', latencyAt: undefined });
    } else if (fit !== undefined) {
      const c = fittedCapacity(fit, ttft.targetSeconds);
      legs.push({ ...base, capacity: c === undefined ? undefined : { perReplica: c, reachable: true, limitedBy: 'slo' }, source: 'fit', latencyAt: (x) => fittedLatency(fit, x) });
    } else {
      legs.push({ ...base, capacity: undefined, source: 'none', latencyAt: undefined });
    }
  }

  const itl = role.slo?.itl;
  if (itl !== undefined) {
    const p = role.profile?.decode;
    const measured = role.profile?.outputTokensPerSecond;
    const fit =
      p === undefined && measured === undefined
        ? fitLatency(
            latencyPoints(h.observations, h.observations.outputLoad, h.observations.itl),
            minObservations,
          )
        : undefined;
    const rise = riseOf(h.outputTokens, 1, itl);
    const base = { name: 'ITL', unit: 'output tokens/s', target: itl, observed: signals.has('itl') ? observed(s.itl, itl) : undefined, load: load(d.now.decodeLoad, d.forecast.decodeLoad, rise), rise } as const;
    // KV held per sequence: the whole prompt plus, on average, half the output.
    const context = prompt + output / 2;
    if (p !== undefined) {
      legs.push({ ...base, capacity: usableCapacity(decodeCapacity(p, itl.targetSeconds, context)), source: 'profile', latencyAt: (y) => decodeItlSeconds(p, y, context) });
    } else if (measured !== undefined) {
      legs.push({ ...base, capacity: { perReplica: measured, reachable: true, limitedBy: 'measured' }, source: 'measured', latencyAt: undefined });
    } else if (fit !== undefined) {
      const c = fittedCapacity(fit, itl.targetSeconds);
      legs.push({ ...base, capacity: c === undefined ? undefined : { perReplica: c, reachable: true, limitedBy: 'slo' }, source: 'fit', latencyAt: (y) => fittedLatency(fit, y) });
    } else {
      legs.push({ ...base, capacity: undefined, source: 'none', latencyAt: undefined });
    }
  }
  return legs;
}

export interface SloRoleInput {
  readonly role: ScalingPolicyRole;
  readonly snapshot: RoleSnapshot;
  /** History with this snapshot's demand samples already appended. */
  readonly history: RoleHistory;
  readonly current: number;
  readonly now: number;
  readonly spec: Pick<ScalingPolicySpec, 'prediction' | 'scaleIn' | 'behavior'>;
}

export function proposeSloReplicas(input: SloRoleInput): SloProposal {
  const { role, snapshot: s, history: h, current: n, now, spec } = input;
  const signals = roleSignals(role);
  const headroom = spec.scaleIn.headroom;
  const lookAhead = spec.prediction.startupSeconds + spec.prediction.horizonSeconds;
  const demand = roleDemand(s, h, signals, now, lookAhead, spec.prediction);
  const legs = buildLegs(role, s, h, demand, spec.scaleIn.minObservations, lookAhead);
  const explanation = new Explanation();
  const inputs: Record<string, number> = { current: n, ready: s.readyReplicas };
  const serving = Math.max(1, Math.min(n, s.readyReplicas) || n);

  const ttftLeg = legs.find((l) => l.name === 'TTFT');
  const itlLeg = legs.find((l) => l.name === 'ITL');
  const observation: LatencyObservation = {
    time: now,
    promptLoad: ttftLeg?.observed !== undefined && demand.now.prefillLoad !== undefined ? demand.now.prefillLoad / serving : undefined,
    ttft: ttftLeg?.observed,
    outputLoad: itlLeg?.observed !== undefined && demand.now.decodeLoad !== undefined ? demand.now.decodeLoad / serving : undefined,
    itl: itlLeg?.observed,
  };

  // Predictive floor: replica-equivalents of work over the phases the role serves; phases on their own
  // engines run side by side, phases sharing an engine add up.
  const separate = role.slo?.phaseEngines === 'separate';
  const combine = (a: number, b: number): number => (separate ? Math.max(a, b) : a + b);
  let work = 0;
  let sized = false;
  for (const leg of legs) {
    const key = INPUT_KEYS[leg.name];
    if (leg.load !== undefined) inputs[key.load] = leg.load;
    if (leg.rise > 0) inputs[key.rise] = leg.rise;
    if (leg.observed !== undefined) inputs[key.observed] = leg.observed;
    inputs[key.target] = leg.target.targetSeconds;
    if (leg.capacity === undefined || leg.load === undefined) continue;
    sized = true;
    work = combine(work, leg.load / leg.capacity.perReplica);
    const { capacity, load } = leg;
    inputs[key.capacity] = capacity.perReplica;
    explanation.push(
      () =>
        `${leg.name} p${leg.target.percentile} ≤ ${fmt(leg.target.targetSeconds)} s: one replica carries ${fmt(capacity.perReplica)} ${leg.unit} ` +
        `(${leg.source === 'fit' ? 'fitted online' : leg.source === 'measured' ? 'measured capacity' : 'profile'}); demand is ${fmt(load)} ${leg.unit} ` +
        `(the larger of now and the ${spec.prediction.predictor} forecast ${fmt(lookAhead)} s ahead` +
        (leg.rise > 0 ? `, plus ${fmt(leg.rise)} for the rise seen within ${fmt(lookAhead)} s at p${leg.target.percentile}).` : ').'),
    );
    const burst = leg.burstiness;
    if (burst !== undefined) {
      inputs[key.burst] = burst.burst;
      explanation.push(
        () =>
          `Queueing: requests wait behind bursts of ${fmt(burst.burst)} prompts' work (${burst.points > 0 ? `fitted to ${burst.points} observed TTFT percentiles` : 'none observed yet'}) plus the Poisson queue; ` +
          `each replica's prompt load is kept within what the TTFT target leaves for waiting.`,
      );
    }
    if (!capacity.reachable) explanation.push(() => `No replica count meets ${leg.name} ≤ ${fmt(leg.target.targetSeconds)} s at this request shape; sizing for best effort.`);
  }
  const floor = sized ? Math.ceil(work - 1e-9) : 0;
  if (sized) {
    inputs['predictedReplicas'] = floor;
    explanation.push(() => `The predicted demand needs ${floor} replica${floor === 1 ? '' : 's'}.`);
  }

  // Reactive pressure from what the engines report right now.
  const converged = s.readyReplicas >= n;
  // behavior.scaleUp.tolerance (HPA's per-direction tolerance) is how far over its target a percentile may be
  // before it counts as a miss; a hair's breadth (float noise at exactly full capacity) never counts.
  const tolerance = (role.behavior ?? spec.behavior)?.scaleUp?.tolerance ?? 0;
  const missed = legs.filter((l) => l.observed !== undefined && l.observed > l.target.targetSeconds * (1 + tolerance + 1e-9));
  const queuePerReplica = role.thresholds?.queuePerReplica ?? 5;
  const kvLimit = role.thresholds?.kvCacheUsage ?? 0.8;
  const queue = signals.has('queue') && s.queue !== undefined && Number.isFinite(s.queue) ? s.queue : undefined;
  const kv = signals.has('kvCacheUsage') && s.kvCacheUsage !== undefined && Number.isFinite(s.kvCacheUsage) ? s.kvCacheUsage : undefined;
  if (queue !== undefined) inputs['queue'] = queue;
  if (kv !== undefined) inputs['kvCacheUsage'] = kv;
  const queueHigh = queue !== undefined && (n === 0 ? queue > 0 : queue / n > queuePerReplica);
  const kvHigh = kv !== undefined && kv > kvLimit;
  const pressure: DecisionReason | undefined = missed.length > 0 ? 'SloMissed' : queueHigh ? 'QueueHigh' : kvHigh ? 'KvCacheHigh' : undefined;
  for (const l of missed) explanation.push(() => `Observed ${l.name} p${l.target.percentile} is ${fmt(l.observed ?? 0)} s, above the ${fmt(l.target.targetSeconds)} s target.`);
  if (queueHigh) explanation.push(() => `${fmt(queue)} requests are waiting, more than ${fmt(queuePerReplica)} per replica.`);
  if (kvHigh) explanation.push(() => `KV cache is ${pct(kv)} full, above ${pct(kvLimit)}.`);

  const reactive = pressure !== undefined && converged ? n + 1 : n;
  const up = Math.max(floor, reactive);
  if (up > n) {
    const reason: DecisionReason = floor >= reactive ? 'PredictedDemand' : (pressure ?? 'PredictedDemand');
    explanation.push(reason === 'PredictedDemand' ? () => `Scaling out to ${up} ahead of the forecast demand.` : 'Adding one replica to relieve it.');
    return { desired: up, reason, inputs, explanation, observation };
  }
  if (pressure !== undefined) {
    explanation.push(converged ? () => `Holding at ${n}.` : () => `Holding at ${n} while ${n - s.readyReplicas} replica(s) start; the last change has not converged.`);
    return { desired: n, reason: converged ? pressure : 'WaitingForConvergence', inputs, explanation, observation };
  }
  if (n === 0) {
    explanation.push('No replicas and no demand.');
    return { desired: 0, reason: 'WithinTarget', inputs, explanation, observation };
  }
  if (!converged) {
    explanation.push(() => `Not scaling in while ${n - s.readyReplicas} replica(s) are not ready.`);
    return { desired: n, reason: 'WaitingForConvergence', inputs, explanation, observation };
  }

  // Scale-in: the smallest M < N for which every signal, spread over M replicas, keeps headroom.
  const informed = legs.some((l) => l.load !== undefined || l.observed !== undefined);
  if (!informed) {
    explanation.push('No latency or demand signal for this role; holding.');
    return { desired: n, reason: 'NoSignal', inputs, explanation, observation };
  }
  const passes = (m: number): boolean => {
    if (m < floor) return false;
    // Zero replicas only when nothing at all is asked of the role.
    if (m === 0) return legs.every((l) => l.load === 0) && (queue ?? 0) === 0;
    let w = 0;
    for (const l of legs) {
      if (l.load === undefined && l.observed === undefined) return false;
      const perReplica = l.load !== undefined ? l.load / m : undefined;
      if (l.capacity !== undefined && l.load !== undefined) w = combine(w, l.load / l.capacity.perReplica);
      if (l.latencyAt !== undefined && perReplica !== undefined) {
        if (!(l.latencyAt(perReplica) <= headroom * l.target.targetSeconds)) return false;
      } else if (l.observed !== undefined) {
        // No model: assume latency grows with per-replica load.
        if (!((l.observed * n) / m <= headroom * l.target.targetSeconds)) return false;
      } else if (l.capacity === undefined && l.load !== undefined && l.load > 0) {
        return false;
      }
    }
    if (w > headroom * m) return false;
    if (queue !== undefined && queue / m > headroom * queuePerReplica) return false;
    if (kv !== undefined && (kv * n) / m > headroom * kvLimit) return false;
    return true;
  };
  let m = n;
  while (m > 0 && passes(m - 1)) m--;
  const scaledIn = m;
  if (scaledIn < n) {
    explanation.push(
      () => `Spread over ${scaledIn} replica${scaledIn === 1 ? '' : 's'} instead of ${n}, every signal stays within ${pct(headroom)} of its limit: scaling in to ${scaledIn}.`,
    );
    return { desired: scaledIn, reason: 'ScaleInHeadroom', inputs, explanation, observation };
  }
  explanation.push(n > 1 ? () => `Spread over ${n - 1} replicas the load would exceed ${pct(headroom)} of a limit; holding at ${n}.` : () => `Holding at ${n}.`);
  return { desired: n, reason: 'WithinTarget', inputs, explanation, observation };
}

