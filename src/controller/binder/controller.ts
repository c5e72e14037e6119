// The bundled controller's live half for PodGangs: shared informers feeding two loops, PodGang sync
// (always) and the gang binder (in canopy mode; in kai mode KAI's scheduler binds from the PodGangs).
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterTopologyBinding, PodCliqueSet, PodGang } from '../../api/types.ts';
import { Informer, kubeSource, startAndSync, type CachedObject, type InformerOptions } from '../../kube/informer.ts';
import type { NodeObject } from '../placement/kube.ts';
import { kubePodGangClient, syncPodGangs, type SyncSnapshot } from '../podgang-sync/sync.ts';
import { Assumptions } from './assume.ts';
import { decideBindings } from './decide.ts';
import { executeAction, kubeBinderClient } from './execute.ts';
import { errorText } from './errors.ts';
import { Runner } from './runner.ts';
import type { BinderPod } from './types.ts';

export type ControllerMode = 'canopy' | 'kai';

export interface ControllerOptions {
  readonly schedulerName: string;
  readonly mode: ControllerMode;
  /** Pause between two bindings (testing only). */
  readonly bindDelayMs?: number | undefined;
  /** Only this namespace's PodCliqueSets and PodGangs (pods and nodes are always read cluster-wide, for capacity). */
  readonly namespace?: string | undefined;
  readonly resyncMs?: number | undefined;
  readonly informer?: InformerOptions | undefined;
  readonly log: (line: string) => void;
}

export interface RunningController {
  stop(): Promise<void>;
}

interface Scalable extends CachedObject {
  readonly metadata: { name?: string; namespace?: string; resourceVersion?: string };
  readonly spec?: { replicas?: number };
}

export async function startController(kc: KubeConfig, options: ControllerOptions): Promise<RunningController> {
  const { log } = options;
  const nsPath = options.namespace === undefined || options.namespace === '' ? '' : `/namespaces/${options.namespace}`;
  const grove = `/apis/grove.io/v1alpha1`;
  const said = new Set<string>();
  const once = (line: string): void => {
    if (said.has(line)) return;
    said.add(line);
    log(line);
  };
  const informerOptions: InformerOptions = { ...options.informer, onError: (err) => { log(`watch error: ${errorText(err)}`); } };
  const make = <T extends CachedObject>(path: string): Informer<T> => new Informer<T>(kubeSource<T>(kc, path), informerOptions);
  const pcs = make<PodCliqueSet & CachedObject>(`${grove}${nsPath}/podcliquesets`);
  const pclq = make<Scalable>(`${grove}${nsPath}/podcliques`);
  const pcsg = make<Scalable>(`${grove}${nsPath}/podcliquescalinggroups`);
  const topologies = make<ClusterTopologyBinding & CachedObject>(`${grove}/clustertopologybindings`);
  const gangs = make<PodGang & CachedObject>(`/apis/scheduler.grove.io/v1alpha1${nsPath}/podgangs`);
  const pods = make<BinderPod & CachedObject>('/api/v1/pods');
  const nodes = make<NodeObject & CachedObject>('/api/v1/nodes');

  const gangClient = kubePodGangClient(kc);
  let stopping = false;

  const sync = new Runner(
    async () => {
      const snap: SyncSnapshot = { podCliqueSets: pcs.list(), scalables: [...pclq.list(), ...pcsg.list()], pods: pods.list(), podGangs: gangs.list(), topologies: topologies.list() };
      const reports = await syncPodGangs(gangClient, snap, new Date().toISOString());
      for (const r of reports) {
        for (const e of r.plan.errors) once(`PodCliqueSet ${r.pcs}: ${e}`);
        for (const w of r.plan.warnings) once(`PodCliqueSet ${r.pcs}: warning: ${w}`);
        for (const f of r.failures) log(f);
        if (r.plan.deletes.length + r.plan.creates.length + r.plan.patches.length > 0) {
          log(`PodCliqueSet ${r.pcs}: PodGangs deleted [${r.plan.deletes.join(', ')}] created [${r.plan.creates.map((g) => g.metadata.name ?? '').join(', ')}] patched [${r.plan.patches.map((p) => p.name).join(', ')}]`);
        }
      }
    },
    { resyncMs: options.resyncMs, onError: (err) => { log(`PodGang sync failed: ${errorText(err)}`); } },
  );

  const assumed = new Assumptions();
  const binderClient = kubeBinderClient(kc, gangClient);
  const binder = new Runner(
    async () => {
      const decision = decideBindings(
        { podGangs: assumed.podGangs(gangs.list()), pods: assumed.pods(pods.list()), nodes: nodes.list(), topologies: topologies.list() },
        { schedulerName: options.schedulerName, now: new Date().toISOString() },
      );
      for (const w of decision.warnings) once(`binder: warning: ${w}`);
      for (const action of decision.actions) {
        if (stopping) return;
        const result = await executeAction(binderClient, action, assumed, { bindDelayMs: options.bindDelayMs, log, stopped: () => stopping });
        if (result.error !== undefined) log(result.error);
      }
    },
    { resyncMs: options.resyncMs, onError: (err) => { log(`binder pass failed: ${errorText(err)}`); } },
  );
  const binding = options.mode === 'canopy';

  const all: Pick<Informer<CachedObject>, 'start' | 'stop' | 'synced'>[] = [pcs, pclq, pcsg, topologies, gangs, pods, nodes];
  for (const i of [pcs, pclq, pcsg, topologies, gangs, pods]) i.on(() => { sync.trigger(); });
  if (binding) for (const i of [gangs, pods, nodes, topologies]) i.on(() => { binder.trigger(); });
  await startAndSync(all);
  log(`caches synced (${pcs.list().length} PodCliqueSets, ${gangs.list().length} PodGangs, ${pods.list().length} pods, ${nodes.list().length} nodes); mode ${options.mode}, schedulerName ${options.schedulerName}`);
  sync.start();
  if (binding) binder.start();

  return {
    async stop() {
      stopping = true;
      await Promise.all([sync.stop(), binder.stop()]);
      await Promise.all(all.map((i) => i.stop()));
    },
  };
}
