// What the binder reads: the PodGangs, pods, nodes and topology bindings of the cluster, reduced to the
// fields it uses. Structural, so the API server's JSON and hand-built test objects both fit.
import type { ClusterTopologyBinding, PodGang, PodSpec } from '../../api/types.ts';
import type { NodeObject, PodObject } from '../placement/kube.ts';

export interface BinderPod extends PodObject {
  readonly metadata: PodObject['metadata'] & {
    readonly uid?: string | undefined;
    readonly annotations?: Readonly<Record<string, string>> | undefined;
  };
  readonly spec: PodSpec & { readonly schedulingGates?: readonly { readonly name: string }[] | undefined };
  readonly status?: { readonly phase?: string | undefined } | undefined;
}

export interface BinderSnapshot {
  readonly podGangs: readonly PodGang[];
  readonly pods: readonly BinderPod[];
  readonly nodes: readonly NodeObject[];
  readonly topologies: readonly ClusterTopologyBinding[];
}

export interface BinderOptions {
  /** Pods with this spec.schedulerName (and gangs labelled grove.io/scheduler-name with it) are ours. */
  readonly schedulerName: string;
  /** RFC 3339 time stamped on condition transitions. */
  readonly now: string;
  /** Candidate domains the planner tries per scope and level. */
  readonly maxTries?: number | undefined;
}

export interface PodBinding {
  readonly pod: string;
  readonly node: string;
}

export function namespaceOf(obj: { readonly metadata: { readonly namespace?: string | undefined } }): string {
  return obj.metadata.namespace ?? 'default';
}

export function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function isBound(pod: BinderPod): boolean {
  return pod.spec.nodeName !== undefined && pod.spec.nodeName !== '';
}

export function isTerminating(pod: BinderPod): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}
