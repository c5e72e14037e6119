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

export const fmt = (x: number): string => (Number.isFinite(x) ? String(Number(x.toFixed(4))) : String(x));

const band = (t: Tolerances): string => `[${fmt(1 - t.scaleDown)}, ${fmt(1 + t.scaleUp)}]`;

/**
 * The replica count for a per-pod metric (GetResourceReplicas / calcPlainMetricReplicas, second half):
 * missing pods are assumed at the target on a scale-down and at zero on a scale-up, unready pods at zero
 * on a scale-up; the proposal is dropped to current when the filled-in ratio is within tolerance or
 * points the other way.
 */
export function proposeWithFill(input: FillInput): Result<Proposal> {
  const { currentReplicas: current, tolerances, usageRatio: ratio } = input;
  const scaleUpWithUnready = input.unready.size > 0 && ratio > 1;

  if (!scaleUpWithUnready && input.missing.size === 0) {
    if (isWithin(tolerances, ratio)) {
      return ok({ replicas: current, reason: `ratio ${fmt(ratio)} is within tolerance ${band(tolerances)}: keep ${current}` });
    }
    const replicas = ceilInt32(ratio * input.readyPodCount);
    return ok({ replicas, reason: `ratio ${fmt(ratio)} × ${input.readyPodCount} ready pods → ceil = ${replicas}` });
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
