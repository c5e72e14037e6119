// Builders shared by the scaler tests: small policies and PodCliqueSets written the way users write them.
import { PodCliqueSetSchema, type PodCliqueSet } from '../../../src/api/index.ts';
import { parseScalingPolicy, type ScalingPolicy } from '../../../src/api/scaling-policy.ts';

export function policy(spec: Record<string, unknown>, name = 'svc'): ScalingPolicy {
  const r = parseScalingPolicy({
    apiVersion: 'canopy.dev/v1alpha1',
    kind: 'ScalingPolicy',
    metadata: { name },
    spec: { targetRef: { name }, ...spec },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

export interface CliqueDef {
  name: string;
  replicas?: number;
  minAvailable?: number;
  gpus?: number;
}

export function pcs(opts: { name?: string; replicas?: number; cliques: CliqueDef[]; groups?: { name: string; cliqueNames: string[]; replicas?: number; minAvailable?: number }[] }): PodCliqueSet {
  const doc = {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: opts.name ?? 'svc' },
    spec: {
      replicas: opts.replicas ?? 1,
      template: {
        cliques: opts.cliques.map((c) => ({
          name: c.name,
          spec: {
            roleName: c.name,
            ...(c.replicas !== undefined ? { replicas: c.replicas } : {}),
            ...(c.minAvailable !== undefined ? { minAvailable: c.minAvailable } : {}),
            podSpec: {
              containers: [
                { name: 'main', image: 'x', resources: c.gpus ? { requests: { 'nvidia.com/gpu': c.gpus }, limits: { 'nvidia.com/gpu': c.gpus } } : { requests: { cpu: '1' } } },
              ],
            },
          },
        })),
        ...(opts.groups !== undefined ? { podCliqueScalingGroups: opts.groups } : {}),
      },
    },
  };
  return PodCliqueSetSchema.parse(doc);
}

/** 8B-H100-bf16 coefficients from workloads.md §4. */
export const H100_8B = {
  prefill: { baseSeconds: 0.012, secondsPerToken: 0.000022 },
  decode: { baseSeconds: 0.006, secondsPerSequence: 0.00005, secondsPerKvToken: 0.0000003, maxNumSeqs: 256, kvCacheTokens: 450000 },
};
