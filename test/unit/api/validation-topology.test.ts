import { describe, expect, it } from 'vitest';
import {
  validatePodCliqueSetCreate,
  validatePodCliqueSetUpdate,
  validationContext,
  type ClusterTopologyBinding,
} from '../../../src/api/index.ts';
import { basePCS, cliqueAt, groupAt } from './fixtures.ts';

const T = 'spec.template';

const binding: ClusterTopologyBinding = {
  apiVersion: 'grove.io/v1alpha1',
  kind: 'ClusterTopologyBinding',
  metadata: { name: 'dc' },
  spec: {
    levels: [
      { domain: 'zone', key: 'topology.kubernetes.io/zone' },
      { domain: 'rack', key: 'example.com/rack' },
      { domain: 'host', key: 'kubernetes.io/hostname' },
    ],
  },
};

const tas = validationContext({ topologyAwareSchedulingEnabled: true, clusterTopologyBindings: [binding] });

// PCS packs into a zone; the decode group into a rack; its worker clique onto a host.
function topologyPCS(): ReturnType<typeof basePCS> {
  const pcs = basePCS();
  pcs.spec.template.topologyConstraint = { topologyName: 'dc', pack: { required: 'zone' } };
  groupAt(pcs, 0).topologyConstraint = { pack: { required: 'rack' } };
  cliqueAt(pcs, 2).topologyConstraint = { pack: { required: 'host' } };
  return pcs;
}

describe('topology constraint validation on create', () => {
  it('accepts a consistent hierarchy', () => {
    expect(validatePodCliqueSetCreate(topologyPCS(), tas)).toEqual([]);
  });

  it('rejects any constraint when topology-aware scheduling is disabled', () => {
    const message = 'topology constraints are not allowed when Topology Aware Scheduling is disabled';
    expect(validatePodCliqueSetCreate(topologyPCS())).toEqual([
      { path: `${T}.topologyConstraint`, message },
      { path: `${T}.podCliqueScalingGroups[0].topologyConstraint`, message },
      { path: `${T}.cliques[2].topologyConstraint`, message },
    ]);
  });

  it('rejects the deprecated packDomain on new objects', () => {
    const pcs = topologyPCS();
    cliqueAt(pcs, 2).topologyConstraint = { packDomain: 'host' };
    expect(validatePodCliqueSetCreate(pcs, tas)).toEqual([
      {
        path: `${T}.cliques[2].topologyConstraint.packDomain`,
        message: 'packDomain is deprecated and cannot be used on new workloads; use pack.required',
      },
    ]);
  });

  it('requires pack', () => {
    const pcs = topologyPCS();
    cliqueAt(pcs, 2).topologyConstraint = {};
    expect(validatePodCliqueSetCreate(pcs, tas)).toEqual([
      { path: `${T}.cliques[2].topologyConstraint.pack`, message: 'topologyConstraint must specify pack or deprecated packDomain' },
    ]);
  });

  it('requires pack to name a domain', () => {
    const pcs = topologyPCS();
    cliqueAt(pcs, 2).topologyConstraint = { pack: {} };
    expect(validatePodCliqueSetCreate(pcs, tas)).toEqual([
      { path: `${T}.cliques[2].topologyConstraint.pack`, message: 'pack must specify at least one of required or preferred' },
    ]);
  });

  it('requires topologyName where it cannot be inherited', () => {
    const pcs = topologyPCS();
    delete pcs.spec.template.topologyConstraint;
    // the group and the clique then have nothing to inherit from
    expect(validatePodCliqueSetCreate(pcs, tas)).toEqual([
      {
        path: `${T}.podCliqueScalingGroups[0].topologyConstraint.topologyName`,
        message: 'topologyName is required when topologyConstraint is set and cannot be inherited',
      },
      {
        path: `${T}.cliques[2].topologyConstraint.topologyName`,
        message: 'topologyName is required when topologyConstraint is set and cannot be inherited',
      },
    ]);
  });

  it('requires one topologyName per PodCliqueSet', () => {
    const pcs = topologyPCS();
    cliqueAt(pcs, 2).topologyConstraint = { topologyName: 'other', pack: { required: 'host' } };
    const message = 'all topologyConstraint.topologyName values within a PodCliqueSet must match';
    expect(validatePodCliqueSetCreate(pcs, tas)).toEqual([
      { path: `${T}.topologyConstraint.topologyName`, message },
      { path: `${T}.cliques[2].topologyConstraint.topologyName`, message },
    ]);
  });

  it('rejects an unknown ClusterTopologyBinding', () => {
    const pcs = topologyPCS();
    const ctx = validationContext({ topologyAwareSchedulingEnabled: true });
    expect(validatePodCliqueSetCreate(pcs, ctx)).toEqual([
      { path: `${T}.topologyConstraint.topologyName`, message: 'ClusterTopologyBinding "dc" does not exist in cluster topology' },
    ]);
  });

  it('rejects a domain the binding does not define', () => {
    const pcs = topologyPCS();
    groupAt(pcs, 0).topologyConstraint = { pack: { required: 'rack', preferred: 'block' } };
    expect(validatePodCliqueSetCreate(pcs, tas)).toEqual([
      {
        path: `${T}.podCliqueScalingGroups[0].topologyConstraint.pack.preferred`,
        message: "topology domain 'block' does not exist in cluster topology [zone, rack, host]",
      },
    ]);
  });

  it('rejects a parent narrower than its child', () => {
    const pcs = topologyPCS();
    groupAt(pcs, 0).topologyConstraint = { pack: { required: 'host' } };
    cliqueAt(pcs, 2).topologyConstraint = { pack: { required: 'rack' } };
    expect(validatePodCliqueSetCreate(pcs, tas)).toEqual([
      {
        path: `${T}.podCliqueScalingGroups[0].topologyConstraint.pack.required`,
        message: "PodCliqueScalingGroup 'dec' topology constraint domain 'host' is narrower than PodClique 'wkr' topology constraint domain 'rack'",
      },
    ]);
  });

  it('rejects a PodCliqueSet constraint narrower than a clique constraint', () => {
    const pcs = topologyPCS();
    pcs.spec.template.topologyConstraint = { topologyName: 'dc', pack: { required: 'rack' } };
    cliqueAt(pcs, 0).topologyConstraint = { pack: { required: 'zone' } };
    expect(validatePodCliqueSetCreate(pcs, tas)).toEqual([
      {
        path: `${T}.topologyConstraint.pack.required`,
        message: "PodCliqueSet topology constraint domain 'rack' is narrower than PodClique 'fe' topology constraint domain 'zone'",
      },
    ]);
  });
});

describe('topology constraint validation on update', () => {
  it('accepts an unchanged constraint', () => {
    expect(validatePodCliqueSetUpdate(topologyPCS(), topologyPCS(), tas)).toEqual([]);
  });

  it('rejects adding a constraint', () => {
    const next = topologyPCS();
    cliqueAt(next, 0).topologyConstraint = { pack: { required: 'zone' } };
    expect(validatePodCliqueSetUpdate(next, topologyPCS(), tas)).toEqual([
      { path: `${T}.cliques[0].topologyConstraint`, message: "PodClique 'fe' topology constraint cannot be added after creation" },
    ]);
  });

  it('rejects removing a constraint', () => {
    const next = topologyPCS();
    delete groupAt(next, 0).topologyConstraint;
    expect(validatePodCliqueSetUpdate(next, topologyPCS(), tas)).toEqual([
      {
        path: `${T}.podCliqueScalingGroups[0].topologyConstraint`,
        message: "PodCliqueScalingGroup 'dec' topology constraint cannot be removed after creation",
      },
    ]);
  });

  it('rejects changing a constraint', () => {
    const next = topologyPCS();
    next.spec.template.topologyConstraint = { topologyName: 'dc', pack: { required: 'zone', preferred: 'rack' } };
    expect(validatePodCliqueSetUpdate(next, topologyPCS(), tas)).toEqual([
      { path: `${T}.topologyConstraint`, message: 'PodCliqueSet topology constraint cannot be changed' },
    ]);
  });
});
