import type { ClusterTopologyBinding, PodCliqueSet, PodCliqueTemplateSpec } from '../../../../src/api/types.ts';

export function clique(name: string, replicas: number, gpus = 1, more: Partial<PodCliqueTemplateSpec> = {}, minAvailable?: number): PodCliqueTemplateSpec {
  return {
    name,
    ...more,
    spec: {
      roleName: name,
      replicas,
      ...(minAvailable === undefined ? {} : { minAvailable }),
      podSpec: { containers: [{ name: 'main', image: 'engine', resources: { requests: { 'nvidia.com/gpu': gpus, cpu: '2' } } }] },
    },
  };
}

export function pcs(name: string, replicas: number, template: PodCliqueSet['spec']['template'], meta: Partial<PodCliqueSet['metadata']> = {}): PodCliqueSet {
  return { apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSet', metadata: { name, namespace: 'ns', ...meta }, spec: { replicas, template } };
}

export const BINDING: ClusterTopologyBinding = {
  apiVersion: 'grove.io/v1alpha1',
  kind: 'ClusterTopologyBinding',
  metadata: { name: 'grove-topology' },
  spec: {
    levels: [
      { domain: 'zone', key: 'topology.kubernetes.io/zone' },
      { domain: 'rack', key: 'topology.kubernetes.io/rack' },
      { domain: 'host', key: 'kubernetes.io/hostname' },
    ],
  },
};

/** The reference's invented example: PCS svc, clique fe, scaling group dec {ldr, wkr; replicas 3; minAvailable 1}. */
export function svc(replicas = 1): PodCliqueSet {
  return pcs('svc', replicas, {
    cliques: [clique('fe', 2), clique('ldr', 1, 4), clique('wkr', 2, 8)],
    podCliqueScalingGroups: [{ name: 'dec', cliqueNames: ['ldr', 'wkr'], replicas: 3, minAvailable: 1 }],
  });
}
