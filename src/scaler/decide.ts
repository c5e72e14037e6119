// decide(): one pure step of the multilevel scaler. Order of the steps:
//   1. each role proposes a set-wide size (SLO model, or the exact HPA per target object), then the policy's
//      HPA-compatible behavior (stabilization windows, rate policies) applies to SLO roles;
//   2. the PodCliqueSet's own replicas follow from what the roles want (levels.ts);
//   3. every role is bounded to [set replicas × per-replica min, set replicas × max], min never below minAvailable;
//   4. the GPU budget trims growth (budget.ts), then the prefill:decode band is enforced without reversing
//      either pool (ratio.ts);
//   5. each role's total is spread over the set replicas' objects, giving one decision per object.
import { podCliqueName, podCliqueScalingGroupName, type PodCliqueSet } from '../api/index.ts';
import { roleSignals, type ScalingPolicy, type ScalingPolicyRole } from '../api/scaling-policy.ts';
import { recordScaleEvent } from './behavior/events.ts';
import { normalizeWithBehavior } from './behavior/normalize.ts';
import { resolveBehavior, type ResolvedBehavior } from './behavior/rules.ts';
import { newestPerReplicas } from './behavior/stabilize.ts';
import { applyGpuBudget, type BudgetPool } from './budget.ts';
import { Explanation } from './explanation.ts';
import { DEFAULT_HPA_OPTIONS } from './hpa/snapshot.ts';
import { decideHpaRole } from './hpa-role.ts';
import { appendDemand, appendObservation } from './history.ts';
import { decideSetReplicas, splitAcrossReplicas } from './levels.ts';
import { applyRatioBand } from './ratio.ts';
import { sampleMeans } from './slo/demand.ts';
import { proposeSloReplicas } from './slo/propose.ts';
import { resolveTarget, unmanagedGpusPerSetReplica, type ResolvedTarget } from './targets.ts';
import {
  EMPTY_ROLE_HISTORY,
  type Decision,
  type DecideResult,
  type DecisionReason,
  type HpaObjectHistory,
  type RoleHistory,
  type RoleOutcome,
  type ScalerHistory,
  type ScalerSnapshot,
} from './types.ts';

/** The HPA's --horizontal-pod-autoscaler-downscale-stabilization default, for SLO roles without one (history-bound.ts keeps as much). */
const DEFAULT_DOWNSCALE_WINDOW_SECONDS = DEFAULT_HPA_OPTIONS.downscaleStabilizationWindowSeconds;
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

interface RoleState {
  readonly role: ScalingPolicyRole;
  readonly target: ResolvedTarget;
  readonly lo: number;
  readonly hi: number;
  /** spec.replicas per existing set replica (index < current set replicas). */
  readonly currentPerReplica: readonly number[];
  readonly current: number;
  /** Where the split starts from: the HPA's own per-object answer, or the current sizes. */
  splitStart: readonly number[];
  proposed: number;
  value: number;
  reason: DecisionReason;
  inputs: Record<string, number>;
  explanation: Explanation;
  history: RoleHistory;
  /** `slo` roles: the behavior their proposal went through, which also records their scale events. */
  behavior: ResolvedBehavior | undefined;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function objectName(pcs: string, i: number, s: RoleState): string {
  return s.target.kind === 'PodClique' ? podCliqueName(pcs, i, s.target.template) : podCliqueScalingGroupName(pcs, i, s.target.template);
}

export function decide(policy: ScalingPolicy, pcs: PodCliqueSet, snapshot: ScalerSnapshot, history: ScalerHistory, now: number): DecideResult {
  const spec = policy.spec;
  const pcsName = pcs.metadata.name ?? spec.targetRef.name;
  const setCurrent = pcs.spec.replicas ?? 0;
  const warnings: string[] = [];
  const states: RoleState[] = [];
  const skipped: { role: ScalingPolicyRole; target: ResolvedTarget | undefined }[] = [];

  // 1. Per-role proposals.
  for (const role of spec.roles) {
    const resolved = resolveTarget(pcs, role);
    if (!resolved.ok) {
      warnings.push(`role ${role.name}: ${resolved.message}; not scaled`);
      skipped.push({ role, target: undefined });
      continue;
    }
    const target = resolved.target;
    const rs = snapshot.roles[role.name];
    if (rs === undefined) {
      warnings.push(`role ${role.name}: no snapshot; held at its current size`);
      skipped.push({ role, target });
      continue;
    }
    const lo = Math.max(role.minReplicas ?? target.minAvailable, target.minAvailable);
    if (role.maxReplicas < lo) warnings.push(`role ${role.name}: maxReplicas ${role.maxReplicas} is below the floor ${lo} (minAvailable ${target.minAvailable}); the floor wins`);
    const hi = Math.max(role.maxReplicas, lo);
    const currentPerReplica: number[] = [];
    for (let i = 0; i < setCurrent; i++) currentPerReplica.push(rs.replicas[i] ?? target.templateReplicas);
    const current = sum(currentPerReplica);
    let h = history.roles[role.name] ?? EMPTY_ROLE_HISTORY;
    const state: RoleState = {
      role,
      target,
      lo,
      hi,
      currentPerReplica,
      current,
      splitStart: currentPerReplica,
      proposed: current,
      value: current,
      reason: 'WithinTarget',
      inputs: {},
      explanation: new Explanation(),
      history: h,
      behavior: undefined,
    };

    if (role.mode === 'slo') {
      h = appendDemand(h, sampleMeans(rs, roleSignals(role)), now, spec.prediction.historySeconds);
      const p = proposeSloReplicas({ role, snapshot: rs, history: h, current, now, spec });
      h = appendObservation(h, p.observation, spec.prediction.historySeconds);
      // The proposal's inputs and explanation are fresh per call: take them over instead of copying.
      state.inputs = p.inputs;
      state.explanation = p.explanation;
      state.reason = p.reason;
      const behavior = resolveBehavior(role.behavior ?? spec.behavior ?? {}, DEFAULT_DOWNSCALE_WINDOW_SECONDS);
      state.behavior = behavior;
      const n = normalizeWithBehavior({
        now,
        current,
        desired: p.desired,
        minReplicas: 0,
        maxReplicas: UNBOUNDED,
        recommendations: h.recommendations.length === 0 ? [{ replicas: current, timestamp: now }] : h.recommendations,
        behavior,
        scaleUpEvents: h.scaleUpEvents,
        scaleDownEvents: h.scaleDownEvents,
      });
      h = { ...h, recommendations: newestPerReplicas(n.recommendations) };
      if (n.desired !== p.desired) {
        state.reason = n.scalingLimited.status === 'True' ? 'RateLimited' : 'Stabilized';
        const [allowed, asked] = [n.desired, p.desired];
        state.explanation.push(
          state.reason === 'RateLimited'
            ? () => `The behavior's rate policies allow ${allowed} this period (asked ${asked}).`
            : () => `Recent recommendations within the stabilization window hold the size at ${allowed} (asked ${asked}).`,
        );
      }
      state.proposed = n.desired;
      state.inputs['proposed'] = p.desired;
    } else {
      const names = currentPerReplica.map((_, i) => objectName(pcsName, i, state));
      const results = decideHpaRole({
        role,
        spec,
        kind: target.kind,
        names,
        current: currentPerReplica,
        min: lo,
        max: hi,
        inputs: rs.hpa ?? [],
        history: h.hpa ?? [],
        now,
      });
      h = { ...h, hpa: results.map((r): HpaObjectHistory => r.history) };
      state.splitStart = results.map((r) => r.desired);
      state.proposed = sum(state.splitStart);
      state.reason = 'HpaRecommendation';
      for (const r of results) {
        state.explanation.push(() => `HPA for ${r.name}: ${r.current} → ${r.desired}${r.decision.rescaleReason !== undefined ? ` (${r.decision.rescaleReason})` : ''}.`);
      }
    }
    state.history = h;
    state.value = state.proposed;
    state.inputs['current'] = current;
    states.push(state);
  }

  // 2. The set level.
  const setMax = spec.set.maxReplicas;
  const set = decideSetReplicas({
    current: setCurrent,
    min: spec.set.minReplicas,
    max: setMax,
    scaleWhen: spec.set.scaleWhen,
    headroom: spec.scaleIn.headroom,
    roles: states.map((s) => ({ name: s.role.name, wanted: s.proposed, perReplicaMin: s.lo, perReplicaMax: s.hi })),
  });
  let setDesired = set.desired;
  const setExplanation = new Explanation(set.explanation);
  let setReason = set.reason;

  // Fixed GPU users: cliques no role scales, and roles we could not decide for (at their template size).
  const fixedGpusPerSetReplica =
    unmanagedGpusPerSetReplica(pcs, spec.roles) + sum(skipped.map((s) => (s.target ? s.target.gpusPerReplica * s.target.templateReplicas : 0)));
  const budget = spec.gpuBudget?.maxGpus;
  if (budget !== undefined && setDesired > setCurrent) {
    const floorsAt = (n: number): number => n * (fixedGpusPerSetReplica + sum(states.map((s) => s.lo * s.target.gpusPerReplica)));
    const wanted = setDesired;
    while (setDesired > Math.max(setCurrent, spec.set.minReplicas) && floorsAt(setDesired) > budget) setDesired--;
    if (setDesired !== wanted) {
      setReason = setDesired === setCurrent ? 'GpuBudget' : setReason;
      const stop = setDesired;
      setExplanation.push(() => `The GPU budget of ${budget} holds the set's minimum sizes for ${stop} replica(s) only: the set stops at ${stop}.`);
    }
  }

  // 3. Bounds for the new set size.
  for (const s of states) {
    const lo = setDesired * s.lo;
    const hi = setDesired * s.hi;
    const bounded = Math.min(hi, Math.max(lo, s.value));
    if (bounded !== s.value) {
      s.reason = bounded !== lo ? 'BoundedByMax' : s.lo === s.target.minAvailable ? 'MinAvailableFloor' : 'BoundedByMin';
      const floorNote = s.reason === 'MinAvailableFloor' ? ` (minAvailable ${s.target.minAvailable})` : '';
      s.explanation.push(() => `Bounded to ${bounded}: ${setDesired} set replica(s) × [${s.lo}, ${s.hi}] per replica${floorNote}.`);
      s.value = bounded;
    }
  }

  // 4a. GPU budget.
  const fixedGpus = setDesired * fixedGpusPerSetReplica;
  if (budget !== undefined && states.length > 0) {
    const pools: BudgetPool[] = states.map((s) => ({ name: s.role.name, current: s.current, proposed: s.value, min: setDesired * s.lo, gpus: s.target.gpusPerReplica }));
    const b = applyGpuBudget(pools, fixedGpus, budget);
    if (b.values.some((v, i) => v !== pools[i]?.proposed) || !b.feasible) {
      states.forEach((s, i) => {
        const v = b.values[i] ?? s.value;
        if (v !== s.value) {
          s.value = v;
          s.reason = 'GpuBudget';
          s.explanation.push(...b.explanation);
        }
      });
      if (!b.feasible) warnings.push(`GPU budget ${budget} cannot hold the minimum sizes (${b.usedGpus} GPUs)`);
    }
  }

  // 4b. Ratio band.
  const ratio = spec.ratio;
  if (ratio !== undefined) {
    const ps = states.find((s) => s.role.name === ratio.prefillRole);
    const ds = states.find((s) => s.role.name === ratio.decodeRole);
    if (ps !== undefined && ds !== undefined) {
      const others = sum(states.filter((s) => s !== ps && s !== ds).map((s) => s.value * s.target.gpusPerReplica));
      const room = budget === undefined ? Infinity : budget - fixedGpus - others;
      const fits = ps.value * ps.target.gpusPerReplica + ds.value * ds.target.gpusPerReplica <= room;
      const r = applyRatioBand({
        prefill: { current: ps.current, proposed: ps.value, min: setDesired * ps.lo, max: setDesired * ps.hi, gpus: ps.target.gpusPerReplica },
        decode: { current: ds.current, proposed: ds.value, min: setDesired * ds.lo, max: setDesired * ds.hi, gpus: ds.target.gpusPerReplica },
        band: ratio,
        gpuRoom: fits ? room : Infinity,
      });
      for (const [s, v] of [[ps, r.prefill], [ds, r.decode]] as const) {
        if (r.explanation.length > 0) s.explanation.push(...r.explanation);
        if (v !== s.value || !r.feasible) {
          s.reason = r.feasible ? 'RatioBand' : 'RatioBandUnreachable';
          s.value = v;
        }
      }
      if (!r.feasible) warnings.push(`ratio band ${ratio.min}–${ratio.max} for ${ratio.prefillRole}:${ratio.decodeRole} cannot be met this step without reversing a pool`);
    } else if (ps === undefined || ds === undefined) {
      warnings.push(`ratio band names a role that was not decided (${ps === undefined ? ratio.prefillRole : ratio.decodeRole})`);
    }
  }

  // 5. Spread over objects; history.
  const decisions: Decision[] = [];
  const outcomes: RoleOutcome[] = [];
  const roleHistories: Record<string, RoleHistory> = {};
  for (const s of skipped) {
    const h = history.roles[s.role.name];
    if (h !== undefined) roleHistories[s.role.name] = h;
  }
  for (const s of states) {
    const perReplica = splitAcrossReplicas(s.value, s.splitStart, setDesired, s.lo, s.hi, Math.min(s.hi, Math.max(s.lo, s.target.templateReplicas)));
    const desired = sum(perReplica);
    const inputs = s.inputs;
    inputs['desired'] = desired;
    inputs['setReplicas'] = setDesired;
    const explanation = s.explanation.with(() => `${s.role.name}: ${s.current} → ${desired} ${s.target.kind === 'PodClique' ? 'pods' : 'instances'} over ${setDesired} set replica(s).`);
    // Objects of one role share their inputs and explanation (plain data, never mutated).
    const existingInputs = inputs;
    existingInputs['exists'] = 1;
    let newInputs: Record<string, number> | undefined;
    let newExplanation: Explanation | undefined;
    perReplica.forEach((v, i) => {
      const exists = i < setCurrent;
      if (!exists) {
        newInputs ??= { ...inputs, exists: 0 };
        newExplanation ??= explanation.with(() => `Grove creates this object from the template (${s.target.templateReplicas}); its size is set once it exists.`);
      }
      decisions.push({
        kind: s.target.kind,
        name: objectName(pcsName, i, s),
        role: s.role.name,
        pcsReplicaIndex: i,
        current: exists ? (s.currentPerReplica[i] ?? v) : s.target.templateReplicas,
        desired: v,
        reason: s.reason,
        inputs: exists ? existingInputs : (newInputs ?? existingInputs),
        explanation: exists ? explanation : (newExplanation ?? explanation),
      });
    });
    outcomes.push({ role: s.role.name, kind: s.target.kind, target: s.target.template, current: s.current, desired, reason: s.reason, inputs, explanation });

    let h = s.history;
    if (spec.actuation === 'scale' && s.behavior !== undefined && desired !== s.current) {
      const events = recordScaleEvent({ scaleUpEvents: h.scaleUpEvents, scaleDownEvents: h.scaleDownEvents }, s.behavior, s.current, desired, now);
      h = { ...h, ...events, lastScaleTime: now };
    } else if (spec.actuation === 'scale' && desired !== s.current) {
      h = { ...h, lastScaleTime: now };
    }
    roleHistories[s.role.name] = h;
  }

  decisions.push({
    kind: 'PodCliqueSet',
    name: pcsName,
    current: setCurrent,
    desired: setDesired,
    reason: setReason,
    inputs: { current: setCurrent, desired: setDesired, min: spec.set.minReplicas, ...(setMax !== undefined ? { max: setMax } : {}) },
    explanation: setExplanation,
  });

  const setHistory = spec.actuation === 'scale' && setDesired !== setCurrent ? { lastScaleTime: now } : history.set;
  return {
    actuation: spec.actuation,
    decisions,
    roles: outcomes,
    set: { current: setCurrent, desired: setDesired, reason: setReason, explanation: setExplanation },
    history: { roles: roleHistories, set: setHistory },
    warnings,
  };
}
