// The closed loop's vocabulary: engine pools (what serves), roles (what a policy scales: one unit is a
// PodClique pod or a whole PodCliqueScalingGroup instance), the policy driver and the placer seams.
import type { EngineProfile } from '../engine/profile.ts';
import type { EngineRole } from '../engine/replica.ts';
import type { SignalSnapshot, SignalState } from '../../signals/index.ts';
import type { Step, ScalingAction } from '../score/fleet.ts';
import type { SimRecord } from '../static.ts';
import type { SimRequest } from '../workload/request.ts';

export type RouterKind = 'round-robin' | 'least-loaded';

/** Engines of one PodClique: all run the same profile in the same phase. */
export interface PoolSpec {
  /** The clique's template name, e.g. `prefill`. */
  readonly name: string;
  readonly engineRole: EngineRole;
  readonly profile: EngineProfile;
}

/** What a policy scales. A unit holds `count` engines of each member pool and is placed as one gang. */
export interface RoleSpec {
  readonly name: string;
  readonly kind: 'PodClique' | 'PodCliqueScalingGroup';
  /** Template name of the clique or scaling group in the PodCliqueSet. */
  readonly target: string;
  readonly members: readonly { readonly pool: string; readonly count: number }[];
  readonly initial: number;
  readonly min: number;
  readonly max: number;
}

/** What a driver sees at a sync: the scraped signals and each role's units by state. */
export interface RoleView {
  /** Units the controller holds (starting, ready or pending placement), not counting draining ones. */
  readonly current: number;
  readonly ready: number;
  readonly starting: number;
  readonly pending: number;
  readonly draining: number;
}

export interface ControlView {
  /** Seconds since the start of the run. */
  readonly now: number;
  readonly signals: SignalSnapshot;
  readonly roles: Readonly<Record<string, RoleView>>;
  /** Pod names of the ready engines per pool, as the HPA's pod list would hold them. */
  readonly readyPods: Readonly<Record<string, readonly string[]>>;
}

export interface DriverDecision {
  /** Desired units per role; a role left out is held. */
  readonly desired: Readonly<Record<string, number>>;
  /** Why, in plain words, per role. */
  readonly reasons?: Readonly<Record<string, string>>;
}

/**
 * A scaling policy as the loop runs it: called every `periodSeconds` (default the loop's sync period)
 * with the latest signals. Drivers may keep history between calls (the HPA does); everything that
 * decides is a pure core they call.
 */
export interface ScalingPolicyDriver {
  readonly name: string;
  readonly periodSeconds?: number;
  decide(view: ControlView): DriverDecision;
}

/** A gang to place: one unit of a role, its pods with GPU requests. */
export interface UnitGang {
  readonly name: string;
  readonly pods: readonly { readonly name: string; readonly gpus: number }[];
}

export type PlacementOutcome = { readonly placed: true; readonly nodes: Readonly<Record<string, string>> } | { readonly placed: false; readonly reasons: readonly string[] };

/** All-or-nothing placement of one gang given what is already bound. */
export interface Placer {
  place(gang: UnitGang, bound: readonly { readonly pod: string; readonly node: string; readonly gpus: number }[]): PlacementOutcome;
  /** GPUs in the cluster. */
  readonly totalGpus: number;
}

export interface LoopConfig {
  readonly requests: readonly SimRequest[];
  readonly pools: readonly PoolSpec[];
  readonly roles: readonly RoleSpec[];
  readonly driver: ScalingPolicyDriver;
  readonly placer?: Placer | undefined;
  readonly router?: RouterKind;
  /** Model load time of a new unit, seconds (GPU time counts from its start). */
  readonly startupSeconds?: number;
  /** Each unit's start-up delay is startupSeconds × (1 ± jitter), drawn from the seed. */
  readonly startupJitter?: number;
  readonly syncPeriodSeconds?: number;
  readonly scrapeIntervalSeconds?: number;
  readonly windowSeconds?: number;
  readonly seed?: number;
  /** The run stops admitting control actions at this time; defaults to the last arrival rounded up to a minute. */
  readonly endTime?: number;
  readonly namespace?: string;
  /** The PodCliqueSet name the simulated pods belong to. */
  readonly podCliqueSet?: string;
  /** Called after every scrape cycle (the demo serves the snapshot and prints progress). */
  readonly onScrape?: ((snapshot: SignalSnapshot, now: number, state: SignalState) => void) | undefined;
}

export interface UnitRecord {
  readonly role: string;
  readonly name: string;
  readonly requestedAt: number;
  /** When its pods were bound (GPU time starts); undefined while pending. */
  placedAt: number | undefined;
  readyAt: number | undefined;
  drainStartedAt: number | undefined;
  goneAt: number | undefined;
  readonly nodes: Record<string, string>;
  pendingReasons: readonly string[];
  /** The ids records carry in `replica` / `prefillReplica` for this unit's engines (assigned at placement). */
  readonly engineIds: number[];
}

export interface RoleTimeline {
  /** Units holding GPUs (starting, ready or draining) over time. */
  readonly allocated: readonly Step[];
  readonly ready: readonly Step[];
  readonly gpusPerUnit: number;
}

export interface LoopResult {
  readonly records: readonly SimRecord[];
  readonly timelines: Readonly<Record<string, RoleTimeline>>;
  readonly actions: readonly ScalingAction[];
  readonly units: readonly UnitRecord[];
  /** Seconds [0, endTime) over which cost and attainment are scored. */
  readonly endTime: number;
  readonly decisions: number;
  /** Per sync: time, role, desired, reason (for the report). */
  readonly decisionLog: readonly { readonly time: number; readonly role: string; readonly desired: number; readonly reason: string }[];
}
