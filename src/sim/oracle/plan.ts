// The hindsight oracle (workloads.md §6): knowing the whole trace, the fewest units per role in each window
// (1 min by default) that meet the role's SLO leg in that window, by the simulator's own engine model. Each
// role is sized with the other roles at their maximum, so only its own count limits it. A window is
// simulated with the last `carryOverSeconds` of the previous window's arrivals in front of it (at the same
// count), so the requests still running when it starts load it as they would; only the window's own
// arrivals are scored. Cold starts and decisions are not modelled: the ideal counts are a lower bound.
//  - `ideal`: those counts, switched at window edges, no cold start — the lower bound on GPU-hours.
//  - `achievable`: each unit started one cold start before the window that needs it, so it is ready in
//    time; GPU time counts from its start. This is the reference a policy's ratio is reported against.
import { simulateStatic, type SimRecord } from '../static.ts';
import { windowAttainment, type Slo } from '../score/slo.ts';
import type { Step } from '../score/fleet.ts';
import type { PoolSpec, RoleSpec, RouterKind } from '../loop/types.ts';
import type { SimRequest } from '../workload/request.ts';
import { gpusPerUnit } from '../loop/run.ts';

export type OracleVariant = 'ideal' | 'achievable';

export interface OracleInput {
  readonly requests: readonly SimRequest[];
  readonly pools: readonly PoolSpec[];
  readonly roles: readonly RoleSpec[];
  readonly slo: Slo;
  readonly endTime: number;
  readonly windowSeconds?: number;
  readonly router?: RouterKind;
  /** Arrivals before the window replayed to warm it up (default 30 s); 0 simulates each window from empty. */
  readonly carryOverSeconds?: number;
}

export interface OraclePlan {
  readonly windowSeconds: number;
  /** Units per role per window, windows from time 0. */
  readonly counts: Readonly<Record<string, readonly number[]>>;
  /** Windows where even the role's maximum misses the SLO (the count is then the smallest that does as well as the maximum). */
  readonly infeasible: Readonly<Record<string, readonly number[]>>;
}

type Leg = 'ttft' | 'itl' | 'both';

function legOf(role: RoleSpec, pools: readonly PoolSpec[]): Leg {
  const phases = new Set(role.members.map((m) => pools.find((p) => p.name === m.pool)?.engineRole));
  if (phases.has('aggregated') || (phases.has('prefill') && phases.has('decode'))) return 'both';
  return phases.has('prefill') ? 'ttft' : 'itl';
}

/** Engines per pool when each role runs the given number of units. */
function enginesPerPool(roles: readonly RoleSpec[], units: readonly number[], pools: readonly PoolSpec[]): number[] {
  return pools.map((p) => roles.reduce((s, r, i) => s + (units[i] ?? 0) * r.members.filter((m) => m.pool === p.name).reduce((a, m) => a + m.count, 0), 0));
}

function simulateWindow(input: OracleInput, slice: readonly SimRequest[], units: readonly number[]): SimRecord[] {
  const counts = enginesPerPool(input.roles, units, input.pools);
  const frontIndex = input.pools.findIndex((p) => p.engineRole !== 'decode');
  const backIndex = input.pools.findIndex((p) => p.engineRole === 'decode');
  const front = input.pools[frontIndex];
  if (front === undefined) throw new RangeError('no front pool');
  const router = input.router ?? 'least-loaded';
  if (backIndex < 0) return simulateStatic({ requests: slice, profile: front.profile, replicas: Math.max(1, counts[frontIndex] ?? 1), router });
  const backPool = input.pools[backIndex] as PoolSpec;
  return simulateStatic({
    requests: slice,
    profile: backPool.profile,
    replicas: Math.max(1, counts[backIndex] ?? 1),
    router,
    disaggregated: { prefillReplicas: Math.max(1, counts[frontIndex] ?? 1), prefillProfile: front.profile },
  });
}

function windowQuantiles(records: readonly SimRecord[], from: number, slo: Slo): { ttft: number; itl: number } {
  const own = records.filter((r) => r.arrival >= from);
  const w = windowAttainment(own, slo, Number.MAX_SAFE_INTEGER).windows[0];
  return { ttft: w?.ttftQuantile ?? 0, itl: w?.itlQuantile ?? 0 };
}

export function oraclePlan(input: OracleInput): OraclePlan {
  const windowSeconds = input.windowSeconds ?? 60;
  const windows = Math.max(1, Math.ceil(input.endTime / windowSeconds - 1e-9));
  const carry = input.carryOverSeconds ?? 30;
  const slices: SimRequest[][] = Array.from({ length: windows }, () => []);
  const warmups: SimRequest[][] = Array.from({ length: windows }, () => []);
  for (const r of input.requests) {
    const k = Math.floor(r.arrival / windowSeconds);
    if (k >= 0 && k < windows) slices[k]?.push(r);
    // The tail of window k warms window k + 1.
    if (k + 1 < windows && r.arrival >= (k + 1) * windowSeconds - carry) warmups[k + 1]?.push(r);
  }
  const counts: Record<string, number[]> = {};
  const infeasible: Record<string, number[]> = {};
  input.roles.forEach((role, ri) => {
    const leg = legOf(role, input.pools);
    const lo0 = Math.max(1, role.min);
    const perWindow: number[] = [];
    const bad: number[] = [];
    slices.forEach((slice, w) => {
      if (slice.length === 0) {
        perWindow.push(role.min);
        return;
      }
      const units = (n: number): number[] => input.roles.map((r, i) => (i === ri ? n : r.max));
      const cache = new Map<number, { ttft: number; itl: number }>();
      const measure = (n: number): { ttft: number; itl: number } => {
        let m = cache.get(n);
        if (m === undefined) {
          m = windowQuantiles(simulateWindow(input, [...(warmups[w] ?? []), ...slice], units(n)), w * windowSeconds, input.slo);
          cache.set(n, m);
        }
        return m;
      };
      const meets = (m: { ttft: number; itl: number }, ttftLimit: number, itlLimit: number): boolean =>
        (leg === 'itl' || m.ttft <= ttftLimit) && (leg === 'ttft' || m.itl <= itlLimit);
      let ttftLimit = input.slo.ttftSeconds;
      let itlLimit = input.slo.itlSeconds;
      const best = measure(role.max);
      if (!meets(best, ttftLimit, itlLimit)) {
        bad.push(w);
        // Out of reach: settle for the fewest units that do as well as the maximum (within 5 %).
        ttftLimit = Math.max(ttftLimit, best.ttft * 1.05);
        itlLimit = Math.max(itlLimit, best.itl * 1.05);
      }
      let lo = lo0;
      let hi = role.max;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (meets(measure(mid), ttftLimit, itlLimit)) hi = mid;
        else lo = mid + 1;
      }
      perWindow.push(Math.max(role.min, lo));
    });
    counts[role.name] = perWindow;
    infeasible[role.name] = bad;
  });
  return { windowSeconds, counts, infeasible };
}

/** A role's oracle units over time: `ideal` switches at window edges; `achievable` starts units one cold start early. */
export function oracleTimeline(counts: readonly number[], windowSeconds: number, variant: OracleVariant, startupSeconds: number): Step[] {
  const lead = variant === 'achievable' ? startupSeconds : 0;
  const points = new Set<number>();
  counts.forEach((_, w) => {
    points.add(w * windowSeconds);
    points.add(Math.max(0, w * windowSeconds - lead));
  });
  const steps: Step[] = [];
  for (const t of [...points].sort((a, b) => a - b)) {
    // At t, every window that has started by t + lead and not ended by t needs its units.
    let value = 0;
    counts.forEach((n, w) => {
      if (w * windowSeconds - lead <= t && t < (w + 1) * windowSeconds) value = Math.max(value, n);
    });
    const last = steps[steps.length - 1];
    if (last?.value !== value) steps.push({ time: t, value });
  }
  return steps;
}

/** The oracle's GPU-hours over [start, windows × windowSeconds). */
export function oracleGpuHours(plan: OraclePlan, roles: readonly RoleSpec[], pools: readonly PoolSpec[], variant: OracleVariant, startupSeconds: number, start = 0): number {
  let total = 0;
  for (const role of roles) {
    const counts = plan.counts[role.name] ?? [];
    const steps = oracleTimeline(counts, plan.windowSeconds, variant, startupSeconds);
    const end = counts.length * plan.windowSeconds;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i] as Step;
      const from = Math.max(start, s.time);
      const to = Math.min(end, steps[i + 1]?.time ?? end);
      if (to > from) total += (s.value * (to - from) * gpusPerUnit(role, pools)) / 3600;
    }
  }
  return total;
}
