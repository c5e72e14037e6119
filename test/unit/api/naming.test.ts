import { describe, expect, it } from 'vitest';
import {
  basePodGangName,
  headlessServiceName,
  horizontalPodAutoscalerName,
  initContainerSATokenSecretName,
  pcsgMemberPodCliqueName,
  podCliqueName,
  podCliqueScalingGroupName,
  podGenerateName,
  podHostname,
  podRoleName,
  podServiceAccountName,
  podSubdomain,
  scaledPodGangName,
  scalingGroupPodCliqueName,
  topologyConstraintGroupConfigName,
} from '../../../src/api/index.ts';

// The reference example: PCS `svc`, replicas 1, clique `fe` + PCSG `dec` {ldr, wkr; replicas 3; minAvailable 1}.
describe('Grove names', () => {
  it('names the objects of the reference example', () => {
    const pcsg = podCliqueScalingGroupName('svc', 0, 'dec');
    expect(pcsg).toBe('svc-0-dec');
    expect(podCliqueName('svc', 0, 'fe')).toBe('svc-0-fe');
    expect(scalingGroupPodCliqueName(pcsg, 0, 'ldr')).toBe('svc-0-dec-0-ldr');
    expect(pcsgMemberPodCliqueName('svc', 0, 'dec', 2, 'wkr')).toBe('svc-0-dec-2-wkr');
    expect(basePodGangName('svc', 0)).toBe('svc-0');
    expect(scaledPodGangName(pcsg, 1, 1)).toBe('svc-0-dec-0');
    expect(scaledPodGangName(pcsg, 2, 1)).toBe('svc-0-dec-1');
  });

  it('gives the group-config name by PCSG replica index, which may equal a scaled gang name', () => {
    expect(topologyConstraintGroupConfigName('svc-0-dec', 0)).toBe('svc-0-dec-0');
    expect(topologyConstraintGroupConfigName('svc-0-dec', 0)).toBe(scaledPodGangName('svc-0-dec', 1, 1));
  });

  it('names pods and their DNS parts', () => {
    expect(podGenerateName('svc-0-fe')).toBe('svc-0-fe-');
    expect(podHostname('svc-0-fe', 3)).toBe('svc-0-fe-3');
    expect(podSubdomain('svc', 1)).toBe('svc-1');
    expect(headlessServiceName('svc', 1)).toBe('svc-1');
  });

  it('names supporting objects', () => {
    expect(horizontalPodAutoscalerName('svc-0-fe')).toBe('svc-0-fe');
    expect(podServiceAccountName('svc')).toBe('svc');
    expect(podRoleName('svc')).toBe('grove.io:pcs:svc');
    expect(initContainerSATokenSecretName('svc')).toBe('svc-ic-sat');
  });
});
