// Baseline: latency-threshold scaling the way KEDA users set it up — a Prometheus trigger on p95 TTFT
// (prefill roles) or p95 ITL (decode roles) with metricType Value and the threshold as the target, so the
// HPA KEDA creates computes ceil(current × p95 / threshold) (tolerance 0.1); polled every 30 s; cooldown
// as a 300 s scale-down stabilization. An empty query reads 0 (KEDA's ignoreNullValues default), which
// lets an idle role fall to its minimum. The HPA arithmetic is Canopy's exact core.
import { computeHpaDecision, DEFAULT_HPA_OPTIONS, type ExternalMetricSample, type HorizontalPodAutoscaler, type MetricSpec } from '../../scaler/hpa/index.ts';
import type { SignalName } from '../../signals/index.ts';
import type { ControlView, DriverDecision, PoolSpec, RoleSpec, ScalingPolicyDriver } from '../loop/types.ts';
import { roleGroup, signalValue } from '../loop/observe.ts';
import { EMPTY_HPA_HISTORY, rolePods, type HpaHistory } from './hpa-queue.ts';
import { milli, simMillis } from './clock.ts';

export interface ThresholdOptions {
  readonly roles: readonly RoleSpec[];
  readonly pools: readonly PoolSpec[];
  readonly namespace: string;
  readonly podCliqueSet: string;
  readonly ttftThresholdSeconds: number;
  readonly itlThresholdSeconds: number;
  readonly pollingSeconds?: number;
  readonly cooldownSeconds?: number;
}

/** Which latency triggers a role gets: TTFT if it prefills, ITL if it decodes. */
export function roleTriggers(role: RoleSpec, pools: readonly PoolSpec[]): { signal: SignalName; metric: string }[] {
  const phases = new Set(role.members.map((m) => pools.find((p) => p.name === m.pool)?.engineRole));
  const out: { signal: SignalName; metric: string }[] = [];
  if (phases.has('prefill') || phases.has('aggregated')) out.push({ signal: 'ttft_p95_seconds', metric: 's0-ttft-p95' });
  if (phases.has('decode') || phases.has('aggregated')) out.push({ signal: 'itl_p95_seconds', metric: 's1-itl-p95' });
  return out;
}

export function thresholdDriver(options: ThresholdOptions): ScalingPolicyDriver {
  const history = new Map<string, HpaHistory>();
  const cooldown = options.cooldownSeconds ?? 300;
  return {
    name: 'keda-threshold',
    periodSeconds: options.pollingSeconds ?? 30,
    decide(view: ControlView): DriverDecision {
      const desired: Record<string, number> = {};
      const reasons: Record<string, string> = {};
      for (const role of options.roles) {
        const group = roleGroup(view.signals, role, options.namespace, options.podCliqueSet);
        const triggers = roleTriggers(role, options.pools);
        const metrics: MetricSpec[] = triggers.map((t) => ({
          type: 'External',
          external: { metric: { name: t.metric }, target: { type: 'Value', value: String(t.signal.startsWith('ttft') ? options.ttftThresholdSeconds : options.itlThresholdSeconds) } },
        }));
        const externalMetrics: ExternalMetricSample[] = triggers.map((t) => ({ metric: t.metric, values: [milli(signalValue(group, t.signal) ?? 0)] }));
        const hpa: HorizontalPodAutoscaler = {
          metadata: { name: `keda-hpa-${role.name}` },
          spec: {
            scaleTargetRef: { apiVersion: 'grove.io/v1alpha1', kind: role.kind, name: role.target },
            minReplicas: Math.max(1, role.min),
            maxReplicas: role.max,
            metrics,
            behavior: { scaleDown: { stabilizationWindowSeconds: cooldown } },
          },
        };
        const past = history.get(role.name) ?? EMPTY_HPA_HISTORY;
        const current = view.roles[role.name]?.current ?? role.initial;
        const decision = computeHpaDecision(
          { now: simMillis(view.now), hpa, currentReplicas: current, pods: rolePods(view, role).pods, podMetrics: [], objectMetrics: [], externalMetrics, ...past },
          DEFAULT_HPA_OPTIONS,
        );
        history.set(role.name, { recommendations: decision.recommendations, scaleUpEvents: decision.scaleUpEvents, scaleDownEvents: decision.scaleDownEvents });
        desired[role.name] = decision.desiredReplicas;
        reasons[role.name] = decision.rescaleReason ?? 'held';
      }
      return { desired, reasons };
    },
  };
}
