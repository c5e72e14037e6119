import { describe, expect, it } from 'vitest';
import { validateClusterTopologyBinding, validateManifest, type ClusterTopologyBinding } from '../../../src/api/index.ts';
import { basePCS, cliqueAt } from './fixtures.ts';

describe('validateManifest: schema', () => {
  it('reports unknown fields at the key, including inside the template', () => {
    const pcs = basePCS() as unknown as { spec: { template: { cliques: { spec: Record<string, unknown> }[] } } };
    const spec = pcs.spec.template.cliques[0]?.spec;
    if (spec !== undefined) spec['minAvailible'] = 1;
    expect(validateManifest(pcs)).toEqual([
      { path: 'spec.template.cliques[0].spec.minAvailible', message: 'unknown field "minAvailible"', key: true },
    ]);
  });

  it('passes unknown podSpec fields through (core/v1 PodSpec is not modelled in full)', () => {
    const pcs = basePCS();
    Object.assign(cliqueAt(pcs, 0).spec.podSpec, { hostNetwork: true, volumes: [{ name: 'shm', emptyDir: { medium: 'Memory' } }] });
    expect(validateManifest(pcs)).toEqual([]);
  });

  it('reports missing required fields and wrong types in Kubernetes words', () => {
    const pcs = basePCS() as unknown as { spec: { replicas: unknown; template: { cliques: { spec: Record<string, unknown> }[] } } };
    pcs.spec.replicas = 'two';
    const spec = pcs.spec.template.cliques[1]?.spec;
    if (spec !== undefined) delete spec['roleName'];
    expect(validateManifest(pcs)).toEqual([
      { path: 'spec.replicas', message: 'Invalid value: "two": must be a number' },
      { path: 'spec.template.cliques[1].spec.roleName', message: 'Required value' },
    ]);
  });

  it('lists supported values for enums', () => {
    const pcs = basePCS() as unknown as { spec: { template: Record<string, unknown> } };
    pcs.spec.template['cliqueStartupType'] = 'Explicit';
    expect(validateManifest(pcs)).toEqual([
      {
        path: 'spec.template.cliqueStartupType',
        message:
          'Unsupported value: "Explicit": supported values: "CliqueStartupTypeAnyOrder", "CliqueStartupTypeInOrder", "CliqueStartupTypeExplicit"',
      },
    ]);
  });

  it('states the schema minimum', () => {
    const pcs = basePCS();
    pcs.spec.replicas = -1;
    expect(validateManifest(pcs)).toEqual([{ path: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' }]);
  });

  it('rejects quantities that are neither numbers nor strings', () => {
    const pcs = basePCS();
    cliqueAt(pcs, 0).spec.podSpec.containers[0] = { name: 'c', resources: { requests: { cpu: true as unknown as string } } };
    expect(validateManifest(pcs)).toEqual([
      {
        path: 'spec.template.cliques[0].spec.podSpec.containers[0].resources.requests.cpu',
        message: 'Invalid value: true: must be an integer or a string',
      },
    ]);
  });

  it('stops at schema errors, as the API server does before admission webhooks', () => {
    const pcs = basePCS() as unknown as { spec: Record<string, unknown> };
    pcs.spec['extra'] = 1;
    (pcs as unknown as ReturnType<typeof basePCS>).spec.template.cliques = [];
    const findings = validateManifest(pcs);
    expect(findings.map((f) => f.path)).toEqual(['spec.template.cliques', 'spec.extra']);
    expect(findings[0]?.message).toBe('at least one PodClique must be defined');
  });

  it('identifies kinds', () => {
    expect(validateManifest('text')).toEqual([{ path: '', message: 'expected a Kubernetes object (a mapping with apiVersion and kind)' }]);
    expect(validateManifest({ kind: 'PodClique' })).toEqual([{ path: 'apiVersion', message: 'Required value' }]);
    expect(validateManifest({ apiVersion: 'grove.io/v1alpha1' })).toEqual([{ path: 'kind', message: 'Required value' }]);
    expect(validateManifest({ apiVersion: 'grove.io/v1alpha1', kind: 'PodGang' })[0]?.message).toMatch(/^unsupported kind "PodGang" in "grove.io\/v1alpha1"/);
  });

  it('validates the other kinds by schema only', () => {
    const pg = {
      apiVersion: 'scheduler.grove.io/v1alpha1',
      kind: 'PodGang',
      metadata: { name: 'svc-0', namespace: 'ns' },
      spec: { podgroups: [{ name: 'svc-0-fe', podReferences: [{ namespace: 'ns', name: 'svc-0-fe-abcde' }], minReplicas: 1 }] },
      status: { phase: 'Pending' },
    };
    expect(validateManifest(pg)).toEqual([]);
    expect(validateManifest({ ...pg, status: { phase: 'Failed' } })).toEqual([
      { path: 'status.phase', message: 'Unsupported value: "Failed": supported values: "Pending", "Starting", "Running"' },
    ]);
  });

  it('applies update rules when the old object is given', () => {
    const old = basePCS();
    const next = basePCS();
    cliqueAt(next, 0).spec.roleName = 'router';
    expect(validateManifest(next, { old })).toEqual([{ path: 'spec.template.cliques[0].spec.roleName', message: 'field is immutable' }]);
  });
});

describe('validateClusterTopologyBinding', () => {
  const binding = (levels: ClusterTopologyBinding['spec']['levels']): ClusterTopologyBinding => ({
    apiVersion: 'grove.io/v1alpha1',
    kind: 'ClusterTopologyBinding',
    metadata: { name: 'dc' },
    spec: { levels },
  });

  it('accepts distinct levels', () => {
    expect(validateClusterTopologyBinding(binding([{ domain: 'zone', key: 'z' }, { domain: 'host', key: 'h' }]))).toEqual([]);
  });

  it('rejects a repeated domain', () => {
    expect(validateClusterTopologyBinding(binding([{ domain: 'zone', key: 'z' }, { domain: 'zone', key: 'h' }]))).toEqual([
      { path: 'spec.levels[1].domain', message: 'Duplicate value: "zone"' },
    ]);
  });

  it('rejects a repeated key', () => {
    expect(validateClusterTopologyBinding(binding([{ domain: 'zone', key: 'z' }, { domain: 'host', key: 'z' }]))).toEqual([
      { path: 'spec.levels[1].key', message: 'Duplicate value: "z"' },
    ]);
  });

  it('checks domain syntax in the schema', () => {
    const b = binding([{ domain: 'Zone', key: 'z' }]);
    expect(validateManifest(b)).toEqual([{ path: 'spec.levels[0].domain', message: 'Invalid value: "Zone": must match ^[a-z][a-z0-9-]*$' }]);
  });
});
