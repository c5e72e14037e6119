// What the tuner may change in a ScalingPolicy, and how a candidate becomes a policy. Discrete grids keep
// the search deterministic and its evidence readable.
import type { ScalingPolicy } from '../../api/scaling-policy.ts';

export interface Parameter {
  readonly name: string;
  readonly description: string;
  readonly values: readonly number[];
}

export type Tuning = Readonly<Record<string, number>>;

export const TUNING_SPACE: readonly Parameter[] = [
  { name: 'targetHeadroom', description: 'fraction of each latency SLO the roles aim for (slo.*.targetSeconds × this)', values: [0.6, 0.7, 0.8, 0.9, 1] },
  { name: 'scaleInHeadroom', description: 'spec.scaleIn.headroom', values: [0.5, 0.6, 0.7, 0.8, 0.9] },
  { name: 'scaleDownStabilizationSeconds', description: 'behavior.scaleDown.stabilizationWindowSeconds', values: [0, 60, 120, 300, 600] },
  { name: 'horizonSeconds', description: 'spec.prediction.horizonSeconds', values: [0, 30, 60, 120, 240] },
];

/** The starting point: what the policy says now, snapped to the grid. */
export function currentTuning(policy: ScalingPolicy): Record<string, number> {
  const snap = (p: Parameter, v: number): number => p.values.reduce((best, x) => (Math.abs(x - v) < Math.abs(best - v) ? x : best), p.values[0] ?? v);
  const param = (name: string): Parameter => TUNING_SPACE.find((p) => p.name === name) as Parameter;
  return {
    targetHeadroom: 1,
    scaleInHeadroom: snap(param('scaleInHeadroom'), policy.spec.scaleIn.headroom),
    scaleDownStabilizationSeconds: snap(param('scaleDownStabilizationSeconds'), policy.spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? 300),
    horizonSeconds: snap(param('horizonSeconds'), policy.spec.prediction.horizonSeconds),
  };
}

/** The policy with a candidate applied; `base` holds the SLO targets the headroom multiplies. */
export function applyTuning(base: ScalingPolicy, t: Tuning): ScalingPolicy {
  const k = t['targetHeadroom'] ?? 1;
  const spec = base.spec;
  const roles = spec.roles.map((r) => {
    if (r.slo === undefined) return r;
    const slo = { ...r.slo };
    if (slo.ttft !== undefined) slo.ttft = { ...slo.ttft, targetSeconds: slo.ttft.targetSeconds * k };
    if (slo.itl !== undefined) slo.itl = { ...slo.itl, targetSeconds: slo.itl.targetSeconds * k };
    return { ...r, slo };
  });
  const stabilization = t['scaleDownStabilizationSeconds'];
  const behavior = stabilization === undefined ? spec.behavior : { ...spec.behavior, scaleDown: { ...spec.behavior?.scaleDown, stabilizationWindowSeconds: stabilization } };
  return {
    ...base,
    spec: {
      ...spec,
      roles,
      ...(behavior === undefined ? {} : { behavior }),
      scaleIn: { ...spec.scaleIn, headroom: t['scaleInHeadroom'] ?? spec.scaleIn.headroom },
      prediction: { ...spec.prediction, horizonSeconds: t['horizonSeconds'] ?? spec.prediction.horizonSeconds },
    },
  };
}
