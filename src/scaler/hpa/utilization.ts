import { proposeWithFill, type Proposal } from './fill.ts';
import { groupPods, type PodSample, type ReadinessTiming } from './grouping.ts';
import { clampInt32 } from './int32.ts';
import { podRequests } from './requests.ts';
import { fail, ok, type Result } from './result.ts';
import type { Tolerances } from './tolerance.ts';
import type { Pod } from './types.ts';

export interface UtilizationRatio {
  readonly ratio: number;
  /** trunc(Σusage × 100 / Σrequest), an int32 percentage. */
  readonly utilization: number;
  /** Σusage / number of pods counted, milli-units. */
  readonly rawAverage: bigint;
}

/** GetResourceUtilizationRatio: samples without a known request are skipped (stray pods). */
export function resourceUtilizationRatio(
  samples: ReadonlyMap<string, bigint>,
  requests: ReadonlyMap<string, bigint>,
  targetUtilization: number,
): Result<UtilizationRatio> {
  let usageTotal = 0n;
  let requestTotal = 0n;
  let counted = 0n;
  for (const [pod, value] of samples) {
    const request = requests.get(pod);
    if (request === undefined) continue;
    usageTotal += value;
    requestTotal += request;
    counted++;
  }
  if (requestTotal === 0n) return fail('no metrics returned matched known pods');
  const utilization = clampInt32(Number((usageTotal * 100n) / requestTotal));
  return ok({ ratio: utilization / targetUtilization, utilization, rawAverage: usageTotal / counted });
}

export interface ResourceReplicasInput {
  readonly currentReplicas: number;
  readonly targetUtilization: number;
  readonly resource: string;
  readonly container?: string | undefined;
  readonly pods: readonly Pod[];
  readonly samples: Result<ReadonlyMap<string, PodSample>>;
  readonly tolerances: Tolerances;
  readonly timing: ReadinessTiming;
}

export interface ResourceReplicas extends Proposal {
  readonly utilization: number;
  readonly rawAverage: bigint;
}

/** GetResourceReplicas: a Resource or ContainerResource metric with a Utilization target. */
export function resourceUtilizationReplicas(input: ResourceReplicasInput): Result<ResourceReplicas> {
  const { resource } = input;
  if (!input.samples.ok) return fail(`unable to get metrics for resource ${resource}: ${input.samples.error}`);
  if (input.pods.length === 0) return fail('no pods returned by selector while calculating replica count');

  const groups = groupPods(input.pods, input.samples.value, resource === 'cpu', input.timing);
  const samples = new Map<string, bigint>();
  for (const [pod, s] of input.samples.value) {
    if (!groups.ignored.has(pod) && !groups.unready.has(pod)) samples.set(pod, s.value);
  }
  if (samples.size === 0) return fail('did not receive metrics for targeted pods (pods might be unready)');

  const requests = podRequests(input.pods, resource, input.container);
  if (!requests.ok) return fail(requests.error);
  const first = resourceUtilizationRatio(samples, requests.value, input.targetUtilization);
  if (!first.ok) return fail(first.error);

  // A missing pod on a scale-down counts at 100 % of its request, or at the target when that is higher.
  const fallbackPercent = BigInt(Math.max(100, input.targetUtilization));
  const proposal = proposeWithFill({
    currentReplicas: input.currentReplicas,
    tolerances: input.tolerances,
    readyPodCount: groups.readyPodCount,
    unready: groups.unready,
    missing: groups.missing,
    samples,
    usageRatio: first.value.ratio,
    ratioOf: (filled) => {
      const r = resourceUtilizationRatio(filled, requests.value, input.targetUtilization);
      return r.ok ? ok(r.value.ratio) : fail(r.error);
    },
    scaleDownFill: (pod) => ((requests.value.get(pod) ?? 0n) * fallbackPercent) / 100n,
  });
  if (!proposal.ok) return fail(proposal.error);
  const counts = `${groups.readyPodCount} ready, ${groups.missing.size} missing, ${groups.unready.size} unready, ${groups.ignored.size} ignored`;
  return ok({
    replicas: proposal.value.replicas,
    reason: `utilization ${first.value.utilization}% of request vs target ${input.targetUtilization}% (${counts}); ${proposal.value.reason}`,
    utilization: first.value.utilization,
    rawAverage: first.value.rawAverage,
  });
}
