// The PodGang status the binder owns (phase, the Scheduled condition, placementScore), computed from
// what the binder decided, merged with the conditions others own (Initialized, Ready, ...).
import type { Condition, PodGang, PodGangStatus } from '../../api/types.ts';
import type { BinderPod } from './types.ts';
import { isBound } from './types.ts';

export const CONDITION_SCHEDULED = 'Scheduled';

export type SchedulingOutcome =
  | { readonly kind: 'waiting'; readonly reason: string; readonly message: string }
  | { readonly kind: 'unschedulable'; readonly reasons: readonly string[] }
  | { readonly kind: 'scheduled'; readonly score: number | undefined; readonly message: string };

/**
 * Phase: Pending until the gang is scheduled; then Starting, and Running once every pod of the gang is
 * bound and in phase Running.
 */
export function desiredStatus(gang: PodGang, outcome: SchedulingOutcome, pods: readonly BinderPod[], now: string): PodGangStatus {
  const scheduled = outcome.kind === 'scheduled';
  const running = scheduled && pods.length > 0 && pods.every((p) => isBound(p) && p.status?.phase === 'Running');
  const condition: Condition =
    outcome.kind === 'scheduled'
      ? { type: CONDITION_SCHEDULED, status: 'True', reason: 'GangScheduled', message: outcome.message, lastTransitionTime: now }
      : outcome.kind === 'unschedulable'
        ? { type: CONDITION_SCHEDULED, status: 'False', reason: 'Unschedulable', message: outcome.reasons.join('; '), lastTransitionTime: now }
        : { type: CONDITION_SCHEDULED, status: 'False', reason: outcome.reason, message: outcome.message, lastTransitionTime: now };
  const generation = gang.metadata.generation;
  const withGeneration: Condition = generation === undefined ? condition : { ...condition, observedGeneration: generation };
  const conditions = mergeCondition(gang.status?.conditions ?? [], withGeneration);
  const score = outcome.kind === 'scheduled' ? outcome.score : undefined;
  return {
    phase: running ? 'Running' : scheduled ? 'Starting' : 'Pending',
    conditions,
    ...(score === undefined ? {} : { placementScore: score }),
  };
}

/** Replaces the condition of the same type, keeping its transition time when its status did not change. */
export function mergeCondition(existing: readonly Condition[], next: Condition): Condition[] {
  const old = existing.find((c) => c.type === next.type);
  const kept = old !== undefined && old.status === next.status ? { ...next, lastTransitionTime: old.lastTransitionTime } : next;
  const out = existing.filter((c) => c.type !== next.type);
  out.push(kept);
  return out.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** Whether writing `next` would change what the binder owns in the gang's current status. */
export function statusDiffers(current: PodGangStatus | undefined, next: PodGangStatus): boolean {
  if (current === undefined) return true;
  if (current.phase !== next.phase) return true;
  if (next.placementScore !== undefined && current.placementScore !== next.placementScore) return true;
  const a = current.conditions?.find((c) => c.type === CONDITION_SCHEDULED);
  const b = next.conditions?.find((c) => c.type === CONDITION_SCHEDULED);
  if (a === undefined || b === undefined) return a !== b;
  return a.status !== b.status || a.reason !== b.reason || a.message !== b.message || a.observedGeneration !== b.observedGeneration;
}
