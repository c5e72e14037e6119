import { formatMilli } from '../../api/quantity.ts';
import { proposeWithFill, type Proposal } from './fill.ts';
import { groupPods, type PodSample, type ReadinessTiming } from './grouping.ts';
import { fail, ok, type Result } from './result.ts';
import type { Tolerances } from './tolerance.ts';
import type { Pod } from './types.ts';

/** GetMetricUsageRatio: usage = trunc(Σsamples / n); ratio = usage / target. */
export function metricUsageRatio(samples: ReadonlyMap<string, bigint>, target: bigint): { ratio: number; usage: bigint } {
  let total = 0n;
  for (const v of samples.values()) total += v;
  const usage = total / BigInt(samples.size);
  return { ratio: Number(usage) / Number(target), usage };
}

export interface PlainReplicasInput {
  readonly currentReplicas: number;
  /** Target average, milli-units. */
  readonly target: bigint;
  /** The resource name for Resource AverageValue ("cpu" applies the CPU readiness rules); "" for Pods. */
  readonly resource: string;
  readonly pods: readonly Pod[];
  readonly samples: ReadonlyMap<string, PodSample>;
  readonly tolerances: Tolerances;
  readonly timing: ReadinessTiming;
}

export interface PlainReplicas extends Proposal {
  /** The first-pass average, milli-units. */
  readonly usage: bigint;
}

/** calcPlainMetricReplicas: Pods metrics and Resource metrics with an AverageValue target. */
export function plainMetricReplicas(input: PlainReplicasInput): Result<PlainReplicas> {
  if (input.pods.length === 0) return fail('no pods returned by selector while calculating replica count');
  const groups = groupPods(input.pods, input.samples, input.resource === 'cpu', input.timing);
  const samples = new Map<string, bigint>();
  for (const [pod, s] of input.samples) {
    if (!groups.ignored.has(pod) && !groups.unready.has(pod)) samples.set(pod, s.value);
  }
  if (samples.size === 0) return fail('did not receive metrics for targeted pods (pods might be unready)');

  const first = metricUsageRatio(samples, input.target);
  const proposal = proposeWithFill({
    currentReplicas: input.currentReplicas,
    tolerances: input.tolerances,
    readyPodCount: groups.readyPodCount,
    unready: groups.unready,
    missing: groups.missing,
    samples,
    usageRatio: first.ratio,
    ratioOf: (filled) => ok(metricUsageRatio(filled, input.target).ratio),
    scaleDownFill: () => input.target,
  });
  if (!proposal.ok) return fail(proposal.error);
  const counts = `${groups.readyPodCount} ready, ${groups.missing.size} missing, ${groups.unready.size} unready, ${groups.ignored.size} ignored`;
  return ok({
    replicas: proposal.value.replicas,
    reason: `average ${formatMilli(first.usage)} vs target ${formatMilli(input.target)} (${counts}); ${proposal.value.reason}`,
    usage: first.usage,
  });
}

