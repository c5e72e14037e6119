// The thin I/O around diffPodGangs: gather each PodCliqueSet's inputs from the informer caches, then
// delete, create, patch and write Initialized through the API server.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_NAMESPACE } from '../../api/defaulting.ts';
import type { ClusterTopologyBinding, PodCliqueSet, PodGang, PodGangStatus } from '../../api/types.ts';
import { statusOf } from '../../kube/retry.ts';
import type { PodObject } from '../placement/kube.ts';
import { errorText } from '../binder/errors.ts';
import { diffPodGangs, type JsonValue, type PodGangSyncPlan } from './diff.ts';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const PODGANGS = { group: 'scheduler.grove.io', version: 'v1alpha1', plural: 'podgangs' } as const;

/** The PodGang writes the sync and the binder need; a fake in tests, the API server in production. */
export interface PodGangClient {
  create(namespace: string, gang: PodGang): Promise<PodGang>;
  patch(namespace: string, name: string, patch: { [key: string]: JsonValue }): Promise<PodGang>;
  delete(namespace: string, name: string): Promise<void>;
  /** Merge patch of status through /status, refused (409) unless the gang is still at resourceVersion. */
  writeStatus(namespace: string, name: string, resourceVersion: string, status: PodGangStatus): Promise<PodGang>;
}

export function kubePodGangClient(kc: KubeConfig, fieldManager = 'canopy'): PodGangClient {
  const api = kc.makeApiClient(CustomObjectsApi);
  return {
    async create(namespace, gang) {
      return (await api.createNamespacedCustomObject({ ...PODGANGS, namespace, body: gang, fieldManager })) as PodGang;
    },
    async patch(namespace, name, patch) {
      return (await api.patchNamespacedCustomObject({ ...PODGANGS, namespace, name, body: patch, fieldManager }, mergePatch)) as PodGang;
    },
    async delete(namespace, name) {
      await api.deleteNamespacedCustomObject({ ...PODGANGS, namespace, name });
    },
    async writeStatus(namespace, name, resourceVersion, status) {
      const body = { metadata: { resourceVersion }, status };
      return (await api.patchNamespacedCustomObjectStatus({ ...PODGANGS, namespace, name, body, fieldManager }, mergePatch)) as PodGang;
    },
  };
}

/** The binding a PodCliqueSet's constraints name, else the only binding of the cluster, else none. */
export function topologyFor(pcs: PodCliqueSet, bindings: readonly ClusterTopologyBinding[]): ClusterTopologyBinding | undefined {
  const t = pcs.spec.template;
  const named = [t.topologyConstraint, ...(t.podCliqueScalingGroups ?? []).map((g) => g.topologyConstraint), ...t.cliques.map((c) => c.topologyConstraint)]
    .map((tc) => tc?.topologyName)
    .find((n) => n !== undefined && n !== '');
  if (named !== undefined) return bindings.find((b) => b.metadata.name === named);
  return bindings.length === 1 ? bindings[0] : undefined;
}

/** Live spec.replicas of PodCliques and scaling groups, by name. */
export function liveReplicas(objects: readonly { metadata: { name?: string | undefined }; spec?: { replicas?: number | undefined } | undefined }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of objects) {
    const r = o.spec?.replicas;
    if (o.metadata.name !== undefined && r !== undefined) out[o.metadata.name] = r;
  }
  return out;
}

export interface SyncSnapshot {
  readonly podCliqueSets: readonly PodCliqueSet[];
  readonly scalables: readonly { metadata: { name?: string | undefined; namespace?: string | undefined }; spec?: { replicas?: number | undefined } | undefined }[];
  readonly pods: readonly PodObject[];
  readonly podGangs: readonly PodGang[];
  readonly topologies: readonly ClusterTopologyBinding[];
}

export interface SyncReport {
  readonly pcs: string;
  readonly plan: PodGangSyncPlan;
  readonly failures: readonly string[];
}

const ns = (o: { metadata: { namespace?: string | undefined } }): string => o.metadata.namespace ?? DEFAULT_NAMESPACE;

/** Applies one PodCliqueSet's plan. Deletes first; a failed write is reported and retried next sync. */
export async function applySyncPlan(client: PodGangClient, namespace: string, plan: PodGangSyncPlan): Promise<string[]> {
  const failures: string[] = [];
  const attempt = async (what: string, op: () => Promise<unknown>, tolerate: readonly number[] = []): Promise<unknown> => {
    try {
      return await op();
    } catch (err) {
      const code = statusOf(err);
      if (code !== undefined && tolerate.includes(code)) return undefined;
      failures.push(`${what}: ${errorText(err)}`);
      return undefined;
    }
  };
  for (const name of plan.deletes) await attempt(`delete PodGang ${namespace}/${name}`, () => client.delete(namespace, name), [404]);
  const created = new Map<string, PodGang>();
  for (const gang of plan.creates) {
    const name = gang.metadata.name ?? '';
    const made = await attempt(`create PodGang ${namespace}/${name}`, () => client.create(namespace, gang), [409]);
    if (made !== undefined) created.set(name, made as PodGang);
  }
  for (const p of plan.patches) await attempt(`patch PodGang ${namespace}/${p.name}`, () => client.patch(namespace, p.name, p.patch), [404]);
  for (const s of plan.statuses) {
    const rv = s.resourceVersion !== '' ? s.resourceVersion : created.get(s.name)?.metadata.resourceVersion;
    if (rv === undefined) continue; // created by an earlier sync that the cache has not shown yet
    await attempt(`write status of PodGang ${namespace}/${s.name}`, () => client.writeStatus(namespace, s.name, rv, s.status), [404, 409]);
  }
  return failures;
}

/** One sync pass over every PodCliqueSet in the snapshot. */
export async function syncPodGangs(client: PodGangClient, snap: SyncSnapshot, now: string): Promise<SyncReport[]> {
  const reports: SyncReport[] = [];
  for (const pcs of snap.podCliqueSets) {
    if (pcs.metadata.deletionTimestamp !== undefined && pcs.metadata.deletionTimestamp !== null) continue;
    const namespace = ns(pcs);
    const plan = diffPodGangs({
      pcs,
      topology: topologyFor(pcs, snap.topologies),
      replicas: liveReplicas(snap.scalables.filter((o) => ns(o) === namespace)),
      pods: snap.pods.filter((p) => ns(p) === namespace),
      existing: snap.podGangs.filter((g) => ns(g) === namespace),
      now,
    });
    const failures = await applySyncPlan(client, namespace, plan);
    reports.push({ pcs: `${namespace}/${pcs.metadata.name ?? ''}`, plan, failures });
  }
  return reports;
}
