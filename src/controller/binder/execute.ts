// Carrying out one gang's decision, in the order that makes a crash harmless: persist the plan, bind
// its pods one by one, then write the status. A failure stops the gang's work for this round; the next
// decision sees what was done (a persisted plan, some bound pods) and resumes from there.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { PodGang, PodGangStatus } from '../../api/types.ts';
import type { PodGangClient } from '../podgang-sync/sync.ts';
import type { Assumptions } from './assume.ts';
import type { GangAction } from './decide.ts';
import { errorText } from './errors.ts';
import { ANNOTATION_PLACEMENT_PLAN, formatPersistedPlan } from './plan-annotation.ts';

export interface BinderClient {
  /** Sets the plan annotation, refused (409) unless the gang is still at resourceVersion. */
  persistPlan(namespace: string, name: string, resourceVersion: string, plan: string): Promise<PodGang>;
  /** POST pods/<pod>/binding. */
  bind(namespace: string, pod: string, node: string): Promise<void>;
  writeStatus(namespace: string, name: string, resourceVersion: string, status: PodGangStatus): Promise<PodGang>;
}

export function kubeBinderClient(kc: KubeConfig, gangs: PodGangClient): BinderClient {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    async persistPlan(namespace, name, resourceVersion, plan) {
      return gangs.patch(namespace, name, { metadata: { resourceVersion, annotations: { [ANNOTATION_PLACEMENT_PLAN]: plan } } });
    },
    async bind(namespace, pod, node) {
      await core.createNamespacedPodBinding({
        name: pod,
        namespace,
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod, namespace }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
      });
    },
    writeStatus: (namespace, name, resourceVersion, status) => gangs.writeStatus(namespace, name, resourceVersion, status),
  };
}

export interface ExecuteOptions {
  /** Pause between two bindings (testing only). */
  readonly bindDelayMs?: number | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly log?: ((line: string) => void) | undefined;
  /** Checked between steps: stop early when the process is shutting down. */
  readonly stopped?: (() => boolean) | undefined;
}

export interface ExecuteResult {
  readonly bound: number;
  readonly error?: string | undefined;
}

const message = errorText;

export async function executeAction(client: BinderClient, action: GangAction, assumed: Assumptions, options: ExecuteOptions = {}): Promise<ExecuteResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = options.log ?? (() => undefined);
  const where = `PodGang ${action.namespace}/${action.name}`;
  let resourceVersion = action.resourceVersion;
  const seen = action.resourceVersion;
  if (action.plan !== undefined) {
    try {
      const written = await client.persistPlan(action.namespace, action.name, resourceVersion, formatPersistedPlan(action.plan));
      assumed.recordGang(seen, written);
      resourceVersion = written.metadata.resourceVersion ?? resourceVersion;
      log(`${where}: persisted plan ${action.plan.generation} (${Object.keys(action.plan.pods).length} pods)${action.reasons.length > 0 ? `: ${action.reasons.join('; ')}` : ''}`);
    } catch (err) {
      return { bound: 0, error: `${where}: persisting the plan failed: ${message(err)}` };
    }
  }
  let bound = 0;
  for (const b of action.binds) {
    if (options.stopped?.() === true) return { bound, error: `${where}: stopped after ${bound} bindings` };
    if (bound > 0 && (options.bindDelayMs ?? 0) > 0) await sleep(options.bindDelayMs ?? 0);
    try {
      await client.bind(action.namespace, b.pod, b.node);
      assumed.recordBind(action.namespace, b.pod, b.node);
      bound++;
      log(`${where}: bound pod ${b.pod} to node ${b.node}`);
    } catch (err) {
      return { bound, error: `${where}: binding pod ${b.pod} to ${b.node} failed: ${message(err)}` };
    }
  }
  if (action.status !== undefined) {
    try {
      const written = await client.writeStatus(action.namespace, action.name, resourceVersion, action.status);
      assumed.recordGang(seen, written);
      const c = action.status.conditions?.find((x) => x.type === 'Scheduled');
      log(`${where}: phase ${action.status.phase}, Scheduled=${c?.status ?? '?'} ${c?.reason ?? ''}: ${c?.message ?? ''}`);
    } catch (err) {
      return { bound, error: `${where}: writing status failed: ${message(err)}` };
    }
  }
  return { bound };
}
