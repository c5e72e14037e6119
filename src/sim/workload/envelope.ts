/**
 * Request-rate envelopes (requests per second as a function of time), as plain data so that a
 * scenario file can hold them. Arrivals follow an envelope by thinning (see arrivals.ts).
 */
export type RateEnvelope =
  | { readonly kind: 'constant'; readonly rate: number }
  /** `base`, then `peak` on [start, end), then `base` again: the ×3-for-10-minutes stress step. */
  | { readonly kind: 'step'; readonly base: number; readonly peak: number; readonly start: number; readonly end: number }
  /** `from` until `start`, linear to `to` at `end`, then `to`. */
  | { readonly kind: 'ramp'; readonly from: number; readonly to: number; readonly start: number; readonly end: number }
  /** mean + amplitude·sin(2π·t/period + phase), floored at 0. */
  | { readonly kind: 'sine'; readonly mean: number; readonly amplitude: number; readonly period: number; readonly phase?: number }
  /**
   * Piecewise-constant rates, one per window (ServeGen publishes 600 s windows). `timeScale` > 1 plays
   * the envelope faster (a 14-day diurnal shape in an hour); it compresses the envelope, never the
   * gaps between requests, which still come from the arrival process at the current rate.
   * Past the last window the rate is 0.
   */
  | { readonly kind: 'windows'; readonly windowSeconds: number; readonly rates: readonly number[]; readonly timeScale?: number };

export function rateAt(envelope: RateEnvelope, t: number): number {
  switch (envelope.kind) {
    case 'constant':
      return envelope.rate;
    case 'step':
      return t >= envelope.start && t < envelope.end ? envelope.peak : envelope.base;
    case 'ramp': {
      if (t <= envelope.start) return envelope.from;
      if (t >= envelope.end) return envelope.to;
      const f = (t - envelope.start) / (envelope.end - envelope.start);
      return envelope.from + f * (envelope.to - envelope.from);
    }
    case 'sine':
      return Math.max(0, envelope.mean + envelope.amplitude * Math.sin((2 * Math.PI * t) / envelope.period + (envelope.phase ?? 0)));
    case 'windows': {
      if (t < 0) return 0;
      const width = envelope.windowSeconds / (envelope.timeScale ?? 1);
      return envelope.rates[Math.floor(t / width)] ?? 0;
    }
  }
}

/** The largest rate the envelope reaches: the candidate rate for thinning. */
export function peakRate(envelope: RateEnvelope): number {
  switch (envelope.kind) {
    case 'constant':
      return envelope.rate;
    case 'step':
      return Math.max(envelope.base, envelope.peak);
    case 'ramp':
      return Math.max(envelope.from, envelope.to);
    case 'sine':
      return Math.max(0, envelope.mean + Math.abs(envelope.amplitude));
    case 'windows':
      return envelope.rates.reduce((m, r) => Math.max(m, r), 0);
  }
}

/** Rejects envelopes that cannot describe a rate (negative rates, empty spans, zero periods). */
export function envelopeProblems(envelope: RateEnvelope): string[] {
  const problems: string[] = [];
  const nonNegative = (name: string, v: number): void => {
    if (!(v >= 0) || !Number.isFinite(v)) problems.push(`${name} must be a finite rate ≥ 0, got ${v}`);
  };
  switch (envelope.kind) {
    case 'constant':
      nonNegative('rate', envelope.rate);
      break;
    case 'step':
      nonNegative('base', envelope.base);
      nonNegative('peak', envelope.peak);
      if (!(envelope.end >= envelope.start)) problems.push('step end must not be before start');
      break;
    case 'ramp':
      nonNegative('from', envelope.from);
      nonNegative('to', envelope.to);
      if (!(envelope.end > envelope.start)) problems.push('ramp end must be after start');
      break;
    case 'sine':
      nonNegative('mean', envelope.mean);
      if (!(envelope.period > 0)) problems.push('sine period must be > 0');
      break;
    case 'windows':
      envelope.rates.forEach((r, i) => {
        nonNegative(`rates[${i}]`, r);
      });
      if (!(envelope.windowSeconds > 0)) problems.push('windowSeconds must be > 0');
      if (envelope.timeScale !== undefined && !(envelope.timeScale > 0)) problems.push('timeScale must be > 0');
      break;
  }
  return problems;
}
