import type { PodSample } from './grouping.ts';
import { fail, ok, type Result } from './result.ts';
import type { PodMetricSample } from './snapshot.ts';

const toSample = (m: PodMetricSample): PodSample => ({ value: m.value, timestamp: m.timestamp, windowSeconds: m.windowSeconds });

/**
 * Resource usage per pod as the resource metrics client builds it: the sum over the pod's containers,
 * or one named container's usage (ContainerResource), which must be present in every pod's metrics.
 */
export function resourceSamples(
  podMetrics: readonly PodMetricSample[],
  resource: string,
  container?: string,
): Result<Map<string, PodSample>> {
  const entries = podMetrics.filter((m) => m.metric === resource);
  if (entries.length === 0) return fail('no metrics returned from resource metrics API');

  const byPod = new Map<string, Map<string, PodMetricSample>>();
  for (const m of entries) {
    const containers = byPod.get(m.pod) ?? new Map<string, PodMetricSample>();
    containers.set(m.container ?? '', m);
    byPod.set(m.pod, containers);
  }

  const samples = new Map<string, PodSample>();
  for (const [pod, containers] of byPod) {
    if (container !== undefined) {
      const one = containers.get(container);
      if (one === undefined) return fail(`failed to get container metrics: container ${container} not present in metrics for pod ${pod}`);
      samples.set(pod, toSample(one));
      continue;
    }
    const all = [...containers.values()];
    const first = all[0];
    if (first === undefined) continue;
    const total = all.reduce((sum, m) => sum + m.value, 0n);
    samples.set(pod, { value: total, timestamp: first.timestamp, windowSeconds: first.windowSeconds });
  }
  return ok(samples);
}

/** A custom per-pod metric keyed by pod name; a later sample for the same pod overwrites an earlier one. */
export function podsMetricSamples(podMetrics: readonly PodMetricSample[], metric: string): Result<Map<string, PodSample>> {
  // A PodMetricSample is a PodSample already (value, timestamp, window): kept as is, not copied.
  const samples = new Map<string, PodSample>();
  for (const m of podMetrics) if (m.metric === metric) samples.set(m.pod, m);
  if (samples.size === 0) return fail('no metrics returned from custom metrics API');
  return ok(samples);
}
