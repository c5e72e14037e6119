import type { Rng } from './rng.ts';

/**
 * Samplers for the distributions the workload generators need. Parameters follow the scipy convention
 * (shape, scale) so that fitted values published by ServeGen and others can be used as they are.
 */

/** A uniform draw in (0, 1]: safe to take the logarithm of. */
function openUniform(rng: Rng): number {
  return 1 - rng.next();
}

function requirePositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive finite number, got ${value}`);
}

/** Exponential with the given rate (mean 1/rate), by inversion. */
export function sampleExponential(rng: Rng, rate: number): number {
  requirePositive('rate', rate);
  return -Math.log(openUniform(rng)) / rate;
}

/** Standard normal by the Marsaglia polar method (one of the pair is discarded: simpler, still exact). */
export function sampleStandardNormal(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.next() - 1;
    const v = 2 * rng.next() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/**
 * Gamma(shape, scale) by Marsaglia and Tsang (2000). For shape < 1 it samples Gamma(shape + 1) and
 * multiplies by U^(1/shape), the boost the same paper gives.
 */
export function sampleGamma(rng: Rng, shape: number, scale: number): number {
  requirePositive('shape', shape);
  requirePositive('scale', scale);
  if (shape < 1) {
    const boost = Math.pow(openUniform(rng), 1 / shape);
    return sampleGamma(rng, shape + 1, scale) * boost;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleStandardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = openUniform(rng);
    // The squeeze accepts most draws without a logarithm.
    if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/** Weibull(shape, scale) by inversion: scale · (−ln U)^(1/shape). */
export function sampleWeibull(rng: Rng, shape: number, scale: number): number {
  requirePositive('shape', shape);
  requirePositive('scale', scale);
  return scale * Math.pow(-Math.log(openUniform(rng)), 1 / shape);
}

/** A uniform index in [0, n). */
export function sampleIndex(rng: Rng, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
  return Math.min(n - 1, Math.floor(rng.next() * n));
}

/** Draws uniformly from observed values: the empirical distribution, with its ties and tails intact. */
export function sampleEmpirical<T>(rng: Rng, values: readonly T[]): T {
  const value = values[sampleIndex(rng, values.length)];
  if (value === undefined) throw new RangeError('cannot sample from an empty set of values');
  return value;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): needed to put a Weibull at a given mean. */
export function logGamma(x: number): number {
  requirePositive('x', x);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] ?? 0;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] ?? 0) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const LANCZOS: readonly number[] = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
