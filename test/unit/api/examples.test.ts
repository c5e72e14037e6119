import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { defaultPodCliqueSet, PodCliqueSetSchema, type PodCliqueSet } from '../../../src/api/index.ts';
import { validateSources } from '../../../src/cli/commands/validate.ts';

const ROOT = join(import.meta.dirname, '../../..');
const EXAMPLES = ['disaggregated-single-node', 'disaggregated-multi-node', 'agentic-pipeline', 'aggregated'];

function load(name: string): { file: string; text: string; pcs: PodCliqueSet } {
  const file = join('policies', name, 'podcliqueset.yaml');
  const text = readFileSync(join(ROOT, file), 'utf8');
  // The examples are single-document files.
  return { file, text, pcs: PodCliqueSetSchema.parse(parseYaml(text)) };
}

describe('example PodCliqueSets', () => {
  it.each(EXAMPLES)('%s is valid under Grove rules', (name) => {
    const { file, text } = load(name);
    expect(validateSources([{ file, text }]).lines).toEqual([]);
  });

  it('disaggregated-single-node: workers start after the frontend, prefill:decode = 1:2 in one scaling group', () => {
    const { pcs } = load('disaggregated-single-node');
    const t = pcs.spec.template;
    expect(t.cliqueStartupType).toBe('CliqueStartupTypeExplicit');
    const byName = new Map(t.cliques.map((c) => [c.name, c]));
    expect(byName.get('prefill')?.spec.startsAfter).toEqual(['frontend']);
    expect(byName.get('decode')?.spec.startsAfter).toEqual(['frontend']);
    expect(byName.get('prefill')?.spec.replicas).toBe(1);
    expect(byName.get('decode')?.spec.replicas).toBe(2);
    expect(t.podCliqueScalingGroups?.map((g) => g.cliqueNames)).toEqual([['prefill', 'decode']]);
  });

  it('disaggregated-multi-node: leader/worker scaling groups with GPU workers', () => {
    const { pcs } = load('disaggregated-multi-node');
    const t = pcs.spec.template;
    expect(t.podCliqueScalingGroups?.map((g) => [g.name, g.cliqueNames])).toEqual([
      ['prefill', ['pleader', 'pworker']],
      ['decode', ['dleader', 'dworker']],
    ]);
    for (const worker of ['pworker', 'dworker']) {
      const c = t.cliques.find((x) => x.name === worker);
      expect(c?.spec.podSpec.containers[0]?.resources?.requests?.['nvidia.com/gpu']).toBeDefined();
    }
  });

  it('leave schedulerName unset so every clique uses the default scheduler', () => {
    for (const name of EXAMPLES) {
      const { pcs } = load(name);
      for (const c of defaultPodCliqueSet(pcs).object.spec.template.cliques) expect(c.spec.podSpec.schedulerName).toBeUndefined();
    }
  });
});
