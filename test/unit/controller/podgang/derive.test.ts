import { describe, expect, it } from 'vitest';
import type { PodGang } from '../../../../src/api/types.ts';
import type { PodObject } from '../../../../src/controller/placement/kube.ts';
import { derivePodGangs } from '../../../../src/controller/podgang/derive.ts';
import { BINDING, clique, pcs, svc } from './fixtures.ts';

function shape(gangs: readonly { podGang: PodGang }[]): [string, string[]][] {
  return gangs.map((g) => [g.podGang.metadata.name ?? '', g.podGang.spec.podgroups.map((p) => p.name)]);
}

describe('derivePodGangs: names and podgroup order', () => {
  it('derives the reference example: base svc-0 and scaled svc-0-dec-0, svc-0-dec-1', () => {
    const d = derivePodGangs({ pcs: svc() });
    expect(shape(d.gangs)).toEqual([
      ['svc-0', ['svc-0-fe', 'svc-0-dec-0-ldr', 'svc-0-dec-0-wkr']],
      ['svc-0-dec-0', ['svc-0-dec-1-ldr', 'svc-0-dec-1-wkr']],
      ['svc-0-dec-1', ['svc-0-dec-2-ldr', 'svc-0-dec-2-wkr']],
    ]);
    expect(d.gangs.map((g) => g.baseGang)).toEqual([undefined, 'svc-0', 'svc-0']);
    expect(d.errors).toEqual([]);
  });

  it('gives one base gang per set replica for standalone cliques, in template order', () => {
    const d = derivePodGangs({ pcs: pcs('web', 2, { cliques: [clique('router', 1), clique('prefill', 3, 1, {}, 2)] }) });
    expect(shape(d.gangs)).toEqual([
      ['web-0', ['web-0-router', 'web-0-prefill']],
      ['web-1', ['web-1-router', 'web-1-prefill']],
    ]);
    // minReplicas is the clique's minAvailable, which defaults to its replicas.
    expect(d.gangs[0]?.podGang.spec.podgroups.map((p) => p.minReplicas)).toEqual([1, 2]);
  });

  it('puts scaling-group replicas below minAvailable in the base gang and each one above in its own gang', () => {
    const set = pcs('m', 1, {
      cliques: [clique('a', 1), clique('b', 1)],
      podCliqueScalingGroups: [{ name: 'g', cliqueNames: ['b', 'a'], replicas: 3, minAvailable: 2 }],
    });
    expect(shape(derivePodGangs({ pcs: set }).gangs)).toEqual([
      ['m-0', ['m-0-g-0-b', 'm-0-g-0-a', 'm-0-g-1-b', 'm-0-g-1-a']],
      ['m-0-g-0', ['m-0-g-2-b', 'm-0-g-2-a']],
    ]);
  });

  it('takes live scaling-group replicas over the template, by full name', () => {
    const more = derivePodGangs({ pcs: svc(2), replicas: { 'svc-1-dec': 2, 'svc-0-dec': 1 } });
    expect(more.gangs.map((g) => g.podGang.metadata.name)).toEqual(['svc-0', 'svc-1', 'svc-1-dec-0']);
  });

  it('orders several groups and set replicas as Grove does: all bases, then per replica per group', () => {
    const set = pcs('p', 2, {
      cliques: [clique('x', 1), clique('y', 1), clique('z', 1)],
      podCliqueScalingGroups: [
        { name: 'g1', cliqueNames: ['x'], replicas: 2, minAvailable: 1 },
        { name: 'g2', cliqueNames: ['y'], replicas: 2, minAvailable: 1 },
      ],
    });
    expect(shape(derivePodGangs({ pcs: set }).gangs)).toEqual([
      ['p-0', ['p-0-z', 'p-0-g1-0-x', 'p-0-g2-0-y']],
      ['p-1', ['p-1-z', 'p-1-g1-0-x', 'p-1-g2-0-y']],
      ['p-0-g1-0', ['p-0-g1-1-x']],
      ['p-0-g2-0', ['p-0-g2-1-y']],
      ['p-1-g1-0', ['p-1-g1-1-x']],
      ['p-1-g2-0', ['p-1-g2-1-y']],
    ]);
  });

  it('reports a scaling group naming a clique the set does not define', () => {
    const set = pcs('e', 1, { cliques: [clique('a', 1)], podCliqueScalingGroups: [{ name: 'g', cliqueNames: ['nope'] }] });
    expect(derivePodGangs({ pcs: set }).errors).toEqual(['PodCliqueScalingGroup g references PodClique nope, which the PodCliqueSet does not define']);
  });
});

describe('derivePodGangs: topology', () => {
  const topo = pcs('t', 1, {
    topologyConstraint: { topologyName: 'grove-topology', pack: { required: 'zone' } },
    cliques: [clique('fe', 1, 1, { topologyConstraint: { pack: { preferred: 'host' } } }), clique('ldr', 1), clique('wkr', 1), clique('aux', 1)],
    podCliqueScalingGroups: [
      { name: 'dec', cliqueNames: ['ldr', 'wkr'], replicas: 2, minAvailable: 1, topologyConstraint: { pack: { required: 'rack' } } },
      { name: 'side', cliqueNames: ['aux'], replicas: 2, minAvailable: 1 },
    ],
  });

  it('translates set, group and clique constraints to node label keys, with group configs in the base gang', () => {
    const d = derivePodGangs({ pcs: topo, topology: BINDING });
    const [base, decScaled, sideScaled] = d.gangs.map((g) => g.podGang);
    expect(base?.spec.topologyConstraint).toEqual({ packConstraint: { required: 'topology.kubernetes.io/zone' } });
    expect(base?.spec.podgroups.map((p) => p.topologyConstraint)).toEqual([{ packConstraint: { preferred: 'kubernetes.io/hostname' } }, undefined, undefined, undefined]);
    expect(base?.spec.topologyConstraintGroupConfigs).toEqual([
      { name: 't-0-dec-0', podGroupNames: ['t-0-dec-0-ldr', 't-0-dec-0-wkr'], topologyConstraint: { packConstraint: { required: 'topology.kubernetes.io/rack' } } },
    ]);
    expect(base?.metadata.annotations).toEqual({ 'grove.io/topology-name': 'grove-topology' });
    // A scaled gang takes its group's constraint, or else the set's; it has no group configs.
    expect(decScaled?.metadata.name).toBe('t-0-dec-0');
    expect(decScaled?.spec.topologyConstraint).toEqual({ packConstraint: { required: 'topology.kubernetes.io/rack' } });
    expect(decScaled?.spec.topologyConstraintGroupConfigs).toBeUndefined();
    expect(sideScaled?.metadata.name).toBe('t-0-side-0');
    expect(sideScaled?.spec.topologyConstraint).toEqual({ packConstraint: { required: 'topology.kubernetes.io/zone' } });
  });

  it('drops a domain missing from the binding, and the whole constraint when nothing is left', () => {
    const narrow = { ...BINDING, spec: { levels: [{ domain: 'zone', key: 'topology.kubernetes.io/zone' }] } };
    const d = derivePodGangs({ pcs: topo, topology: narrow });
    const base = d.gangs[0]?.podGang;
    expect(base?.spec.topologyConstraint).toEqual({ packConstraint: { required: 'topology.kubernetes.io/zone' } });
    expect(base?.spec.podgroups[0]?.topologyConstraint).toBeUndefined();
    // The group config stays (Grove keeps it) but carries no constraint.
    expect(base?.spec.topologyConstraintGroupConfigs).toEqual([{ name: 't-0-dec-0', podGroupNames: ['t-0-dec-0-ldr', 't-0-dec-0-wkr'] }]);
    expect(d.gangs[1]?.podGang.spec.topologyConstraint).toBeUndefined();
    expect(d.warnings).toContain('PodCliqueScalingGroup t-0-dec: topology domain rack is not in ClusterTopologyBinding grove-topology; dropped');
    expect(d.warnings).toContain('PodClique t-0-fe: topology domain host is not in ClusterTopologyBinding grove-topology; dropped');
  });

  it('omits the topology-name annotation when no constraint survives', () => {
    const only = pcs('o', 1, { topologyConstraint: { pack: { required: 'block' } }, cliques: [clique('a', 1)] });
    const gang = derivePodGangs({ pcs: only, topology: BINDING }).gangs[0]?.podGang;
    expect(gang?.spec.topologyConstraint).toBeUndefined();
    expect(gang?.metadata.annotations).toBeUndefined();
  });

  it('drops every constraint when topology-aware scheduling is off (no binding)', () => {
    const d = derivePodGangs({ pcs: topo });
    for (const g of d.gangs) {
      expect(g.podGang.spec.topologyConstraint).toBeUndefined();
      expect(g.podGang.spec.topologyConstraintGroupConfigs).toBeUndefined();
      expect(g.podGang.spec.podgroups.every((p) => p.topologyConstraint === undefined)).toBe(true);
    }
  });
});

describe('derivePodGangs: metadata and pod references', () => {
  it('labels and annotates like Grove and copies priorityClassName and scheduler name', () => {
    const set = pcs(
      'svc',
      1,
      { priorityClassName: 'high', cliques: [clique('fe', 1), { ...clique('be', 1), spec: { ...clique('be', 1).spec, podSpec: { schedulerName: 'kai-scheduler', containers: [{ name: 'c' }] } } }] },
      { uid: 'u-1', labels: { team: 'a', 'grove.io/podgang': 'x' }, annotations: { note: 'n', 'grove.io/other': 'y' } },
    );
    const gang = derivePodGangs({ pcs: set }).gangs[0]?.podGang;
    expect(gang?.metadata).toEqual({
      name: 'svc-0',
      namespace: 'ns',
      labels: {
        team: 'a',
        'app.kubernetes.io/managed-by': 'grove-operator',
        'app.kubernetes.io/part-of': 'svc',
        'app.kubernetes.io/component': 'podgang',
        'grove.io/scheduler-name': 'kai-scheduler',
        'grove.io/podcliqueset-replica-index': '0',
      },
      annotations: { note: 'n' },
      ownerReferences: [{ apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSet', name: 'svc', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
    });
    expect(gang?.spec.priorityClassName).toBe('high');
  });

  it('references non-terminating pods labelled with the gang, per PodClique, sorted by name', () => {
    const pod = (name: string, pclq: string, gang: string, more: Partial<PodObject['metadata']> = {}): PodObject => ({
      metadata: { name, namespace: 'ns', labels: { 'grove.io/podgang': gang, 'grove.io/podclique': pclq }, ...more },
      spec: { containers: [] },
    });
    const pods = [
      pod('svc-0-fe-zz', 'svc-0-fe', 'svc-0'),
      pod('svc-0-fe-aa', 'svc-0-fe', 'svc-0'),
      pod('svc-0-fe-gone', 'svc-0-fe', 'svc-0', { deletionTimestamp: '2026-01-01T00:00:00Z' }),
      pod('svc-0-fe-other', 'svc-0-fe', 'svc-9'),
      pod('svc-0-fe-elsewhere', 'svc-0-fe', 'svc-0', { namespace: 'other' }),
      pod('svc-0-dec-1-ldr-x', 'svc-0-dec-1-ldr', 'svc-0-dec-0'),
    ];
    const d = derivePodGangs({ pcs: svc(), pods });
    expect(d.gangs[0]?.podGang.spec.podgroups[0]?.podReferences).toEqual([
      { namespace: 'ns', name: 'svc-0-fe-aa' },
      { namespace: 'ns', name: 'svc-0-fe-zz' },
    ]);
    expect(d.gangs[1]?.podGang.spec.podgroups[0]?.podReferences).toEqual([{ namespace: 'ns', name: 'svc-0-dec-1-ldr-x' }]);
    expect(d.gangs[0]?.podGang.spec.podgroups[1]?.podReferences).toEqual([]);
  });
});
