// The few core/v1 fields placement reads. Structural, so parsed YAML and client objects both fit.
import type { PodSpec } from '../../api/types.ts';

export interface NodeCondition {
  readonly type: string;
  readonly status: string;
}

export interface NodeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> | undefined };
  readonly spec?: { readonly unschedulable?: boolean | undefined } | undefined;
  readonly status?:
    | {
        readonly allocatable?: Readonly<Record<string, string | number>> | undefined;
        readonly capacity?: Readonly<Record<string, string | number>> | undefined;
        readonly conditions?: readonly NodeCondition[] | undefined;
      }
    | undefined;
}

export interface PodObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string | undefined;
    readonly labels?: Readonly<Record<string, string>> | undefined;
    readonly deletionTimestamp?: string | null | undefined;
  };
  readonly spec: PodSpec;
  readonly status?: { readonly phase?: string | undefined } | undefined;
}

/** Pods that no longer hold resources on their node. */
export function isTerminal(pod: PodObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
