import { builtinProfile } from '../../../../src/sim/engine/profiles.ts';
import type { ControlView, DriverDecision, LoopConfig, PoolSpec, RoleSpec, ScalingPolicyDriver } from '../../../../src/sim/loop/types.ts';
import type { SimRequest } from '../../../../src/sim/workload/request.ts';

export const PROFILE = builtinProfile();

export const AGG_POOLS: readonly PoolSpec[] = [{ name: 'worker', engineRole: 'aggregated', profile: PROFILE }];
export const PD_POOLS: readonly PoolSpec[] = [
  { name: 'prefill', engineRole: 'prefill', profile: PROFILE },
  { name: 'decode', engineRole: 'decode', profile: PROFILE },
];

export function role(name: string, initial: number, max = 8, pool = name): RoleSpec {
  return { name, kind: 'PodClique', target: pool, members: [{ pool, count: 1 }], initial, min: 1, max };
}

/** Evenly spaced requests: `rate` per second for `seconds`, fixed lengths. */
export function steadyRequests(rate: number, seconds: number, prompt = 1000, output = 100): SimRequest[] {
  const out: SimRequest[] = [];
  for (let i = 0; i < rate * seconds; i++) out.push({ id: `r${String(i)}`, arrival: i / rate, promptTokens: prompt, outputTokens: output });
  return out;
}

/** A driver that sets sizes at given times (the latest entry at or before now wins). */
export function scripted(plan: readonly { at: number; desired: Record<string, number> }[], periodSeconds = 15): ScalingPolicyDriver & { views: ControlView[] } {
  const views: ControlView[] = [];
  return {
    name: 'scripted',
    periodSeconds,
    views,
    decide(view: ControlView): DriverDecision {
      views.push(view);
      let desired: Record<string, number> = {};
      for (const p of plan) if (p.at <= view.now) desired = p.desired;
      return { desired };
    },
  };
}

export function config(overrides: Partial<LoopConfig> & Pick<LoopConfig, 'requests' | 'driver'>): LoopConfig {
  return { pools: AGG_POOLS, roles: [role('worker', 1, 8)], startupSeconds: 60, startupJitter: 0, seed: 1, ...overrides };
}
