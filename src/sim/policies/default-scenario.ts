// The benchmark's workload shape: disaggregated serving with standalone prefill and decode cliques (one GPU
// each) and Canopy's default SLO policy for it — p90 TTFT on prefill, p90 ITL on decode, the engine
// profile's coefficients as the capacity model, the HPA's default 300 s downscale stabilization, a
// forecast over the start-up time. Every baseline runs the same PodCliqueSet, bounds and cold start.
import { PodCliqueSetSchema, type PodCliqueSet } from '../../api/index.ts';
import { parseScalingPolicy, type ScalingPolicy } from '../../api/scaling-policy.ts';
import type { EngineProfile } from '../engine/profile.ts';
import type { Slo } from '../score/slo.ts';

export interface DefaultScenarioOptions {
  readonly profile: EngineProfile;
  readonly slo: Slo;
  readonly maxPrefill?: number;
  readonly maxDecode?: number;
  readonly startupSeconds: number;
  /** Overrides of the tunable spec fields (see tune/space.ts). */
  readonly tuning?: Readonly<Record<string, number>>;
}

export const DEFAULT_SCENARIO_NAME = 'llm-disagg';

export function defaultPodCliqueSet(initialPrefill = 1, initialDecode = 1): PodCliqueSet {
  const clique = (name: string, replicas: number) => ({
    name,
    spec: {
      roleName: name,
      replicas,
      minAvailable: 1,
      podSpec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.10.1.1', resources: { requests: { 'nvidia.com/gpu': 1 }, limits: { 'nvidia.com/gpu': 1 } } }] },
    },
  });
  return PodCliqueSetSchema.parse({
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: DEFAULT_SCENARIO_NAME, namespace: 'inference' },
    spec: { replicas: 1, template: { cliques: [clique('prefill', initialPrefill), clique('decode', initialDecode)] } },
  });
}

export function defaultPolicyDocument(o: DefaultScenarioOptions): Record<string, unknown> {
  const t = o.tuning ?? {};
  const p = o.profile;
  const q = Math.round((o.slo.quantile ?? 0.9) * 100);
  const behavior = {
    scaleUp: { stabilizationWindowSeconds: 0 },
    scaleDown: { stabilizationWindowSeconds: Math.round(t['scaleDownStabilizationSeconds'] ?? 300) },
  };
  return {
    apiVersion: 'canopy.dev/v1alpha1',
    kind: 'ScalingPolicy',
    metadata: { name: DEFAULT_SCENARIO_NAME, namespace: 'inference' },
    spec: {
      targetRef: { name: DEFAULT_SCENARIO_NAME },
      actuation: 'scale',
      intervalSeconds: 15,
      roles: [
        {
          name: 'prefill',
          target: { podClique: 'prefill' },
          mode: 'slo',
          minReplicas: 1,
          maxReplicas: o.maxPrefill ?? 8,
          slo: { ttft: { percentile: q, targetSeconds: o.slo.ttftSeconds * (t['targetHeadroom'] ?? 1) } },
          profile: { prefill: { baseSeconds: p.prefill.baseSeconds, secondsPerToken: p.prefill.perTokenSeconds } },
        },
        {
          name: 'decode',
          target: { podClique: 'decode' },
          mode: 'slo',
          minReplicas: 1,
          maxReplicas: o.maxDecode ?? 8,
          slo: { itl: { percentile: q, targetSeconds: o.slo.itlSeconds * (t['targetHeadroom'] ?? 1) } },
          profile: {
            decode: {
              baseSeconds: p.decode.baseSeconds,
              secondsPerSequence: p.decode.perSequenceSeconds,
              secondsPerKvToken: p.decode.perKvTokenSeconds,
              maxNumSeqs: p.maxNumSeqs,
              kvCacheTokens: p.kvCapacityTokens,
            },
          },
        },
      ],
      behavior,
      prediction: {
        horizonSeconds: Math.round(t['horizonSeconds'] ?? 60),
        startupSeconds: o.startupSeconds,
      },
      scaleIn: { headroom: Math.min(1, t['scaleInHeadroom'] ?? 0.8) },
    },
  };
}

export function defaultPolicy(o: DefaultScenarioOptions): ScalingPolicy {
  const r = parseScalingPolicy(defaultPolicyDocument(o));
  if (!r.ok) throw new Error(`default policy is invalid: ${r.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.value;
}
