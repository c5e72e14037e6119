import { describe, expect, it } from 'vitest';
import { validatePodCliqueSetUpdate } from '../../../src/api/index.ts';
import { basePCS, clique, cliqueAt, explicitPCS, groupAt } from './fixtures.ts';

const T = 'spec.template';
const IMMUTABLE = 'field is immutable';

describe('PodCliqueSet update validation', () => {
  it('allows the changes Grove allows', () => {
    const old = basePCS();
    const next = basePCS();
    next.spec.replicas = 3;
    cliqueAt(next, 0).spec.replicas = 2;
    cliqueAt(next, 0).spec.minAvailable = 1;
    cliqueAt(old, 0).spec.minAvailable = 1;
    cliqueAt(next, 0).spec.podSpec.containers[0] = { name: 'main', image: 'vllm/vllm-openai:v0.11.0' };
    cliqueAt(next, 0).labels = { tier: 'web' };
    groupAt(next, 0).replicas = 4;
    groupAt(next, 0).scaleConfig = { maxReplicas: 6 };
    next.spec.template.priorityClassName = 'high';
    next.spec.template.terminationDelay = '1h';
    next.spec.updateStrategy = { type: 'OnDelete' };
    expect(validatePodCliqueSetUpdate(next, old)).toEqual([]);
  });

  it('still applies the create rules that are not create-only', () => {
    const next = basePCS();
    cliqueAt(next, 2).spec.minAvailable = 5;
    const old = basePCS();
    cliqueAt(old, 2).spec.minAvailable = 5;
    expect(validatePodCliqueSetUpdate(next, old)).toEqual([
      { path: `${T}.cliques[2].spec.minAvailable`, message: 'minAvailable must not be greater than replicas' },
    ]);
  });

  it('allows nodeName on update (create-only rule)', () => {
    const next = basePCS();
    cliqueAt(next, 0).spec.podSpec.nodeName = 'n1';
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([]);
  });

  it('rejects adding a clique', () => {
    const next = basePCS();
    next.spec.template.cliques.push(clique('extra', 1));
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([
      { path: `${T}.cliques`, message: 'not allowed to change clique composition' },
      { path: `${T}.cliques[3].name`, message: "not allowed to change clique composition, new clique name 'extra' is not allowed" },
    ]);
  });

  it('rejects renaming a clique', () => {
    const next = basePCS();
    cliqueAt(next, 0).name = 'frontend';
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([
      { path: `${T}.cliques[0].name`, message: "not allowed to change clique composition, new clique name 'frontend' is not allowed" },
    ]);
  });

  it('rejects reordering cliques when the startup type is InOrder or Explicit', () => {
    const old = basePCS();
    old.spec.template.cliqueStartupType = 'CliqueStartupTypeInOrder';
    const next = structuredClone(old);
    next.spec.template.cliques.reverse();
    expect(validatePodCliqueSetUpdate(next, old)).toEqual([
      {
        path: `${T}.cliques[0].name`,
        message: "clique order cannot be changed when StartupType is InOrder or Explicit. Expected 'fe' at position 0, got 'wkr'",
      },
      {
        path: `${T}.cliques[2].name`,
        message: "clique order cannot be changed when StartupType is InOrder or Explicit. Expected 'wkr' at position 2, got 'fe'",
      },
    ]);
  });

  it('allows reordering cliques with AnyOrder', () => {
    const next = basePCS();
    next.spec.template.cliques.reverse();
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([]);
  });

  it('rejects changing roleName', () => {
    const next = basePCS();
    cliqueAt(next, 0).spec.roleName = 'router';
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([{ path: `${T}.cliques[0].spec.roleName`, message: IMMUTABLE }]);
  });

  it('rejects changing minAvailable', () => {
    const next = basePCS();
    cliqueAt(next, 2).spec.minAvailable = 1;
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([{ path: `${T}.cliques[2].spec.minAvailable`, message: IMMUTABLE }]);
  });

  it('rejects changing startsAfter', () => {
    const next = explicitPCS();
    cliqueAt(next, 2).spec.startsAfter = ['fe', 'ldr'];
    expect(validatePodCliqueSetUpdate(next, explicitPCS())).toEqual([{ path: `${T}.cliques[2].spec.startsAfter`, message: IMMUTABLE }]);
  });

  it('rejects changing schedulerName', () => {
    const next = basePCS();
    for (const c of next.spec.template.cliques) c.spec.podSpec.schedulerName = 'default-scheduler';
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([
      { path: `${T}.cliques[0].spec.podSpec.schedulerName`, message: IMMUTABLE },
      { path: `${T}.cliques[1].spec.podSpec.schedulerName`, message: IMMUTABLE },
      { path: `${T}.cliques[2].spec.podSpec.schedulerName`, message: IMMUTABLE },
    ]);
  });

  it('rejects changing a clique resourceSharing', () => {
    const next = basePCS();
    cliqueAt(next, 0).resourceSharing = [{ name: 'gpus', scope: 'PerReplica' }];
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([{ path: `${T}.cliques[0].resourceSharing`, message: IMMUTABLE }]);
  });

  it('rejects changing cliqueStartupType', () => {
    const next = basePCS();
    next.spec.template.cliqueStartupType = 'CliqueStartupTypeInOrder';
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([{ path: `${T}.cliqueStartupType`, message: IMMUTABLE }]);
  });

  it('rejects adding a scaling group', () => {
    const next = basePCS();
    next.spec.template.cliques.push(clique('x', 1));
    const old = structuredClone(next);
    next.spec.template.podCliqueScalingGroups?.push({ name: 'more', cliqueNames: ['x'] });
    expect(validatePodCliqueSetUpdate(next, old)).toEqual([
      { path: `${T}.podCliqueScalingGroups`, message: 'not allowed to add or remove PodCliqueScalingGroupConfigs' },
    ]);
  });

  it('rejects renaming a scaling group', () => {
    const next = basePCS();
    groupAt(next, 0).name = 'decode';
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([
      {
        path: `${T}.podCliqueScalingGroups[0].name`,
        message: "not allowed to change scaling group composition, new scaling group name 'decode' is not allowed",
      },
    ]);
  });

  it('rejects changing a scaling group cliqueNames', () => {
    const next = basePCS();
    groupAt(next, 0).cliqueNames = ['wkr', 'ldr'];
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([{ path: `${T}.podCliqueScalingGroups[0].cliqueNames`, message: IMMUTABLE }]);
  });

  it('rejects changing a scaling group minAvailable', () => {
    const next = basePCS();
    groupAt(next, 0).minAvailable = 2;
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([{ path: `${T}.podCliqueScalingGroups[0].minAvailable`, message: IMMUTABLE }]);
  });

  it('rejects changing a scaling group resourceSharing', () => {
    const next = basePCS();
    groupAt(next, 0).resourceSharing = [{ name: 'nvlink', scope: 'AllReplicas' }];
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([
      { path: `${T}.podCliqueScalingGroups[0].resourceSharing`, message: IMMUTABLE },
    ]);
  });

  it('rejects changing resourceClaimTemplates', () => {
    const next = basePCS();
    next.spec.template.resourceClaimTemplates = [{ name: 'gpus', templateSpec: { spec: {} } }];
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([{ path: `${T}.resourceClaimTemplates`, message: IMMUTABLE }]);
  });

  it('rejects changing the PodCliqueSet resourceSharing', () => {
    const next = basePCS();
    next.spec.template.resourceSharing = [{ name: 'gpus', scope: 'AllReplicas' }];
    expect(validatePodCliqueSetUpdate(next, basePCS())).toEqual([{ path: `${T}.resourceSharing`, message: IMMUTABLE }]);
  });
});
