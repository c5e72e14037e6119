// Baseline: a Dynamo-style planner (scaling-and-placement.md §1). Two loops:
//  - throughput, every 180 s: demand = the mean token rate seen over the last interval (constant
//    predictor); floor = ceil(demand / per-engine capacity at the SLO), at least min;
//  - load, every sync: +1 when the role's observed p90 latency exceeds the SLA, −1 when the latency scaled
//    by N/(N−1) stays under 80 % of it (and decode KV scaled the same way stays under 1), ±1 per step and
//    no new step while the previous one has not converged (ready < current).
// Desired = max(load answer, throughput floor), within [min, max]. Deviation from Dynamo: the load loop
// runs at the 15 s sync period (Dynamo: 5 s) because the signals are scraped every 15 s here, and the
// latency estimate is the observed percentile rather than a per-engine regression.
import type { ControlView, DriverDecision, PoolSpec, RoleSpec, ScalingPolicyDriver } from '../loop/types.ts';
import { roleGroup, signalValue } from '../loop/observe.ts';
import { decodeTokensPerSecond, prefillTokensPerSecond } from './capacity.ts';

export interface DynamoOptions {
  readonly roles: readonly RoleSpec[];
  readonly pools: readonly PoolSpec[];
  readonly namespace: string;
  readonly podCliqueSet: string;
  readonly ttftSeconds: number;
  readonly itlSeconds: number;
  readonly throughputIntervalSeconds?: number;
  readonly scaleDownSensitivity?: number;
  /** Request shape the capacity is read at (Dynamo's defaults 3000 / 150). */
  readonly isl?: number;
  readonly osl?: number;
}

export interface LoadStepInput {
  readonly current: number;
  readonly ready: number;
  readonly observed: number | undefined;
  readonly sla: number;
  readonly sensitivity: number;
  readonly kvUsage?: number | undefined;
}

/** The load loop's ±1 rule for one role. */
export function loadStep(s: LoadStepInput): number {
  if (s.ready < s.current || s.observed === undefined) return s.current;
  if (s.observed > s.sla) return s.current + 1;
  if (s.current <= 1) return s.current;
  const spread = s.current / (s.current - 1);
  const kvOk = s.kvUsage === undefined || s.kvUsage * spread < 1;
  return s.observed * spread < s.sensitivity * s.sla && kvOk ? s.current - 1 : s.current;
}

export function dynamoDriver(options: DynamoOptions): ScalingPolicyDriver {
  const interval = options.throughputIntervalSeconds ?? 180;
  const sensitivity = options.scaleDownSensitivity ?? 0.8;
  const isl = options.isl ?? 3000;
  const osl = options.osl ?? 150;
  const samples = new Map<string, { time: number; value: number }[]>();
  const floors = new Map<string, number>();
  let nextThroughput = 0;
  const phaseOf = (role: RoleSpec): 'prefill' | 'decode' | 'aggregated' => {
    const roles = new Set(role.members.map((m) => options.pools.find((p) => p.name === m.pool)?.engineRole));
    return roles.has('aggregated') || (roles.has('prefill') && roles.has('decode')) ? 'aggregated' : roles.has('prefill') ? 'prefill' : 'decode';
  };
  const profileOf = (role: RoleSpec) => options.pools.find((p) => p.name === role.members[0]?.pool)?.profile;
  return {
    name: 'dynamo-planner',
    decide(view: ControlView): DriverDecision {
      const desired: Record<string, number> = {};
      const reasons: Record<string, string> = {};
      const throughputTick = view.now >= nextThroughput;
      if (throughputTick) nextThroughput = view.now + interval;
      for (const role of options.roles) {
        const group = roleGroup(view.signals, role, options.namespace, options.podCliqueSet);
        const phase = phaseOf(role);
        const rateSignal = phase === 'decode' ? 'generation_tokens_per_second' : 'prompt_tokens_per_second';
        const series = samples.get(role.name) ?? [];
        const rate = signalValue(group, rateSignal);
        if (rate !== undefined) series.push({ time: view.now, value: rate });
        while (series.length > 0 && (series[0]?.time ?? 0) <= view.now - interval) series.shift();
        samples.set(role.name, series);
        const profile = profileOf(role);
        const perUnit = role.members.reduce((s, m) => s + m.count, 0);
        if (throughputTick && profile !== undefined && series.length > 0) {
          const demand = series.reduce((s, x) => s + x.value, 0) / series.length;
          const capacity = (phase === 'decode' ? decodeTokensPerSecond(profile, options.itlSeconds, isl + osl / 2) : prefillTokensPerSecond(profile, isl)) * perUnit;
          floors.set(role.name, Math.max(role.min, capacity > 0 ? Math.ceil(demand / capacity) : role.max));
        }
        const v = view.roles[role.name];
        const current = v?.current ?? role.initial;
        const latency = phase === 'decode' ? signalValue(group, 'itl_p90_seconds') : signalValue(group, 'ttft_p90_seconds');
        const load = loadStep({
          current,
          ready: v?.ready ?? current,
          observed: latency,
          sla: phase === 'decode' ? options.itlSeconds : options.ttftSeconds,
          sensitivity,
          kvUsage: phase === 'decode' ? signalValue(group, 'kv_cache_utilization') : undefined,
        });
        const floor = floors.get(role.name) ?? role.min;
        desired[role.name] = Math.min(role.max, Math.max(role.min, load, floor));
        reasons[role.name] = floor > load ? `throughput floor ${String(floor)}` : load > current ? 'load +1' : load < current ? 'load −1' : 'held';
      }
      return { desired, reasons };
    },
  };
}
