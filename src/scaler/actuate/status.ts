// The ScalingPolicy status after one decision: per role what is and what is wanted, why, on which inputs;
// the persisted stabilization history (bounded, see history-bound.ts); and HPA-style conditions. Pure: the
// shell patches it onto /status.
import type { Condition } from '../../api/index.ts';
import { podCliqueName, podCliqueScalingGroupName } from '../../api/naming.ts';
import { roleTargetKind, roleTargetName, type ScalingPolicy, type ScalingPolicyRoleStatus, type ScalingPolicyStatus } from '../../api/scaling-policy.ts';
import type { DecideResult, ScalerHistory } from '../types.ts';
import { boundHistory, historyRetention } from './history-bound.ts';
import { roleHistoryFields, type RoleHistoryFields } from './history-status.ts';
import type { ChangeOutcome } from './settle.ts';

export interface RoleOutage {
  readonly role: string;
  /** Why its driving signals are out, in a sentence. */
  readonly message: string;
}

/** A role decide() did not size this round (outage, or a target it could not resolve), at its live size. */
export interface UndecidedRole {
  readonly role: string;
  readonly kind: 'PodClique' | 'PodCliqueScalingGroup';
  readonly target: string;
  readonly current: number;
}

/** Something that stopped the whole decision (e.g. the PodCliqueSet is missing). */
export interface SyncProblem {
  readonly reason: string;
  readonly message: string;
}

export interface StatusInput {
  readonly policy: Pick<ScalingPolicy, 'metadata' | 'spec'>;
  readonly previous: ScalingPolicyStatus | undefined;
  readonly now: number;
  readonly history: ScalerHistory;
  readonly result?: DecideResult | undefined;
  readonly outages?: readonly RoleOutage[] | undefined;
  readonly undecided?: readonly UndecidedRole[] | undefined;
  readonly changes?: readonly ChangeOutcome[] | undefined;
  readonly problem?: SyncProblem | undefined;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** JSON has no NaN or ±Infinity: inputs without a finite value are left out. */
function finiteInputs(inputs: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(inputs)) if (Number.isFinite(v)) out[k] = v;
  return out;
}

function condition(
  previous: readonly Condition[] | undefined,
  c: Pick<Condition, 'type' | 'status' | 'reason' | 'message'>,
  now: number,
  generation: number | undefined,
): Condition {
  // The transition time moves only when the status flips, as metav1.Condition requires.
  const before = previous?.find((p) => p.type === c.type);
  const lastTransitionTime = before !== undefined && before.status === c.status ? before.lastTransitionTime : iso(now);
  return { ...c, lastTransitionTime, ...(generation !== undefined ? { observedGeneration: generation } : {}) };
}

function scalingActive(input: StatusInput): Pick<Condition, 'type' | 'status' | 'reason' | 'message'> {
  if (input.problem !== undefined) return { type: 'ScalingActive', status: 'False', reason: input.problem.reason, message: input.problem.message };
  const outages = input.outages ?? [];
  if (outages.length > 0) {
    const message = `${outages.map((o) => `${o.role}: ${o.message}`).join('; ')}; those roles are held and nothing scales down while signals are out`;
    return { type: 'ScalingActive', status: 'False', reason: 'MetricsUnavailable', message };
  }
  return { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'every role was decided from its signals' };
}

function ableToScale(input: StatusInput): Pick<Condition, 'type' | 'status' | 'reason' | 'message'> {
  const changes = input.changes ?? [];
  const failed = changes.filter((c) => c.error !== undefined);
  if (failed.length > 0) {
    const message = failed.map((c) => `${c.change.target.kind} ${c.change.target.name}: ${c.error ?? ''}`).join('; ');
    return { type: 'AbleToScale', status: 'False', reason: 'FailedUpdateScale', message };
  }
  const refused = changes.filter((c) => c.change.action === 'refused');
  if (refused.length > 0) return { type: 'AbleToScale', status: 'False', reason: 'BelowMinAvailable', message: refused.map((c) => c.change.why).join('; ') };
  const written = changes.filter((c) => c.change.action === 'scale' && c.written);
  if (written.length > 0) {
    const message = written.map((c) => `${c.change.target.kind} ${c.change.target.name} ${c.change.from} → ${c.change.to}`).join('; ');
    return { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message };
  }
  const advisory = changes.filter((c) => c.change.action === 'advisory');
  if (advisory.length > 0) {
    const message = `advisory: would set ${advisory.map((c) => `${c.change.target.kind} ${c.change.target.name} ${c.change.from} → ${c.change.to}`).join('; ')}`;
    return { type: 'AbleToScale', status: 'True', reason: 'Advisory', message };
  }
  return { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'the recommended sizes are in place' };
}

/** The persisted history fields of each role, by role name (the target objects named as Grove names them). */
function historyFields(policy: StatusInput['policy'], history: ScalerHistory): (role: string) => RoleHistoryFields {
  const pcs = policy.spec.targetRef.name;
  const byName = new Map(policy.spec.roles.map((r) => [r.name, r]));
  return (role) => {
    const r = byName.get(role);
    if (r === undefined) return {};
    const name = roleTargetKind(r) === 'PodClique' ? podCliqueName : podCliqueScalingGroupName;
    return roleHistoryFields(history.roles[role], (i) => name(pcs, i, roleTargetName(r)));
  };
}

function roleStatuses(input: StatusInput, fields: (role: string) => RoleHistoryFields): ScalingPolicyRoleStatus[] {
  const outage = new Set((input.outages ?? []).map((o) => o.role));
  const out: ScalingPolicyRoleStatus[] = [];
  for (const r of input.result?.roles ?? []) {
    out.push({
      name: r.role,
      target: { kind: r.kind, name: r.target },
      current: r.current,
      desired: r.desired,
      reason: r.reason,
      inputs: finiteInputs(r.inputs),
      ...fields(r.role),
    });
  }
  for (const u of input.undecided ?? []) {
    if (out.some((r) => r.name === u.role)) continue;
    out.push({
      name: u.role,
      target: { kind: u.kind, name: u.target },
      current: u.current,
      desired: u.current,
      reason: outage.has(u.role) ? 'MetricsUnavailable' : 'NotDecided',
      inputs: { current: u.current },
      ...fields(u.role),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function setStatus(input: StatusInput, history: ScalerHistory): ScalingPolicyStatus['set'] {
  const t = history.set.lastScaleTime;
  const lastScaleTime = t !== undefined ? { lastScaleTime: iso(t) } : {};
  const r = input.result;
  if (r === undefined) {
    const prev = input.previous?.set;
    if (prev === undefined) return undefined;
    const { lastScaleTime: _stale, ...rest } = prev;
    return { ...rest, ...lastScaleTime };
  }
  const held = (input.changes ?? []).find((c) => c.change.role === undefined && c.change.action === 'held');
  if (held !== undefined) return { current: r.set.current, desired: r.set.current, reason: 'MetricsUnavailable', ...lastScaleTime };
  return { current: r.set.current, desired: r.set.desired, reason: r.set.reason, ...lastScaleTime };
}

/** The last role entries, kept when nothing was decided, with the history of now (which may have been bounded). */
function previousRoles(input: StatusInput, fields: (role: string) => RoleHistoryFields): ScalingPolicyRoleStatus[] {
  return (input.previous?.roles ?? []).map((r) => {
    const { lastScaleTime: _t, history: _h, objects: _o, ...rest } = r;
    return { ...rest, ...fields(r.name) };
  });
}

export function buildPolicyStatus(input: StatusInput): ScalingPolicyStatus {
  const generation = input.policy.metadata.generation;
  const prevConditions = input.previous?.conditions;
  const history = boundHistory(input.history, historyRetention(input.policy.spec), input.now);
  const fields = historyFields(input.policy, history);
  const set = setStatus(input, history);
  return {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastDecisionTime: iso(input.now),
    ...(set !== undefined ? { set } : {}),
    roles: input.result === undefined && (input.undecided ?? []).length === 0 ? previousRoles(input, fields) : roleStatuses(input, fields),
    conditions: [condition(prevConditions, scalingActive(input), input.now, generation), condition(prevConditions, ableToScale(input), input.now, generation)],
  };
}

// `recommendations` is the previous version's history list: never written, listed so the patch removes it.
const STATUS_KEYS = ['observedGeneration', 'lastDecisionTime', 'set', 'roles', 'recommendations', 'conditions'] as const;

/**
 * A JSON merge patch for the /status subresource that replaces the whole status: merge patch merges objects
 * key by key, so a key the new status lacks is sent as null to remove it.
 */
export function statusMergePatch(status: ScalingPolicyStatus): { status: Record<string, unknown> } {
  const body: Record<string, unknown> = {};
  for (const key of STATUS_KEYS) body[key] = status[key] ?? null;
  return { status: body };
}
