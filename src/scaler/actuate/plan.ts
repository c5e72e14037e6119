// From decide()'s answer to the writes the shell makes: which /scale patches, which Events. Pure. The guards
// here repeat two promises the decision already keeps, because a wrong write is worse than a missed one:
// never below a clique's or group's minAvailable, and never a scale-down while the role's signals are out.
import type { ScaleTarget } from '../../kube/scale.ts';
import type { Explanation } from '../explanation.ts';
import type { Decision, DecideResult, DecisionReason } from '../types.ts';

export type ChangeAction = 'scale' | 'advisory' | 'held' | 'refused';

export interface ChangeEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: 'SuccessfulRescale' | 'AdvisoryRescale' | 'FailedRescale';
  readonly message: string;
}

export interface PlannedChange {
  readonly target: ScaleTarget;
  readonly role: string | undefined;
  readonly from: number;
  /** What decide() asked for. */
  readonly to: number;
  readonly reason: DecisionReason;
  /** scale: patch /scale; advisory: only tell; held: kept at `from` (metrics outage); refused: guard violated. */
  readonly action: ChangeAction;
  /** Why a change is held or refused; the decision's reason text otherwise. */
  readonly why: string;
  /** decide()'s sentences for this object (formatted when first read: for changes only). */
  readonly explanation: Explanation;
  readonly event: ChangeEvent | undefined;
}

export interface PlanInput {
  readonly namespace: string;
  readonly result: DecideResult;
  /** minAvailable of each live PodClique / PodCliqueScalingGroup, by object name. */
  readonly floors: ReadonlyMap<string, number>;
  /** Roles whose driving signals are unavailable this round. */
  readonly outages: ReadonlySet<string>;
}

/** Phrases for Event messages, like the HPA's "New size: 3; reason: cpu resource utilization above target". */
const REASON_TEXT: Readonly<Record<DecisionReason, string>> = {
  WithinTarget: 'signals within target',
  PredictedDemand: 'predicted demand needs this capacity',
  SloMissed: 'observed latency above the SLO target',
  QueueHigh: 'queue above its per-replica threshold',
  KvCacheHigh: 'KV-cache use above its threshold',
  ScaleInHeadroom: 'load fits fewer replicas with headroom',
  WaitingForConvergence: 'waiting for earlier changes to take effect',
  NoSignal: 'no signal',
  HpaRecommendation: 'HPA recommendation',
  Stabilized: 'held by the stabilization window',
  RateLimited: 'limited by the scaling rate policies',
  BoundedByMin: 'raised to the policy minimum',
  BoundedByMax: 'capped at the policy maximum',
  MinAvailableFloor: 'raised to minAvailable',
  RatioBand: 'kept inside the prefill:decode ratio band',
  RatioBandUnreachable: 'ratio band unreachable this step',
  GpuBudget: 'limited by the GPU budget',
  SetResized: 'PodCliqueSet resized',
  SetHeld: 'PodCliqueSet held',
};

export function reasonText(d: Pick<Decision, 'reason' | 'role'>): string {
  const text = REASON_TEXT[d.reason];
  return d.role === undefined ? text : `role ${d.role}: ${text}`;
}

/** Kubernetes' Event wording for a rescale. */
export function rescaleMessage(to: number, reason: string): string {
  return `New size: ${to}; reason: ${reason}`;
}

function plannedChange(d: Decision, input: PlanInput): PlannedChange | undefined {
  if (d.desired === d.current) return undefined;
  // Objects of set replicas that do not exist yet: Grove creates them from the template.
  if (d.inputs['exists'] === 0) return undefined;
  const target: ScaleTarget = { kind: d.kind, namespace: input.namespace, name: d.name };
  const base = { target, role: d.role, from: d.current, to: d.desired, reason: d.reason, explanation: d.explanation };
  const down = d.desired < d.current;
  const outage = d.role === undefined ? input.outages.size > 0 : input.outages.has(d.role);
  if (down && outage) {
    const roles = d.role === undefined ? [...input.outages].sort().join(', ') : d.role;
    return { ...base, action: 'held', why: `metrics unavailable for ${roles}: no scale-down while signals are out`, event: undefined };
  }
  const floor = d.kind === 'PodCliqueSet' ? 0 : input.floors.get(d.name);
  if (floor !== undefined && d.desired < floor) {
    const why = `${d.kind} ${d.name}: new size ${d.desired} is below minAvailable ${floor}; not written`;
    return { ...base, action: 'refused', why, event: { type: 'Warning', reason: 'FailedRescale', message: why } };
  }
  const why = reasonText(d);
  const message = rescaleMessage(d.desired, why);
  return input.result.actuation === 'scale'
    ? { ...base, action: 'scale', why, event: { type: 'Normal', reason: 'SuccessfulRescale', message } }
    : { ...base, action: 'advisory', why, event: { type: 'Normal', reason: 'AdvisoryRescale', message } };
}

/** One entry per object whose size decide() wants changed, roles' objects first, the PodCliqueSet last. */
export function planActuation(input: PlanInput): PlannedChange[] {
  const out: PlannedChange[] = [];
  for (const d of input.result.decisions) {
    const c = plannedChange(d, input);
    if (c !== undefined) out.push(c);
  }
  return out;
}
