import {
  CoordinationV1Api,
  Observable,
  type KubeConfig,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
  type V1Lease,
} from '@kubernetes/client-node';
import { statusOf } from './retry.ts';

/** client-go's leader-election timings. */
export const defaultLeaseTimings = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 } as const;

/**
 * A Lease's renewTime and acquireTime are metav1.MicroTime, which the API server parses with exactly six
 * fractional digits; client-node serializes Dates with three, and such a write is refused with 400. Pads every
 * RFC 3339 timestamp with millisecond precision in a JSON body to microseconds.
 */
export function padMicroTime(json: string): string {
  return json.replace(/("\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z"/g, '$1000Z"');
}

const microTimeMiddleware: ObservableMiddleware = {
  pre: (ctx: RequestContext) => {
    const body = ctx.getBody();
    if (typeof body === 'string') ctx.setBody(padMicroTime(body));
    return new Observable(Promise.resolve(ctx));
  },
  post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
};

const writeOptions = { middleware: [microTimeMiddleware], middlewareMergeStrategy: 'append' as const };

export interface LeaseRecord {
  holder: string | undefined;
  /** When the holder last renewed. */
  renewTime: Date | undefined;
  leaseDurationSeconds: number;
  transitions: number;
  resourceVersion: string;
}

export type LeaseAction =
  | { kind: 'create' }
  | { kind: 'renew' }
  | { kind: 'takeover'; from: string | undefined }
  | { kind: 'wait'; holder: string; expiresAt: Date };

/** What a candidate should do with the lease as it is now. Pure: the loop does the I/O. */
export function decideLease(lease: LeaseRecord | undefined, identity: string, now: Date): LeaseAction {
  if (lease === undefined) return { kind: 'create' };
  if (lease.holder === identity) return { kind: 'renew' };
  if (lease.holder === undefined || lease.holder === '' || lease.renewTime === undefined) return { kind: 'takeover', from: lease.holder };
  const expiresAt = new Date(lease.renewTime.getTime() + lease.leaseDurationSeconds * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { kind: 'takeover', from: lease.holder };
  return { kind: 'wait', holder: lease.holder, expiresAt };
}

export function leaseRecord(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holder: spec.holderIdentity,
    renewTime: spec.renewTime === undefined ? undefined : new Date(spec.renewTime),
    leaseDurationSeconds: spec.leaseDurationSeconds ?? defaultLeaseTimings.leaseDurationSeconds,
    transitions: spec.leaseTransitions ?? 0,
    resourceVersion: lease.metadata?.resourceVersion ?? '',
  };
}

export interface LeaderElectorOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  now?: () => Date;
}

/**
 * A Lease loop like client-go's: try every retry period; while leading, renew, and give up leadership when no
 * renewal has succeeded within the renew deadline. Optimistic concurrency on resourceVersion decides races.
 */
export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private readonly opts: Required<Omit<LeaderElectorOptions, 'onStartedLeading' | 'onStoppedLeading'>> &
    Pick<LeaderElectorOptions, 'onStartedLeading' | 'onStoppedLeading'>;
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private lastRenew = 0;
  private stopped = false;

  constructor(kc: KubeConfig, options: LeaderElectorOptions) {
    this.api = kc.makeApiClient(CoordinationV1Api);
    this.opts = {
      leaseDurationSeconds: defaultLeaseTimings.leaseDurationSeconds,
      renewDeadlineSeconds: defaultLeaseTimings.renewDeadlineSeconds,
      retryPeriodSeconds: defaultLeaseTimings.retryPeriodSeconds,
      now: () => new Date(),
      ...options,
    };
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  /** Stops trying; a leader releases the lease so a successor need not wait for it to expire. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.leading) {
      this.setLeading(false);
      try {
        const lease = await this.api.readNamespacedLease({ name: this.opts.name, namespace: this.opts.namespace });
        if (lease.spec?.holderIdentity === this.opts.identity) {
          lease.spec.holderIdentity = '';
          await this.api.replaceNamespacedLease({ name: this.opts.name, namespace: this.opts.namespace, body: lease }, writeOptions);
        }
      } catch {
        // Best effort: the lease expires on its own.
      }
    }
  }

  /** One attempt to acquire or renew; returns whether this candidate leads afterwards. */
  async tryOnce(): Promise<boolean> {
    const { namespace, name, identity } = this.opts;
    const now = this.opts.now();
    let current: V1Lease | undefined;
    try {
      current = await this.api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (statusOf(err) !== 404) return false;
    }
    const action = decideLease(current === undefined ? undefined : leaseRecord(current), identity, now);
    if (action.kind === 'wait') return false;
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: this.opts.leaseDurationSeconds,
      renewTime: now,
      acquireTime: action.kind === 'renew' ? current?.spec?.acquireTime ?? now : now,
      leaseTransitions: (current?.spec?.leaseTransitions ?? 0) + (action.kind === 'takeover' ? 1 : 0),
    };
    try {
      if (action.kind === 'create' || current === undefined) {
        await this.api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec } }, writeOptions);
      } else {
        await this.api.replaceNamespacedLease({ name, namespace, body: { metadata: current.metadata ?? { name, namespace }, spec } }, writeOptions);
      }
      return true;
    } catch {
      // 409: someone else won the race; anything else: try again next period.
      return false;
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const ok = await this.tryOnce();
    const nowMs = this.opts.now().getTime();
    if (ok) this.lastRenew = nowMs;
    if (ok && !this.leading) this.setLeading(true);
    if (!ok && this.leading && nowMs - this.lastRenew > this.opts.renewDeadlineSeconds * 1000) this.setLeading(false);
    // stop() may have run while tryOnce() was awaiting; re-read the flag rather than trusting the earlier check.
    if (!this.isStopped()) this.timer = setTimeout(() => void this.tick(), this.opts.retryPeriodSeconds * 1000);
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    if (leading) this.opts.onStartedLeading();
    else this.opts.onStoppedLeading();
  }
}
