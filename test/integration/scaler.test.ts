// The live scaler against a real kube-apiserver: ScalingPolicy objects in, /scale writes on Grove's three
// levels, Events and the policy's status out, and its stabilization memory surviving a restart. No Grove
// operator runs here: the test makes the objects Grove would make (names and labels from src/api) and plays
// Grove's part of writing their status. Signals come from a source the test controls (the signal pipeline is
// tested on its own); time comes from an injected clock, so nothing here sleeps for a window to pass.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basePodGangName,
  podCliqueName,
  podCliqueScalingGroupLabels,
  podCliqueScalingGroupName,
  podCliqueScalingGroupSelectorLabels,
  podCliqueSetSelectorLabels,
  selectorString,
  standalonePodCliqueLabels,
  standalonePodCliqueSelectorLabels,
} from '../../src/api/index.ts';
import { EventRecorder } from '../../src/kube/events.ts';
import { createScaleClient } from '../../src/kube/scale.ts';
import { createScalerKubeClient } from '../../src/scaler/live/kube.ts';
import { ScalerLoop } from '../../src/scaler/live/loop.ts';
import type { GroupSignals, SignalName, SignalSnapshot } from '../../src/signals/index.ts';
import { applyCrdDir } from '../env/crds.ts';
import { testKubeConfig } from '../env/kube.ts';
import { waitFor } from '../env/net.ts';
import { integrationSkipped } from '../env/skip.ts';

const CRD_DIR = fileURLToPath(new URL('../../charts/canopy/crds', import.meta.url));
const GROVE = { group: 'grove.io', version: 'v1alpha1' } as const;
const POLICY = { group: 'canopy.dev', version: 'v1alpha1', plural: 'scalingpolicies' } as const;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const T0 = Date.parse('2026-11-21T00:00:00.000Z');
const PCS = 'svc';
const FE = podCliqueName(PCS, 0, 'fe');
const DEC = podCliqueScalingGroupName(PCS, 0, 'dec');
const WAIT = { timeoutMs: 60_000, intervalMs: 100 } as const;

interface Load {
  fePrompt?: number;
  decGeneration?: number;
}

interface KubeObject {
  metadata: { name: string; uid?: string };
  spec: { replicas?: number };
  status?: Record<string, unknown>;
}

const clique = (name: string, replicas: number) => ({
  name,
  spec: { roleName: name, replicas, minAvailable: 1, podSpec: { containers: [{ name: 'engine', image: 'registry.example/engine:1' }] } },
});

function group(kind: 'podclique' | 'podcliquescalinggroup', namespace: string, name: string, values: Partial<Record<SignalName, number>>): GroupSignals {
  return { kind, namespace, name, podCliqueSet: PCS, replicaIndex: 0, pods: 1, podsReporting: 1, values, histograms: {} };
}

describe.skipIf(integrationSkipped)('live scaler on a real kube-apiserver', () => {
  const namespace = `canopy-scaler-${randomBytes(4).toString('hex')}`;
  let kc: KubeConfig;
  let objects: CustomObjectsApi;
  let core: CoreV1Api;
  let loop: ScalerLoop | undefined;
  let clock = T0;
  let load: Load = {};

  const source = (): SignalSnapshot => {
    const g: GroupSignals[] = [];
    if (load.fePrompt !== undefined) g.push(group('podclique', namespace, FE, { prompt_tokens_per_second: load.fePrompt }));
    if (load.decGeneration !== undefined) g.push(group('podcliquescalinggroup', namespace, DEC, { generation_tokens_per_second: load.decGeneration }));
    const by = (kind: string) => new Map(g.filter((x) => x.kind === kind).map((x) => [`${namespace}/${x.name}`, x] as const));
    return { at: clock / 1000, windowSeconds: 60, pods: new Map(), podCliques: by('podclique'), scalingGroups: by('podcliquescalinggroup'), podCliqueSetReplicas: new Map(), podCliqueSets: new Map() };
  };

  function startLoop(): ScalerLoop {
    const l = new ScalerLoop({
      kube: createScalerKubeClient(kc),
      scale: createScaleClient(kc, 'canopy-scaler'),
      events: new EventRecorder(kc, 'canopy-scaler'),
      signals: source,
      namespace,
      syncPeriodMs: 100,
      now: () => clock,
    });
    l.start();
    return l;
  }

  async function createObject(plural: string, body: object): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await objects.createNamespacedCustomObject({ ...GROVE, namespace, plural, body });
        return;
      } catch (error) {
        // Right after Established a CRD's endpoint may still answer 404 for a moment.
        if (!(error instanceof ApiException) || error.code !== 404 || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  async function get(plural: string, name: string): Promise<KubeObject> {
    return (await objects.getNamespacedCustomObject({ ...GROVE, namespace, plural, name })) as KubeObject;
  }

  async function patchStatus(plural: string, name: string, status: Record<string, unknown>): Promise<void> {
    await objects.patchNamespacedCustomObjectStatus({ ...GROVE, namespace, plural, name, body: { status } }, mergePatch);
  }

  /** Grove's part: each object's status follows its spec, every pod ready. */
  async function groveCatchesUp(): Promise<void> {
    const fe = await get('podcliques', FE);
    await patchStatus('podcliques', FE, { replicas: fe.spec.replicas ?? 0, readyReplicas: fe.spec.replicas ?? 0 });
    const dec = await get('podcliquescalinggroups', DEC);
    await patchStatus('podcliquescalinggroups', DEC, { replicas: dec.spec.replicas ?? 0, availableReplicas: dec.spec.replicas ?? 0 });
    const pcs = await get('podcliquesets', PCS);
    await patchStatus('podcliquesets', PCS, { replicas: pcs.spec.replicas ?? 0, availableReplicas: pcs.spec.replicas ?? 0 });
  }

  interface PolicyStatus {
    lastDecisionTime?: string;
    set?: { current: number; desired: number; reason: string; lastScaleTime?: string };
    roles?: {
      name: string;
      current: number;
      desired: number;
      reason: string;
      lastScaleTime?: string;
      inputs: Record<string, number>;
      history?: { recommendations?: { replicas: number; time: string }[] };
    }[];
    conditions?: { type: string; status: string; reason: string; message: string }[];
  }

  async function policyStatus(): Promise<PolicyStatus> {
    const p = (await objects.getNamespacedCustomObject({ ...POLICY, namespace, name: PCS })) as { status?: PolicyStatus };
    return p.status ?? {};
  }

  /**
   * Moves the clock and the load together (one synchronous step, so a tick sees both or neither), starts a
   * new loop if asked (a fresh scaler's first tick is immediate), then waits for the decision at that instant.
   */
  async function decideAt(seconds: number, next: Load, options: { start?: boolean } = {}): Promise<PolicyStatus> {
    clock = T0 + seconds * 1000;
    load = next;
    if (options.start === true) loop = startLoop();
    const at = new Date(clock).toISOString();
    const status = await waitFor(`the decision at ${at}`, async () => {
      const s = await policyStatus();
      return s.lastDecisionTime === at ? s : undefined;
    }, WAIT);
    await groveCatchesUp();
    return status;
  }

  async function replicas(plural: string, name: string): Promise<number | undefined> {
    return (await get(plural, name)).spec.replicas;
  }

  async function events(name: string): Promise<CoreV1Event[]> {
    const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
    return list.items;
  }

  beforeAll(async () => {
    kc = testKubeConfig();
    objects = kc.makeApiClient(CustomObjectsApi);
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await applyCrdDir(kc, CRD_DIR);

    // What a user applies, and what Grove makes of it for set replica 0.
    await createObject('podcliquesets', {
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodCliqueSet',
      metadata: { name: PCS, namespace },
      spec: {
        replicas: 1,
        template: {
          cliques: [clique('fe', 1), clique('ldr', 1), clique('wkr', 2)],
          podCliqueScalingGroups: [{ name: 'dec', cliqueNames: ['ldr', 'wkr'], replicas: 1, minAvailable: 1 }],
        },
      },
    });
    await createObject('podcliques', {
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodClique',
      metadata: {
        name: FE,
        namespace,
        labels: standalonePodCliqueLabels({ pcsName: PCS, pcsReplicaIndex: 0, pclqFQN: FE, podGangName: basePodGangName(PCS, 0), podTemplateHash: 'h1' }),
      },
      spec: clique('fe', 1).spec,
    });
    await createObject('podcliquescalinggroups', {
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodCliqueScalingGroup',
      metadata: { name: DEC, namespace, labels: podCliqueScalingGroupLabels(PCS, 0, DEC) },
      spec: { replicas: 1, minAvailable: 1, cliqueNames: ['ldr', 'wkr'] },
    });
    await patchStatus('podcliquesets', PCS, { replicas: 1, availableReplicas: 1, hpaPodSelector: selectorString(podCliqueSetSelectorLabels(PCS)) });
    await patchStatus('podcliques', FE, { replicas: 1, readyReplicas: 1, hpaPodSelector: selectorString(standalonePodCliqueSelectorLabels(PCS, FE)) });
    await patchStatus('podcliquescalinggroups', DEC, { replicas: 1, availableReplicas: 1, selector: selectorString(podCliqueScalingGroupSelectorLabels(PCS, DEC)) });

    // Each role sized by measured capacity (1000 tokens/s per replica); 60 s scale-down window.
    await objects.createNamespacedCustomObject({
      ...POLICY,
      namespace,
      body: {
        apiVersion: 'canopy.dev/v1alpha1',
        kind: 'ScalingPolicy',
        metadata: { name: PCS, namespace },
        spec: {
          targetRef: { name: PCS },
          actuation: 'scale',
          roles: [
            { name: 'frontend', target: { podClique: 'fe' }, mode: 'slo', minReplicas: 1, maxReplicas: 4, slo: { ttft: { targetSeconds: 1 } }, signals: ['promptTokens'], profile: { promptTokensPerSecond: 1000 } },
            { name: 'decode', target: { podCliqueScalingGroup: 'dec' }, mode: 'slo', minReplicas: 1, maxReplicas: 2, slo: { itl: { targetSeconds: 0.05 } }, signals: ['generationTokens'], profile: { outputTokensPerSecond: 1000 } },
          ],
          behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
          set: { minReplicas: 1, maxReplicas: 2, scaleWhen: 'AnyRoleAtMaximum' },
        },
      },
    });
  });

  afterAll(async () => {
    await loop?.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('scales a PodClique through /scale, records an Event and writes the policy status', async () => {
    // 2500 prompt tokens/s at 1000 per replica → 3 frontend pods; decode's 500 tokens/s fit its 1 instance.
    const status = await decideAt(0, { fePrompt: 2500, decGeneration: 500 }, { start: true });
    expect(await replicas('podcliques', FE)).toBe(3);
    expect(await replicas('podcliquescalinggroups', DEC)).toBe(1);
    expect(status.roles?.find((r) => r.name === 'frontend')).toMatchObject({ current: 1, desired: 3, reason: 'PredictedDemand', lastScaleTime: '2026-11-21T00:00:00.000Z' });
    expect(status.conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
    expect(status.roles?.find((r) => r.name === 'frontend')?.history?.recommendations).toContainEqual({ replicas: 3, time: '2026-11-21T00:00:00.000Z' });
    const fe = await get('podcliques', FE);
    const ev = await events(FE);
    expect(ev.map((e) => [e.reason, e.type, e.message, e.involvedObject.kind, e.involvedObject.uid])).toContainEqual([
      'SuccessfulRescale',
      'Normal',
      'New size: 3; reason: role frontend: predicted demand needs this capacity',
      'PodClique',
      fe.metadata.uid,
    ]);
  });

  it('scales a PodCliqueScalingGroup through /scale', async () => {
    await decideAt(15, { fePrompt: 2500, decGeneration: 1500 });
    expect(await replicas('podcliquescalinggroups', DEC)).toBe(2);
    expect((await events(DEC)).map((e) => e.message)).toContain('New size: 2; reason: role decode: predicted demand needs this capacity');
  });

  it('holds a scale-down in the stabilization window, and keeps holding after a restart', async () => {
    const held = await decideAt(30, { fePrompt: 500, decGeneration: 1500 });
    expect(held.roles?.find((r) => r.name === 'frontend')).toMatchObject({ current: 3, desired: 3, reason: 'Stabilized' });
    expect(await replicas('podcliques', FE)).toBe(3);

    // Restart: stop the loop (no write after stop() resolves) and start a new one with empty memory.
    await loop?.stop();
    const stillHeld = await decideAt(45, { fePrompt: 500, decGeneration: 1500 }, { start: true });
    expect(stillHeld.roles?.find((r) => r.name === 'frontend')).toMatchObject({ current: 3, desired: 3, reason: 'Stabilized' });
    expect(await replicas('podcliques', FE)).toBe(3);
  });

  it('releases the scale-down when the recommendations recorded before the restart leave the window', async () => {
    // The last recommendation of 3 was made at 15 s; at 80 s it is more than 60 s old. A scaler that had
    // forgotten its history would have recorded 3 at its first decision (45 s) and would hold until 105 s.
    const released = await decideAt(80, { fePrompt: 500, decGeneration: 1500 });
    expect(await replicas('podcliques', FE)).toBe(1);
    expect(released.roles?.find((r) => r.name === 'frontend')).toMatchObject({ current: 3, desired: 1, reason: 'ScaleInHeadroom' });
  });

  it('scales the PodCliqueSet when a role needs more than one set replica holds', async () => {
    // 3500 output tokens/s → 4 decode instances; one set replica holds 2: the set grows to 2.
    const status = await decideAt(95, { fePrompt: 500, decGeneration: 3500 });
    expect(await replicas('podcliquesets', PCS)).toBe(2);
    expect(status.set).toEqual({ current: 1, desired: 2, reason: 'SetResized', lastScaleTime: '2026-11-21T00:01:35.000Z' });
    const pcs = await get('podcliquesets', PCS);
    const ev = await events(PCS);
    expect(ev.map((e) => [e.reason, e.involvedObject.kind, e.involvedObject.uid])).toContainEqual(['SuccessfulRescale', 'PodCliqueSet', pcs.metadata.uid]);
  });

  it('during a metrics outage scales nothing down and says why in the status', async () => {
    // No data at all: both roles are held at their sizes (decode would otherwise scale in from 2).
    const status = await decideAt(200, {});
    expect(status.conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({ status: 'False', reason: 'MetricsUnavailable' });
    expect(status.roles?.map((r) => [r.name, r.reason])).toEqual([
      ['decode', 'MetricsUnavailable'],
      ['frontend', 'MetricsUnavailable'],
    ]);
    expect(await replicas('podcliquesets', PCS)).toBe(2);
    expect(await replicas('podcliquescalinggroups', DEC)).toBe(2);
    expect(await replicas('podcliques', FE)).toBe(1);
  });
});
