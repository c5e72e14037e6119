// The scaler's stabilization memory lives in the ScalingPolicy status, so a restarted (or newly elected)
// scaler keeps honouring the windows and rate policies the previous one was honouring. The HPA controller
// keeps the same memory in process only and forgets it on restart; a policy object can do better.
//
// status.recommendations is a flat list of {role, replicas, time}. The `role` field carries a small key
// grammar so one list holds every series (role names are DNS names, so '[', ']' and '/' cannot clash):
//   <role>                 a stabilization recommendation of an slo role
//   <role>/up, <role>/down a scale event of an slo role (replicas = the change, always positive)
//   <role>[i], <role>[i]/up, <role>[i]/down   the same for the HPA of the role's object in set replica i
// Demand series and latency observations are not persisted: they refill within one history window.
import type { ScalingPolicyStatus } from '../../api/scaling-policy.ts';
import type { ScaleEvent, TimestampedRecommendation } from '../hpa/snapshot.ts';
import { EMPTY_ROLE_HISTORY, type HpaObjectHistory, type RoleHistory, type ScalerHistory } from '../types.ts';

export interface RecommendationEntry {
  readonly role: string;
  readonly replicas: number;
  readonly time: string;
}

type Series = 'rec' | 'up' | 'down';

interface ParsedKey {
  readonly role: string;
  readonly index: number | undefined;
  readonly series: Series;
}

const KEY = /^([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)(?:\[(\d+)\])?(?:\/(up|down))?$/;

export function recommendationKey(role: string, index: number | undefined, series: Series): string {
  const object = index === undefined ? role : `${role}[${index}]`;
  return series === 'rec' ? object : `${object}/${series}`;
}

export function parseRecommendationKey(key: string): ParsedKey | undefined {
  const m = KEY.exec(key);
  if (m === null) return undefined;
  const [, role, index, series] = m;
  if (role === undefined) return undefined;
  return { role, index: index === undefined ? undefined : Number(index), series: series === 'up' || series === 'down' ? series : 'rec' };
}

const iso = (ms: number): string => new Date(ms).toISOString();

function entries(role: string, index: number | undefined, h: HpaObjectHistory): RecommendationEntry[] {
  return [
    ...h.recommendations.map((r) => ({ role: recommendationKey(role, index, 'rec'), replicas: r.replicas, time: iso(r.timestamp) })),
    ...h.scaleUpEvents.map((e) => ({ role: recommendationKey(role, index, 'up'), replicas: e.replicaChange, time: iso(e.timestamp) })),
    ...h.scaleDownEvents.map((e) => ({ role: recommendationKey(role, index, 'down'), replicas: e.replicaChange, time: iso(e.timestamp) })),
  ];
}

/** The persisted part of the history, as status.recommendations, roles in name order. */
export function historyToStatusEntries(history: ScalerHistory): RecommendationEntry[] {
  const out: RecommendationEntry[] = [];
  for (const role of Object.keys(history.roles).sort()) {
    const h = history.roles[role];
    if (h === undefined) continue;
    out.push(...entries(role, undefined, h));
    (h.hpa ?? []).forEach((o, i) => out.push(...entries(role, i, o)));
  }
  return out;
}

interface Mutable {
  recommendations: TimestampedRecommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

const emptyMutable = (): Mutable => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });

function add(m: Mutable, series: Series, replicas: number, timestamp: number): void {
  if (series === 'rec') m.recommendations.push({ replicas, timestamp });
  else if (series === 'up') m.scaleUpEvents.push({ replicaChange: replicas, timestamp });
  else m.scaleDownEvents.push({ replicaChange: replicas, timestamp });
}

export interface LoadedHistory {
  readonly history: ScalerHistory;
  /** Entries that could not be read (bad key or time); they are dropped, not fatal. */
  readonly skipped: readonly string[];
}

/** Rebuilds the persisted history from a status; everything not persisted starts empty. */
export function historyFromStatus(status: ScalingPolicyStatus | undefined): LoadedHistory {
  const own = new Map<string, Mutable>();
  const hpa = new Map<string, Map<number, Mutable>>();
  const skipped: string[] = [];
  for (const e of status?.recommendations ?? []) {
    const key = parseRecommendationKey(e.role);
    const time = Date.parse(e.time);
    if (key === undefined || Number.isNaN(time) || e.replicas < 0) {
      skipped.push(`${e.role}@${e.time}`);
      continue;
    }
    let m: Mutable;
    if (key.index === undefined) {
      m = own.get(key.role) ?? emptyMutable();
      own.set(key.role, m);
    } else {
      const perObject = hpa.get(key.role) ?? new Map<number, Mutable>();
      hpa.set(key.role, perObject);
      m = perObject.get(key.index) ?? emptyMutable();
      perObject.set(key.index, m);
    }
    add(m, key.series, e.replicas, time);
  }
  const lastScale = new Map<string, number>();
  for (const r of status?.roles ?? []) {
    const t = r.lastScaleTime === undefined ? NaN : Date.parse(r.lastScaleTime);
    if (!Number.isNaN(t)) lastScale.set(r.name, t);
  }
  const roles: Record<string, RoleHistory> = {};
  for (const name of new Set([...own.keys(), ...hpa.keys(), ...lastScale.keys()])) {
    const m = own.get(name) ?? emptyMutable();
    const perObject = hpa.get(name);
    let objects: HpaObjectHistory[] | undefined;
    if (perObject !== undefined) {
      const count = Math.max(...perObject.keys()) + 1;
      objects = Array.from({ length: count }, (_, i) => perObject.get(i) ?? emptyMutable());
    }
    const t = lastScale.get(name);
    roles[name] = {
      ...EMPTY_ROLE_HISTORY,
      ...m,
      ...(objects !== undefined ? { hpa: objects } : {}),
      ...(t !== undefined ? { lastScaleTime: t } : {}),
    };
  }
  return { history: { roles, set: {} }, skipped };
}

