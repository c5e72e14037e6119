// The render podgangs and place commands, run as a user would: `node src/cli/main.ts ...`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const MAIN = join(import.meta.dirname, '../../../../src/cli/main.ts');
const SMALL = join(import.meta.dirname, '../../../../examples/clusters/small.yaml');

function run(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'canopy-place-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function pcsYaml(opts: { replicas: number; wkrGpus: number; annotations?: string }): string {
  return `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: svc
  namespace: default
${opts.annotations ?? ''}spec:
  replicas: ${opts.replicas}
  template:
    topologyConstraint: {pack: {required: zone}}
    cliques:
      - name: fe
        spec:
          roleName: fe
          replicas: 1
          podSpec: {containers: [{name: fe, resources: {requests: {cpu: "2"}}}]}
      - name: ldr
        spec:
          roleName: ldr
          replicas: 1
          podSpec: {containers: [{name: ldr, resources: {requests: {nvidia.com/gpu: 4}}}]}
      - name: wkr
        spec:
          roleName: wkr
          replicas: 2
          podSpec: {containers: [{name: wkr, resources: {requests: {nvidia.com/gpu: ${opts.wkrGpus}}}}]}
    podCliqueScalingGroups:
      - name: dec
        cliqueNames: [ldr, wkr]
        replicas: 3
        minAvailable: 1
        topologyConstraint: {pack: {required: rack}}
`;
}

const BINDING = `apiVersion: grove.io/v1alpha1
kind: ClusterTopologyBinding
metadata: {name: grove-topology}
spec:
  levels:
    - {domain: zone, key: topology.kubernetes.io/zone}
    - {domain: rack, key: topology.kubernetes.io/rack}
`;

describe('canopy render podgangs', () => {
  const pcs = file('pcs.yaml', pcsYaml({ replicas: 1, wkrGpus: 8 }));
  const topology = file('binding.yaml', BINDING);

  it('prints the base and scaled PodGangs as YAML documents', () => {
    const r = run(['render', 'podgangs', pcs, '--topology', topology]);
    expect(r.code).toBe(0);
    const gangs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { metadata: { name: string }; spec: { topologyConstraint?: unknown } });
    expect(gangs.map((g) => g.metadata.name)).toEqual(['svc-0', 'svc-0-dec-0', 'svc-0-dec-1']);
    expect(gangs[0]?.spec.topologyConstraint).toEqual({ packConstraint: { required: 'topology.kubernetes.io/zone' } });
  });

  it('prints a v1 List with -o json and applies --scale by full name', () => {
    const r = run(['render', 'podgangs', pcs, '--scale', 'svc-0-dec=1', '-o', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { apiVersion: string; kind: string; items: { metadata: { name: string } }[] };
    expect(list.apiVersion).toBe('v1');
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.metadata.name)).toEqual(['svc-0']);
  });

  it('exits 1 on an unknown --scale name and lists the names that exist', () => {
    const r = run(['render', 'podgangs', pcs, '--scale', 'svc-0-prefill=3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--scale: unknown name svc-0-prefill; known PodCliques and PodCliqueScalingGroups: svc-0-dec, svc-0-fe,');
  });

  it('exits 2 on a malformed --scale or output format', () => {
    expect(run(['render', 'podgangs', pcs, '--scale', 'svc-0-dec']).code).toBe(2);
    expect(run(['render', 'podgangs', pcs, '-o', 'xml']).code).toBe(2);
  });

  it('exits 1 with file:line:col on an invalid manifest', () => {
    const bad = file('bad.yaml', 'apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {name: x}\nspec:\n  replicas: -1\n  template: {cliques: []}\n');
    const r = run(['render', 'podgangs', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:13: spec.replicas: `, 'm'));
  });
});

describe('canopy place', () => {
  it('places a PodCliqueSet on the example cluster and exits 0', () => {
    // Base gang 4 + 2 × 2 GPUs, plus two scaled gangs of 8 GPUs that must share the base gang's zone.
    const w = file('fits.yaml', pcsYaml({ replicas: 1, wkrGpus: 2 }));
    const r = run(['place', '--cluster', SMALL, '--workload', w, '-o', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { plan: { placedGangs: number; gangs: { gang: string; placed: boolean; assignments: { pod: string; node: string }[] }[] } };
    expect(out.plan.placedGangs).toBe(3);
    const base = out.plan.gangs.find((g) => g.gang === 'svc-0');
    expect(base?.assignments.map((a) => a.pod).sort()).toEqual(['svc-0-dec-0-ldr-0', 'svc-0-dec-0-wkr-0', 'svc-0-dec-0-wkr-1', 'svc-0-fe-0']);
    // The base gang requires one zone.
    const zones = new Set(base?.assignments.map((a) => a.node.slice(0, 'gpu-a'.length)));
    expect(zones.size).toBe(1);
  });

  it('exits 1 and says why when a gang does not fit', () => {
    // Four 8-GPU workers plus a 4-GPU leader per rack-bound scaling group replica: 12 GPUs per pod group set
    // fit, but 3 set replicas × 3 scaling replicas × 20 GPUs do not fit 128 GPUs.
    const w = file('too-big.yaml', pcsYaml({ replicas: 3, wkrGpus: 8 }));
    const r = run(['place', '--cluster', SMALL, '--workload', w]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/gang default\/svc-\d(-dec-\d)?: does not fit\n {2}reason: required (zone|rack)/);
    expect(r.stdout).toMatch(/summary: 9 gangs, \d placed, \d do not fit/);
  });

  it('places a PodGang given with its pods', () => {
    const w = file(
      'podgang.yaml',
      `apiVersion: scheduler.grove.io/v1alpha1
kind: PodGang
metadata: {name: train, namespace: default}
spec:
  topologyConstraint: {packConstraint: {required: topology.kubernetes.io/rack}}
  podgroups:
    - name: train-w
      minReplicas: 2
      podReferences: [{namespace: default, name: w-0}, {namespace: default, name: w-1}]
---
apiVersion: v1
kind: Pod
metadata: {name: w-0, namespace: default}
spec: {containers: [{name: c, resources: {requests: {nvidia.com/gpu: 8}}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: w-1, namespace: default}
spec: {containers: [{name: c, resources: {requests: {nvidia.com/gpu: 8}}}]}
`,
    );
    const r = run(['place', '--cluster', SMALL, '--workload', w]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^gang default\/train: placed in zone=zone-a\/rack=rack-1 \(score 1\.00\)$/m);
  });

  it('exits 2 without the required options', () => {
    expect(run(['place', '--cluster', SMALL]).code).toBe(2);
    expect(run(['render', 'podgangs']).code).toBe(2);
  });
});
