import type { PodCliqueSet, PodCliqueTemplateSpec } from '../../../src/api/index.ts';

export function clique(name: string, replicas: number, extra: Partial<PodCliqueTemplateSpec['spec']> = {}): PodCliqueTemplateSpec {
  return {
    name,
    spec: {
      roleName: name,
      replicas,
      podSpec: { containers: [{ name: 'main', image: 'vllm/vllm-openai:v0.10.1.1' }] },
      ...extra,
    },
  };
}

// A valid PodCliqueSet: frontend `fe` plus scaling group `dec` {ldr, wkr}. Tests mutate one thing each.
export function basePCS(): PodCliqueSet {
  return {
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'svc', namespace: 'ns' },
    spec: {
      replicas: 1,
      template: {
        cliques: [clique('fe', 1), clique('ldr', 1), clique('wkr', 2)],
        podCliqueScalingGroups: [{ name: 'dec', cliqueNames: ['ldr', 'wkr'], replicas: 2, minAvailable: 1 }],
      },
    },
  };
}

// Same, with explicit startup order: ldr and wkr start after fe.
export function explicitPCS(): PodCliqueSet {
  const pcs = basePCS();
  pcs.spec.template.cliqueStartupType = 'CliqueStartupTypeExplicit';
  const [, ldr, wkr] = pcs.spec.template.cliques;
  if (ldr !== undefined) ldr.spec.startsAfter = ['fe'];
  if (wkr !== undefined) wkr.spec.startsAfter = ['fe'];
  return pcs;
}

export function cliqueAt(pcs: PodCliqueSet, i: number): PodCliqueTemplateSpec {
  const c = pcs.spec.template.cliques[i];
  if (c === undefined) throw new Error(`no clique ${i}`);
  return c;
}

export function groupAt(pcs: PodCliqueSet, i: number): NonNullable<PodCliqueSet['spec']['template']['podCliqueScalingGroups']>[number] {
  const g = pcs.spec.template.podCliqueScalingGroups?.[i];
  if (g === undefined) throw new Error(`no group ${i}`);
  return g;
}
