import { formatMilli } from '../../api/quantity.ts';
import { needsFill, proposeWithFill, proposeWithoutFill, type Proposal } from './fill.ts';
import { groupPods, type PodGroups, type PodSample, type ReadinessTiming } from './grouping.ts';
import { fail, ok, type Result } from './result.ts';
import type { Tolerances } from './tolerance.ts';
import type { PodMetricSample } from './snapshot.ts';
import type { Pod } from './types.ts';

/** GetMetricUsageRatio: usage = trunc(Σsamples / n); ratio = usage / target. `samples` is not empty. */
export function metricUsageRatio(samples: ReadonlyMap<string, bigint>, target: bigint): { ratio: number; usage: bigint } {
  const { usage } = average(samples.values());
  return { ratio: Number(usage) / Number(target), usage: asBigInt(usage) };
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
  /** The same as quantity text (status.currentMetrics averageValue). */
  readonly averageValue: string;
}

/** trunc(a / b) for safe integers a and b > 0, exact (the float quotient can round across an integer). */
function truncDiv(a: number, b: number): number {
  let q = Math.trunc(a / b);
  const r = a - q * b;
  if (a >= 0) {
    if (r < 0) q--;
    else if (r >= b) q++;
  } else if (r > 0) q++;
  else if (r <= -b) q--;
  // -0 (from a small negative sum) would print as 0 but is not the 0n bigint division gives.
  return q === 0 ? 0 : q;
}

/** Whether a pod's sample counts in the average: neither ignored nor unready (stray samples count). */
function counted(groups: PodGroups, pod: string): boolean {
  return !groups.ignored.has(pod) && !groups.unready.has(pod);
}

/** The counted samples' values, milli-units. */
function keptValues(samples: ReadonlyMap<string, PodSample>, groups: PodGroups): bigint[] {
  const values: bigint[] = [];
  for (const [pod, s] of samples) if (counted(groups, pod)) values.push(s.value);
  return values;
}

const asBigInt = (v: number | bigint): bigint => (typeof v === 'bigint' ? v : BigInt(v));

/**
 * trunc(Σ / n) over milli-values, as GetMetricUsageRatio computes it: in doubles while every value and the
 * running sum are safe integers (so exactly), else in bigint. Usage 0 when there are none.
 */
function average(values: Iterable<bigint>): { count: number; usage: number | bigint } {
  let count = 0;
  let sum = 0;
  let big: bigint | undefined;
  for (const v of values) {
    count++;
    if (big === undefined) {
      // A bigint beyond ±(2⁵³ − 1) converts to a double beyond it too, so this is the safe-integer test.
      const next = sum + Number(v);
      if (Number.isSafeInteger(next)) {
        sum = next;
        continue;
      }
      big = BigInt(sum);
    }
    big += v;
  }
  if (count === 0) return { count, usage: 0 };
  return { count, usage: big === undefined ? truncDiv(sum, count) : big / BigInt(count) };
}

// Every HPA of a role has the same target: its text is kept from the last call.
let lastTarget: { milli: bigint; text: string } | undefined;
function targetText(milli: bigint): string {
  if (lastTarget?.milli !== milli) lastTarget = { milli, text: formatMilli(milli) };
  return lastTarget.text;
}

type PlainTarget = Pick<PlainReplicasInput, 'currentReplicas' | 'target' | 'tolerances'>;

// The second half of calcPlainMetricReplicas, once the pods are grouped and the first-pass average is known.
function replicasFrom(
  input: PlainTarget,
  groups: PodGroups,
  first: { usage: number | bigint },
  filledSamples: () => ReadonlyMap<string, bigint>,
): Result<PlainReplicas> {
  const ratio = Number(first.usage) / Number(input.target);
  let proposal: Result<Proposal>;
  if (!needsFill(groups.unready.size, groups.missing.size, ratio)) {
    proposal = ok(proposeWithoutFill(input.currentReplicas, input.tolerances, ratio, groups.readyPodCount));
  } else {
    proposal = proposeWithFill({
      currentReplicas: input.currentReplicas,
      tolerances: input.tolerances,
      readyPodCount: groups.readyPodCount,
      unready: groups.unready,
      missing: groups.missing,
      samples: filledSamples(),
      usageRatio: ratio,
      ratioOf: (filled) => ok(metricUsageRatio(filled, input.target).ratio),
      scaleDownFill: () => input.target,
    });
  }
  if (!proposal.ok) return fail(proposal.error);
  const averageValue = formatMilli(first.usage);
  const counts = `${groups.readyPodCount} ready, ${groups.missing.size} missing, ${groups.unready.size} unready, ${groups.ignored.size} ignored`;
  return ok({
    replicas: proposal.value.replicas,
    reason: `average ${averageValue} vs target ${targetText(input.target)} (${counts}); ${proposal.value.reason}`,
    usage: asBigInt(first.usage),
    averageValue,
  });
}

/** calcPlainMetricReplicas: Pods metrics and Resource metrics with an AverageValue target. */
export function plainMetricReplicas(input: PlainReplicasInput): Result<PlainReplicas> {
  if (input.pods.length === 0) return fail('no pods returned by selector while calculating replica count');
  const groups = groupPods(input.pods, input.samples, input.resource === 'cpu', input.timing);
  const first = average(keptValues(input.samples, groups));
  if (first.count === 0) return fail('did not receive metrics for targeted pods (pods might be unready)');
  return replicasFrom(input, groups, first, () => {
    const samples = new Map<string, bigint>();
    for (const [pod, s] of input.samples) if (counted(groups, pod)) samples.set(pod, s.value);
    return samples;
  });
}

const NO_PODS: ReadonlySet<string> = new Set<string>();
// Nothing is missing or unready on the aligned path, so the filled samples are never asked for.
const NOTHING_TO_FILL = (): ReadonlyMap<string, bigint> => new Map();

// The aligned path checks names pairwise (n² integer compares): past a few dozen pods the map is cheaper.
const ALIGNED_MAX_PODS = 32;

/**
 * A Pods metric's samples when they line up with the pods: one sample of the metric per pod, in the pods'
 * order, the names distinct, and no pod deleted, Failed or Pending. Then every pod is ready with its own
 * sample, which is all the keyed samples and groupPods would find, so neither needs building. Undefined for
 * any other shape: the caller takes the general path.
 */
export function alignedPodSamples(pods: readonly Pod[], podMetrics: readonly PodMetricSample[], metric: string): PodSample[] | undefined {
  const n = pods.length;
  if (n === 0 || n > ALIGNED_MAX_PODS) return undefined;
  const samples: PodSample[] = [];
  for (const m of podMetrics) {
    if (m.metric !== metric) continue;
    const pod = pods[samples.length];
    if (pod === undefined || m.pod !== pod.metadata.name) return undefined;
    samples.push(m);
  }
  if (samples.length !== n) return undefined;
  // Distinct names, checked pairwise on (length, last character) first: generated names (…-0, …-1) differ
  // there, so whole names are rarely compared.
  const keys: number[] = [];
  for (let i = 0; i < n; i++) {
    const pod = pods[i];
    if (pod === undefined) return undefined;
    const phase = pod.status?.phase;
    if (pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null) return undefined;
    if (phase === 'Failed' || phase === 'Pending') return undefined;
    const name = pod.metadata.name;
    if (name.length === 0) return undefined;
    const key = name.length * 65_536 + name.charCodeAt(name.length - 1);
    for (let j = 0; j < i; j++) if (keys[j] === key && pods[j]?.metadata.name === name) return undefined;
    keys.push(key);
  }
  return samples;
}

/** plainMetricReplicas over aligned samples (alignedPodSamples): all pods ready, nothing to fill in. */
export function alignedPodsMetricReplicas(input: PlainTarget, samples: readonly PodSample[]): Result<PlainReplicas> {
  const groups: PodGroups = { readyPodCount: samples.length, unready: NO_PODS, missing: NO_PODS, ignored: NO_PODS };
  return replicasFrom(input, groups, average(samples.map((s) => s.value)), NOTHING_TO_FILL);
}
