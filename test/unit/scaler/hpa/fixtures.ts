import type { HpaSnapshot, PodMetricSample } from '../../../../src/scaler/hpa/snapshot.ts';
import type { HorizontalPodAutoscaler, MetricSpec, Pod } from '../../../../src/scaler/hpa/types.ts';
import type { PodSample } from '../../../../src/scaler/hpa/grouping.ts';

export const T0 = Date.parse('2026-01-01T00:00:00Z');
export const at = (seconds: number): number => T0 + seconds * 1000;
export const iso = (seconds: number): string => new Date(at(seconds)).toISOString();

export interface PodOptions {
  readonly phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  readonly ready?: 'True' | 'False' | 'Unknown' | 'none';
  /** Seconds after T0. */
  readonly readySince?: number;
  readonly startedAt?: number | 'none';
  readonly deleted?: boolean;
  /** cpu request per container, e.g. ["500m", "500m"]. */
  readonly cpu?: readonly string[];
  readonly memory?: string;
}

export function pod(name: string, o: PodOptions = {}): Pod {
  const ready = o.ready ?? 'True';
  const cpu = o.cpu ?? ['1'];
  return {
    metadata: { name, ...(o.deleted === true ? { deletionTimestamp: iso(0) } : {}) },
    spec: {
      containers: cpu.map((c, i) => ({
        name: `c${i}`,
        resources: { requests: { cpu: c, ...(o.memory === undefined ? {} : { memory: o.memory }) } },
      })),
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(ready === 'none' ? {} : { conditions: [{ type: 'Ready', status: ready, lastTransitionTime: iso(o.readySince ?? -3600) }] }),
      ...(o.startedAt === 'none' ? {} : { startTime: iso(o.startedAt ?? -3600) }),
    },
  };
}

export const pods = (n: number, o: PodOptions = {}): Pod[] => Array.from({ length: n }, (_, i) => pod(`p${i}`, o));

/** A sample taken at `takenAt` seconds with a 60 s window. */
export const sample = (value: bigint, takenAt = 0, windowSeconds = 60): PodSample => ({ value, timestamp: at(takenAt), windowSeconds });

export const metricSample = (podName: string, metric: string, value: bigint, extra: Partial<PodMetricSample> = {}): PodMetricSample => ({
  pod: podName,
  metric,
  value,
  timestamp: at(0),
  windowSeconds: 60,
  ...extra,
});

export function hpa(metrics: MetricSpec[], spec: Partial<HorizontalPodAutoscaler['spec']> = {}): HorizontalPodAutoscaler {
  return {
    metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 20, metrics, ...spec },
  };
}

export const cpuUtilization = (target: number): MetricSpec => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } },
});
export const podsAverage = (name: string, target: string): MetricSpec => ({
  type: 'Pods',
  pods: { metric: { name }, target: { type: 'AverageValue', averageValue: target } },
});
export const externalValue = (name: string, target: string): MetricSpec => ({
  type: 'External',
  external: { metric: { name }, target: { type: 'Value', value: target } },
});
export const externalAverage = (name: string, target: string): MetricSpec => ({
  type: 'External',
  external: { metric: { name }, target: { type: 'AverageValue', averageValue: target } },
});
export const objectValue = (name: string, target: string): MetricSpec => ({
  type: 'Object',
  object: { describedObject: { kind: 'Service', name: 'front' }, metric: { name }, target: { type: 'Value', value: target } },
});
export const objectAverage = (name: string, target: string): MetricSpec => ({
  type: 'Object',
  object: { describedObject: { kind: 'Service', name: 'front' }, metric: { name }, target: { type: 'AverageValue', averageValue: target } },
});

export function snapshot(partial: Partial<HpaSnapshot> & Pick<HpaSnapshot, 'hpa' | 'currentReplicas'>): HpaSnapshot {
  return {
    now: at(0),
    pods: [],
    podMetrics: [],
    objectMetrics: [],
    externalMetrics: [],
    // A recommendation far in the past, so the first-sync seeding and stabilization stay out of the way.
    recommendations: [{ replicas: 1, timestamp: at(-100_000) }],
    scaleUpEvents: [],
    scaleDownEvents: [],
    ...partial,
  };
}
