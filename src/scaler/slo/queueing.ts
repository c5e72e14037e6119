// Queueing-aware prefill capacity. The iteration model in capacity.ts assumes prompts arrive as a steady
// stream; real arrivals come in bursts (a replicated trace in clumps), so requests wait behind whole bursts
// and the tail TTFT grows long before the mean iteration does.
//
// A prefill replica is a queue of prompt work: s = b_p·ISL seconds per request, utilisation ρ = b_p·x at x
// prompt tokens/s. For batch-Poisson arrivals (M^X/G/1) the mean wait is
//   E[W] = s/(1 − ρ) · (ρ·(1 + c_s²)/2 + (E[K²] − E[K])/(2·E[K]))
// — a Kingman term that vanishes at low load plus a burst term that waits behind the rest of the own burst
// (K requests arriving together) even on an idle replica. With an exponential tail the q-quantile scales
// the same way, so the model is
//   TTFT_q(x) = (a_p + s) + s/(1 − ρ) · (β·ρ + κ)
// with β = ln(1/(1 − q)) (Poisson bursts of exponential prompts read at q) and κ ≥ 0 the burst term. κ is
// not knowable from the profile: it is fitted online to the observed TTFT percentile at the load each replica
// carried (ratio of sums, busy periods weighing most), and is 0 until enough observations exist, which leaves
// the M/G/1 model. The fit is self-correcting: where the observed TTFT was below target the fitted capacity
// is above the load it was seen at, and below it where the target was missed.
import type { PrefillProfile } from './capacity.ts';

/** Utilisations outside this range say nothing about the queue (idle) or are past saturation. */
const MIN_UTILISATION = 0.02;
const MAX_UTILISATION = 0.98;
/** A burst term this large means requests wait behind hundreds of prompts: past it the fit is noise. */
const MAX_BURST = 500;

export interface BurstinessPoint {
  /** Prompt tokens per second one replica carried (prefix-cache hits removed). */
  readonly load: number;
  /** Mean computed prompt tokens per request at that time. */
  readonly promptTokens: number;
  /** Observed TTFT percentile (seconds). */
  readonly ttft: number;
}

export interface Burstiness {
  /** β: the Kingman coefficient at the target's percentile. */
  readonly kingman: number;
  /** κ: the burst term, in units of one request's prompt work. */
  readonly burst: number;
  /** Observations κ was fitted from; 0 means none (κ = 0). */
  readonly points: number;
}

/** β for Poisson arrivals of exponential prompt work at percentile q (0..1). */
export function kingmanCoefficient(quantile: number): number {
  const q = Math.min(0.999, Math.max(0.5, quantile));
  return Math.log(1 / (1 - q));
}

/** Modelled TTFT percentile of one replica carrying `promptTokensPerSecond`. */
export function queueingTtftSeconds(p: PrefillProfile, promptTokensPerSecond: number, promptTokens: number, b: Burstiness): number {
  const work = p.secondsPerToken * Math.max(0, promptTokens);
  const rho = Math.max(0, p.secondsPerToken * Math.max(0, promptTokensPerSecond));
  if (rho >= 1) return Infinity;
  return p.baseSeconds + work + (work / (1 - rho)) * (b.kingman * rho + b.burst);
}

/** Largest prompt tokens/s per replica with queueingTtftSeconds ≤ target (closed form); 0 if even idle misses. */
export function queueingPrefillCapacity(p: PrefillProfile, targetSeconds: number, promptTokens: number, b: Burstiness): number {
  if (!(p.secondsPerToken > 0)) return Infinity;
  const work = p.secondsPerToken * Math.max(1, promptTokens);
  // (β·ρ + κ)/(1 − ρ) ≤ R  ⇔  ρ ≤ (R − κ)/(β + R)
  const r = (targetSeconds - p.baseSeconds - work) / work;
  if (r <= b.burst) return 0;
  return (r - b.burst) / (b.kingman + r) / p.secondsPerToken;
}

/**
 * κ from observations: Σ (observed wait − Kingman wait) / Σ s/(1 − ρ), never below 0. Needs `minPoints`
 * usable observations (load within the informative range, prompt length known); otherwise κ = 0.
 */
export function fitBurstiness(p: PrefillProfile, points: readonly BurstinessPoint[], minPoints: number, quantile: number): Burstiness {
  const fit = new BurstinessFit(p, quantile);
  for (const o of points) fit.add(o.load, o.ttft, o.promptTokens);
  return fit.result(minPoints);
}

/** fitBurstiness's sums, fed one observation at a time (the scaler reads them straight from its history columns). */
export class BurstinessFit {
  readonly #p: PrefillProfile;
  readonly #kingman: number;
  #excess = 0;
  #scale = 0;
  #used = 0;

  constructor(p: PrefillProfile, quantile: number) {
    this.#p = p;
    this.#kingman = kingmanCoefficient(quantile);
  }

  add(load: number, ttft: number, promptTokens: number): void {
    if (!(Number.isFinite(load) && Number.isFinite(ttft) && Number.isFinite(promptTokens)) || promptTokens <= 0) return;
    const p = this.#p;
    const rho = p.secondsPerToken * load;
    if (rho < MIN_UTILISATION || rho > MAX_UTILISATION) return;
    const work = p.secondsPerToken * promptTokens;
    const wait = ttft - p.baseSeconds - work;
    this.#excess += wait - (work / (1 - rho)) * this.#kingman * rho;
    this.#scale += work / (1 - rho);
    this.#used++;
  }

  result(minPoints: number): Burstiness {
    const kingman = this.#kingman;
    if (this.#used < Math.max(1, minPoints) || !(this.#scale > 0)) return { kingman, burst: 0, points: 0 };
    return { kingman, burst: Math.min(MAX_BURST, Math.max(0, this.#excess / this.#scale)), points: this.#used };
  }
}
