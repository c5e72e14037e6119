import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { helmBinary } from '../support/helm.ts';

const chart = fileURLToPath(new URL('../../charts/canopy', import.meta.url));

interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}

function template(...args: string[]): Rendered[] {
  const out = execFileSync(helmBinary(), ['template', 'canopy', chart, '--namespace', 'canopy-system', ...args], {
    encoding: 'utf8',
  });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Rendered | null)
    .filter((d): d is Rendered => d !== null);
}

describe.skipIf(process.env.CANOPY_SKIP_INTEGRATION === '1')('helm chart (real helm)', () => {
  it('passes helm lint --strict', () => {
    const res = spawnSync(helmBinary(), ['lint', '--strict', chart], { encoding: 'utf8' });
    expect(res.stdout).toContain('0 chart(s) failed');
    expect(res.status).toBe(0);
  });

  it('renders the adapter, its three APIServices and the delegated-auth RBAC', () => {
    const docs = template();
    const names = docs.map((d) => `${d.kind}/${d.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Deployment/canopy',
        'Service/canopy',
        'ServiceAccount/canopy',
        'APIService/v1beta2.custom.metrics.k8s.io',
        'APIService/v1beta1.custom.metrics.k8s.io',
        'APIService/v1beta1.external.metrics.k8s.io',
        'ClusterRoleBinding/canopy:system:auth-delegator',
        'RoleBinding/canopy-auth-reader',
      ]),
    );
    const reader = docs.find((d) => d.kind === 'RoleBinding');
    expect(reader?.metadata.namespace).toBe('kube-system');
    const v2 = docs.find((d) => d.metadata.name === 'v1beta2.custom.metrics.k8s.io');
    expect(v2?.spec).toMatchObject({ versionPriority: 200, service: { name: 'canopy', namespace: 'canopy-system', port: 443 } });
  });

  it('leaves external.metrics.k8s.io to another owner when asked', () => {
    const kinds = template('--set', 'metricsApi.external=false').filter((d) => d.kind === 'APIService');
    expect(kinds.map((d) => d.metadata.name).sort()).toEqual(['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io']);
  });

  it('rejects values that values.schema.json forbids, naming the field', () => {
    const res = spawnSync(helmBinary(), ['template', 'canopy', chart, '--set', 'controller.mode=volcano'], { encoding: 'utf8' });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/controller[./]mode/);
    const unknown = spawnSync(helmBinary(), ['template', 'canopy', chart, '--set', 'scaler.syncPeriod=3'], { encoding: 'utf8' });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('syncPeriod');
  });
});
