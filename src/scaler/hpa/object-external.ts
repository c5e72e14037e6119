import { formatMilli } from '../../api/quantity.ts';
import { fmt, type Proposal } from './fill.ts';
import { countReadyPods } from './grouping.ts';
import { ceilInt32 } from './int32.ts';
import { fail, ok, type Result } from './result.ts';
import { isWithin, type Tolerances } from './tolerance.ts';
import type { Pod } from './types.ts';

const INT64_MAX = 9_223_372_036_854_775_807n;

/** Σ of the external metric's items, capped at int64 max as newer controllers do. */
export function sumExternal(values: readonly bigint[]): bigint {
  let total = 0n;
  for (const v of values) {
    total += v;
    if (total > INT64_MAX) return INT64_MAX;
  }
  return total;
}

/**
 * Σ of the external metric's items for an AverageValue target (GetExternalPerPodMetricReplicas): this path
 * takes any negative running sum for an int64 overflow and answers int64 max, so a total that dips below
 * zero (negative items are valid quantities) reads as an enormous load.
 */
export function sumExternalPerPod(values: readonly bigint[]): bigint {
  let total = 0n;
  for (const v of values) {
    total += v;
    if (total < 0n || total > INT64_MAX) return INT64_MAX;
  }
  return total;
}

export interface ValueReplicasInput {
  readonly currentReplicas: number;
  readonly usage: bigint;
  readonly target: bigint;
  readonly pods: readonly Pod[];
  readonly tolerances: Tolerances;
}

/**
 * Object and External metrics with a Value target (getUsageRatioReplicaCount): ratio = usage / target;
 * ceil(ratio × Running-and-Ready pods) outside tolerance. At 0 replicas: ceil(ratio), no tolerance.
 */
export function valueReplicas(input: ValueReplicasInput): Result<Proposal> {
  const ratio = Number(input.usage) / Number(input.target);
  const head = `value ${formatMilli(input.usage)} vs target ${formatMilli(input.target)} → ratio ${fmt(ratio)}`;
  if (input.currentReplicas === 0) {
    const replicas = ceilInt32(ratio);
    return ok({ replicas, reason: `${head}; at 0 replicas ceil(ratio) = ${replicas}` });
  }
  if (isWithin(input.tolerances, ratio)) {
    return ok({ replicas: input.currentReplicas, reason: `${head}, within tolerance: keep ${input.currentReplicas}` });
  }
  if (input.pods.length === 0) {
    return fail('unable to calculate ready pods: no pods returned by selector while calculating replica count');
  }
  const ready = countReadyPods(input.pods);
  const replicas = ceilInt32(ratio * ready);
  return ok({ replicas, reason: `${head} × ${ready} ready pods → ceil = ${replicas}` });
}

export interface AverageValueReplicasInput {
  readonly statusReplicas: number;
  readonly usage: bigint;
  readonly targetAverage: bigint;
  readonly tolerances: Tolerances;
  /** External only: a total at or above int64 max (as a float64) is reported as int64 max. */
  readonly saturateAverage?: boolean;
}

export interface AverageValueProposal extends Proposal {
  /** ceil(usage / status replicas), the reported average; absent at 0 replicas. */
  readonly average?: bigint;
}

/**
 * Object and External metrics with an AverageValue target: tolerance is checked on
 * usage / (target × status replicas); outside it the proposal is ceil(usage / target), inside it the
 * status replica count (not spec).
 */
export function averageValueReplicas(input: AverageValueReplicasInput): AverageValueProposal {
  const usage = Number(input.usage);
  const target = Number(input.targetAverage);
  const ratio = usage / (target * input.statusReplicas);
  const head = `total ${formatMilli(input.usage)} vs ${formatMilli(input.targetAverage)} per pod × ${input.statusReplicas} pods → ratio ${fmt(ratio)}`;
  const saturated = input.saturateAverage === true && usage >= Number(INT64_MAX);
  const average = saturated ? INT64_MAX : input.statusReplicas === 0 ? undefined : BigInt(Math.ceil(usage / input.statusReplicas));
  const base = average === undefined ? {} : { average };
  if (isWithin(input.tolerances, ratio)) {
    return { ...base, replicas: input.statusReplicas, reason: `${head}, within tolerance: keep ${input.statusReplicas}` };
  }
  const replicas = ceilInt32(usage / target);
  return { ...base, replicas, reason: `${head}; ceil(${formatMilli(input.usage)} / ${formatMilli(input.targetAverage)}) = ${replicas}` };
}
