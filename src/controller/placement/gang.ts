// What the planner places: a PodGang reduced to pods with requests, constraints as node label keys
// (exactly as PodGang.spec carries them), and the two Canopy additions: the base gang a scaled gang
// must follow, and the spread of a PodCliqueSet's replicas.
import type { Amounts } from './requests.ts';

export interface PackKeys {
  /** Node label key every pod of the scope must share one value of. */
  readonly required?: string | undefined;
  /** Node label key the planner tries first, widening towards `required`. */
  readonly preferred?: string | undefined;
}

export interface GangPod {
  readonly name: string;
  readonly requests: Amounts;
}

export interface GangPodGroup {
  readonly name: string;
  /** The first `minReplicas` pods (in the given order) are the all-or-nothing part; the rest are extras. */
  readonly minReplicas: number;
  readonly pods: readonly GangPod[];
  readonly pack?: PackKeys | undefined;
}

export interface GangGroupConfig {
  readonly name: string;
  readonly podGroupNames: readonly string[];
  readonly pack?: PackKeys | undefined;
}

export type SpreadPolicy = 'required' | 'preferred';

export interface GangSpread {
  /** Gangs sharing a group are spread against each other (one group per PodCliqueSet). */
  readonly group: string;
  /** Node label key of the spread level. */
  readonly key: string;
  readonly policy: SpreadPolicy;
}

export interface PlacementGang {
  readonly name: string;
  readonly namespace: string;
  readonly pack?: PackKeys | undefined;
  readonly podGroups: readonly GangPodGroup[];
  readonly groupConfigs?: readonly GangGroupConfig[] | undefined;
  /** For a scaled gang: the base gang whose required domain it must share. */
  readonly baseGang?: string | undefined;
  readonly spread?: GangSpread | undefined;
}
