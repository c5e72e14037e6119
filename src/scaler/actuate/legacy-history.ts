// Reads the history the previous version wrote, for one release only: remove this file (and
// status.recommendations from the schema) in the release after the typed status.roles[].history shipped.
//
// That version kept every series in the flat list status.recommendations = [{role, replicas, time}], with a
// key grammar in `role` (role names are DNS names, so '[', ']' and '/' cannot clash):
//   <role>                 a stabilization recommendation of an slo role
//   <role>/up, <role>/down a scale event of an slo role (replicas = the change, always positive)
//   <role>[i], <role>[i]/up, <role>[i]/down   the same for the HPA of the role's object in set replica i
// Nothing writes this format any more; the status patch nulls the list on the first write.
import type { ScaleEvent, TimestampedRecommendation } from '../hpa/snapshot.ts';

export interface LegacyEntry {
  readonly role: string;
  readonly replicas: number;
  readonly time: string;
}

type Series = 'rec' | 'up' | 'down';

export interface LegacyKey {
  readonly role: string;
  readonly index: number | undefined;
  readonly series: Series;
}

const KEY = /^([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)(?:\[(\d+)\])?(?:\/(up|down))?$/;

export function parseLegacyKey(key: string): LegacyKey | undefined {
  const m = KEY.exec(key);
  if (m === null) return undefined;
  const [, role, index, series] = m;
  if (role === undefined) return undefined;
  return { role, index: index === undefined ? undefined : Number(index), series: series === 'up' || series === 'down' ? series : 'rec' };
}

export interface MutableSeries {
  recommendations: TimestampedRecommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export const emptySeries = (): MutableSeries => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });

export interface LegacyRole {
  readonly own: MutableSeries;
  /** By PodCliqueSet replica index. */
  readonly objects: Map<number, MutableSeries>;
}

/** Every readable entry grouped by role; the unreadable ones are named in `skipped`. */
export function readLegacyEntries(entries: readonly LegacyEntry[]): { roles: Map<string, LegacyRole>; skipped: string[] } {
  const roles = new Map<string, LegacyRole>();
  const skipped: string[] = [];
  for (const e of entries) {
    const key = parseLegacyKey(e.role);
    const timestamp = Date.parse(e.time);
    if (key === undefined || Number.isNaN(timestamp) || e.replicas < 0 || (key.series !== 'rec' && e.replicas < 1)) {
      skipped.push(`${e.role}@${e.time}`);
      continue;
    }
    let role = roles.get(key.role);
    if (role === undefined) {
      role = { own: emptySeries(), objects: new Map() };
      roles.set(key.role, role);
    }
    let series = role.own;
    if (key.index !== undefined) {
      series = role.objects.get(key.index) ?? emptySeries();
      role.objects.set(key.index, series);
    }
    if (key.series === 'rec') series.recommendations.push({ replicas: e.replicas, timestamp });
    else (key.series === 'up' ? series.scaleUpEvents : series.scaleDownEvents).push({ replicaChange: e.replicas, timestamp });
  }
  return { roles, skipped };
}
