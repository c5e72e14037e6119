// PodGang sync as Grove's PodCliqueSet controller does it (components/podgang/syncflow.go), as a pure
// diff: the PodGangs a PodCliqueSet should have (derivePodGangs with the live PodClique / scaling group
// replica counts and the pods labelled for each gang) against the PodGangs it has. Unexpected gangs are
// deleted first; each expected gang is created or patched (owner = the PodCliqueSet), and its
// Initialized condition says whether all its pods exist yet.
import { LABEL_COMPONENT, LABEL_PART_OF, COMPONENT } from '../../api/labels.ts';
import type { ClusterTopologyBinding, Condition, PodCliqueSet, PodGang, PodGangStatus } from '../../api/types.ts';
import { derivePodGangs, type DerivedPodGang } from '../podgang/derive.ts';
import type { PodObject } from '../placement/kube.ts';
import { mergeCondition } from '../binder/status.ts';

export const CONDITION_INITIALIZED = 'Initialized';

export interface SyncInput {
  /** The live PodCliqueSet (its uid becomes the gangs' owner reference). */
  readonly pcs: PodCliqueSet;
  readonly topology?: ClusterTopologyBinding | undefined;
  /** Live spec.replicas of PodCliques and PodCliqueScalingGroups by name. */
  readonly replicas: Readonly<Record<string, number>>;
  /** Pods of the PodCliqueSet's namespace. */
  readonly pods: readonly PodObject[];
  /** PodGangs of the PodCliqueSet's namespace (others' are ignored). */
  readonly existing: readonly PodGang[];
  readonly now: string;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface GangPatch {
  readonly name: string;
  /** JSON merge patch of metadata and spec (fields the gang should no longer have are null). */
  readonly patch: { [key: string]: JsonValue };
}

export interface StatusWrite {
  readonly name: string;
  /** Empty for a gang created in this sync (the writer uses the created object's). */
  readonly resourceVersion: string;
  readonly status: PodGangStatus;
}

export interface PodGangSyncPlan {
  readonly deletes: readonly string[];
  readonly creates: readonly PodGang[];
  readonly patches: readonly GangPatch[];
  readonly statuses: readonly StatusWrite[];
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
}

/** Whether a PodGang belongs to the PodCliqueSet: owned by it, or labelled as its PodGang. */
export function ownedBy(gang: PodGang, pcs: PodCliqueSet): boolean {
  const name = pcs.metadata.name ?? '';
  const owners = gang.metadata.ownerReferences ?? [];
  if (owners.some((o) => o.kind === 'PodCliqueSet' && o.name === name && (pcs.metadata.uid === undefined || o.uid === pcs.metadata.uid))) return true;
  const labels = gang.metadata.labels ?? {};
  return owners.length === 0 && labels[LABEL_PART_OF] === name && labels[LABEL_COMPONENT] === COMPONENT.podGang;
}

/** JSON with object keys sorted, for comparing what the API server returns with what was derived. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = (v as Record<string, unknown>)[k];
    return out;
  });
}

function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** A merge patch turning `from` into `to` at the top level of an object (removed keys become null). */
function objectPatch(from: object | undefined, to: object): { [key: string]: JsonValue } {
  const patch: { [key: string]: JsonValue } = {};
  const a = (from ?? {}) as Record<string, unknown>;
  const b = to as Record<string, unknown>;
  for (const k of Object.keys(b)) if (canonical(a[k]) !== canonical(b[k])) patch[k] = toJson(b[k]);
  for (const k of Object.keys(a)) if (!(k in b)) patch[k] = null;
  return patch;
}

/** The patch of metadata the gang must carry; keys others add (e.g. Canopy's plan annotation) are kept. */
function metadataPatch(live: PodGang, want: PodGang): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  const sub = (have: Readonly<Record<string, string>> | undefined, need: Readonly<Record<string, string>> | undefined): { [key: string]: JsonValue } | undefined => {
    const changed = Object.entries(need ?? {}).filter(([k, v]) => have?.[k] !== v);
    return changed.length === 0 ? undefined : Object.fromEntries(changed);
  };
  const labels = sub(live.metadata.labels, want.metadata.labels);
  if (labels !== undefined) out['labels'] = labels;
  const annotations = sub(live.metadata.annotations, want.metadata.annotations);
  if (annotations !== undefined) out['annotations'] = annotations;
  const owners = want.metadata.ownerReferences;
  if (owners !== undefined && canonical(live.metadata.ownerReferences ?? []) !== canonical(owners)) out['ownerReferences'] = toJson(owners);
  return out;
}

function initialized(d: DerivedPodGang): Condition {
  const short = d.podGroups.flatMap((pg, i) => {
    const have = d.podGang.spec.podgroups[i]?.podReferences.length ?? 0;
    return have < pg.replicas ? [`${pg.name} has ${have} of ${pg.replicas} pods`] : [];
  });
  return short.length === 0
    ? { type: CONDITION_INITIALIZED, status: 'True', reason: 'PodGangPodsCreated', message: 'every PodClique of the gang has created its pods', lastTransitionTime: '' }
    : { type: CONDITION_INITIALIZED, status: 'False', reason: 'PodGangPodsCreationPending', message: short.join('; '), lastTransitionTime: '' };
}

function statusWrite(name: string, resourceVersion: string, current: PodGangStatus | undefined, d: DerivedPodGang, now: string): StatusWrite | undefined {
  const want = { ...initialized(d), lastTransitionTime: now };
  const have = current?.conditions?.find((c) => c.type === CONDITION_INITIALIZED);
  if (current !== undefined && have !== undefined && have.status === want.status && have.reason === want.reason && have.message === want.message) return undefined;
  return { name, resourceVersion, status: { ...current, phase: current?.phase ?? 'Pending', conditions: mergeCondition(current?.conditions ?? [], want) } };
}

export function diffPodGangs(input: SyncInput): PodGangSyncPlan {
  const derivation = derivePodGangs({ pcs: input.pcs, replicas: input.replicas, topology: input.topology, pods: input.pods });
  const owned = input.existing.filter((g) => ownedBy(g, input.pcs));
  const expected = new Map(derivation.gangs.map((d) => [d.podGang.metadata.name ?? '', d]));
  const live = new Map(owned.map((g) => [g.metadata.name ?? '', g]));
  const deletes = owned.map((g) => g.metadata.name ?? '').filter((n) => !expected.has(n)).sort();
  const creates: PodGang[] = [];
  const patches: GangPatch[] = [];
  const statuses: StatusWrite[] = [];
  if (derivation.errors.length > 0) return { deletes: [], creates, patches, statuses, warnings: derivation.warnings, errors: derivation.errors };
  const foreign = new Set(input.existing.filter((g) => !ownedBy(g, input.pcs)).map((g) => g.metadata.name ?? ''));
  const warnings = [...derivation.warnings];
  for (const [name, d] of expected) {
    if (foreign.has(name)) {
      warnings.push(`PodGang ${name} exists but is not owned by PodCliqueSet ${input.pcs.metadata.name ?? ''}; left alone`);
      continue;
    }
    const have = live.get(name);
    if (have === undefined) {
      creates.push(d.podGang);
      const s = statusWrite(name, '', undefined, d, input.now);
      if (s !== undefined) statuses.push(s);
      continue;
    }
    const patch: { [key: string]: JsonValue } = {};
    const meta = metadataPatch(have, d.podGang);
    if (Object.keys(meta).length > 0) patch['metadata'] = meta;
    const spec = objectPatch(have.spec, d.podGang.spec);
    if (Object.keys(spec).length > 0) patch['spec'] = spec;
    if (Object.keys(patch).length > 0) patches.push({ name, patch });
    const s = statusWrite(name, have.metadata.resourceVersion ?? '', have.status, d, input.now);
    if (s !== undefined) statuses.push(s);
  }
  return { deletes, creates, patches, statuses, warnings: [...new Set(warnings)], errors: [] };
}
