// Canopy's own policy in the loop, on the live scaler's path (src/scaler/live/sync.ts): the SignalSnapshot the
// loop scraped from the engines' vLLM-named /metrics pages and the simulated Grove objects go through
// buildScalerSnapshot → decide() → planActuation → settleHistory, exactly as in a cluster; the `scale`
// changes become the loop's desired sizes (every /scale write succeeds here). The simulator acts on the
// decisions as if the policy's actuation were `scale` (an advisory policy would only report them).
import type { PodCliqueSet } from '../../api/index.ts';
import { roleTargetKind, roleTargetName, type ScalingPolicy } from '../../api/scaling-policy.ts';
import { planActuation } from '../../scaler/actuate/plan.ts';
import { settleHistory } from '../../scaler/actuate/settle.ts';
import { decide } from '../../scaler/decide.ts';
import { buildScalerSnapshot, roleObjectNames, type LiveObject, type LiveState } from '../../scaler/live/snapshot.ts';
import { resolveTarget } from '../../scaler/targets.ts';
import { EMPTY_HISTORY, type ScalerHistory } from '../../scaler/types.ts';
import type { ControlView, DriverDecision, RoleSpec, ScalingPolicyDriver } from '../loop/types.ts';
import { simMillis } from './clock.ts';

export interface CanopyDriverOptions {
  readonly policy: ScalingPolicy;
  readonly pcs: PodCliqueSet;
  readonly roles: readonly RoleSpec[];
  readonly namespace: string;
  readonly name?: string;
}

/**
 * The Grove objects the live scaler would read, from the loop's view: one PodCliqueSet replica; a simulated
 * role's object holds the loop's units (spec = units held, status = units with pods, ready = serving); a
 * role the loop does not simulate (a CPU frontend) sits at its template size.
 */
export function liveStateFromView(view: ControlView, policy: ScalingPolicy, pcs: PodCliqueSet, roles: readonly RoleSpec[], namespace: string): LiveState {
  const pcsName = pcs.metadata.name ?? policy.spec.targetRef.name;
  const objects = new Map<string, LiveObject>();
  for (const role of policy.spec.roles) {
    const [name] = roleObjectNames(pcs, pcsName, role);
    if (name === undefined) continue;
    const kind = roleTargetKind(role);
    const resolved = resolveTarget(pcs, role);
    const v = roles.some((r) => r.name === role.name) ? view.roles[role.name] : undefined;
    const template = resolved.ok ? resolved.target.templateReplicas : 1;
    objects.set(name, {
      kind,
      name,
      specReplicas: v?.current ?? template,
      statusReplicas: v === undefined ? template : v.ready + v.starting + v.draining,
      ready: v?.ready ?? template,
      ...(resolved.ok ? { minAvailable: resolved.target.minAvailable } : {}),
      selector: '',
    });
  }
  return { namespace, pcs, objects, pods: new Map() };
}

export function canopyDriver(options: CanopyDriverOptions): ScalingPolicyDriver {
  const policy: ScalingPolicy = { ...options.policy, spec: { ...options.policy.spec, actuation: 'scale' } };
  // The simulated set has one replica whose roles hold the units the loop counts.
  const pcs: PodCliqueSet = { ...options.pcs, spec: { ...options.pcs.spec, replicas: 1 } };
  const pcsName = pcs.metadata.name ?? policy.spec.targetRef.name;
  const objectNames = new Map(policy.spec.roles.map((r) => [r.name, roleObjectNames(pcs, pcsName, r)]));
  let history: ScalerHistory = EMPTY_HISTORY;
  return {
    name: options.name ?? 'canopy',
    periodSeconds: policy.spec.intervalSeconds,
    decide(view: ControlView): DriverDecision {
      const now = simMillis(view.now);
      const state = liveStateFromView(view, policy, pcs, options.roles, options.namespace);
      const built = buildScalerSnapshot(policy, state, { ok: true, snapshot: view.signals }, now);
      const result = decide(policy, pcs, built.snapshot, history, now);
      const floors = new Map([...state.objects.values()].flatMap((o) => (o.minAvailable === undefined ? [] : [[o.name, o.minAvailable] as const])));
      const plan = planActuation({ namespace: options.namespace, result, floors, outages: new Set(built.outages.map((o) => o.role)) });
      history = settleHistory(history, result.history, plan.map((change) => ({ change, written: change.action === 'scale' })), objectNames);
      const desired: Record<string, number> = {};
      const reasons: Record<string, string> = {};
      for (const role of options.roles) {
        const policyRole = policy.spec.roles.find((r) => r.name === role.name);
        if (policyRole === undefined || roleTargetName(policyRole) !== role.target) continue;
        const change = plan.find((c) => c.role === role.name && c.target.name === objectNames.get(role.name)?.[0]);
        const decision = result.decisions.find((d) => d.role === role.name && d.pcsReplicaIndex === 0);
        const outage = built.outages.find((o) => o.role === role.name);
        if (change?.action === 'scale') desired[role.name] = change.to;
        reasons[role.name] = outage !== undefined ? `held: ${outage.message}` : change !== undefined && change.action !== 'scale' ? `${change.action}: ${change.why}` : (decision?.reason ?? 'held');
      }
      return { desired, reasons };
    },
  };
}
