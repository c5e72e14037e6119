// One decision for one ScalingPolicy against the live cluster: read, snapshot, decide, actuate, write status.
// Every choice is made by the pure parts (snapshot, decide, plan, settle, status); this file only sequences
// the reads and writes around them.
import { PodCliqueSetSchema, type PodCliqueSet } from '../../api/index.ts';
import { roleTargetKind, type ScalingPolicy } from '../../api/scaling-policy.ts';
import type { RetryOptions } from '../../kube/retry.ts';
import type { ScaleClient } from '../../kube/scale.ts';
import type { Logger } from '../../telemetry/log.ts';
import { tracer } from '../../telemetry/tracing.ts';
import { applyPlan, type EventSink } from '../actuate/apply.ts';
import { boundHistory, historyRetention } from '../actuate/history-bound.ts';
import { planActuation } from '../actuate/plan.ts';
import { settleHistory, type ChangeOutcome } from '../actuate/settle.ts';
import { buildPolicyStatus, statusMergePatch, type SyncProblem } from '../actuate/status.ts';
import { decide } from '../decide.ts';
import { resolveTarget } from '../targets.ts';
import type { DecideResult, ScalerHistory } from '../types.ts';
import type { ScalerKubeClient } from './kube.ts';
import { liveObjectFrom } from './objects.ts';
import { buildScalerSnapshot, roleObjectNames, type LiveObject, type SignalRead } from './snapshot.ts';
import type { Pod } from '../hpa/types.ts';

export interface SyncDeps {
  readonly kube: ScalerKubeClient;
  readonly scale: ScaleClient;
  readonly events: EventSink;
  readonly logger: Logger;
  readonly retry?: RetryOptions | undefined;
}

export interface PolicySyncInput {
  readonly policy: ScalingPolicy;
  readonly history: ScalerHistory;
  readonly signals: SignalRead;
  readonly now: number;
}

export interface PolicySyncReport {
  /** `<namespace>/<name>`. */
  readonly policy: string;
  readonly history: ScalerHistory;
  readonly result?: DecideResult | undefined;
  readonly changes: readonly ChangeOutcome[];
  readonly problem?: SyncProblem | undefined;
  readonly statusWritten: boolean;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface LiveRead {
  readonly pcs: PodCliqueSet;
  readonly objects: Map<string, LiveObject>;
  readonly pods: Map<string, readonly Pod[]>;
  readonly objectNames: Map<string, string[]>;
}

async function readLive(deps: SyncDeps, policy: ScalingPolicy, namespace: string): Promise<LiveRead | SyncProblem> {
  const target = policy.spec.targetRef.name;
  const raw = await deps.kube.getGroveObject('PodCliqueSet', namespace, target);
  if (raw === undefined) return { reason: 'FailedGetScale', message: `PodCliqueSet ${namespace}/${target} not found` };
  // decide() reads the spec only; status is left out so fields a newer Grove adds there cannot stop scaling.
  const parsed = PodCliqueSetSchema.safeParse(typeof raw === 'object' && raw !== null ? { ...raw, status: undefined } : raw);
  if (!parsed.success) return { reason: 'InvalidTarget', message: `PodCliqueSet ${namespace}/${target} does not parse: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const pcs = parsed.data;
  const pcsName = pcs.metadata.name ?? target;
  const objects = new Map<string, LiveObject>();
  const pods = new Map<string, readonly Pod[]>();
  const objectNames = new Map<string, string[]>();
  await Promise.all(
    policy.spec.roles.map(async (role) => {
      const kind = roleTargetKind(role);
      const names = roleObjectNames(pcs, pcsName, role);
      objectNames.set(role.name, names);
      await Promise.all(
        names.map(async (name) => {
          const o = liveObjectFrom(kind, await deps.kube.getGroveObject(kind, namespace, name));
          if (o === undefined) return;
          objects.set(name, o);
          // Only the HPA core looks at pods; Grove publishes no selector until it has reconciled the object.
          if (role.mode === 'hpa' && o.selector !== '') pods.set(name, await deps.kube.listPods(namespace, o.selector));
        }),
      );
    }),
  );
  return { pcs, objects, pods, objectNames };
}

/** The floor each live object must keep: its own minAvailable, else its template's (Grove's defaults). */
function floors(policy: ScalingPolicy, live: LiveRead): Map<string, number> {
  const out = new Map<string, number>();
  for (const role of policy.spec.roles) {
    const resolved = resolveTarget(live.pcs, role);
    for (const name of live.objectNames.get(role.name) ?? []) {
      const o = live.objects.get(name);
      if (o === undefined) continue;
      const floor = o.minAvailable ?? (resolved.ok ? resolved.target.minAvailable : undefined);
      if (floor !== undefined) out.set(name, floor);
    }
  }
  return out;
}

async function writeStatus(deps: SyncDeps, policy: ScalingPolicy, namespace: string, status: ReturnType<typeof buildPolicyStatus>): Promise<boolean> {
  try {
    await deps.kube.patchPolicyStatus(namespace, policy.metadata.name, statusMergePatch(status));
    return true;
  } catch (err) {
    deps.logger.error('status not written', { policy: `${namespace}/${policy.metadata.name}`, error: errorText(err) });
    return false;
  }
}

export async function syncPolicy(deps: SyncDeps, input: PolicySyncInput): Promise<PolicySyncReport> {
  const { policy, now } = input;
  const namespace = policy.metadata.namespace ?? 'default';
  const key = `${namespace}/${policy.metadata.name}`;
  return tracer().startActiveSpan('canopy.scaler.sync', async (span) => {
    span.setAttributes({ 'canopy.policy': key, 'canopy.target.name': policy.spec.targetRef.name, 'canopy.actuation': policy.spec.actuation });
    try {
      let live: LiveRead | SyncProblem;
      try {
        live = await readLive(deps, policy, namespace);
      } catch (err) {
        live = { reason: 'FailedGetScale', message: errorText(err) };
      }
      if (!('pcs' in live)) {
        deps.logger.warn('policy not decided', { policy: key, reason: live.reason, message: live.message });
        const history = boundHistory(input.history, historyRetention(policy.spec), now);
        const status = buildPolicyStatus({ policy, previous: policy.status, now, history, problem: live });
        const statusWritten = await writeStatus(deps, policy, namespace, status);
        return { policy: key, history, changes: [], problem: live, statusWritten };
      }
      const built = buildScalerSnapshot(policy, { namespace, pcs: live.pcs, objects: live.objects, pods: live.pods }, input.signals, now);
      const result = decide(policy, live.pcs, built.snapshot, input.history, now);
      const plan = planActuation({ namespace, result, floors: floors(policy, live), outages: new Set(built.outages.map((o) => o.role)) });
      const uids = new Map<string, string>();
      for (const o of live.objects.values()) if (o.uid !== undefined) uids.set(`${o.kind}/${o.name}`, o.uid);
      if (live.pcs.metadata.uid !== undefined) uids.set(`PodCliqueSet/${live.pcs.metadata.name ?? ''}`, live.pcs.metadata.uid);
      const changes = await applyPlan(deps, { policy: key, uids }, plan);
      // Memory is bounded exactly as the status is, so a restarted scaler continues from the same history.
      const history = boundHistory(settleHistory(input.history, result.history, changes, live.objectNames), historyRetention(policy.spec), now);
      const status = buildPolicyStatus({ policy, previous: policy.status, now, history, result, outages: built.outages, undecided: built.undecided, changes });
      const statusWritten = await writeStatus(deps, policy, namespace, status);
      // decide() notes each role left out of the snapshot; for outages the line below says why, once.
      const held = new Set(built.outages.map((o) => `role ${o.role}: no snapshot`));
      for (const w of result.warnings) if (![...held].some((h) => w.startsWith(h))) deps.logger.warn('policy warning', { policy: key, warning: w });
      for (const o of built.outages) deps.logger.warn('metrics unavailable', { policy: key, role: o.role, message: o.message });
      deps.logger.debug('decided', {
        policy: key,
        set: `${result.set.current} → ${result.set.desired}`,
        roles: result.roles.map((r) => `${r.role} ${r.current} → ${r.desired} (${r.reason})`),
      });
      span.setAttribute('canopy.changes', changes.length);
      return { policy: key, history, result, changes, statusWritten };
    } finally {
      span.end();
    }
  });
}
