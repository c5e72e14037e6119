// Grove's three levels. Roles are sized set-wide; each PodCliqueSet replica holds one PodClique or
// PodCliqueScalingGroup per role, so a role's total is spread over the set's replicas, each within the
// role's per-replica bounds. The set itself grows when roles cannot fit under their per-replica maximum (as
// the policy's scaleWhen says) and shrinks only when every role fits in fewer replicas with headroom.
import type { DecisionReason } from './types.ts';
import { fmt, pct } from './format.ts';

export type SetScaleWhen = 'Never' | 'AnyRoleAtMaximum' | 'AllRolesAtMaximum';

export interface SetRoleNeed {
  readonly name: string;
  /** Set-wide replicas the role wants. */
  readonly wanted: number;
  /** Per set replica: floor (≥ minAvailable) and maximum. */
  readonly perReplicaMin: number;
  readonly perReplicaMax: number;
}

export interface SetInput {
  readonly current: number;
  readonly min: number;
  /** Unset: the set does not grow past its current size (or min). */
  readonly max: number | undefined;
  readonly scaleWhen: SetScaleWhen;
  readonly headroom: number;
  readonly roles: readonly SetRoleNeed[];
}

export interface SetResult {
  readonly desired: number;
  readonly reason: DecisionReason;
  readonly explanation: readonly string[];
}

export function decideSetReplicas(input: SetInput): SetResult {
  const { current, min, scaleWhen, headroom } = input;
  const max = input.max ?? Math.max(current, min);
  const explanation: string[] = [];
  let want = current;
  if (scaleWhen !== 'Never' && input.roles.length > 0) {
    const up = input.roles.map((r) => Math.ceil(r.wanted / r.perReplicaMax - 1e-9));
    const over = input.roles.filter((_, i) => (up[i] ?? 0) > current);
    const grow = scaleWhen === 'AnyRoleAtMaximum' ? over.length > 0 : over.length === input.roles.length;
    if (grow) {
      want = scaleWhen === 'AnyRoleAtMaximum' ? Math.max(...up) : Math.min(...up);
      explanation.push(
        `${over.map((r) => r.name).join(', ')} need${over.length === 1 ? 's' : ''} more than ${current} set replica(s) can hold at their per-replica maximum: ` +
          `the PodCliqueSet grows to ${want}.`,
      );
    } else {
      // Shrink only when every role fits in fewer set replicas and keeps headroom there.
      const fit = Math.max(0, ...input.roles.map((r) => Math.ceil(r.wanted / (r.perReplicaMax * headroom) - 1e-9)));
      if (fit < current) {
        want = fit;
        explanation.push(`Every role fits in ${fit} set replica(s) within ${pct(headroom)} of its per-replica maximum: the PodCliqueSet shrinks to ${fit}.`);
      }
    }
  }
  const desired = Math.min(max, Math.max(min, want));
  let reason: DecisionReason = desired === current ? 'SetHeld' : 'SetResized';
  if (desired !== want) {
    reason = desired === min ? 'BoundedByMin' : 'BoundedByMax';
    explanation.push(`Set replicas bounded to [${min}, ${max}]: ${desired}.`);
  }
  if (explanation.length === 0) explanation.push(`The PodCliqueSet stays at ${current} replica(s)${scaleWhen === 'Never' ? ' (the policy never scales the set)' : ''}.`);
  return { desired, reason, explanation };
}

/**
 * Spread a set-wide total over `count` set replicas, each in [lo, hi], changing as few objects as possible:
 * start from each object's current size (new objects from the template size) and add to the smallest or take
 * from the largest, lowest index first when adding and highest first when removing (Grove removes from the end).
 */
export function splitAcrossReplicas(total: number, current: readonly number[], count: number, lo: number, hi: number, templateReplicas: number): number[] {
  const clamp = (v: number): number => Math.min(hi, Math.max(lo, v));
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const v = clamp(current[i] ?? templateReplicas);
    out.push(v);
    sum += v;
  }
  const target = Math.min(count * hi, Math.max(count * lo, total));
  while (sum < target) {
    let pick = 0;
    for (let i = 1; i < count; i++) if ((out[i] ?? 0) < (out[pick] ?? 0)) pick = i;
    out[pick] = (out[pick] ?? 0) + 1;
    sum++;
  }
  while (sum > target) {
    let pick = count - 1;
    for (let i = count - 2; i >= 0; i--) if ((out[i] ?? 0) > (out[pick] ?? 0)) pick = i;
    out[pick] = (out[pick] ?? 0) - 1;
    sum--;
  }
  return out;
}

export function describeSplit(values: readonly number[]): string {
  return values.length <= 1 ? fmt(values[0] ?? 0) : `${values.join(' + ')} = ${fmt(values.reduce((a, b) => a + b, 0))}`;
}
