// Replays the achievable oracle schedule through the loop, so its attainment is measured by the same
// engines, router and cold starts as every policy's.
import type { ScalingPolicyDriver } from '../loop/types.ts';
import type { Step } from '../score/fleet.ts';
import { oracleTimeline, type OraclePlan } from './plan.ts';

function valueAt(steps: readonly Step[], t: number): number {
  let v = steps[0]?.value ?? 0;
  for (const s of steps) {
    if (s.time > t) break;
    v = s.value;
  }
  return v;
}

export function oracleDriver(plan: OraclePlan, startupSeconds: number, periodSeconds = 5): ScalingPolicyDriver {
  const timelines = Object.fromEntries(Object.entries(plan.counts).map(([role, counts]) => [role, oracleTimeline(counts, plan.windowSeconds, 'achievable', startupSeconds)]));
  return {
    name: 'oracle',
    periodSeconds,
    decide(view) {
      // Decide for the next period: a unit that must be ready at t is ordered at the sync before t.
      const t = view.now + periodSeconds;
      const desired = Object.fromEntries(Object.entries(timelines).map(([role, steps]) => [role, Math.max(valueAt(steps, view.now), valueAt(steps, t))]));
      return { desired, reasons: Object.fromEntries(Object.keys(desired).map((r) => [r, 'oracle schedule'])) };
    },
  };
}
