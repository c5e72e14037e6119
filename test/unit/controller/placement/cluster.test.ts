import { describe, expect, it } from 'vitest';
import { buildClusterModel } from '../../../../src/controller/placement/cluster.ts';
import { boundPod, grid, LEVELS, node } from './fixtures.ts';

describe('buildClusterModel', () => {
  it('keys domains by the full path of label values, so repeated rack names stay distinct', () => {
    const model = buildClusterModel({ nodes: grid(['z1', 'z2'], ['r1'], 2), levels: LEVELS });
    const racks = (model.domainsByLevel[1] ?? []).map((d) => model.domains[d]?.id);
    expect(racks).toEqual(['zone=z1/rack=r1', 'zone=z2/rack=r1']);
    const hosts = (model.domainsByLevel[2] ?? []).map((d) => model.domains[d]?.id);
    expect(hosts).toContain('zone=z2/rack=r1/host=z2-r1-n1');
    expect(model.domains[0]?.nodes).toHaveLength(4);
  });

  it('excludes cordoned, NotReady and unlabelled nodes and says why', () => {
    const nodes = [
      node('ok', 'z1', 'r1'),
      node('cordoned', 'z1', 'r1', 8, { spec: { unschedulable: true } }),
      node('sick', 'z1', 'r1', 8, {
        status: { allocatable: { 'nvidia.com/gpu': '8' }, conditions: [{ type: 'Ready', status: 'False' }] },
      }),
      { metadata: { name: 'bare', labels: { 'topology.kubernetes.io/zone': 'z1' } }, status: { allocatable: { cpu: '4' } } },
    ];
    const model = buildClusterModel({ nodes, levels: LEVELS });
    expect(model.nodes.map((n) => n.name)).toEqual(['ok']);
    expect(model.excluded).toEqual([
      { node: 'bare', reason: 'missing topology label topology.kubernetes.io/rack' },
      { node: 'cordoned', reason: 'cordoned (spec.unschedulable)' },
      { node: 'sick', reason: 'NotReady (Ready=False)' },
    ]);
  });

  it('subtracts bound pods from their node and every enclosing domain, ignoring finished pods', () => {
    const nodes = grid(['z1'], ['r1', 'r2'], 2);
    const done = { ...boundPod('done', 'z1-r1-n0', 8), status: { phase: 'Succeeded' } };
    const model = buildClusterModel({ nodes, pods: [boundPod('a', 'z1-r1-n0', 3), boundPod('b', 'z1-r1-n1', 2), done], levels: LEVELS });
    const gpu = model.resources.indexOf('nvidia.com/gpu');
    expect(model.nodes.find((n) => n.name === 'z1-r1-n0')?.free[gpu]).toBe(5);
    const rack1 = model.domains.find((d) => d.id === 'zone=z1/rack=r1');
    const rack2 = model.domains.find((d) => d.id === 'zone=z1/rack=r2');
    expect(rack1?.free[gpu]).toBe(16 - 5);
    expect(rack1?.allocatable[gpu]).toBe(16);
    expect(rack2?.free[gpu]).toBe(16);
    expect(model.domains[0]?.free[gpu]).toBe(32 - 5);
  });

  it('warns about pods bound to nodes it does not know', () => {
    const model = buildClusterModel({ nodes: grid(['z1'], ['r1'], 1), pods: [boundPod('lost', 'nowhere', 1)], levels: LEVELS });
    expect(model.warnings).toEqual(['pod default/lost is bound to unknown node nowhere']);
  });

  it('reads quantities in scheduler units: cpu in milli, memory in bytes', () => {
    const model = buildClusterModel({
      nodes: [{ metadata: { name: 'n', labels: { a: 'x' } }, status: { allocatable: { cpu: '1500m', memory: '1Gi', pods: '110' } } }],
      levels: [{ domain: 'zone', key: 'a' }],
    });
    expect(model.resources).toEqual(['cpu', 'memory']);
    expect(model.nodes[0]?.allocatable).toEqual([1500, 2 ** 30]);
  });
});
