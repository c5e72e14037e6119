import { describe, expect, it } from 'vitest';
import { validatePodCliqueSetCreate, validationContext } from '../../../src/api/index.ts';
import { basePCS, clique, cliqueAt, explicitPCS, groupAt } from './fixtures.ts';

const T = 'spec.template';

describe('PodCliqueSet create validation', () => {
  it('accepts the base objects', () => {
    expect(validatePodCliqueSetCreate(basePCS())).toEqual([]);
    expect(validatePodCliqueSetCreate(explicitPCS())).toEqual([]);
  });

  it('requires a name', () => {
    const pcs = basePCS();
    delete pcs.metadata.name;
    expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: 'metadata.name', message: 'name or generateName is required' }]);
  });

  it('requires the name to be a DNS subdomain', () => {
    const pcs = basePCS();
    pcs.metadata.name = 'Svc';
    expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: 'metadata.name', message: expect.stringContaining('RFC 1123 subdomain') as string }]);
  });

  it('rejects negative replicas', () => {
    const pcs = basePCS();
    pcs.spec.replicas = -1;
    expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: 'spec.replicas', message: 'must be greater than or equal to 0' }]);
  });

  it('requires at least one clique', () => {
    const pcs = basePCS();
    pcs.spec.template.cliques = [];
    delete pcs.spec.template.podCliqueScalingGroups;
    expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: `${T}.cliques`, message: 'at least one PodClique must be defined' }]);
  });

  it('rejects an empty clique name', () => {
    const pcs = basePCS();
    cliqueAt(pcs, 0).name = '';
    expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: `${T}.cliques[0].name`, message: 'field cannot be empty' }]);
  });

  it('rejects a clique name that is not a DNS subdomain', () => {
    const pcs = basePCS();
    cliqueAt(pcs, 0).name = 'Front_End';
    expect(validatePodCliqueSetCreate(pcs)).toEqual([
      { path: `${T}.cliques[0].name`, message: 'invalid PodCliqueTemplateSpec name, must be a valid DNS subdomain' },
    ]);
  });

  it('rejects duplicate clique names', () => {
    const pcs = basePCS();
    pcs.spec.template.cliques.push({ ...clique('fe', 1), spec: { ...clique('fe', 1).spec, roleName: 'fe2' } });
    expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: `${T}.cliques[3].name`, message: 'Duplicate value: "fe"' }]);
  });

  it('rejects duplicate roleNames', () => {
    const pcs = basePCS();
    cliqueAt(pcs, 2).spec.roleName = 'fe';
    expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: `${T}.cliques[2].spec.roleName`, message: 'Duplicate value: "fe"' }]);
  });

  it('limits a standalone clique name plus the PodCliqueSet name to 45 characters', () => {
    const pcs = basePCS();
    pcs.metadata.name = 's'.repeat(30);
    cliqueAt(pcs, 0).name = 'f'.repeat(16); // 46
    const message =
      `combined resource name length 46 exceeds 45-character limit required for pod naming. Consider shortening: PodCliqueSet '${'s'.repeat(30)}' or PodClique '${'f'.repeat(16)}'`;
    expect(validatePodCliqueSetCreate(pcs)).toEqual([
      { path: `${T}.cliques[0].name`, message },
      { path: 'metadata.name', message },
    ]);
  });

  it('limits a scaling-group member name plus group and PodCliqueSet names to 45 characters', () => {
    const pcs = basePCS();
    pcs.metadata.name = 's'.repeat(40); // + dec (3) + ldr (3) = 46; + wkr also 46
    const errors = validatePodCliqueSetCreate(pcs);
    const message = (c: string): string =>
      `combined resource name length 46 exceeds 45-character limit required for pod naming. Consider shortening: PodCliqueSet '${'s'.repeat(40)}', PodCliqueScalingGroup 'dec', or PodClique '${c}'`;
    expect(errors).toEqual([
      { path: `${T}.podCliqueScalingGroups[0].cliqueNames[0]`, message: message('ldr') },
      { path: `${T}.podCliqueScalingGroups[0].name`, message: message('ldr') },
      { path: 'metadata.name', message: message('ldr') },
      { path: `${T}.podCliqueScalingGroups[0].cliqueNames[1]`, message: message('wkr') },
      { path: `${T}.podCliqueScalingGroups[0].name`, message: message('wkr') },
      { path: 'metadata.name', message: message('wkr') },
    ]);
  });

  it('rejects negative clique replicas', () => {
    const pcs = basePCS();
    cliqueAt(pcs, 0).spec.replicas = -2;
    cliqueAt(pcs, 0).spec.minAvailable = 1;
    expect(validatePodCliqueSetCreate(pcs)).toEqual([
      { path: `${T}.cliques[0].spec.replicas`, message: 'must be greater than 0' },
      { path: `${T}.cliques[0].spec.minAvailable`, message: 'minAvailable must not be greater than replicas' },
    ]);
  });

  it('rejects minAvailable of 0', () => {
    const pcs = basePCS();
    cliqueAt(pcs, 0).spec.minAvailable = 0;
    expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: `${T}.cliques[0].spec.minAvailable`, message: 'must be greater than 0' }]);
  });

  it('rejects minAvailable above replicas', () => {
    const pcs = basePCS();
    cliqueAt(pcs, 2).spec.minAvailable = 3;
    expect(validatePodCliqueSetCreate(pcs)).toEqual([
      { path: `${T}.cliques[2].spec.minAvailable`, message: 'minAvailable must not be greater than replicas' },
    ]);
  });

  describe('explicit startup order', () => {
    it('rejects an empty dependency', () => {
      const pcs = explicitPCS();
      cliqueAt(pcs, 1).spec.startsAfter = [''];
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        { path: `${T}.cliques[1].spec.startsAfter[0]`, message: 'clique dependency must not be empty' },
      ]);
    });

    it('rejects a self reference', () => {
      const pcs = explicitPCS();
      cliqueAt(pcs, 1).spec.startsAfter = ['fe', 'ldr'];
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        { path: `${T}.cliques[1].spec.startsAfter[1]`, message: 'clique dependency cannot refer to itself' },
      ]);
    });

    it('rejects a duplicate dependency', () => {
      const pcs = explicitPCS();
      cliqueAt(pcs, 1).spec.startsAfter = ['fe', 'fe'];
      expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: `${T}.cliques[1].spec.startsAfter[1]`, message: 'Duplicate value: "fe"' }]);
    });

    it('rejects an unknown dependency', () => {
      const pcs = explicitPCS();
      cliqueAt(pcs, 1).spec.startsAfter = ['router'];
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        {
          path: `${T}.cliques[1].spec.startsAfter[0]`,
          message: 'unknown clique name "router", all clique dependencies must be defined as cliques',
        },
      ]);
    });

    it('rejects a cycle, naming its cliques', () => {
      const pcs = explicitPCS();
      cliqueAt(pcs, 0).spec.startsAfter = ['wkr'];
      cliqueAt(pcs, 2).spec.startsAfter = ['ldr'];
      cliqueAt(pcs, 1).spec.startsAfter = ['fe'];
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        { path: `${T}.cliques[0].spec.startsAfter`, message: 'clique must not have circular dependencies (fe, ldr, wkr)' },
      ]);
    });

    it('ignores startsAfter unless the startup type is Explicit', () => {
      const pcs = explicitPCS();
      pcs.spec.template.cliqueStartupType = 'CliqueStartupTypeInOrder';
      cliqueAt(pcs, 1).spec.startsAfter = ['nope'];
      expect(validatePodCliqueSetCreate(pcs)).toEqual([]);
    });
  });

  describe('autoScalingConfig', () => {
    it('rejects minReplicas below minAvailable', () => {
      const pcs = basePCS();
      cliqueAt(pcs, 0).spec.replicas = 2;
      cliqueAt(pcs, 0).spec.autoScalingConfig = { minReplicas: 1, maxReplicas: 4 };
      // minAvailable defaults to replicas (2)
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        { path: `${T}.cliques[0].spec.autoScalingConfig.minReplicas`, message: 'must be greater than or equal to podCliqueSpec.minAvailable' },
      ]);
    });

    it('rejects maxReplicas below minReplicas', () => {
      const pcs = basePCS();
      cliqueAt(pcs, 0).spec.replicas = 1;
      cliqueAt(pcs, 0).spec.autoScalingConfig = { minReplicas: 3, maxReplicas: 2 };
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        { path: `${T}.cliques[0].spec.autoScalingConfig.maxReplicas`, message: 'must be greater than or equal to podCliqueSpec.minReplicas' },
      ]);
    });

    it('rejects maxReplicas below replicas', () => {
      const pcs = basePCS();
      cliqueAt(pcs, 0).spec.replicas = 3;
      cliqueAt(pcs, 0).spec.minAvailable = 1;
      cliqueAt(pcs, 0).spec.autoScalingConfig = { minReplicas: 1, maxReplicas: 2 };
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        { path: `${T}.cliques[0].spec.autoScalingConfig.maxReplicas`, message: 'must be greater than or equal to replicas' },
      ]);
    });
  });

  describe('podSpec', () => {
    it('rejects topologySpreadConstraints', () => {
      const pcs = basePCS();
      cliqueAt(pcs, 0).spec.podSpec.topologySpreadConstraints = [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' },
      ];
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        { path: `${T}.cliques[0].spec.podSpec.topologySpreadConstraints`, message: 'must not be set' },
      ]);
    });

    it('rejects nodeName', () => {
      const pcs = basePCS();
      cliqueAt(pcs, 1).spec.podSpec.nodeName = 'node-a';
      expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: `${T}.cliques[1].spec.podSpec.nodeName`, message: 'must not be set' }]);
    });

    it('requires every clique to use the same scheduler (empty means the default scheduler)', () => {
      const pcs = basePCS();
      cliqueAt(pcs, 2).spec.podSpec.schedulerName = 'kai-scheduler';
      const ctx = validationContext({ enabledSchedulerNames: ['default-scheduler', 'kai-scheduler'] });
      expect(validatePodCliqueSetCreate(pcs, ctx)).toEqual([
        {
          path: `${T}.cliques[2].spec.podSpec.schedulerName`,
          message: 'the schedulerName for all pods have to be the same (default-scheduler, kai-scheduler)',
        },
      ]);
    });

    it('requires the scheduler to be enabled', () => {
      const pcs = basePCS();
      for (const c of pcs.spec.template.cliques) c.spec.podSpec.schedulerName = 'kai-scheduler';
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        {
          path: `${T}.cliques[0].spec.podSpec.schedulerName`,
          message: "schedulerName 'kai-scheduler' must be an enabled scheduler backend; this scheduler is not enabled in OperatorConfiguration",
        },
      ]);
      const ctx = validationContext({ enabledSchedulerNames: ['default-scheduler', 'kai-scheduler'] });
      expect(validatePodCliqueSetCreate(pcs, ctx)).toEqual([]);
    });
  });

  describe('scaling groups', () => {
    const G = `${T}.podCliqueScalingGroups`;

    it('rejects a group name that is not a DNS subdomain', () => {
      const pcs = basePCS();
      groupAt(pcs, 0).name = 'Dec';
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        { path: `${G}[0].name`, message: 'invalid PodCliqueScalingGroupConfig name, must be a valid DNS subdomain' },
      ]);
    });

    it('rejects unknown member cliques', () => {
      const pcs = basePCS();
      groupAt(pcs, 0).cliqueNames = ['ldr', 'wkr', 'ghost'];
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        { path: `${G}[0].cliqueNames[2]`, message: 'unidentified PodClique names found: ghost' },
      ]);
    });

    it('rejects replicas of 0', () => {
      const pcs = basePCS();
      groupAt(pcs, 0).replicas = 0;
      groupAt(pcs, 0).minAvailable = 0;
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        { path: `${G}[0].replicas`, message: 'must be greater than 0' },
        { path: `${G}[0].minAvailable`, message: 'must be greater than 0' },
      ]);
    });

    it('rejects minAvailable of 0', () => {
      const pcs = basePCS();
      groupAt(pcs, 0).minAvailable = 0;
      expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: `${G}[0].minAvailable`, message: 'must be greater than 0' }]);
    });

    it('rejects minAvailable above replicas', () => {
      const pcs = basePCS();
      groupAt(pcs, 0).minAvailable = 3;
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        { path: `${G}[0].minAvailable`, message: 'minAvailable must not be greater than replicas' },
      ]);
    });

    it('rejects scaleConfig.minReplicas below minAvailable', () => {
      const pcs = basePCS();
      groupAt(pcs, 0).minAvailable = 2;
      groupAt(pcs, 0).scaleConfig = { minReplicas: 1, maxReplicas: 4 };
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        { path: `${G}[0].scaleConfig.minReplicas`, message: 'scaleConfig.minReplicas must be greater than or equal to minAvailable' },
      ]);
    });

    it('rejects duplicate group names', () => {
      const pcs = basePCS();
      pcs.spec.template.cliques.push(clique('x', 1));
      pcs.spec.template.podCliqueScalingGroups?.push({ name: 'dec', cliqueNames: ['x'] });
      expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: `${G}[1].name`, message: 'Duplicate value: "dec"' }]);
    });

    it('rejects a clique in two groups', () => {
      const pcs = basePCS();
      pcs.spec.template.podCliqueScalingGroups?.push({ name: 'pre', cliqueNames: ['wkr'] });
      expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: `${G}[1].cliqueNames[0]`, message: 'Duplicate value: "wkr"' }]);
    });

    it('rejects autoScalingConfig on a group member', () => {
      const pcs = basePCS();
      cliqueAt(pcs, 1).spec.autoScalingConfig = { minReplicas: 1, maxReplicas: 3 };
      expect(validatePodCliqueSetCreate(pcs)).toEqual([
        {
          path: `${T}.cliques[1].spec.autoScalingConfig`,
          message: 'AutoScalingConfig is not allowed to be defined for PodClique that is part of scaling group',
        },
      ]);
    });
  });

  it('rejects a non-positive terminationDelay', () => {
    const pcs = basePCS();
    pcs.spec.template.terminationDelay = '0s';
    expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: `${T}.terminationDelay`, message: 'terminationDelay must be greater than 0' }]);
  });

  it('rejects a terminationDelay that is not a Go duration', () => {
    const pcs = basePCS();
    pcs.spec.template.terminationDelay = '4 hours';
    expect(validatePodCliqueSetCreate(pcs)).toEqual([{ path: `${T}.terminationDelay`, message: 'invalid duration "4 hours"' }]);
  });

  it('does not modify its input', () => {
    const pcs = basePCS();
    const copy = structuredClone(pcs);
    validatePodCliqueSetCreate(pcs);
    expect(pcs).toEqual(copy);
  });
});
