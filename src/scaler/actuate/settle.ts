// decide() records scale events and lastScaleTime as if every change it asks for is written (the HPA does the
// same, then stores the event only after a successful update). After actuation, the changes that were not
// written — advisory, held, refused or failed — must not count against the rate policies, so their events
// are taken back. Recommendations stay: the HPA stores them before it tries to write.
import type { HpaObjectHistory, RoleHistory, ScalerHistory } from '../types.ts';
import type { PlannedChange } from './plan.ts';

export interface ChangeOutcome {
  readonly change: PlannedChange;
  /** The /scale write happened (or was already in place). */
  readonly written: boolean;
  readonly error?: string | undefined;
}

/** Which roles' (and which role objects') changes did not reach the API server, and whether the set's did. */
export function unwritten(outcomes: readonly ChangeOutcome[]): { roles: Set<string>; objects: Set<string>; set: boolean; writtenRoles: Set<string> } {
  const roles = new Set<string>();
  const objects = new Set<string>();
  const writtenRoles = new Set<string>();
  let set = false;
  for (const o of outcomes) {
    const c = o.change;
    if (o.written) {
      if (c.role !== undefined) writtenRoles.add(c.role);
      continue;
    }
    if (c.role === undefined) set = true;
    else {
      roles.add(c.role);
      objects.add(`${c.role}/${c.target.name}`);
    }
  }
  return { roles, objects, set, writtenRoles };
}

function revertObject(prev: HpaObjectHistory | undefined, next: HpaObjectHistory): HpaObjectHistory {
  return { ...next, scaleUpEvents: prev?.scaleUpEvents ?? [], scaleDownEvents: prev?.scaleDownEvents ?? [] };
}

interface RevertScope {
  readonly role: string;
  readonly objectNames: readonly string[] | undefined;
  readonly objects: ReadonlySet<string>;
  /** Some other change of the role was written: its lastScaleTime stands. */
  readonly partlyWritten: boolean;
}

function revertRole(prev: RoleHistory | undefined, next: RoleHistory, scope: RevertScope): RoleHistory {
  const { lastScaleTime: _dropped, ...rest } = next;
  const lastScaleTime = scope.partlyWritten ? next.lastScaleTime : prev?.lastScaleTime;
  const out: RoleHistory = {
    ...rest,
    scaleUpEvents: prev?.scaleUpEvents ?? [],
    scaleDownEvents: prev?.scaleDownEvents ?? [],
    ...(lastScaleTime !== undefined ? { lastScaleTime } : {}),
  };
  if (next.hpa === undefined) return out;
  const hpa = next.hpa.map((h, i) => {
    const name = scope.objectNames?.[i];
    return name !== undefined && scope.objects.has(`${scope.role}/${name}`) ? revertObject(prev?.hpa?.[i], h) : h;
  });
  return { ...out, hpa };
}

/**
 * The history to keep after actuation. `objectNames` gives, per role, its object names by set replica
 * index (to match hpa histories to the changes that failed).
 */
export function settleHistory(
  prev: ScalerHistory,
  next: ScalerHistory,
  outcomes: readonly ChangeOutcome[],
  objectNames: ReadonlyMap<string, readonly string[]>,
): ScalerHistory {
  const miss = unwritten(outcomes);
  const roles: Record<string, RoleHistory> = {};
  for (const [name, h] of Object.entries(next.roles)) {
    roles[name] = miss.roles.has(name)
      ? revertRole(prev.roles[name], h, { role: name, objectNames: objectNames.get(name), objects: miss.objects, partlyWritten: miss.writtenRoles.has(name) })
      : h;
  }
  return { roles, set: miss.set ? prev.set : next.set };
}
