// The persisted history must not grow without limit, and bounding it must never change a decision.
//
// Recommendations: the HPA reuses the slot of one recommendation older than both windows per decision, so
// aged-out entries linger in memory without counting. Here they are dropped. That is exact: an entry older
// than both windows at `now` is older at every later `now` too, so no stabilization reads it again, and
// which aged slot the next record takes does not matter. One exception: an empty list means "first sight"
// to decide() and the HPA (they seed it with the current size at now, which holds off a scale-down for a
// whole window), so a list that had entries keeps its newest one, aged or not.
//
// Scale events are kept exactly as the HPA keeps them, which already bounds them: a new event takes the
// place of the last one marked outdated, and is appended only when none is, so a list holds at most one
// event per decision within the direction's longest period, plus one. Dropping more is not exact: a rate
// policy sums the events of both directions within its own period (an event outdated for its direction
// still counts against the other direction's longer period), and which slot the next event takes depends
// on list positions, so a dropped entry changes which event is forgotten later.
//
// The policy's behavior at write time sets the bound: a window lengthened later sees only what was kept.
import type { ScalingPolicySpec } from '../../api/scaling-policy.ts';
import { resolveBehavior } from '../behavior/rules.ts';
import { DEFAULT_HPA_OPTIONS, type TimestampedRecommendation } from '../hpa/snapshot.ts';
import type { HpaObjectHistory, RoleHistory, ScalerHistory } from '../types.ts';

// decide() and the HPA core both default an unset scale-down window to the controller flag's 300 s.
const DOWNSCALE_WINDOW_SECONDS = DEFAULT_HPA_OPTIONS.downscaleStabilizationWindowSeconds;

/**
 * Per role name, how far back (seconds) a recommendation can still bound a stabilization: the longer of
 * the scale-up and scale-down windows the role is decided with. Roles not in the spec keep nothing.
 */
export function historyRetention(spec: Pick<ScalingPolicySpec, 'roles' | 'behavior'>): Map<string, number> {
  const out = new Map<string, number>();
  for (const role of spec.roles) {
    const given = role.behavior ?? spec.behavior;
    // An HPA without spec.behavior stabilizes scale-downs over the controller's window only.
    if (role.mode === 'hpa' && given === undefined) {
      out.set(role.name, DOWNSCALE_WINDOW_SECONDS);
      continue;
    }
    const b = resolveBehavior(given ?? {}, DOWNSCALE_WINDOW_SECONDS);
    out.set(role.name, Math.max(b.scaleUp.stabilizationWindowSeconds, b.scaleDown.stabilizationWindowSeconds));
  }
  return out;
}

/** Not older than `now − seconds` (one exactly at the cutoff stays; it ages out next time), never emptied. */
function recentRecommendations(list: readonly TimestampedRecommendation[], now: number, seconds: number): readonly TimestampedRecommendation[] {
  const cutoff = now - seconds * 1000;
  if (list.every((r) => r.timestamp >= cutoff)) return list;
  const kept = list.filter((r) => r.timestamp >= cutoff);
  if (kept.length > 0) return kept;
  return [list.reduce((a, b) => (b.timestamp >= a.timestamp ? b : a))];
}

function boundLists<H extends HpaObjectHistory>(h: H, seconds: number, now: number): H {
  const recommendations = recentRecommendations(h.recommendations, now, seconds);
  return recommendations === h.recommendations ? h : { ...h, recommendations };
}

function boundRole(h: RoleHistory, seconds: number, now: number): RoleHistory {
  const own = boundLists(h, seconds, now);
  if (h.hpa === undefined) return own;
  return { ...own, hpa: h.hpa.map((o) => boundLists(o, seconds, now)) };
}

/**
 * The history with the recommendations that can no longer change a decision at or after `now` dropped, and
 * the roles the policy no longer has left out. Demand series and observations are bounded where they are kept.
 */
export function boundHistory(history: ScalerHistory, retention: ReadonlyMap<string, number>, now: number): ScalerHistory {
  const roles: Record<string, RoleHistory> = {};
  for (const [name, h] of Object.entries(history.roles)) {
    const seconds = retention.get(name);
    if (seconds !== undefined) roles[name] = boundRole(h, seconds, now);
  }
  return { roles, set: history.set };
}
