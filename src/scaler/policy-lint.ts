// Checks a parsed ScalingPolicy against the PodCliqueSet it targets. Pure: findings carry the field path; the
// CLI turns paths into file:line:col.
import type { PodCliqueSet } from '../api/index.ts';
import { policyMetricName, roleTargetKind, roleTargetName, type PolicyMetricSpec, type ScalingPolicy } from '../api/scaling-policy.ts';
import { isSignalName, latencySignalName } from '../signals/names.ts';
import { inRatioBand } from './ratio.ts';
import { resolveTarget, unmanagedGpusPerSetReplica, type ResolvedTarget } from './targets.ts';

export interface LintFinding {
  readonly severity: 'error' | 'warning';
  readonly path: readonly (string | number)[];
  readonly message: string;
}

// The live scaler feeds hpa roles from Canopy's own signals; it has no metrics.k8s.io (metrics-server) client,
// and Prometheus names outside the signal set are not collected. Such a role is held at its size, its status
// saying the metric is unavailable; `canopy hpa explain` still computes it from given values.
const NO_RESOURCE_SOURCE = 'the live scaler reads no metrics.k8s.io resource metrics yet, so this role is held at its size (status: MetricsUnavailable)';

function liveUnreadable(m: PolicyMetricSpec): string | undefined {
  if (m.type === 'Resource' || m.type === 'ContainerResource') return `${m.type} metric: ${NO_RESOURCE_SOURCE}`;
  const name = policyMetricName(m);
  if (name !== undefined && !isSignalName(name)) {
    return `metric "${name}" is not one of Canopy's signals (e.g. ${latencySignalName('ttft', 90)}, queue_waiting): the live scaler has no value for it and holds this role at its size`;
  }
  return undefined;
}

/** Checks that need no PodCliqueSet. */
export function lintPolicy(policy: ScalingPolicy): LintFinding[] {
  const out: LintFinding[] = [];
  const spec = policy.spec;
  if (spec.set.scaleWhen !== 'Never' && spec.set.maxReplicas === undefined) {
    out.push({ severity: 'warning', path: ['spec', 'set', 'scaleWhen'], message: `scaleWhen ${spec.set.scaleWhen} has no effect without set.maxReplicas: the set never grows` });
  }
  spec.roles.forEach((role, i) => {
    if (role.mode === 'hpa' && (role.metrics === undefined || role.metrics.length === 0)) {
      out.push({ severity: 'warning', path: ['spec', 'roles', i, 'mode'], message: `hpa role without metrics: the HPA default applies (CPU at 80 % of requests); ${NO_RESOURCE_SOURCE}` });
    }
    role.metrics?.forEach((m, k) => {
      const unread = liveUnreadable(m);
      if (unread !== undefined) out.push({ severity: 'warning', path: ['spec', 'roles', i, 'metrics', k], message: unread });
    });
    if (role.mode === 'slo' && role.profile === undefined) {
      out.push({
        severity: 'warning',
        path: ['spec', 'roles', i, 'slo'],
        message: `no profile: capacity is fitted online after ${spec.scaleIn.minObservations} observations; until then this role scales on the observed percentiles alone`,
      });
    }
  });
  if (spec.ratio !== undefined) {
    for (const key of ['prefillRole', 'decodeRole'] as const) {
      const role = spec.roles.find((r) => r.name === spec.ratio?.[key]);
      if (role?.mode === 'slo' && key === 'prefillRole' && role.slo?.ttft === undefined) {
        out.push({ severity: 'warning', path: ['spec', 'ratio', key], message: `prefill role "${role.name}" has no TTFT target` });
      }
    }
  }
  return out;
}

/** The range of the ratio a pair of [lo, hi] pools can reach, checked exactly on integers. */
function ratioFeasible(p: { lo: number; hi: number }, d: { lo: number; hi: number }, band: { min: number; max: number }): boolean {
  for (let x = p.lo; x <= p.hi; x++) {
    const yLo = Math.max(d.lo, Math.ceil(x / band.max - 1e-9));
    const yHi = Math.min(d.hi, Math.floor(x / band.min + 1e-9));
    if (yLo <= yHi && inRatioBand(x, yLo, band)) return true;
  }
  return false;
}

/** Checks against the target PodCliqueSet: roles exist, phase cliques are group members, floors, ratio and budget feasibility, writers. */
export function lintPolicyAgainst(policy: ScalingPolicy, pcs: PodCliqueSet): LintFinding[] {
  const out = lintPolicy(policy);
  const spec = policy.spec;
  const pcsName = pcs.metadata.name ?? '';
  if (spec.targetRef.name !== pcsName) {
    out.push({ severity: 'error', path: ['spec', 'targetRef', 'name'], message: `targets PodCliqueSet "${spec.targetRef.name}" but the given PodCliqueSet is "${pcsName}"` });
  }
  const resolved = new Map<string, { target: ResolvedTarget; lo: number; hi: number }>();
  spec.roles.forEach((role, i) => {
    const at = ['spec', 'roles', i] as const;
    const r = resolveTarget(pcs, role);
    if (!r.ok) {
      out.push({ severity: 'error', path: [...at, 'target', roleTargetKind(role) === 'PodClique' ? 'podClique' : 'podCliqueScalingGroup'], message: r.message });
      return;
    }
    const t = r.target;
    if (role.minReplicas !== undefined && role.minReplicas < t.minAvailable) {
      out.push({ severity: 'error', path: [...at, 'minReplicas'], message: `minReplicas ${role.minReplicas} is below the ${t.kind}'s minAvailable ${t.minAvailable}` });
    }
    if (role.maxReplicas < t.minAvailable) {
      out.push({ severity: 'error', path: [...at, 'maxReplicas'], message: `maxReplicas ${role.maxReplicas} is below the ${t.kind}'s minAvailable ${t.minAvailable}` });
    }
    const phases = role.slo?.phaseCliques;
    if (phases !== undefined && t.kind === 'PodCliqueScalingGroup') {
      const members = (pcs.spec.template.podCliqueScalingGroups ?? []).find((g) => g.name === t.template)?.cliqueNames ?? [];
      for (const phase of ['prefill', 'decode'] as const) {
        phases[phase].forEach((name, k) => {
          if (!members.includes(name)) {
            out.push({
              severity: 'error',
              path: [...at, 'slo', 'phaseCliques', phase, k],
              message: `"${name}" is not a member clique of scaling group "${t.template}" (cliqueNames: ${members.join(', ')})`,
            });
          }
        });
      }
    }
    const lo = Math.max(role.minReplicas ?? t.minAvailable, t.minAvailable);
    resolved.set(role.name, { target: t, lo, hi: Math.max(role.maxReplicas, lo) });
    // Grove creates an HPA for a template with autoscaling config: two writers would fight over /scale.
    const name = roleTargetName(role);
    const groveAutoscaled =
      t.kind === 'PodClique'
        ? pcs.spec.template.cliques.find((c) => c.name === name)?.spec.autoScalingConfig !== undefined
        : (pcs.spec.template.podCliqueScalingGroups ?? []).find((g) => g.name === name)?.scaleConfig !== undefined;
    if (groveAutoscaled && spec.actuation === 'scale') {
      out.push({
        severity: 'warning',
        path: [...at, 'target'],
        message: `Grove also creates an HPA for ${t.kind} template "${name}" (${t.kind === 'PodClique' ? 'autoScalingConfig' : 'scaleConfig'}): remove it, or two writers will fight over /scale`,
      });
    }
  });

  const setReplicas = Math.max(1, spec.set.minReplicas);
  if (spec.ratio !== undefined) {
    const p = resolved.get(spec.ratio.prefillRole);
    const d = resolved.get(spec.ratio.decodeRole);
    if (p !== undefined && d !== undefined) {
      const pr = { lo: setReplicas * p.lo, hi: setReplicas * p.hi };
      const dr = { lo: setReplicas * d.lo, hi: setReplicas * d.hi };
      if (!ratioFeasible(pr, dr, spec.ratio)) {
        out.push({
          severity: 'error',
          path: ['spec', 'ratio'],
          message: `no sizes within prefill [${pr.lo}, ${pr.hi}] and decode [${dr.lo}, ${dr.hi}] give a ratio in ${spec.ratio.min}–${spec.ratio.max}`,
        });
      }
    }
  }
  if (spec.gpuBudget !== undefined) {
    const floors = [...resolved.values()].reduce((s, r) => s + r.lo * r.target.gpusPerReplica, 0) + unmanagedGpusPerSetReplica(pcs, spec.roles);
    const need = setReplicas * floors;
    if (need > spec.gpuBudget.maxGpus) {
      out.push({
        severity: 'error',
        path: ['spec', 'gpuBudget', 'maxGpus'],
        message: `the minimum sizes already need ${need} GPUs (${setReplicas} set replica(s)), over the budget of ${spec.gpuBudget.maxGpus}`,
      });
    }
  }
  return out;
}
