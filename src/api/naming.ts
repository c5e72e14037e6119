// Names Grove derives for the objects it manages (operator/api/common namings). Every function is
// total and pure; callers pass already-validated names.

// PodCliqueScalingGroup: `<pcs>-<pcsReplica>-<pcsg>`.
export function podCliqueScalingGroupName(pcsName: string, pcsReplicaIndex: number, pcsgName: string): string {
  return `${pcsName}-${pcsReplicaIndex}-${pcsgName}`;
}

// Standalone PodClique: `<pcs>-<pcsReplica>-<clique>`.
export function podCliqueName(pcsName: string, pcsReplicaIndex: number, cliqueName: string): string {
  return `${pcsName}-${pcsReplicaIndex}-${cliqueName}`;
}

// PodClique that belongs to a scaling group: `<pcsgFQN>-<pcsgReplica>-<clique>`.
export function scalingGroupPodCliqueName(pcsgFQN: string, pcsgReplicaIndex: number, cliqueName: string): string {
  return `${pcsgFQN}-${pcsgReplicaIndex}-${cliqueName}`;
}

// Same, from the PodCliqueSet's point of view.
export function pcsgMemberPodCliqueName(
  pcsName: string,
  pcsReplicaIndex: number,
  pcsgName: string,
  pcsgReplicaIndex: number,
  cliqueName: string,
): string {
  return scalingGroupPodCliqueName(podCliqueScalingGroupName(pcsName, pcsReplicaIndex, pcsgName), pcsgReplicaIndex, cliqueName);
}

// Pods are created with generateName `<pclqFQN>-`.
export function podGenerateName(pclqFQN: string): string {
  return `${pclqFQN}-`;
}

// Pod hostname `<pclqFQN>-<podIndex>`; together with the subdomain it gives the stable DNS name.
export function podHostname(pclqFQN: string, podIndex: number): string {
  return `${pclqFQN}-${podIndex}`;
}

// Headless Service (one per PCS replica, clusterIP None), also the pods' subdomain: `<pcs>-<pcsReplica>`.
export function headlessServiceName(pcsName: string, pcsReplicaIndex: number): string {
  return `${pcsName}-${pcsReplicaIndex}`;
}

export const podSubdomain = headlessServiceName;

// Base PodGang of a PCS replica: `<pcs>-<pcsReplica>`.
export function basePodGangName(pcsName: string, pcsReplicaIndex: number): string {
  return `${pcsName}-${pcsReplicaIndex}`;
}

// Scaled PodGang for PCSG replica r ≥ minAvailable: `<pcsgFQN>-<r − minAvailable>`.
export function scaledPodGangName(pcsgFQN: string, pcsgReplicaIndex: number, minAvailable: number): string {
  return `${pcsgFQN}-${pcsgReplicaIndex - minAvailable}`;
}

// topologyConstraintGroupConfigs[].name in the base gang: `<pcsgFQN>-<pcsgReplica>`. It uses the PCSG
// replica index, so it can coincide with a scaled gang's name; the two live in different namespaces of meaning.
export function topologyConstraintGroupConfigName(pcsgFQN: string, pcsgReplicaIndex: number): string {
  return `${pcsgFQN}-${pcsgReplicaIndex}`;
}

// Grove names each HPA after the object it targets.
export function horizontalPodAutoscalerName(targetName: string): string {
  return targetName;
}

export function podServiceAccountName(pcsName: string): string {
  return pcsName;
}

export function podRoleName(pcsName: string): string {
  return `grove.io:pcs:${pcsName}`;
}

export const podRoleBindingName = podRoleName;

export function initContainerSATokenSecretName(pcsName: string): string {
  return `${pcsName}-ic-sat`;
}

// Grove's webhook budget for the user-chosen parts of generated names (so that pod hostnames, which add
// replica indices and a pod index, stay within the 63-character DNS label limit).
export const MAX_COMBINED_RESOURCE_NAME_LENGTH = 45;
