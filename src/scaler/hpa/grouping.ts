import { parseTimestamp } from './time.ts';
import type { Pod } from './types.ts';

/** A pod's sample as the metrics client hands it over (keyed by pod name). */
export interface PodSample {
  readonly value: bigint;
  readonly timestamp: number;
  readonly windowSeconds: number;
}

export interface PodGroups {
  /** Pods whose sample is used as is. */
  readonly readyPodCount: number;
  /** Pending pods, and (CPU only) pods not yet ready or whose sample predates readiness. */
  readonly unready: ReadonlySet<string>;
  /** Pods without a sample. */
  readonly missing: ReadonlySet<string>;
  /** Deleted and Failed pods. */
  readonly ignored: ReadonlySet<string>;
}

export interface ReadinessTiming {
  readonly now: number;
  readonly cpuInitializationPeriodMs: number;
  readonly initialReadinessDelayMs: number;
}

// A missing lastTransitionTime is Go's zero time: earlier than everything.
const timeOr = (text: string | undefined, fallback: number): number => (text === undefined ? fallback : parseTimestamp(text));

/** The Ready condition, as podutil.GetPodCondition finds it (first match). */
export function readyCondition(pod: Pod): { status: string; lastTransition: number } | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  return c === undefined ? undefined : { status: c.status, lastTransition: timeOr(c.lastTransitionTime, Number.NEGATIVE_INFINITY) };
}

// CPU samples are distrusted while a pod starts: a sample counts only once the pod is ready and one full
// metric window has passed since it became ready (inside the initialization period), or, after that
// period, unless the pod is unready and has never been ready.
function cpuUnready(pod: Pod, sample: PodSample, timing: ReadinessTiming): boolean {
  const condition = readyCondition(pod);
  const start = pod.status?.startTime;
  if (condition === undefined || start === undefined) return true;
  const startTime = parseTimestamp(start);
  if (startTime + timing.cpuInitializationPeriodMs > timing.now) {
    return condition.status === 'False' || sample.timestamp < condition.lastTransition + sample.windowSeconds * 1000;
  }
  return condition.status === 'False' && startTime + timing.initialReadinessDelayMs > condition.lastTransition;
}

const NONE: ReadonlySet<string> = new Set<string>();

/** groupPods: each pod falls in exactly one group, checked in the controller's order. */
export function groupPods(
  pods: readonly Pod[],
  samples: ReadonlyMap<string, PodSample>,
  isCpu: boolean,
  timing: ReadinessTiming,
): PodGroups {
  // Most reconciles have every pod ready: the sets are made only when a pod lands in them.
  let unready: Set<string> | undefined;
  let missing: Set<string> | undefined;
  let ignored: Set<string> | undefined;
  let readyPodCount = 0;
  for (const pod of pods) {
    const name = pod.metadata.name;
    const phase = pod.status?.phase;
    if ((pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null) || phase === 'Failed') {
      (ignored ??= new Set()).add(name);
      continue;
    }
    if (phase === 'Pending') {
      (unready ??= new Set()).add(name);
      continue;
    }
    const sample = samples.get(name);
    if (sample === undefined) {
      (missing ??= new Set()).add(name);
      continue;
    }
    if (isCpu && cpuUnready(pod, sample, timing)) {
      (unready ??= new Set()).add(name);
      continue;
    }
    readyPodCount++;
  }
  return { readyPodCount, unready: unready ?? NONE, missing: missing ?? NONE, ignored: ignored ?? NONE };
}

/** Running pods whose Ready condition is True (getReadyPodsCount); terminating pods still count. */
export function countReadyPods(pods: readonly Pod[]): number {
  return pods.filter((p) => p.status?.phase === 'Running' && readyCondition(p)?.status === 'True').length;
}
