// Baseline: the Kubernetes HPA, exactly (src/scaler/hpa computeHpaDecision), on queue depth — a Pods metric
// `vllm:num_requests_waiting` with an AverageValue target, controller defaults (tolerance 0.1, 300 s
// downscale stabilization, 15 s sync). One HPA per role, reading its pods' per-pod values from the same
// scraped signals.
import { computeHpaDecision, DEFAULT_HPA_OPTIONS, type HorizontalPodAutoscaler, type HpaOptions, type Pod, type PodMetricSample, type ScaleEvent, type TimestampedRecommendation } from '../../scaler/hpa/index.ts';
import type { ControlView, DriverDecision, RoleSpec, ScalingPolicyDriver } from '../loop/types.ts';
import { podValue } from '../loop/observe.ts';
import { milli, simMillis, simTimestamp } from './clock.ts';

export const QUEUE_METRIC = 'vllm:num_requests_waiting';

export interface HpaHistory {
  readonly recommendations: readonly TimestampedRecommendation[];
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
}

export const EMPTY_HPA_HISTORY: HpaHistory = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };

/** The pods an HPA on this role sees: ready engines (Ready=True) and starting units (Ready=False). */
export function rolePods(view: ControlView, role: RoleSpec): { pods: Pod[]; ready: string[] } {
  const ready = role.members.flatMap((m) => view.readyPods[m.pool] ?? []);
  const perUnit = role.members.reduce((s, m) => s + m.count, 0);
  const starting = (view.roles[role.name]?.starting ?? 0) * perUnit;
  const readyPod = (name: string, isReady: boolean): Pod => ({
    metadata: { name },
    status: { phase: 'Running', startTime: simTimestamp(0), conditions: [{ type: 'Ready', status: isReady ? 'True' : 'False', lastTransitionTime: simTimestamp(0) }] },
  });
  const pods = ready.map((n) => readyPod(n, true));
  for (let k = 0; k < starting; k++) pods.push(readyPod(`${role.name}-starting-${String(k)}`, false));
  return { pods, ready };
}

export function queueHpaObject(role: RoleSpec, targetAverage: number): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: role.name },
    spec: {
      scaleTargetRef: { apiVersion: 'grove.io/v1alpha1', kind: role.kind, name: role.target },
      minReplicas: Math.max(1, role.min),
      maxReplicas: role.max,
      metrics: [{ type: 'Pods', pods: { metric: { name: QUEUE_METRIC }, target: { type: 'AverageValue', averageValue: String(targetAverage) } } }],
    },
  };
}

export interface HpaQueueOptions {
  readonly roles: readonly RoleSpec[];
  readonly namespace: string;
  /** Waiting requests per pod the HPA aims for. */
  readonly targetAverage?: number;
  readonly hpaOptions?: HpaOptions;
}

export function hpaQueueDriver(options: HpaQueueOptions): ScalingPolicyDriver {
  const target = options.targetAverage ?? 2;
  const history = new Map<string, HpaHistory>();
  return {
    name: 'hpa-queue',
    decide(view: ControlView): DriverDecision {
      const desired: Record<string, number> = {};
      const reasons: Record<string, string> = {};
      for (const role of options.roles) {
        const { pods, ready } = rolePods(view, role);
        const podMetrics: PodMetricSample[] = [];
        for (const pod of ready) {
          const v = podValue(view.signals, options.namespace, pod, 'queue_waiting');
          if (v !== undefined) podMetrics.push({ pod, metric: QUEUE_METRIC, value: milli(v), timestamp: simMillis(view.now), windowSeconds: 0 });
        }
        const past = history.get(role.name) ?? EMPTY_HPA_HISTORY;
        const current = view.roles[role.name]?.current ?? role.initial;
        const decision = computeHpaDecision(
          { now: simMillis(view.now), hpa: queueHpaObject(role, target), currentReplicas: current, pods, podMetrics, objectMetrics: [], externalMetrics: [], ...past },
          options.hpaOptions ?? DEFAULT_HPA_OPTIONS,
        );
        history.set(role.name, { recommendations: decision.recommendations, scaleUpEvents: decision.scaleUpEvents, scaleDownEvents: decision.scaleDownEvents });
        desired[role.name] = decision.desiredReplicas;
        reasons[role.name] = decision.rescaleReason ?? decision.steps.at(-1) ?? 'held';
      }
      return { desired, reasons };
    },
  };
}
