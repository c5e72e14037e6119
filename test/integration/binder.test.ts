// The bundled controller (`canopy serve --components controller`) as a child process against a real
// kube-apiserver: PodGang sync, all-or-nothing topology-aware binding, retry on new capacity, and a
// binder killed half-way through a plan whose successor finishes that same persisted plan.
//
// No Grove operator and no kubelet run here: the test creates the PodCliqueSets and their pods itself,
// labelled exactly as Grove labels them, and writes node status (allocatable, Ready) itself.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basePodGangName, podCliqueName, podGenerateName } from '../../src/api/naming.ts';
import { LABEL_PODGANG, podLabels, standalonePodCliqueLabels } from '../../src/api/labels.ts';
import type { PodCliqueSet, PodGang } from '../../src/api/types.ts';
import { ANNOTATION_PLACEMENT_PLAN, parsePersistedPlan, type PersistedPlan } from '../../src/controller/binder/plan-annotation.ts';
import { applyCrdDir } from '../env/crds.ts';
import { testKubeConfig, testKubeconfigPath } from '../env/kube.ts';
import { waitFor } from '../env/net.ts';
import { startProcess, tail, type ManagedProcess } from '../env/proc.ts';
import { integrationSkipped } from '../env/skip.ts';

const root = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const GROVE = { group: 'grove.io', version: 'v1alpha1' } as const;
const SCHEDULER = { group: 'scheduler.grove.io', version: 'v1alpha1', plural: 'podgangs' } as const;
const ZONE = 'topology.kubernetes.io/zone';
const RACK = 'topology.kubernetes.io/rack';
const HOST = 'kubernetes.io/hostname';
const GPU = 'nvidia.com/gpu';

describe.skipIf(integrationSkipped)('canopy serve: PodGang sync and the gang binder on a real kube-apiserver', () => {
  const run = randomBytes(3).toString('hex');
  const namespace = `canopy-binder-${run}`;
  const topologyName = `canopy-binder-${run}`;
  const logDir = mkdtempSync(join(tmpdir(), 'canopy-binder-'));
  const nodeNames: string[] = [];
  const children: ManagedProcess[] = [];
  let kc: KubeConfig;
  let core: CoreV1Api;
  let objects: CustomObjectsApi;

  const nodeName = (rack: string, i: number): string => `cb-${run}-${rack}-n${i}`;

  async function addNode(rack: string, i: number, gpus = 4): Promise<string> {
    const name = nodeName(rack, i);
    await core.createNode({ body: { metadata: { name, labels: { [ZONE]: 'z1', [RACK]: rack, [HOST]: name, 'canopy.dev/test-run': run } } } });
    const resources = { cpu: '16', memory: '64Gi', pods: '110', [GPU]: String(gpus) };
    const now = new Date().toISOString();
    await core.patchNodeStatus(
      { name, body: { status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test node', lastHeartbeatTime: now, lastTransitionTime: now }] } } },
      mergePatch,
    );
    nodeNames.push(name);
    return name;
  }

  function startController(tag: string, extra: readonly string[] = []): ManagedProcess {
    const child = startProcess({
      name: `canopy-serve-${tag}`,
      command: process.execPath,
      args: [
        root('src/cli/main.ts'),
        'serve',
        '--kubeconfig',
        testKubeconfigPath(),
        '--components',
        'controller',
        '--scheduler-name',
        'canopy',
        '--namespace',
        namespace,
        '--lease-namespace',
        namespace,
        '--lease-duration',
        '3s',
        '--identity',
        `binder-test-${tag}`,
        ...extra,
      ],
      logFile: join(logDir, `serve-${tag}.log`),
      cwd: root(''),
    });
    children.push(child);
    return child;
  }

  /** A PodCliqueSet with one clique of `pods` pods, each taking `gpus` GPUs, packed into one rack per replica. */
  async function createWorkload(name: string, replicas: number, pods: number, gpus: number): Promise<void> {
    const pcs: PodCliqueSet = {
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodCliqueSet',
      metadata: { name, namespace },
      spec: {
        replicas,
        template: {
          topologyConstraint: { topologyName, pack: { required: 'rack' } },
          cliques: [
            {
              name: 'w',
              spec: {
                roleName: 'w',
                replicas: pods,
                minAvailable: pods,
                podSpec: { schedulerName: 'canopy', containers: [{ name: 'main', image: 'registry.invalid/engine:1', resources: { requests: { [GPU]: String(gpus) }, limits: { [GPU]: String(gpus) } } }] },
              },
            },
          ],
        },
      },
    };
    await objects.createNamespacedCustomObject({ ...GROVE, plural: 'podcliquesets', namespace, body: pcs });
    // What Grove's PodClique controller would create: pods named from the PodClique, labelled for their gang.
    for (let i = 0; i < replicas; i++) {
      const pclq = podCliqueName(name, i, 'w');
      const gang = basePodGangName(name, i);
      const cliqueLabels = standalonePodCliqueLabels({ pcsName: name, pcsReplicaIndex: i, pclqFQN: pclq, podGangName: gang, podTemplateHash: 'test' });
      for (let k = 0; k < pods; k++) {
        const body: V1Pod = {
          metadata: { generateName: podGenerateName(pclq), namespace, labels: podLabels({ podCliqueLabels: cliqueLabels, pclqFQN: pclq, pcsReplicaIndex: i, podGangName: gang, podIndex: k }) },
          spec: {
            schedulerName: 'canopy',
            automountServiceAccountToken: false,
            hostname: `${pclq}-${k}`,
            subdomain: basePodGangName(name, i),
            containers: [{ name: 'main', image: 'registry.invalid/engine:1', resources: { requests: { [GPU]: String(gpus) }, limits: { [GPU]: String(gpus) } } }],
          },
        };
        await core.createNamespacedPod({ namespace, body });
      }
    }
  }

  async function gangPods(gang: string): Promise<V1Pod[]> {
    return (await core.listNamespacedPod({ namespace, labelSelector: `${LABEL_PODGANG}=${gang}` })).items;
  }

  async function podGang(name: string): Promise<PodGang | undefined> {
    try {
      return (await objects.getNamespacedCustomObject({ ...SCHEDULER, namespace, name })) as PodGang;
    } catch {
      return undefined;
    }
  }

  const scheduledCondition = (g: PodGang | undefined): { status: string; reason: string; message: string } | undefined => g?.status?.conditions?.find((c) => c.type === 'Scheduled');

  const logs = (): string => children.map((c) => `--- ${c.name} ---\n${tail(c.logFile, 60)}`).join('\n');

  async function waitLogged<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    try {
      return await waitFor(what, probe, { timeoutMs, intervalMs: 100 });
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${logs()}`, { cause: err });
    }
  }

  const boundNodes = (pods: readonly V1Pod[]): string[] => pods.map((p) => p.spec?.nodeName ?? '').filter((n) => n !== '');

  beforeAll(async () => {
    kc = testKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    objects = kc.makeApiClient(CustomObjectsApi);
    await applyCrdDir(kc, root('charts/canopy/crds'));
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    // Pod admission needs the namespace's default ServiceAccount, which the controller manager creates.
    await waitFor('the default ServiceAccount', async () => (await core.readNamespacedServiceAccount({ name: 'default', namespace })).metadata?.name, { timeoutMs: 60_000 });
    await waitFor(
      'the ClusterTopologyBinding endpoint',
      async (): Promise<unknown> =>
        (await objects.createClusterCustomObject({
          ...GROVE,
          plural: 'clustertopologybindings',
          body: {
            apiVersion: 'grove.io/v1alpha1',
            kind: 'ClusterTopologyBinding',
            metadata: { name: topologyName },
            spec: { levels: [{ domain: 'zone', key: ZONE }, { domain: 'rack', key: RACK }, { domain: 'host', key: HOST }] },
          },
        })) as unknown,
      { timeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    for (const c of children) if (!c.hasExited()) process.kill(-c.pid, 'SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await Promise.all(nodeNames.map((name) => core.deleteNode({ name }).catch(() => undefined)));
    await objects.deleteClusterCustomObject({ ...GROVE, plural: 'clustertopologybindings', name: topologyName }).catch(() => undefined);
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  let firstGang = '';
  let secondGang = '';

  it('creates the PodGangs Grove would, binds the gang that fits whole and none of the one that does not', async () => {
    // Rack r1 holds one 2-pod gang; rack r2 has a single node, so the second gang fits nowhere.
    await addNode('r1', 0);
    await addNode('r1', 1);
    await addNode('r2', 0);
    await createWorkload('svc', 2, 2, 4);
    startController('a');

    const gangs = await waitLogged('PodGangs svc-0 and svc-1', async () => {
      const list = (await objects.listNamespacedCustomObject({ ...SCHEDULER, namespace })) as { items: PodGang[] };
      const names = list.items.map((g) => g.metadata.name ?? '').sort();
      return names.length === 2 ? list.items : undefined;
    });
    expect(gangs.map((g) => g.metadata.name).sort()).toEqual(['svc-0', 'svc-1']);
    for (const g of gangs) {
      expect(g.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'PodCliqueSet', name: 'svc', controller: true });
      expect(g.metadata.labels?.['grove.io/scheduler-name']).toBe('canopy');
      expect(g.spec.topologyConstraint?.packConstraint?.required).toBe(RACK);
      expect(g.spec.podgroups.map((p) => [p.name, p.podReferences.length, p.minReplicas])).toEqual([[`${g.metadata.name ?? ''}-w`, 2, 2]]);
    }

    const outcome = await waitLogged('one gang bound, the other reported unschedulable', async () => {
      const state = await Promise.all(['svc-0', 'svc-1'].map(async (name) => ({ name, pods: await gangPods(name), gang: await podGang(name) })));
      const full = state.find((s) => boundNodes(s.pods).length === 2);
      const other = state.find((s) => s !== full);
      if (full === undefined || other === undefined) return undefined;
      return scheduledCondition(other.gang)?.reason === 'Unschedulable' && scheduledCondition(full.gang)?.status === 'True' ? { full, other } : undefined;
    });
    firstGang = outcome.full.name;
    secondGang = outcome.other.name;
    expect(new Set(boundNodes(outcome.full.pods))).toEqual(new Set([nodeName('r1', 0), nodeName('r1', 1)]));
    expect(boundNodes(outcome.other.pods)).toEqual([]);
    const why = scheduledCondition(outcome.other.gang);
    expect(why?.status).toBe('False');
    expect(why?.message).toMatch(/nvidia\.com\/gpu/);
    expect(outcome.other.gang?.status?.phase).toBe('Pending');
    const done = outcome.full.gang;
    expect(done?.status?.phase).toBe('Starting');
    expect(done?.status?.placementScore).toBeTypeOf('number');
    const plan = parsePersistedPlan(done?.metadata.annotations?.[ANNOTATION_PLACEMENT_PLAN]);
    expect(Object.fromEntries(outcome.full.pods.map((p) => [p.metadata?.name ?? '', p.spec?.nodeName ?? '']))).toEqual(plan?.pods);
  });

  it('binds the waiting gang once a new node makes room for it', async () => {
    expect(secondGang).not.toBe('');
    await addNode('r2', 1);
    const pods = await waitLogged(`${secondGang} bound`, async () => {
      const list = await gangPods(secondGang);
      return boundNodes(list).length === 2 ? list : undefined;
    });
    expect(new Set(boundNodes(pods))).toEqual(new Set([nodeName('r2', 0), nodeName('r2', 1)]));
    const gang = await waitLogged(`${secondGang} Scheduled=True`, async () => {
      const g = await podGang(secondGang);
      return scheduledCondition(g)?.status === 'True' ? g : undefined;
    });
    expect(gang.status?.phase).toBe('Starting');
    // The first gang is untouched.
    expect(new Set(boundNodes(await gangPods(firstGang)))).toEqual(new Set([nodeName('r1', 0), nodeName('r1', 1)]));
  });

  it('a binder killed in the middle of a plan is succeeded by one that finishes the persisted plan', async () => {
    const first = children[0];
    if (first === undefined) throw new Error('no controller running');
    await first.stop(10_000); // graceful: releases the lease
    for (let i = 0; i < 4; i++) await addNode('r3', i);
    const slow = startController('b', ['--bind-delay', '500ms']);
    await createWorkload('big', 1, 4, 4);

    const mid = await waitLogged('a persisted plan and 1-3 bound pods', async () => {
      const gang = await podGang('big-0');
      const plan = parsePersistedPlan(gang?.metadata.annotations?.[ANNOTATION_PLACEMENT_PLAN]);
      const pods = await gangPods('big-0');
      const bound = boundNodes(pods).length;
      return plan !== undefined && bound >= 1 && bound < 4 ? { plan, bound } : undefined;
    });
    process.kill(-slow.pid, 'SIGKILL');
    await slow.exited;
    const afterKill = boundNodes(await gangPods('big-0')).length;
    expect(afterKill).toBeGreaterThanOrEqual(mid.bound);
    expect(afterKill).toBeLessThan(4);

    startController('c');
    const pods = await waitLogged('every pod of big-0 bound by the successor', async () => {
      const list = await gangPods('big-0');
      return boundNodes(list).length === 4 ? list : undefined;
    });
    const planned: PersistedPlan = mid.plan;
    expect(Object.fromEntries(pods.map((p) => [p.metadata?.name ?? '', p.spec?.nodeName ?? '']))).toEqual(planned.pods);
    const gang = await waitLogged('big-0 Scheduled=True', async () => {
      const g = await podGang('big-0');
      return scheduledCondition(g)?.status === 'True' ? g : undefined;
    });
    // Resumed, not re-planned: the annotation still holds the first plan.
    expect(parsePersistedPlan(gang.metadata.annotations?.[ANNOTATION_PLACEMENT_PLAN])).toEqual(planned);
    expect(new Set(Object.values(planned.pods))).toEqual(new Set([0, 1, 2, 3].map((i) => nodeName('r3', i))));
  });
});
