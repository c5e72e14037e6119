import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const NODE = process.execPath;

function run(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NODE, [join(ROOT, 'src/cli/main.ts'), 'validate', ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'canopy-validate-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const PCS = `apiVersion: grove.io/v1alpha1
kind: PodCliqueSet
metadata:
  name: svc
spec:
  replicas: 1
  template:
    cliques:
      - name: fe
        spec:
          roleName: fe
          replicas: 2
          podSpec:
            containers:
              - name: main
                image: vllm/vllm-openai:v0.10.1.1
`;

describe('canopy validate', () => {
  it('runs on Node 24', () => {
    expect(execFileSync(NODE, ['--version'], { encoding: 'utf8' })).toMatch(/^v2[4-9]\./);
  });

  it('exits 0 and reports nothing on stderr for valid manifests', () => {
    const dir = tempDir({ 'ok.yaml': PCS });
    const r = run(['ok.yaml'], dir);
    expect(r).toEqual({ status: 0, stdout: 'ok: 1 object(s) in 1 file(s)\n', stderr: '' });
  });

  it('prints file:line:col: path: message per finding across documents and exits 1', () => {
    const text = `${PCS.replace('replicas: 2', 'replicas: 2\n          minAvailable: 3')}---
apiVersion: grove.io/v1alpha1
kind: PodClique
metadata:
  name: svc-0-fe
spec:
  roleName: fe
  replicas: 1
  podSpec:
    containers: [{name: main}]
  startAfter: [x]
---
apiVersion: grove.io/v1alpha1
kind: ClusterTopologyBinding
metadata:
  name: dc
spec:
  levels:
    - domain: zone
      key: topology.kubernetes.io/zone
    - domain: zone
      key: kubernetes.io/hostname
`;
    const dir = tempDir({ 'm.yaml': text });
    const r = run(['m.yaml'], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      'm.yaml:13:25: spec.template.cliques[0].spec.minAvailable: minAvailable must not be greater than replicas',
      'm.yaml:28:3: spec.startAfter: unknown field "startAfter"',
      'm.yaml:38:15: spec.levels[1].domain: Duplicate value: "zone"',
      '',
    ]);
  });

  it('points at the nearest parent when the offending field is absent', () => {
    const text = PCS.replace(/ {10}roleName: fe\n/, '');
    const dir = tempDir({ 'p.yaml': text });
    const r = run(['p.yaml'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('p.yaml:10:9: spec.template.cliques[0].spec.roleName: Required value\n');
  });

  it("reports bad YAML at the parser's position", () => {
    const dir = tempDir({ 'bad.yaml': 'apiVersion: grove.io/v1alpha1\nkind: [PodCliqueSet\nmetadata: {}\n' });
    const r = run(['bad.yaml'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^bad\.yaml:3:1: syntax error: /);
  });

  it('validates an update against --old', () => {
    const newer = PCS.replace('roleName: fe', 'roleName: router').replace('replicas: 1', 'replicas: 3');
    const dir = tempDir({ 'old.yaml': PCS, 'new.yaml': newer });
    const r = run(['new.yaml', '--old', 'old.yaml'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('new.yaml:11:21: spec.template.cliques[0].spec.roleName: field is immutable\n');
    expect(run(['new.yaml'], dir).status).toBe(0);
  });

  it('uses ClusterTopologyBindings from the inputs when topology-aware scheduling is on', () => {
    const binding = `apiVersion: grove.io/v1alpha1
kind: ClusterTopologyBinding
metadata:
  name: dc
spec:
  levels:
    - domain: zone
      key: topology.kubernetes.io/zone
    - domain: host
      key: kubernetes.io/hostname
`;
    const pcs = PCS.replace('    cliques:', '    topologyConstraint:\n      topologyName: dc\n      pack:\n        required: rack\n    cliques:');
    const dir = tempDir({ 'ct.yaml': binding, 'pcs.yaml': pcs });
    const on = run(['--topology-aware-scheduling', 'ct.yaml', 'pcs.yaml'], dir);
    expect(on.stderr).toBe(
      "pcs.yaml:11:19: spec.template.topologyConstraint.pack.required: topology domain 'rack' does not exist in cluster topology [zone, host]\n",
    );
    const off = run(['ct.yaml', 'pcs.yaml'], dir);
    expect(off.stderr).toBe(
      'pcs.yaml:9:7: spec.template.topologyConstraint: topology constraints are not allowed when Topology Aware Scheduling is disabled\n',
    );
  });

  it('exits 2 on usage errors and 1 on unreadable files', () => {
    const dir = tempDir({});
    expect(run([], dir).status).toBe(2);
    const r = run(['missing.yaml'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^missing\.yaml: cannot read: /);
  });
});
