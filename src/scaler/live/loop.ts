// The live scaler's control loop: every sync period, list the ScalingPolicies and run one decision for each
// whose interval has passed. The stabilization memory of a policy is loaded from its status the first time
// this process sees it, so a restart or a new leader continues where the last one stopped.
import { parseScalingPolicy, SCALING_POLICY_API_VERSION, SCALING_POLICY_KIND, type ScalingPolicy } from '../../api/scaling-policy.ts';
import type { SignalSnapshot } from '../../signals/index.ts';
import { silentLogger, type Logger } from '../../telemetry/log.ts';
import { historyFromStatus } from '../actuate/history-status.ts';
import type { ScalerHistory } from '../types.ts';
import type { SignalRead } from './snapshot.ts';
import { syncPolicy, type PolicySyncReport, type SyncDeps } from './sync.ts';

/** The newest SignalSnapshot (from src/signals), or undefined before the first one exists. */
export type SignalSource = () => Promise<SignalSnapshot | undefined> | SignalSnapshot | undefined;

export const DEFAULT_SYNC_PERIOD_MS = 15_000;

export interface ScalerLoopOptions extends Omit<SyncDeps, 'logger'> {
  readonly signals: SignalSource;
  /** Only this namespace's policies; every namespace when unset. */
  readonly namespace?: string | undefined;
  readonly syncPeriodMs?: number | undefined;
  /** Epoch milliseconds; injected so tests can move time without sleeping. */
  readonly now?: (() => number) | undefined;
  readonly logger?: Logger | undefined;
}

interface Memory {
  readonly uid: string;
  history: ScalerHistory;
  lastDecision: number;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function readSignals(source: SignalSource): Promise<SignalRead> {
  try {
    const s = await source();
    return s === undefined ? { ok: false, error: 'no signal snapshot yet' } : { ok: true, snapshot: s };
  } catch (err) {
    return { ok: false, error: errorText(err) };
  }
}

/** Whether a policy is due: first sight, or its intervalSeconds have passed since its last decision. */
export function isDue(memory: { lastDecision: number } | undefined, intervalSeconds: number, now: number): boolean {
  return memory === undefined || now - memory.lastDecision >= intervalSeconds * 1000;
}

export class ScalerLoop {
  private readonly options: ScalerLoopOptions;
  private readonly deps: SyncDeps;
  private readonly now: () => number;
  private readonly memory = new Map<string, Memory>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private syncCount = 0;

  constructor(options: ScalerLoopOptions) {
    this.options = options;
    this.now = options.now ?? (() => Date.now());
    const logger = (options.logger ?? silentLogger).child({ component: 'scaler' });
    this.deps = { kube: options.kube, scale: options.scale, events: options.events, logger, retry: options.retry };
  }

  /** Completed ticks (for tests and readiness). */
  get syncs(): number {
    return this.syncCount;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops ticking and waits for a tick in flight, so nothing writes after stop() resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      const run = this.syncOnce().catch((err: unknown) => {
        this.deps.logger.error('scaler tick failed', { error: errorText(err) });
      });
      this.running = run;
      void run.finally(() => {
        if (!this.stopped) this.schedule(this.options.syncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS);
      });
    }, delayMs);
  }

  /** One tick: every due policy, one after another (policies are few; their targets' writes are ordered). */
  async syncOnce(): Promise<PolicySyncReport[]> {
    const raw = await this.deps.kube.listPolicies(this.options.namespace);
    const now = this.now();
    const due: { key: string; policy: ScalingPolicy; memory: Memory }[] = [];
    const seen = new Set<string>();
    for (const item of raw) {
      const policy = await this.parse(item);
      if (policy === undefined) continue;
      const key = `${policy.metadata.namespace ?? 'default'}/${policy.metadata.name}`;
      seen.add(key);
      const uid = policy.metadata.uid ?? '';
      let memory = this.memory.get(key);
      // A policy deleted and created again under the same name starts from its own (empty) status.
      if (memory !== undefined && memory.uid !== uid) memory = undefined;
      if (!isDue(memory, policy.spec.intervalSeconds, now)) continue;
      if (memory === undefined) {
        const loaded = historyFromStatus(policy.status);
        if (loaded.skipped.length > 0) this.deps.logger.warn('unreadable history entries dropped', { policy: key, entries: loaded.skipped });
        memory = { uid, history: loaded.history, lastDecision: Number.NEGATIVE_INFINITY };
        this.memory.set(key, memory);
      }
      due.push({ key, policy, memory });
    }
    for (const key of [...this.memory.keys()]) if (!seen.has(key)) this.memory.delete(key);
    if (due.length === 0) {
      this.syncCount++;
      return [];
    }
    const signals = await readSignals(this.options.signals);
    const reports: PolicySyncReport[] = [];
    for (const { policy, memory } of due) {
      try {
        const report = await syncPolicy(this.deps, { policy, history: memory.history, signals, now });
        memory.history = report.history;
        memory.lastDecision = now;
        reports.push(report);
      } catch (err) {
        // One policy's failure must not starve the others; it is retried next tick.
        this.deps.logger.error('policy sync failed', { policy: `${policy.metadata.namespace ?? 'default'}/${policy.metadata.name}`, error: errorText(err) });
      }
    }
    this.syncCount++;
    return reports;
  }

  private async parse(item: unknown): Promise<ScalingPolicy | undefined> {
    const r = parseScalingPolicy(item);
    if (r.ok) return r.value;
    const meta = typeof item === 'object' && item !== null && 'metadata' in item ? (item.metadata as { name?: unknown; namespace?: unknown }) : {};
    const name = typeof meta.name === 'string' ? meta.name : '';
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : 'default';
    const message = r.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    this.deps.logger.warn('invalid ScalingPolicy skipped', { policy: `${namespace}/${name}`, message });
    if (name !== '') {
      try {
        await this.deps.events.record({
          target: { apiVersion: SCALING_POLICY_API_VERSION, kind: SCALING_POLICY_KIND, namespace, name },
          type: 'Warning',
          reason: 'InvalidPolicy',
          message,
        });
      } catch (err) {
        this.deps.logger.warn('event not recorded', { policy: `${namespace}/${name}`, error: errorText(err) });
      }
    }
    return undefined;
  }
}
