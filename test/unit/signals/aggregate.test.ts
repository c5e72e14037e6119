import { describe, it, expect } from 'vitest';
import { aggregateSignals, combineSignals, GROVE_LABELS, type PodSignalsInput } from '../../../src/signals/aggregate/aggregate.ts';
import { signalKey } from '../../../src/signals/aggregate/snapshot.ts';
import type { WindowedSignals } from '../../../src/signals/window/window.ts';
import type { Histogram } from '../../../src/signals/window/histogram.ts';
import { SIGNALS, isSignalName, latencySignalName } from '../../../src/signals/names.ts';

const BOUNDS = [0.1, 0.2, 0.4, Infinity];
const hist = (counts: number[]): Histogram => ({ bounds: BOUNDS, counts, sum: 0, count: counts[counts.length - 1] ?? 0 });

function win(partial: Partial<WindowedSignals>): WindowedSignals {
  return { histograms: {}, gauges: {}, rates: {}, readings: 2, spanSeconds: 15, ...partial };
}

function pod(name: string, labels: Record<string, string>, signals: WindowedSignals | undefined): PodSignalsInput {
  return { namespace: 'ns', name, labels, signals };
}

const groveLabels = (clique: string, replica: string, pcsg?: string): Record<string, string> => ({
  [GROVE_LABELS.partOf]: 'svc',
  [GROVE_LABELS.podClique]: clique,
  [GROVE_LABELS.podCliqueSetReplicaIndex]: replica,
  ...(pcsg === undefined ? {} : { [GROVE_LABELS.podCliqueScalingGroup]: pcsg }),
});

describe('combineSignals', () => {
  it('adds bucket counts before taking the quantile instead of averaging percentiles', () => {
    // Pod A: 10 fast requests (≤0.1). Pod B: 10 slow ones in (0.2,0.4].
    const a = win({ histograms: { ttft: hist([10, 10, 10, 10]) } });
    const b = win({ histograms: { ttft: hist([0, 0, 10, 10]) } });
    const { values } = combineSignals([a, b]);
    // Merged: 10 at ≤0.1, 20 at ≤0.4. p90 rank 18 → (0.2,0.4], 8 of 10 → 0.36.
    expect(values.ttft_p90_seconds).toBeCloseTo(0.36, 12);
    // p50 rank 10 → reached at 0.1 exactly.
    expect(values.ttft_p50_seconds).toBeCloseTo(0.1, 12);
  });

  it('sums queues, running requests and rates; KV use gives mean and max', () => {
    const { values } = combineSignals([
      win({ gauges: { waiting: 0, running: 2, kvUsage: 0.2 }, rates: { requests: 1.5 } }),
      win({ gauges: { waiting: 3, running: 4, kvUsage: 0.8 }, rates: { requests: 0.5, generationTokens: 100 } }),
    ]);
    expect(values).toMatchObject({
      queue_waiting: 3,
      requests_running: 6,
      request_rate_per_second: 2,
      generation_tokens_per_second: 100,
      kv_cache_utilization_max: 0.8,
    });
    expect(values.kv_cache_utilization).toBeCloseTo(0.5, 12);
    expect(values.prompt_tokens_per_second).toBeUndefined();
  });

  it('no traffic means no latency value, while an empty queue is 0', () => {
    const { values, histograms } = combineSignals([win({ histograms: { ttft: hist([0, 0, 0, 0]) }, gauges: { waiting: 0 } })]);
    expect(histograms.ttft?.count).toBe(0);
    expect('ttft_p90_seconds' in values).toBe(false);
    expect(values.queue_waiting).toBe(0);
  });
});

describe('aggregateSignals over the Grove hierarchy', () => {
  const pods = [
    pod('svc-0-router-abc', groveLabels('svc-0-router', '0'), win({ gauges: { waiting: 1 } })),
    pod('svc-0-workers-0-prefill-x', groveLabels('svc-0-workers-0-prefill', '0', 'svc-0-workers'), win({ gauges: { waiting: 2 }, histograms: { ttft: hist([4, 4, 4, 4]) } })),
    pod('svc-0-workers-1-prefill-y', groveLabels('svc-0-workers-1-prefill', '0', 'svc-0-workers'), win({ gauges: { waiting: 3 }, histograms: { ttft: hist([0, 4, 4, 4]) } })),
    pod('svc-1-router-def', groveLabels('svc-1-router', '1'), win({ gauges: { waiting: 10 } })),
    pod('svc-1-router-ghi', groveLabels('svc-1-router', '1'), undefined),
    pod('loner', {}, win({ gauges: { waiting: 100 } })),
  ];
  const snap = aggregateSignals(pods, 1000, 60);

  it('keeps every pod, with or without Grove labels', () => {
    expect(snap.pods.size).toBe(6);
    expect(snap.pods.get(signalKey('ns', 'loner'))?.values.queue_waiting).toBe(100);
    expect(snap.pods.get(signalKey('ns', 'svc-1-router-ghi'))).toMatchObject({ pods: 1, podsReporting: 0, values: {} });
  });

  it('groups pods into PodCliques, PodCliqueScalingGroups, replicas and the PodCliqueSet', () => {
    expect([...snap.podCliques.keys()].sort()).toEqual(['ns/svc-0-router', 'ns/svc-0-workers-0-prefill', 'ns/svc-0-workers-1-prefill', 'ns/svc-1-router']);
    expect(snap.podCliques.get('ns/svc-1-router')).toMatchObject({ pods: 2, podsReporting: 1, values: { queue_waiting: 10 } });

    const pcsg = snap.scalingGroups.get('ns/svc-0-workers');
    expect(pcsg).toMatchObject({ kind: 'podcliquescalinggroup', podCliqueSet: 'svc', replicaIndex: 0, pods: 2, values: { queue_waiting: 5 } });
    // Buckets added: [4, 8, 8, 8]; p50 rank 4 → reached at 0.1.
    expect(pcsg?.histograms.ttft?.counts).toEqual([4, 8, 8, 8]);
    expect(pcsg?.values[latencySignalName('ttft', 50)]).toBeCloseTo(0.1, 12);

    expect(snap.podCliqueSetReplicas.get('ns/svc-0')).toMatchObject({ replicaIndex: 0, pods: 3, values: { queue_waiting: 6 } });
    expect(snap.podCliqueSetReplicas.get('ns/svc-1')).toMatchObject({ replicaIndex: 1, pods: 2, values: { queue_waiting: 10 } });
    expect(snap.podCliqueSets.get('ns/svc')).toMatchObject({ pods: 5, podsReporting: 4, values: { queue_waiting: 16 } });
    expect(snap.podCliqueSets.size).toBe(1);
    expect(snap).toMatchObject({ at: 1000, windowSeconds: 60 });
  });
});

describe('served names', () => {
  it('lists each name once, with a unit', () => {
    const names = SIGNALS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('ttft_p90_seconds');
    expect(names).toContain('itl_p99_seconds');
    expect(names).toContain('e2e_p50_seconds');
    expect(isSignalName('queue_waiting')).toBe(true);
    expect(isSignalName('ttft_p90')).toBe(false);
    expect(SIGNALS.find((s) => s.name === 'kv_cache_utilization')?.unit).toBe('fraction');
  });
});
