import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { statusOf } from './retry.ts';

export interface EventTarget {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
}

export interface EventRecord {
  target: EventTarget;
  type: 'Normal' | 'Warning';
  /** CamelCase, as Kubernetes reasons are (e.g. SuccessfulRescale). */
  reason: string;
  message: string;
}

/**
 * Writes core/v1 Events the way client-go's recorder does at its simplest: a repeat of the same
 * (object, type, reason, message) bumps the count of the existing Event instead of creating another one.
 */
export class EventRecorder {
  private readonly api: CoreV1Api;
  private readonly seen = new Map<string, { name: string; count: number }>();
  private readonly component: string;
  private readonly now: () => Date;

  constructor(kc: KubeConfig, component = 'canopy', now: () => Date = () => new Date()) {
    this.api = kc.makeApiClient(CoreV1Api);
    this.component = component;
    this.now = now;
  }

  async record(e: EventRecord): Promise<void> {
    const key = JSON.stringify([e.target.namespace, e.target.kind, e.target.name, e.type, e.reason, e.message]);
    const now = this.now();
    const prior = this.seen.get(key);
    if (prior !== undefined) {
      try {
        await this.api.patchNamespacedEvent(
          { name: prior.name, namespace: e.target.namespace, body: { count: prior.count + 1, lastTimestamp: now.toISOString() } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        prior.count++;
        return;
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
        this.seen.delete(key); // garbage-collected by the API server's TTL: start a new one
      }
    }
    const name = `${e.target.name}.${now.getTime().toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`;
    await this.api.createNamespacedEvent({
      namespace: e.target.namespace,
      body: {
        metadata: { name, namespace: e.target.namespace },
        involvedObject: {
          apiVersion: e.target.apiVersion,
          kind: e.target.kind,
          name: e.target.name,
          namespace: e.target.namespace,
          ...(e.target.uid === undefined ? {} : { uid: e.target.uid }),
        },
        type: e.type,
        reason: e.reason,
        message: e.message,
        source: { component: this.component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        reportingComponent: this.component,
      },
    });
    this.seen.set(key, { name, count: 1 });
  }
}
