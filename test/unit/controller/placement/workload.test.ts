import { describe, expect, it } from 'vitest';
import type { PodGang } from '../../../../src/api/types.ts';
import { readManifests } from '../../../../src/controller/placement/manifests.ts';
import { gangFromPodGang, gangsFromDerivation } from '../../../../src/controller/placement/workload.ts';
import { derivePodGangs } from '../../../../src/controller/podgang/derive.ts';
import { BINDING, svc } from '../podgang/fixtures.ts';

describe('gangsFromDerivation', () => {
  it('synthesises one pod per replica with the template requests, and spreads only base gangs', () => {
    const set = { ...svc(2), metadata: { name: 'svc', namespace: 'ns', annotations: { 'canopy.dev/spread-domain': 'zone', 'canopy.dev/spread-policy': 'preferred' } } };
    const { gangs, warnings } = gangsFromDerivation(set, derivePodGangs({ pcs: set, topology: BINDING }), BINDING);
    expect(warnings).toEqual([]);
    const base = gangs.find((g) => g.name === 'svc-0');
    expect(base?.podGroups.map((pg) => [pg.name, pg.pods.map((p) => p.name), pg.minReplicas])).toEqual([
      ['svc-0-fe', ['svc-0-fe-0', 'svc-0-fe-1'], 2],
      ['svc-0-dec-0-ldr', ['svc-0-dec-0-ldr-0'], 1],
      ['svc-0-dec-0-wkr', ['svc-0-dec-0-wkr-0', 'svc-0-dec-0-wkr-1'], 2],
    ]);
    expect(base?.podGroups[2]?.pods[0]?.requests).toEqual({ 'nvidia.com/gpu': 8, cpu: 2000 });
    expect(base?.spread).toEqual({ group: 'ns/svc', key: 'topology.kubernetes.io/zone', policy: 'preferred' });
    const scaled = gangs.find((g) => g.name === 'svc-0-dec-0');
    expect(scaled?.spread).toBeUndefined();
    expect(scaled?.baseGang).toBe('svc-0');
  });

  it('warns when the spread domain is not a level of the binding', () => {
    const set = { ...svc(1), metadata: { name: 'svc', annotations: { 'canopy.dev/spread-domain': 'block' } } };
    const { gangs, warnings } = gangsFromDerivation(set, derivePodGangs({ pcs: set, topology: BINDING }), BINDING);
    expect(warnings).toEqual(['PodCliqueSet svc: canopy.dev/spread-domain block is not a level of the cluster topology; not spread']);
    expect(gangs[0]?.spread).toBeUndefined();
  });
});

describe('gangFromPodGang', () => {
  const podGang: PodGang = {
    apiVersion: 'scheduler.grove.io/v1alpha1',
    kind: 'PodGang',
    metadata: { name: 'svc-0-dec-0', namespace: 'ns' },
    spec: { podgroups: [{ name: 'svc-0-dec-1-wkr', minReplicas: 1, podReferences: [{ namespace: 'ns', name: 'w0' }] }] },
  };

  it('resolves pods and recognises a scaled gang by its pods base-podgang label', () => {
    const pods = [{ metadata: { name: 'w0', namespace: 'ns', labels: { 'grove.io/base-podgang': 'svc-0' } }, spec: { containers: [{ name: 'c', resources: { requests: { 'nvidia.com/gpu': 2 } } }] } }];
    const { gang, errors } = gangFromPodGang(podGang, pods);
    expect(errors).toEqual([]);
    expect(gang?.baseGang).toBe('svc-0');
    expect(gang?.podGroups[0]?.pods).toEqual([{ name: 'w0', requests: { 'nvidia.com/gpu': 2 } }]);
  });

  it('reports a referenced pod that is missing', () => {
    expect(gangFromPodGang(podGang, []).errors).toEqual(['PodGang svc-0-dec-0: podgroup svc-0-dec-1-wkr references pod ns/w0, which is not in the workload files']);
  });
});

describe('readManifests', () => {
  it('unwraps a v1 List and locates errors inside it', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Node\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: Node\n    metadata: {labels: {}}\n';
    const m = readManifests([{ file: 'c.yaml', text }]);
    expect(m.nodes.map((n) => n.metadata.name)).toEqual(['a']);
    expect(m.errors).toHaveLength(1);
    expect(m.errors[0]).toMatch(/^c\.yaml:9:5: items\[1\]\.metadata\.name: /);
  });

  it('rejects kinds it does not know', () => {
    const m = readManifests([{ file: 'x.yaml', text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n' }]);
    expect(m.errors).toEqual(['x.yaml:2:7: kind: unsupported kind "Deployment" in "apps/v1"']);
  });
});
