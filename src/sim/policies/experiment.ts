// One experiment: a trace, a scenario (PodCliqueSet + policy → pools and roles), a seed; the oracle plan
// once, then every requested policy through the same loop, cluster, cold starts and metric pipeline.
import type { ScalingPolicy } from '../../api/scaling-policy.ts';
import { gpusPerUnit, runLoop } from '../loop/run.ts';
import { createGangPlacer } from '../loop/placer.ts';
import { rackClusterNodes, RACK_TOPOLOGY_LEVELS, type RackClusterSpec } from '../loop/cluster.ts';
import { summarizeRun, type RunSummary } from '../loop/summary.ts';
import type { Scenario } from '../loop/scenario.ts';
import type { LoopResult, RouterKind, ScalingPolicyDriver } from '../loop/types.ts';
import { oracleDriver } from '../oracle/driver.ts';
import { oracleGpuHours, oraclePlan, type OraclePlan } from '../oracle/plan.ts';
import type { Slo } from '../score/slo.ts';
import type { SimRequest } from '../workload/request.ts';
import { canopyDriver } from './canopy.ts';
import { dynamoDriver } from './dynamo.ts';
import { hpaQueueDriver } from './hpa-queue.ts';
import { meanCounts, peakCounts, staticDriver } from './static.ts';
import { thresholdDriver } from './threshold.ts';

export const POLICY_NAMES = ['canopy', 'static-peak', 'static-mean', 'hpa-queue', 'keda-threshold', 'dynamo-planner', 'oracle'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
export const BASELINE_NAMES: readonly PolicyName[] = ['static-peak', 'static-mean', 'hpa-queue', 'keda-threshold', 'dynamo-planner', 'oracle'];

export function isPolicyName(s: string): s is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(s);
}

export interface ExperimentInput {
  readonly requests: readonly SimRequest[];
  readonly scenario: Scenario;
  readonly slo: Slo;
  readonly seed: number;
  readonly startupSeconds: number;
  readonly router?: RouterKind;
  /** Racks of GPU nodes to place on; unset: every gang fits. */
  readonly cluster?: RackClusterSpec | undefined;
  readonly warmupSeconds?: number;
  /** Canopy's policy when it differs from the scenario's (the tuner's candidates). */
  readonly canopyPolicy?: ScalingPolicy;
  readonly hpaQueueTarget?: number;
}

export interface PolicyRun {
  readonly summary: RunSummary;
  readonly result: LoopResult;
}

export interface ExperimentResult {
  readonly oracle: OraclePlan;
  readonly oracleGpuHours: { readonly ideal: number; readonly achievable: number };
  readonly runs: readonly PolicyRun[];
  readonly endTime: number;
}

export function experimentEndTime(requests: readonly SimRequest[]): number {
  const last = requests[requests.length - 1]?.arrival ?? 0;
  return Math.max(60, Math.ceil((last + 1e-9) / 60) * 60);
}

export function computeOracle(input: ExperimentInput): { plan: OraclePlan; hours: { ideal: number; achievable: number } } {
  const { scenario } = input;
  const endTime = experimentEndTime(input.requests);
  const plan = oraclePlan({ requests: input.requests, pools: scenario.pools, roles: scenario.roles, slo: input.slo, endTime, router: input.router ?? 'least-loaded' });
  const warmup = input.warmupSeconds ?? 0;
  return {
    plan,
    hours: {
      ideal: oracleGpuHours(plan, scenario.roles, scenario.pools, 'ideal', input.startupSeconds, warmup),
      achievable: oracleGpuHours(plan, scenario.roles, scenario.pools, 'achievable', input.startupSeconds, warmup),
    },
  };
}

export function makeDriver(name: PolicyName, input: ExperimentInput, oracle: OraclePlan): ScalingPolicyDriver {
  const { scenario, slo } = input;
  const common = { roles: scenario.roles, pools: scenario.pools, namespace: scenario.namespace, podCliqueSet: scenario.podCliqueSet };
  switch (name) {
    case 'canopy':
      return canopyDriver({ policy: input.canopyPolicy ?? scenario.policy, pcs: scenario.pcs, roles: scenario.roles, namespace: scenario.namespace });
    case 'static-peak':
      return staticDriver(name, peakCounts(oracle.counts));
    case 'static-mean':
      return staticDriver(name, meanCounts(oracle.counts));
    case 'hpa-queue':
      return hpaQueueDriver({ roles: scenario.roles, namespace: scenario.namespace, ...(input.hpaQueueTarget === undefined ? {} : { targetAverage: input.hpaQueueTarget }) });
    case 'keda-threshold':
      return thresholdDriver({ ...common, ttftThresholdSeconds: slo.ttftSeconds, itlThresholdSeconds: slo.itlSeconds });
    case 'dynamo-planner':
      return dynamoDriver({ ...common, ttftSeconds: slo.ttftSeconds, itlSeconds: slo.itlSeconds });
    case 'oracle':
      return oracleDriver(oracle, input.startupSeconds);
  }
}

/** Initial units: statics start at their size, everything else at the oracle's first window (a warm fleet). */
function initialUnits(name: PolicyName, input: ExperimentInput, oracle: OraclePlan): Record<string, number> {
  const fixed = name === 'static-peak' ? peakCounts(oracle.counts) : name === 'static-mean' ? meanCounts(oracle.counts) : undefined;
  return Object.fromEntries(input.scenario.roles.map((r) => [r.name, fixed?.[r.name] ?? oracle.counts[r.name]?.[0] ?? r.initial]));
}

export function runPolicy(name: PolicyName, input: ExperimentInput, oracle: { plan: OraclePlan; hours: { ideal: number; achievable: number } }, onScrape?: Parameters<typeof runLoop>[0]['onScrape']): PolicyRun {
  const { scenario } = input;
  const initial = initialUnits(name, input, oracle.plan);
  const roles = scenario.roles.map((r) => ({ ...r, initial: Math.min(r.max, Math.max(r.min, initial[r.name] ?? r.initial)) }));
  const placer =
    input.cluster === undefined ? undefined : createGangPlacer({ nodes: rackClusterNodes(input.cluster), levels: RACK_TOPOLOGY_LEVELS, namespace: scenario.namespace });
  const result = runLoop({
    requests: input.requests,
    pools: scenario.pools,
    roles,
    driver: makeDriver(name, { ...input, scenario: { ...scenario, roles } }, oracle.plan),
    placer,
    router: input.router ?? 'least-loaded',
    startupSeconds: input.startupSeconds,
    seed: input.seed,
    endTime: experimentEndTime(input.requests),
    namespace: scenario.namespace,
    podCliqueSet: scenario.podCliqueSet,
    onScrape,
  });
  return { summary: summarizeRun(name, result, { slo: input.slo, warmupSeconds: input.warmupSeconds ?? 0, oracleGpuHours: oracle.hours }), result };
}

export function runExperiment(input: ExperimentInput, policies: readonly PolicyName[]): ExperimentResult {
  const oracle = computeOracle(input);
  const runs = policies.map((p) => runPolicy(p, input, oracle));
  return { oracle: oracle.plan, oracleGpuHours: oracle.hours, runs, endTime: experimentEndTime(input.requests) };
}

/** GPUs of the largest fleet the roles can reach: what a cluster must hold for a fair run. */
export function maxGpus(scenario: Scenario): number {
  return scenario.roles.reduce((s, r) => s + r.max * gpusPerUnit(r, scenario.pools), 0);
}
