// Grove's label and annotation keys, component values, and the label sets Grove stamps on each object
// kind. Builders return fresh plain records; Grove's own keys win over user-supplied template labels.

export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const MANAGED_BY_GROVE = 'grove-operator';

export const LABEL_PODCLIQUE = 'grove.io/podclique';
export const LABEL_PODGANG = 'grove.io/podgang';
export const LABEL_BASE_PODGANG = 'grove.io/base-podgang';
export const LABEL_PCS_REPLICA_INDEX = 'grove.io/podcliqueset-replica-index';
export const LABEL_PCSG = 'grove.io/podcliquescalinggroup';
export const LABEL_PCSG_REPLICA_INDEX = 'grove.io/podcliquescalinggroup-replica-index';
export const LABEL_POD_INDEX = 'grove.io/podclique-pod-index';
export const LABEL_POD_TEMPLATE_HASH = 'grove.io/pod-template-hash';
export const LABEL_SCHEDULER_NAME = 'grove.io/scheduler-name';

export const GROVE_KEY_PREFIX = 'grove.io/';

export const ANNOTATION_TOPOLOGY_NAME = 'grove.io/topology-name';
export const ANNOTATION_DISABLE_MANAGED_RESOURCE_PROTECTION = 'grove.io/disable-managed-resource-protection';

export const SCHEDULING_GATE_PODGANG_PENDING = 'grove.io/podgang-pending-creation';

export const FINALIZER_PODCLIQUESET = 'grove.io/podcliqueset.grove.io';
export const FINALIZER_PODCLIQUE = 'grove.io/podclique.grove.io';
export const FINALIZER_PODCLIQUESCALINGGROUP = 'grove.io/podcliquescalinggroup.grove.io';

export const COMPONENT = {
  headlessService: 'pcs-headless-service',
  podRole: 'pod-role',
  podRoleBinding: 'pod-role-binding',
  podServiceAccount: 'pod-service-account',
  podSATokenSecret: 'pod-sa-token-secret',
  podCliqueScalingGroup: 'pcs-podcliquescalinggroup',
  horizontalPodAutoscaler: 'pcs-hpa',
  podGang: 'podgang',
  pcsPodClique: 'pcs-podclique',
  pcsgPodClique: 'pcsg-podclique',
  resourceClaim: 'resource-claim',
} as const;

export type ComponentName = (typeof COMPONENT)[keyof typeof COMPONENT];

export const ENV = {
  pcsName: 'GROVE_PCS_NAME',
  pcsIndex: 'GROVE_PCS_INDEX',
  pclqName: 'GROVE_PCLQ_NAME',
  headlessService: 'GROVE_HEADLESS_SERVICE',
  pclqPodIndex: 'GROVE_PCLQ_POD_INDEX',
  pcsgName: 'GROVE_PCSG_NAME',
  pcsgIndex: 'GROVE_PCSG_INDEX',
  pcsgTemplateNumPods: 'GROVE_PCSG_TEMPLATE_NUM_PODS',
} as const;

export type Labels = Record<string, string>;

// Labels on every object Grove creates for a PodCliqueSet.
export function managedResourceLabels(pcsName: string): Labels {
  return { [LABEL_MANAGED_BY]: MANAGED_BY_GROVE, [LABEL_PART_OF]: pcsName };
}

export function componentLabels(pcsName: string, objectName: string, component: ComponentName): Labels {
  return { ...managedResourceLabels(pcsName), [LABEL_NAME]: objectName, [LABEL_COMPONENT]: component };
}

export function podCliqueScalingGroupLabels(pcsName: string, pcsReplicaIndex: number, pcsgFQN: string): Labels {
  return {
    ...componentLabels(pcsName, pcsgFQN, COMPONENT.podCliqueScalingGroup),
    [LABEL_PCS_REPLICA_INDEX]: String(pcsReplicaIndex),
  };
}

export interface StandalonePodCliqueLabelInput {
  readonly pcsName: string;
  readonly pcsReplicaIndex: number;
  readonly pclqFQN: string;
  // The base PodGang of the PCS replica.
  readonly podGangName: string;
  readonly podTemplateHash: string;
  readonly templateLabels?: Labels | undefined;
}

export function standalonePodCliqueLabels(input: StandalonePodCliqueLabelInput): Labels {
  return {
    ...input.templateLabels,
    ...componentLabels(input.pcsName, input.pclqFQN, COMPONENT.pcsPodClique),
    [LABEL_PCS_REPLICA_INDEX]: String(input.pcsReplicaIndex),
    [LABEL_PODGANG]: input.podGangName,
    [LABEL_POD_TEMPLATE_HASH]: input.podTemplateHash,
  };
}

export interface ScalingGroupPodCliqueLabelInput extends StandalonePodCliqueLabelInput {
  readonly pcsgFQN: string;
  readonly pcsgReplicaIndex: number;
  // Set only when the PodClique belongs to a scaled PodGang.
  readonly basePodGangName?: string | undefined;
}

export function scalingGroupPodCliqueLabels(input: ScalingGroupPodCliqueLabelInput): Labels {
  const labels: Labels = {
    ...input.templateLabels,
    ...componentLabels(input.pcsName, input.pclqFQN, COMPONENT.pcsgPodClique),
    [LABEL_PCS_REPLICA_INDEX]: String(input.pcsReplicaIndex),
    [LABEL_PCSG]: input.pcsgFQN,
    [LABEL_PCSG_REPLICA_INDEX]: String(input.pcsgReplicaIndex),
    [LABEL_PODGANG]: input.podGangName,
    [LABEL_POD_TEMPLATE_HASH]: input.podTemplateHash,
  };
  if (input.basePodGangName !== undefined) labels[LABEL_BASE_PODGANG] = input.basePodGangName;
  return labels;
}

export interface PodLabelInput {
  readonly podCliqueLabels: Labels;
  readonly pclqFQN: string;
  readonly pcsReplicaIndex: number;
  readonly podGangName: string;
  readonly podIndex: number;
}

// A pod carries its PodClique's labels plus its own index.
export function podLabels(input: PodLabelInput): Labels {
  return {
    ...input.podCliqueLabels,
    [LABEL_PODCLIQUE]: input.pclqFQN,
    [LABEL_PCS_REPLICA_INDEX]: String(input.pcsReplicaIndex),
    [LABEL_PODGANG]: input.podGangName,
    [LABEL_POD_INDEX]: String(input.podIndex),
  };
}

export function withoutGroveKeys(map: Labels | undefined): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(map ?? {})) if (!k.startsWith(GROVE_KEY_PREFIX)) out[k] = v;
  return out;
}

export interface PodGangLabelInput {
  readonly pcsName: string;
  readonly podGangName: string;
  readonly schedulerName: string;
  readonly pcsLabels?: Labels | undefined;
}

// PodGangs inherit the PodCliqueSet's labels minus Grove's own keys. Unlike other managed objects, Grove's
// PodGang builder (podgang.go getLabels/buildLabels) sets no app.kubernetes.io/name, so a PCS label with
// that key passes through unchanged.
export function podGangLabels(input: PodGangLabelInput): Labels {
  return {
    ...withoutGroveKeys(input.pcsLabels),
    ...managedResourceLabels(input.pcsName),
    [LABEL_COMPONENT]: COMPONENT.podGang,
    [LABEL_SCHEDULER_NAME]: input.schedulerName,
  };
}

export function podGangAnnotations(pcsAnnotations: Labels | undefined, topologyName?: string): Labels {
  const out = withoutGroveKeys(pcsAnnotations);
  if (topologyName !== undefined) out[ANNOTATION_TOPOLOGY_NAME] = topologyName;
  return out;
}

// Equality-based selector string as Kubernetes prints it: keys sorted, `k=v` joined by commas.
export function selectorString(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k] ?? ''}`)
    .join(',');
}

// Selectors published in /scale (status.hpaPodSelector or, for PCSG, status.selector).
export function podCliqueSetSelectorLabels(pcsName: string): Labels {
  return managedResourceLabels(pcsName);
}

export function standalonePodCliqueSelectorLabels(pcsName: string, pclqFQN: string): Labels {
  return { ...managedResourceLabels(pcsName), [LABEL_PODCLIQUE]: pclqFQN };
}

export function podCliqueScalingGroupSelectorLabels(pcsName: string, pcsgFQN: string): Labels {
  return { ...managedResourceLabels(pcsName), [LABEL_PCSG]: pcsgFQN };
}
