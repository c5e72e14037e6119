import { describe, expect, it } from 'vitest';
import { derivePodGangs } from '../../../../src/controller/podgang/derive.ts';
import { BINDING, clique, pcs } from './fixtures.ts';

// Cases where an earlier version of derivePodGangs differed from Grove's PodGang component
// (operator/internal/controller/podcliqueset/components/podgang). Each table is named after the Grove
// function whose behaviour it pins.

describe('buildResource / getLabels: PodGang labels', () => {
  const table: readonly [string, Record<string, string> | undefined, Record<string, string>][] = [
    [
      'operator labels only: managed-by, part-of, component, replica index, scheduler name; no app.kubernetes.io/name',
      undefined,
      {
        'app.kubernetes.io/managed-by': 'grove-operator',
        'app.kubernetes.io/part-of': 'svc',
        'app.kubernetes.io/component': 'podgang',
        'grove.io/podcliqueset-replica-index': '0',
        'grove.io/scheduler-name': 'default-scheduler',
      },
    ],
    [
      'a PodCliqueSet app.kubernetes.io/name label is mirrored, not replaced by the gang name',
      { team: 'platform', 'app.kubernetes.io/name': 'demo' },
      {
        team: 'platform',
        'app.kubernetes.io/name': 'demo',
        'app.kubernetes.io/managed-by': 'grove-operator',
        'app.kubernetes.io/part-of': 'svc',
        'app.kubernetes.io/component': 'podgang',
        'grove.io/podcliqueset-replica-index': '0',
        'grove.io/scheduler-name': 'default-scheduler',
      },
    ],
  ];
  it.each(table)('%s', (_name, labels, expected) => {
    const set = pcs('svc', 1, { cliques: [clique('fe', 1)] }, labels === undefined ? {} : { labels });
    expect(derivePodGangs({ pcs: set }).gangs[0]?.podGang.metadata.labels).toEqual(expected);
  });
});

describe('buildResource / FindExplicitTopologyNameForPodCliqueSet: topology-name annotation', () => {
  const withNames = (names: { set?: string; group?: string; clique?: string }) =>
    pcs('t', 1, {
      topologyConstraint: { ...(names.set === undefined ? {} : { topologyName: names.set }), pack: { required: 'zone' } },
      cliques: [clique('a', 1, 1, { topologyConstraint: { ...(names.clique === undefined ? {} : { topologyName: names.clique }), pack: { required: 'host' } } }), clique('b', 1)],
      podCliqueScalingGroups: [
        { name: 'g', cliqueNames: ['b'], replicas: 1, minAvailable: 1, topologyConstraint: { ...(names.group === undefined ? {} : { topologyName: names.group }), pack: { required: 'rack' } } },
      ],
    });
  const table: readonly [string, { set?: string; group?: string; clique?: string }, Record<string, string> | undefined][] = [
    ['named on the set', { set: 'grove-topology' }, { 'grove.io/topology-name': 'grove-topology' }],
    ['named only on a scaling group', { group: 'grove-topology' }, { 'grove.io/topology-name': 'grove-topology' }],
    ['named only on a clique', { clique: 'grove-topology' }, { 'grove.io/topology-name': 'grove-topology' }],
    // Translated constraints but no explicit topologyName: Grove removes the annotation rather than
    // falling back to the binding it translated with.
    ['named nowhere: no annotation', {}, undefined],
  ];
  it.each(table)('%s', (_name, names, expected) => {
    const gang = derivePodGangs({ pcs: withNames(names), topology: BINDING }).gangs[0]?.podGang;
    expect(gang?.spec.topologyConstraint).toEqual({ packConstraint: { required: 'topology.kubernetes.io/zone' } });
    expect(gang?.metadata.annotations).toEqual(expected);
  });
});
