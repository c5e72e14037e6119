// The scaler's stabilization memory lives in the ScalingPolicy status, so a restarted (or newly elected)
// scaler keeps honouring the windows and rate policies the previous one was honouring. The HPA controller
// keeps the same memory in process only and forgets it on restart; a policy object can do better.
//
// Layout, per entry of status.roles:
//   lastScaleTime                       the role's last written scale
//   history.{recommendations, scaleUpEvents, scaleDownEvents}   an slo role's stabilization memory
//   objects[] {name, pcsReplicaIndex, recommendations, scaleUpEvents, scaleDownEvents}   an hpa role's HPAs
// and status.set.lastScaleTime for the PodCliqueSet. Empty lists are left out. Demand series and latency
// observations are not persisted: they refill within one history window.
import type { HpaObjectStatus, ScalingHistoryStatus, ScalingPolicyStatus } from '../../api/scaling-policy.ts';
import type { ScaleEvent } from '../hpa/snapshot.ts';
import { EMPTY_ROLE_HISTORY, type HpaObjectHistory, type RoleHistory, type ScalerHistory } from '../types.ts';
import { emptySeries, readLegacyEntries, type LegacyRole, type MutableSeries } from './legacy-history.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The three lists of one history as status fields, each left out when empty. */
export function historyLists(h: HpaObjectHistory): ScalingHistoryStatus {
  const out: ScalingHistoryStatus = {};
  if (h.recommendations.length > 0) out.recommendations = h.recommendations.map((r) => ({ replicas: r.replicas, time: iso(r.timestamp) }));
  const events = (list: readonly ScaleEvent[]) =>
    list.map((e) => ({ replicaChange: e.replicaChange, time: iso(e.timestamp), ...(e.outdated === true ? { outdated: true } : {}) }));
  if (h.scaleUpEvents.length > 0) out.scaleUpEvents = events(h.scaleUpEvents);
  if (h.scaleDownEvents.length > 0) out.scaleDownEvents = events(h.scaleDownEvents);
  return out;
}

/** The persisted fields of one role's status entry. */
export interface RoleHistoryFields {
  lastScaleTime?: string;
  history?: ScalingHistoryStatus;
  objects?: HpaObjectStatus[];
}

/**
 * What a role's status entry carries of its history. `objectName` names the target object of a set replica
 * (informational: the history is read back by pcsReplicaIndex). Every HPA object is listed, empty or not, so
 * the per-replica list keeps its length.
 */
export function roleHistoryFields(h: RoleHistory | undefined, objectName: (pcsReplicaIndex: number) => string): RoleHistoryFields {
  if (h === undefined) return {};
  const out: RoleHistoryFields = {};
  if (h.lastScaleTime !== undefined) out.lastScaleTime = iso(h.lastScaleTime);
  const own = historyLists(h);
  if (Object.keys(own).length > 0) out.history = own;
  if (h.hpa !== undefined) out.objects = h.hpa.map((o, i) => ({ name: objectName(i), pcsReplicaIndex: i, ...historyLists(o) }));
  return out;
}

export interface LoadedHistory {
  readonly history: ScalerHistory;
  /** Entries that could not be read (bad time or key); they are dropped, not fatal. */
  readonly skipped: readonly string[];
}

class Reader {
  readonly skipped: string[] = [];

  time(where: string, value: string): number | undefined {
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return t;
    this.skipped.push(`${where}@${value}`);
    return undefined;
  }

  lists(where: string, s: ScalingHistoryStatus | undefined): MutableSeries {
    const out = emptySeries();
    for (const r of s?.recommendations ?? []) {
      const timestamp = this.time(`${where}.recommendations`, r.time);
      if (timestamp !== undefined) out.recommendations.push({ replicas: r.replicas, timestamp });
    }
    const events = (field: 'scaleUpEvents' | 'scaleDownEvents', into: ScaleEvent[]) => {
      for (const e of s?.[field] ?? []) {
        const timestamp = this.time(`${where}.${field}`, e.time);
        if (timestamp !== undefined) into.push({ replicaChange: e.replicaChange, timestamp, ...(e.outdated === true ? { outdated: true } : {}) });
      }
    };
    events('scaleUpEvents', out.scaleUpEvents);
    events('scaleDownEvents', out.scaleDownEvents);
    return out;
  }

  objects(role: string, objects: readonly HpaObjectStatus[]): HpaObjectHistory[] {
    const byIndex = new Map<number, MutableSeries>();
    for (const o of objects) {
      if (byIndex.has(o.pcsReplicaIndex)) {
        this.skipped.push(`${role}.objects: pcsReplicaIndex ${o.pcsReplicaIndex} listed twice`);
        continue;
      }
      byIndex.set(o.pcsReplicaIndex, this.lists(`${role}.objects[${o.pcsReplicaIndex}]`, o));
    }
    return denseObjects(byIndex);
  }
}

/** Objects by replica index as a list; a missing index is an HPA with no memory yet. */
function denseObjects(byIndex: ReadonlyMap<number, MutableSeries>): HpaObjectHistory[] {
  const count = byIndex.size === 0 ? 0 : Math.max(...byIndex.keys()) + 1;
  return Array.from({ length: count }, (_, i) => byIndex.get(i) ?? emptySeries());
}

function roleHistory(own: MutableSeries, hpa: HpaObjectHistory[] | undefined, lastScaleTime: number | undefined): RoleHistory {
  return {
    ...EMPTY_ROLE_HISTORY,
    recommendations: own.recommendations,
    scaleUpEvents: own.scaleUpEvents,
    scaleDownEvents: own.scaleDownEvents,
    ...(hpa !== undefined ? { hpa } : {}),
    ...(lastScaleTime !== undefined ? { lastScaleTime } : {}),
  };
}

const fromLegacy = (legacy: LegacyRole | undefined, lastScaleTime: number | undefined): RoleHistory =>
  roleHistory(legacy?.own ?? emptySeries(), legacy !== undefined && legacy.objects.size > 0 ? denseObjects(legacy.objects) : undefined, lastScaleTime);

/**
 * Rebuilds the persisted history from a status: one role per status.roles entry (and per role only the
 * previous version's flat list names); everything not persisted starts empty.
 */
export function historyFromStatus(status: ScalingPolicyStatus | undefined): LoadedHistory {
  const reader = new Reader();
  // One release of overlap: a status the previous version wrote still restores its memory. A role entry
  // with typed history was written by this version and wins over the old list.
  const legacy = readLegacyEntries(status?.recommendations ?? []);
  reader.skipped.push(...legacy.skipped);
  const roles: Record<string, RoleHistory> = {};
  for (const r of status?.roles ?? []) {
    if (Object.hasOwn(roles, r.name)) {
      reader.skipped.push(`${r.name}: role listed twice`);
      continue;
    }
    const lastScaleTime = r.lastScaleTime === undefined ? undefined : reader.time(`${r.name}.lastScaleTime`, r.lastScaleTime);
    roles[r.name] =
      r.history === undefined && r.objects === undefined
        ? fromLegacy(legacy.roles.get(r.name), lastScaleTime)
        : roleHistory(reader.lists(`${r.name}.history`, r.history), r.objects === undefined ? undefined : reader.objects(r.name, r.objects), lastScaleTime);
  }
  for (const [name, l] of legacy.roles) if (!Object.hasOwn(roles, name)) roles[name] = fromLegacy(l, undefined);
  const setTime = status?.set?.lastScaleTime === undefined ? undefined : reader.time('set.lastScaleTime', status.set.lastScaleTime);
  return { history: { roles, set: setTime !== undefined ? { lastScaleTime: setTime } : {} }, skipped: reader.skipped };
}
