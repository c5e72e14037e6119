import { ceilInt32 } from './int32.ts';
import { fail, ok, type Result } from './result.ts';
import { isWithin, type Tolerances } from './tolerance.ts';

export interface FillInput {
  readonly currentReplicas: number;
  readonly tolerances: Tolerances;
  readonly readyPodCount: number;
  readonly unready: ReadonlySet<string>;
  readonly missing: ReadonlySet<string>;
  /** Samples left after dropping ignored and unready pods (stray samples included). */
  readonly samples: ReadonlyMap<string, bigint>;
  /** The first-pass ratio over those samples. */
  readonly usageRatio: number;
  readonly ratioOf: (samples: ReadonlyMap<string, bigint>) => Result<number>;
  /** The value a missing pod is assumed to have on a scale-down. */
  readonly scaleDownFill: (pod: string) => bigint;
}

export interface Proposal {
  readonly replicas: number;
  readonly reason: string;
}

// String(n / 10⁴) for a safe integer n ≥ 0 below 10¹⁰ (no exponent form there), from integers: printing a
// fraction costs several times more than printing two integers.
function fourDecimals(n: number): string {
  const whole = Math.floor(n / 10_000);
  let fraction = n - whole * 10_000;
  if (fraction === 0) return String(whole);
  let digits = 4;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  return `${whole}.${String(fraction).padStart(digits, '0')}`;
}

/** A ratio in reasons: four decimals, trailing zeros dropped (String(Number(x.toFixed(4)))). */
export function fmt(x: number): string {
  // toFixed rounds the exact value of x half up; x × 10⁴ is off by at most ~1e-6 below 10¹⁰, so unless that
  // product sits near a half, Math.round gives the same integer n, and n / 10⁴ is the same double that
  // Number() reads back from the toFixed text. Otherwise (and for negatives, -0, huge values) ask toFixed.
  if (x >= 0 && x < 1e6) {
    const scaled = x * 10_000;
    const rest = scaled - Math.floor(scaled);
    if (rest < 0.49999 || rest > 0.50001) return fourDecimals(Math.round(scaled));
  }
  return Number.isFinite(x) ? String(Number(x.toFixed(4))) : String(x);
}

// The band text is the same for every metric of an HPA (and nearly every HPA): keep the last one.
let lastBand: { down: number; up: number; text: string } | undefined;
function band(t: Tolerances): string {
  if (lastBand?.down !== t.scaleDown || lastBand.up !== t.scaleUp) {
    lastBand = { down: t.scaleDown, up: t.scaleUp, text: `[${fmt(1 - t.scaleDown)}, ${fmt(1 + t.scaleUp)}]` };
  }
  return lastBand.text;
}

/** Whether proposeWithFill fills anything in: missing pods, or unready pods on a scale-up. */
export function needsFill(unreadyCount: number, missingCount: number, ratio: number): boolean {
  return missingCount > 0 || (unreadyCount > 0 && ratio > 1);
}

/**
 * proposeWithFill when nothing is filled in (the usual case, which callers can take without building the
 * filled samples): current within tolerance, else ceil(ratio × ready pods).
 */
export function proposeWithoutFill(current: number, tolerances: Tolerances, ratio: number, readyPodCount: number): Proposal {
  const ratioText = fmt(ratio);
  if (isWithin(tolerances, ratio)) {
    return { replicas: current, reason: `ratio ${ratioText} is within tolerance ${band(tolerances)}: keep ${current}` };
  }
  const replicas = ceilInt32(ratio * readyPodCount);
  return { replicas, reason: `ratio ${ratioText} × ${readyPodCount} ready pods → ceil = ${replicas}` };
}

/**
 * The replica count for a per-pod metric (GetResourceReplicas / calcPlainMetricReplicas, second half):
 * missing pods are assumed at the target on a scale-down and at zero on a scale-up, unready pods at zero
 * on a scale-up; the proposal is dropped to current when the filled-in ratio is within tolerance or
 * points the other way.
 */
export function proposeWithFill(input: FillInput): Result<Proposal> {
  const { currentReplicas: current, tolerances, usageRatio: ratio } = input;
  const scaleUpWithUnready = input.unready.size > 0 && ratio > 1;

  if (!needsFill(input.unready.size, input.missing.size, ratio)) {
    return ok(proposeWithoutFill(current, tolerances, ratio, input.readyPodCount));
  }

  const filled = new Map(input.samples);
  const notes: string[] = [];
  if (input.missing.size > 0) {
    if (ratio < 1) {
      for (const pod of input.missing) filled.set(pod, input.scaleDownFill(pod));
      notes.push(`${input.missing.size} missing pod(s) assumed at the target (scale-down)`);
    } else if (ratio > 1) {
      for (const pod of input.missing) filled.set(pod, 0n);
      notes.push(`${input.missing.size} missing pod(s) assumed at 0 (scale-up)`);
    } else {
      notes.push(`${input.missing.size} missing pod(s) left out (ratio exactly 1)`);
    }
  }
  if (scaleUpWithUnready) {
    for (const pod of input.unready) filled.set(pod, 0n);
    notes.push(`${input.unready.size} unready pod(s) assumed at 0 (scale-up)`);
  }

  const recomputed = input.ratioOf(filled);
  if (!recomputed.ok) return fail(recomputed.error);
  const newRatio = recomputed.value;
  const head = `ratio ${fmt(ratio)}; ${notes.join(', ')}; new ratio ${fmt(newRatio)} over ${filled.size} samples`;

  if (isWithin(tolerances, newRatio)) {
    return ok({ replicas: current, reason: `${head}, within tolerance ${band(tolerances)}: keep ${current}` });
  }
  if ((ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) {
    return ok({ replicas: current, reason: `${head}, which reverses the direction: keep ${current}` });
  }
  const replicas = ceilInt32(newRatio * filled.size);
  if ((newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current)) {
    return ok({ replicas: current, reason: `${head}; ceil = ${replicas} would move against the ratio: keep ${current}` });
  }
  return ok({ replicas, reason: `${head} → ceil(${fmt(newRatio)} × ${filled.size}) = ${replicas}` });
}
