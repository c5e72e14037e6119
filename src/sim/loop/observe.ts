// Reading a role's numbers out of the SignalSnapshot the loop scraped: the group Grove's labels put the
// role's pods in (a PodClique, or a PodCliqueScalingGroup whose instances hold several cliques).
import { podCliqueName, podCliqueScalingGroupName } from '../../api/naming.ts';
import { signalKey, type GroupSignals, type SignalName, type SignalSnapshot } from '../../signals/index.ts';
import type { RoleSpec } from './types.ts';

export function roleGroup(snapshot: SignalSnapshot, role: Pick<RoleSpec, 'kind' | 'target'>, namespace: string, pcs: string): GroupSignals | undefined {
  return role.kind === 'PodCliqueScalingGroup'
    ? snapshot.scalingGroups.get(signalKey(namespace, podCliqueScalingGroupName(pcs, 0, role.target)))
    : snapshot.podCliques.get(signalKey(namespace, podCliqueName(pcs, 0, role.target)));
}

/** The signals of one clique of the set (every replica index 0 pod of that template, standalone or in a group). */
export function cliqueGroup(snapshot: SignalSnapshot, clique: string, namespace: string, pcs: string): GroupSignals | undefined {
  return snapshot.podCliques.get(signalKey(namespace, podCliqueName(pcs, 0, clique)));
}

export function signalValue(group: GroupSignals | undefined, name: SignalName): number | undefined {
  const v = group?.values[name];
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** A pod's own value of a signal (per-pod metrics, as the HPA's Pods metrics read them). */
export function podValue(snapshot: SignalSnapshot, namespace: string, pod: string, name: SignalName): number | undefined {
  return signalValue(snapshot.pods.get(signalKey(namespace, pod)), name);
}
