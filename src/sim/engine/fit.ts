import { linearRegression, mean, rSquared } from 'simple-statistics';

/** A measured prefill: `tokens` prompt tokens in one iteration took `seconds`. */
export interface PrefillObservation {
  readonly tokens: number;
  readonly seconds: number;
}

/** A measured decode step: `batch` sequences holding `kvTokens` KV tokens in total took `seconds`. */
export interface DecodeObservation {
  readonly batch: number;
  readonly seconds: number;
  readonly kvTokens?: number;
}

export interface LineFit {
  readonly intercept: number;
  readonly slope: number;
  /** Coefficient of determination of the line actually returned (after any clamping). */
  readonly r2: number;
  /** Why the least-squares line was changed, if it was. */
  readonly clamped?: 'negative slope' | 'negative intercept';
}

/**
 * Least-squares line through (x, y), kept physical: a negative slope (a cost that falls with load) is
 * replaced by the flat line at the mean, a negative intercept by the least-squares line through 0.
 */
export function fitLine(points: readonly (readonly [number, number])[]): LineFit {
  if (points.length < 2) throw new RangeError(`a line needs at least 2 observations, got ${points.length}`);
  const data = points.map(([x, y]) => [x, y]);
  const xs = new Set(points.map(([x]) => x));
  if (xs.size < 2) throw new RangeError('a line needs observations at 2 or more distinct x values');
  const { m, b } = linearRegression(data);
  if (m < 0) {
    const flat = mean(points.map(([, y]) => y));
    return { intercept: flat, slope: 0, r2: rSquared(data, () => flat), clamped: 'negative slope' };
  }
  if (b < 0) {
    const sxy = points.reduce((s, [x, y]) => s + x * y, 0);
    const sxx = points.reduce((s, [x]) => s + x * x, 0);
    const slope = sxy / sxx;
    return { intercept: 0, slope, r2: rSquared(data, (x) => slope * x), clamped: 'negative intercept' };
  }
  return { intercept: b, slope: m, r2: rSquared(data, (x) => b + m * x) };
}

/**
 * Least-squares t = a + b·x + c·x² by the normal equations (simple-statistics fits lines only).
 * Falls back to `fitLine` when any coefficient would be negative, since a prefill cost that shrinks
 * with the prompt is not physical.
 */
export function fitQuadratic(points: readonly (readonly [number, number])[]): LineFit & { readonly quadratic: number } {
  const xs = new Set(points.map(([x]) => x));
  if (xs.size >= 3) {
    // Scale x to keep the normal equations well conditioned (x up to ~10^4, x^4 up to ~10^16).
    const scale = Math.max(...xs);
    const s = [0, 0, 0, 0, 0];
    const t = [0, 0, 0];
    for (const [x0, y] of points) {
      const x = x0 / scale;
      let p = 1;
      for (let k = 0; k < 5; k++) {
        s[k] = (s[k] ?? 0) + p;
        if (k < 3) t[k] = (t[k] ?? 0) + p * y;
        p *= x;
      }
    }
    const [s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0] = s;
    const [t0 = 0, t1 = 0, t2 = 0] = t;
    const solution = solve3([
      [s0, s1, s2, t0],
      [s1, s2, s3, t1],
      [s2, s3, s4, t2],
    ]);
    if (solution !== undefined) {
      const [a, b, c] = solution;
      if (a >= 0 && b >= 0 && c >= 0) {
        const slope = b / scale;
        const quadratic = c / (scale * scale);
        const r2 = rSquared(
          points.map(([x, y]) => [x, y]),
          (x) => a + slope * x + quadratic * x * x,
        );
        return { intercept: a, slope, quadratic, r2 };
      }
    }
  }
  return { ...fitLine(points), quadratic: 0 };
}

/** Gaussian elimination with partial pivoting on a 3×4 augmented matrix. */
function solve3(m: number[][]): [number, number, number] | undefined {
  const a = m.map((row) => [...row]);
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(a[r]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = r;
    const pr = a[pivot];
    const cr = a[col];
    if (pr === undefined || cr === undefined || Math.abs(pr[col] ?? 0) < 1e-12) return undefined;
    a[pivot] = cr;
    a[col] = pr;
    for (let r = 0; r < 3; r++) {
      const row = a[r];
      if (r === col || row === undefined) continue;
      const f = (row[col] ?? 0) / (pr[col] ?? 1);
      for (let k = col; k < 4; k++) row[k] = (row[k] ?? 0) - f * (pr[k] ?? 0);
    }
  }
  const x = [0, 1, 2].map((i) => (a[i]?.[3] ?? 0) / (a[i]?.[i] ?? 1));
  return [x[0] ?? 0, x[1] ?? 0, x[2] ?? 0];
}

export interface LatencyFit {
  readonly prefill: { readonly baseSeconds: number; readonly perTokenSeconds: number; readonly quadraticSeconds: number; readonly r2: number };
  readonly decode: { readonly baseSeconds: number; readonly perSequenceSeconds: number; readonly perKvTokenSeconds: number; readonly r2: number };
  readonly notes: readonly string[];
}

export interface LatencyObservations {
  readonly prefill: readonly PrefillObservation[];
  readonly decode: readonly DecodeObservation[];
  /**
   * Decode steps at a fixed batch and varying context, to separate the KV cost from the per-sequence
   * cost (in a batch sweep the two grow together). Without them the KV cost is taken as 0 and folded
   * into the per-sequence cost.
   */
  readonly kvSweep?: readonly DecodeObservation[];
  /** `quadratic` adds the c_p·N² attention term to the prefill fit; the default is a line. */
  readonly prefillShape?: 'linear' | 'quadratic';
}

/**
 * Fits the iteration-time model of profile.ts: prefill t = a_p + b_p·N (+ c_p·N²), decode t = a_d + b_d·B + c_d·K.
 * c_d is the slope of step time against KV tokens in `kvSweep`; a_d and b_d are then the line through
 * (B, t − c_d·K) of the batch sweep. Used to derive the shipped profiles and by `loadtest`.
 */
export function fitLatencyModel(observations: LatencyObservations): LatencyFit {
  const notes: string[] = [];
  const prefillPoints = observations.prefill.map((o) => [o.tokens, o.seconds] as const);
  const prefill = observations.prefillShape === 'quadratic' ? fitQuadratic(prefillPoints) : { ...fitLine(prefillPoints), quadratic: 0 };
  if (prefill.clamped !== undefined) notes.push(`prefill: ${prefill.clamped}, clamped`);
  let perKv = 0;
  if (observations.kvSweep !== undefined && observations.kvSweep.length > 0) {
    const kvLine = fitLine(observations.kvSweep.map((o) => [o.kvTokens ?? 0, o.seconds] as const));
    perKv = kvLine.slope;
    if (kvLine.clamped === 'negative slope') notes.push('decode KV cost: negative slope, taken as 0');
  } else {
    notes.push('decode KV cost: no KV sweep, taken as 0 (folded into the per-sequence cost)');
  }
  const decode = fitLine(observations.decode.map((o) => [o.batch, o.seconds - perKv * (o.kvTokens ?? 0)] as const));
  if (decode.clamped !== undefined) notes.push(`decode: ${decode.clamped}, clamped`);
  return {
    prefill: { baseSeconds: prefill.intercept, perTokenSeconds: prefill.slope, quadraticSeconds: prefill.quadratic, r2: prefill.r2 },
    decode: { baseSeconds: decode.intercept, perSequenceSeconds: decode.slope, perKvTokenSeconds: perKv, r2: decode.r2 },
    notes,
  };
}
