// The previous version's history writer (flat status.recommendations with keys `<role>[i]/up`), kept in the
// tests only, to check that what it wrote is still read. It did not keep the `outdated` mark.
import type { HpaObjectHistory, ScalerHistory } from '../../../../src/scaler/types.ts';

export interface LegacyEntry {
  role: string;
  replicas: number;
  time: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function entries(role: string, index: number | undefined, h: HpaObjectHistory): LegacyEntry[] {
  const key = index === undefined ? role : `${role}[${index}]`;
  return [
    ...h.recommendations.map((r) => ({ role: key, replicas: r.replicas, time: iso(r.timestamp) })),
    ...h.scaleUpEvents.map((e) => ({ role: `${key}/up`, replicas: e.replicaChange, time: iso(e.timestamp) })),
    ...h.scaleDownEvents.map((e) => ({ role: `${key}/down`, replicas: e.replicaChange, time: iso(e.timestamp) })),
  ];
}

export function legacyEntries(history: ScalerHistory): LegacyEntry[] {
  const out: LegacyEntry[] = [];
  for (const role of Object.keys(history.roles).sort()) {
    const h = history.roles[role];
    if (h === undefined) continue;
    out.push(...entries(role, undefined, h));
    (h.hpa ?? []).forEach((o, i) => out.push(...entries(role, i, o)));
  }
  return out;
}

/**
 * A status in the previous version's shape made from one in the current shape: the typed history moved into
 * the flat list, everything else (lastScaleTime on the role entries) as it was.
 */
export function toLegacyStatus(status: Record<string, unknown>, history: ScalerHistory): Record<string, unknown> {
  const roles = (status['roles'] as Record<string, unknown>[] | undefined)?.map((r) => {
    const { history: _h, objects: _o, ...rest } = r;
    return rest;
  });
  const set = status['set'] as Record<string, unknown> | undefined;
  const { lastScaleTime: _t, ...oldSet } = set ?? {};
  return { ...status, ...(roles !== undefined ? { roles } : {}), ...(set !== undefined ? { set: oldSet } : {}), recommendations: legacyEntries(history) };
}
