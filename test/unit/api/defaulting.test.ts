import { describe, expect, it } from 'vitest';
import { defaultPodCliqueSet } from '../../../src/api/index.ts';
import { basePCS, cliqueAt, groupAt } from './fixtures.ts';

describe('defaultPodCliqueSet', () => {
  it('fills Grove defaults into a minimal object', () => {
    const input = basePCS();
    delete input.metadata.namespace;
    delete input.spec.replicas;
    delete cliqueAt(input, 0).spec.replicas;
    delete groupAt(input, 0).replicas;
    delete groupAt(input, 0).minAvailable;
    const { object } = defaultPodCliqueSet(input);
    expect(object.metadata.namespace).toBe('default');
    expect(object.spec.replicas).toBe(0);
    expect(object.spec.updateStrategy).toEqual({ type: 'RollingRecreate' });
    expect(object.spec.template.cliqueStartupType).toBe('CliqueStartupTypeAnyOrder');
    expect(object.spec.template.terminationDelay).toBe('4h0m0s');
    expect(object.spec.template.headlessServiceConfig).toEqual({ publishNotReadyAddresses: true });
    const fe = cliqueAt(object, 0).spec;
    expect(fe.replicas).toBe(1);
    expect(fe.minAvailable).toBe(1);
    expect(fe.podSpec.restartPolicy).toBe('Always');
    expect(fe.podSpec.terminationGracePeriodSeconds).toBe(30);
    expect(cliqueAt(object, 2).spec.minAvailable).toBe(2); // wkr has replicas 2
    expect(groupAt(object, 0).replicas).toBe(1);
    expect(groupAt(object, 0).minAvailable).toBe(1);
  });

  it('takes autoScalingConfig.minReplicas from the replicas as written, before the 0 → 1 default', () => {
    const input = basePCS();
    cliqueAt(input, 0).spec.replicas = 0;
    cliqueAt(input, 0).spec.autoScalingConfig = { maxReplicas: 3 };
    cliqueAt(input, 2).spec.autoScalingConfig = { maxReplicas: 3 };
    const { object } = defaultPodCliqueSet(input);
    expect(cliqueAt(object, 0).spec.replicas).toBe(1);
    expect(cliqueAt(object, 0).spec.autoScalingConfig?.minReplicas).toBe(0);
    expect(cliqueAt(object, 2).spec.autoScalingConfig?.minReplicas).toBe(2);
  });

  it('defaults a scaling group scaleConfig.minReplicas to the group replicas', () => {
    const input = basePCS();
    groupAt(input, 0).scaleConfig = { maxReplicas: 5 };
    expect(groupAt(defaultPodCliqueSet(input).object, 0).scaleConfig?.minReplicas).toBe(2);
  });

  it('keeps values that are set', () => {
    const input = basePCS();
    input.spec.template.terminationDelay = '30m';
    input.spec.template.headlessServiceConfig = { publishNotReadyAddresses: false };
    cliqueAt(input, 0).spec.podSpec.restartPolicy = 'Never';
    cliqueAt(input, 2).spec.minAvailable = 1;
    const { object } = defaultPodCliqueSet(input);
    expect(object.spec.template.terminationDelay).toBe('30m');
    expect(object.spec.template.headlessServiceConfig?.publishNotReadyAddresses).toBe(false);
    expect(cliqueAt(object, 0).spec.podSpec.restartPolicy).toBe('Never');
    expect(cliqueAt(object, 2).spec.minAvailable).toBe(1);
  });

  it('lists each default it applied, and nothing for a fully specified object', () => {
    const first = defaultPodCliqueSet(basePCS());
    expect(first.applied).toContainEqual({ path: 'spec.template.cliques[2].spec.minAvailable', value: 2 });
    expect(first.applied).toContainEqual({ path: 'spec.template.terminationDelay', value: '4h0m0s' });
    expect(defaultPodCliqueSet(first.object).applied).toEqual([]);
  });

  it('does not modify its input', () => {
    const input = basePCS();
    const copy = structuredClone(input);
    defaultPodCliqueSet(input);
    expect(input).toEqual(copy);
  });
});
