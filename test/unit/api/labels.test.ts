import { describe, expect, it } from 'vitest';
import {
  podCliqueScalingGroupLabels,
  podCliqueScalingGroupSelectorLabels,
  podCliqueSetSelectorLabels,
  podGangAnnotations,
  podGangLabels,
  podLabels,
  scalingGroupPodCliqueLabels,
  selectorString,
  standalonePodCliqueLabels,
  standalonePodCliqueSelectorLabels,
} from '../../../src/api/index.ts';

const managed = { 'app.kubernetes.io/managed-by': 'grove-operator', 'app.kubernetes.io/part-of': 'svc' };

describe('Grove label sets', () => {
  it('labels a PodCliqueScalingGroup', () => {
    expect(podCliqueScalingGroupLabels('svc', 0, 'svc-0-dec')).toEqual({
      ...managed,
      'app.kubernetes.io/name': 'svc-0-dec',
      'app.kubernetes.io/component': 'pcs-podcliquescalinggroup',
      'grove.io/podcliqueset-replica-index': '0',
    });
  });

  it('labels a standalone PodClique, Grove keys winning over template labels', () => {
    expect(
      standalonePodCliqueLabels({
        pcsName: 'svc',
        pcsReplicaIndex: 1,
        pclqFQN: 'svc-1-fe',
        podGangName: 'svc-1',
        podTemplateHash: 'abc',
        templateLabels: { tier: 'web', 'app.kubernetes.io/name': 'mine' },
      }),
    ).toEqual({
      ...managed,
      tier: 'web',
      'app.kubernetes.io/name': 'svc-1-fe',
      'app.kubernetes.io/component': 'pcs-podclique',
      'grove.io/podcliqueset-replica-index': '1',
      'grove.io/podgang': 'svc-1',
      'grove.io/pod-template-hash': 'abc',
    });
  });

  it('labels a scaled-gang member PodClique with its base gang', () => {
    const labels = scalingGroupPodCliqueLabels({
      pcsName: 'svc',
      pcsReplicaIndex: 0,
      pclqFQN: 'svc-0-dec-1-ldr',
      podGangName: 'svc-0-dec-0',
      podTemplateHash: 'h',
      pcsgFQN: 'svc-0-dec',
      pcsgReplicaIndex: 1,
      basePodGangName: 'svc-0',
    });
    expect(labels).toEqual({
      ...managed,
      'app.kubernetes.io/name': 'svc-0-dec-1-ldr',
      'app.kubernetes.io/component': 'pcsg-podclique',
      'grove.io/podcliqueset-replica-index': '0',
      'grove.io/podcliquescalinggroup': 'svc-0-dec',
      'grove.io/podcliquescalinggroup-replica-index': '1',
      'grove.io/podgang': 'svc-0-dec-0',
      'grove.io/pod-template-hash': 'h',
      'grove.io/base-podgang': 'svc-0',
    });
  });

  it('leaves base-podgang off base-gang members', () => {
    const labels = scalingGroupPodCliqueLabels({
      pcsName: 'svc',
      pcsReplicaIndex: 0,
      pclqFQN: 'svc-0-dec-0-ldr',
      podGangName: 'svc-0',
      podTemplateHash: 'h',
      pcsgFQN: 'svc-0-dec',
      pcsgReplicaIndex: 0,
    });
    expect(labels).not.toHaveProperty(['grove.io/base-podgang']);
  });

  it('labels a pod with its clique and index', () => {
    const labels = podLabels({ podCliqueLabels: { a: 'b' }, pclqFQN: 'svc-0-fe', pcsReplicaIndex: 0, podGangName: 'svc-0', podIndex: 4 });
    expect(labels).toEqual({
      a: 'b',
      'grove.io/podclique': 'svc-0-fe',
      'grove.io/podcliqueset-replica-index': '0',
      'grove.io/podgang': 'svc-0',
      'grove.io/podclique-pod-index': '4',
    });
  });

  // Grove's PodGang labels are managed-by, part-of, component and scheduler-name on top of the PCS's own labels;
  // unlike other managed objects a PodGang gets no app.kubernetes.io/name (operator podgang buildLabels).
  it('labels a PodGang with the PCS labels minus grove.io keys', () => {
    expect(
      podGangLabels({ pcsName: 'svc', podGangName: 'svc-0', schedulerName: 'kai-scheduler', pcsLabels: { team: 'a', 'grove.io/x': 'y' } }),
    ).toEqual({
      ...managed,
      team: 'a',
      'app.kubernetes.io/component': 'podgang',
      'grove.io/scheduler-name': 'kai-scheduler',
    });
    expect(podGangAnnotations({ note: 'n', 'grove.io/z': 'q' }, 'dc')).toEqual({ note: 'n', 'grove.io/topology-name': 'dc' });
    expect(podGangAnnotations(undefined)).toEqual({});
  });

  it('publishes the /scale selectors Grove publishes', () => {
    expect(selectorString(podCliqueSetSelectorLabels('svc'))).toBe(
      'app.kubernetes.io/managed-by=grove-operator,app.kubernetes.io/part-of=svc',
    );
    expect(selectorString(standalonePodCliqueSelectorLabels('svc', 'svc-0-fe'))).toBe(
      'app.kubernetes.io/managed-by=grove-operator,app.kubernetes.io/part-of=svc,grove.io/podclique=svc-0-fe',
    );
    expect(selectorString(podCliqueScalingGroupSelectorLabels('svc', 'svc-0-dec'))).toBe(
      'app.kubernetes.io/managed-by=grove-operator,app.kubernetes.io/part-of=svc,grove.io/podcliquescalinggroup=svc-0-dec',
    );
  });
});
