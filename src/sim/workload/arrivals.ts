import type { Rng } from '../random/rng.ts';
import { logGamma, sampleExponential, sampleGamma, sampleWeibull } from '../random/samplers.ts';
import { envelopeProblems, peakRate, rateAt, type RateEnvelope } from './envelope.ts';

/**
 * Inter-arrival processes, each parameterised by its rate so that the mean gap is 1/rate.
 * `gamma` uses Gamma(shape = burstiness, scale = 1/(rate·burstiness)): CV = 1/√burstiness, so
 * burstiness 1 is Poisson, below 1 is burstier, Infinity is evenly spaced.
 * `weibull` is ServeGen's other fitted family, rescaled to the rate.
 */
export type ArrivalProcess =
  | { readonly kind: 'poisson' }
  | { readonly kind: 'gamma'; readonly burstiness: number }
  | { readonly kind: 'weibull'; readonly shape: number };

export function sampleGap(rng: Rng, process: ArrivalProcess, rate: number): number {
  switch (process.kind) {
    case 'poisson':
      return sampleExponential(rng, rate);
    case 'gamma':
      if (process.burstiness === Infinity) return 1 / rate;
      return sampleGamma(rng, process.burstiness, 1 / (rate * process.burstiness));
    case 'weibull':
      return sampleWeibull(rng, process.shape, 1 / (rate * Math.exp(logGamma(1 + 1 / process.shape))));
  }
}

export interface ArrivalSpec {
  readonly process: ArrivalProcess;
  readonly envelope: RateEnvelope;
  /** Arrivals are generated on [0, duration). */
  readonly duration: number;
}

/**
 * Arrival times on [0, duration), ascending. Candidates come from the process at the envelope's peak
 * rate and each is kept with probability rate(t)/peak (Lewis–Shedler thinning). For Poisson the result
 * is exactly the inhomogeneous Poisson process; for gamma/Weibull, thinning keeps the burst structure at
 * the peak and moves towards Poisson where the envelope is low, which is the usual and documented
 * compromise. A constant envelope keeps every candidate.
 */
export function generateArrivals(rng: Rng, spec: ArrivalSpec): number[] {
  const problems = envelopeProblems(spec.envelope);
  if (spec.process.kind === 'gamma' && !(spec.process.burstiness > 0)) problems.push('burstiness must be > 0');
  if (spec.process.kind === 'weibull' && !(spec.process.shape > 0 && Number.isFinite(spec.process.shape))) problems.push('weibull shape must be > 0');
  if (!(spec.duration >= 0) || !Number.isFinite(spec.duration)) problems.push('duration must be a finite number ≥ 0');
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  const peak = peakRate(spec.envelope);
  const out: number[] = [];
  if (peak <= 0) return out;
  const constant = spec.envelope.kind === 'constant';
  // The first candidate is one gap after 0: a renewal process started at an arrival.
  let t = sampleGap(rng, spec.process, peak);
  while (t < spec.duration) {
    if (constant || rng.next() * peak < rateAt(spec.envelope, t)) out.push(t);
    t += sampleGap(rng, spec.process, peak);
  }
  return out;
}
