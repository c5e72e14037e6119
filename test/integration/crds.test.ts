import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  ApiException,
  AutoscalingV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCrdDir, readCrdFiles } from '../env/crds.ts';
import { testKubeConfig } from '../env/kube.ts';
import { waitFor } from '../env/net.ts';
import { integrationSkipped } from '../env/skip.ts';

const root = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));
// Overridable to run the same checks against another CRD set (e.g. Grove's upstream CRDs).
const CRD_DIR = process.env['CANOPY_CRD_DIR'] ?? root('charts/canopy/crds');
const POLICIES_DIR = process.env['CANOPY_POLICIES_DIR'] ?? root('policies');
const EXPECTED_CRD_FILES = [
  'grove.io_clustertopologybindings.yaml',
  'grove.io_podcliques.yaml',
  'grove.io_podcliquescalinggroups.yaml',
  'grove.io_podcliquesets.yaml',
  'scheduler.grove.io_podgangs.yaml',
];
const EXAMPLES = ['disaggregated-single-node', 'disaggregated-multi-node'].map((d) => `${POLICIES_DIR}/${d}/podcliqueset.yaml`);

const GROVE = { group: 'grove.io', version: 'v1alpha1' } as const;
const SCHEDULER = { group: 'scheduler.grove.io', version: 'v1alpha1' } as const;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string };
  spec?: Record<string, Json>;
  status?: Record<string, Json>;
}
interface Scale {
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

/**
 * Paths where `got` does not contain `sent`: every field sent must come back with the same value
 * (the API server may add defaults, but must not prune or change what was written).
 */
function missingFrom(sent: unknown, got: unknown, path = ''): string[] {
  if (Array.isArray(sent)) {
    if (!Array.isArray(got) || got.length !== sent.length) return [`${path} (array length or type)`];
    return sent.flatMap((item, i) => missingFrom(item, got[i], `${path}[${i}]`));
  }
  if (sent !== null && typeof sent === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return [`${path} (not an object)`];
    const g = got as Record<string, unknown>;
    return Object.entries(sent).flatMap(([k, v]) => missingFrom(v, g[k], path === '' ? k : `${path}.${k}`));
  }
  return Object.is(sent, got) ? [] : [`${path}: sent ${JSON.stringify(sent)}, got ${JSON.stringify(got)}`];
}

async function rejection(what: string, promise: Promise<unknown>): Promise<ApiException<unknown>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) return error as ApiException<unknown>;
    throw error;
  }
  throw new Error(`expected the API server to reject ${what}, but it was accepted`);
}

function bodyText(error: ApiException<unknown>): string {
  return typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
}

describe.skipIf(integrationSkipped)('Grove CRDs on a real kube-apiserver', () => {
  let kc: KubeConfig;
  let objects: CustomObjectsApi;
  const namespace = `canopy-crds-${randomBytes(4).toString('hex')}`;
  const runLabel = { 'canopy.dev/test-run': namespace };

  let applied: string[] = [];
  let applyError: unknown;
  /** Every test below needs the CRDs: fail each with the reason they are missing. */
  const requireCrds = (): void => {
    if (applyError !== undefined) throw new Error('the CRDs could not be applied', { cause: applyError });
  };

  beforeAll(async () => {
    kc = testKubeConfig();
    objects = kc.makeApiClient(CustomObjectsApi);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    try {
      const missing = EXPECTED_CRD_FILES.filter((f) => !existsSync(`${CRD_DIR}/${f}`));
      if (missing.length > 0) throw new Error(`missing CRD files in ${CRD_DIR}: ${missing.join(', ')}`);
      applied = await applyCrdDir(kc, CRD_DIR);
    } catch (error) {
      applyError = error;
    }
  });

  afterAll(async () => {
    // The namespace controller removes what the tests created.
    await kc.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  /**
   * Creates a custom object. Right after a CRD becomes Established its endpoint can still answer 404
   * for a moment: retry that (only that) briefly; every other error is the answer.
   */
  async function create(api: { group: string; version: string }, plural: string, body: KubeObject): Promise<KubeObject> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return (await objects.createNamespacedCustomObject({ ...api, namespace, plural, body })) as KubeObject;
      } catch (error) {
        if (!(error instanceof ApiException) || error.code !== 404 || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  async function get(api: { group: string; version: string }, plural: string, name: string): Promise<KubeObject> {
    return (await objects.getNamespacedCustomObject({ ...api, namespace, plural, name })) as KubeObject;
  }

  it('has every expected CRD file and applies them all until Established', async () => {
    requireCrds();
    const found = await readCrdFiles(CRD_DIR);
    expect(applied).toHaveLength(found.length);
    expect(applied).toEqual(
      expect.arrayContaining([
        'clustertopologybindings.grove.io',
        'podcliques.grove.io',
        'podcliquescalinggroups.grove.io',
        'podcliquesets.grove.io',
        'podgangs.scheduler.grove.io',
      ]),
    );
  });

  it('creates the example PodCliqueSets, reads them back unchanged and lists them by label', async () => {
    requireCrds();
    const created: string[] = [];
    for (const file of EXAMPLES) {
      expect(existsSync(file), `${file} exists`).toBe(true);
      const docs = parseAllDocuments(await readFile(file, 'utf8')).map((d) => d.toJS() as unknown as KubeObject);
      const pcs = docs.find((d) => d.kind === 'PodCliqueSet');
      if (pcs === undefined) throw new Error(`${file}: no PodCliqueSet document`);
      expect(pcs.apiVersion).toBe('grove.io/v1alpha1');
      const body: KubeObject = {
        ...pcs,
        metadata: { ...pcs.metadata, namespace, labels: { ...pcs.metadata.labels, ...runLabel } },
      };
      await create(GROVE, 'podcliquesets', body);
      const back = await get(GROVE, 'podcliquesets', pcs.metadata.name);
      // Structural schemas prune unknown fields silently: anything the example sets must survive.
      expect(missingFrom(pcs.spec, back.spec)).toEqual([]);
      created.push(pcs.metadata.name);
    }
    const list = (await objects.listNamespacedCustomObject({
      ...GROVE,
      namespace,
      plural: 'podcliquesets',
      labelSelector: `canopy.dev/test-run=${namespace}`,
    })) as { items: KubeObject[] };
    expect(list.items.map((i) => i.metadata.name).sort()).toEqual([...created].sort());
  });

  it('drives PodClique /scale: spec.replicas, status.replicas and the selector from status.hpaPodSelector', async () => {
    requireCrds();
    const name = 'svc-0-frontend';
    const selector = 'app.kubernetes.io/managed-by=grove-operator,app.kubernetes.io/part-of=svc,grove.io/podclique=svc-0-frontend';
    await create(GROVE, 'podcliques', {
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodClique',
      metadata: { name, namespace },
      spec: {
        roleName: 'frontend',
        replicas: 2,
        minAvailable: 1,
        podSpec: { containers: [{ name: 'frontend', image: 'registry.invalid/frontend:1' }] },
      },
    });
    await objects.patchNamespacedCustomObjectStatus(
      { ...GROVE, namespace, plural: 'podcliques', name, body: { status: { replicas: 2, readyReplicas: 1, hpaPodSelector: selector } } },
      mergePatch,
    );

    const scale = (await objects.getNamespacedCustomObjectScale({ ...GROVE, namespace, plural: 'podcliques', name })) as Scale;
    expect(scale.spec?.replicas).toBe(2);
    expect(scale.status?.replicas).toBe(2);
    expect(scale.status?.selector).toBe(selector);

    await objects.patchNamespacedCustomObjectScale(
      { ...GROVE, namespace, plural: 'podcliques', name, body: { spec: { replicas: 5 } } },
      mergePatch,
    );
    const after = await get(GROVE, 'podcliques', name);
    expect(after.spec?.['replicas']).toBe(5);
    // /scale writes only spec.replicas; the status is the controller's to change.
    expect(after.status?.['replicas']).toBe(2);
    const scaleAfter = (await objects.getNamespacedCustomObjectScale({ ...GROVE, namespace, plural: 'podcliques', name })) as Scale;
    expect(scaleAfter.spec?.replicas).toBe(5);
    expect(scaleAfter.status?.selector).toBe(selector);
  });

  it('drives PodCliqueScalingGroup /scale with the selector from status.selector', async () => {
    requireCrds();
    const name = 'svc-0-decode';
    const selector =
      'app.kubernetes.io/managed-by=grove-operator,app.kubernetes.io/part-of=svc,grove.io/podcliquescalinggroup=svc-0-decode';
    await create(GROVE, 'podcliquescalinggroups', {
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodCliqueScalingGroup',
      metadata: { name, namespace },
      spec: { replicas: 1, minAvailable: 1, cliqueNames: ['leader', 'worker'] },
    });
    await objects.patchNamespacedCustomObjectStatus(
      { ...GROVE, namespace, plural: 'podcliquescalinggroups', name, body: { status: { replicas: 1, selector } } },
      mergePatch,
    );
    const scale = (await objects.getNamespacedCustomObjectScale({
      ...GROVE,
      namespace,
      plural: 'podcliquescalinggroups',
      name,
    })) as Scale;
    expect(scale.spec?.replicas).toBe(1);
    expect(scale.status?.replicas).toBe(1);
    expect(scale.status?.selector).toBe(selector);

    await objects.patchNamespacedCustomObjectScale(
      { ...GROVE, namespace, plural: 'podcliquescalinggroups', name, body: { spec: { replicas: 3 } } },
      mergePatch,
    );
    const after = await get(GROVE, 'podcliquescalinggroups', name);
    expect(after.spec?.['replicas']).toBe(3);
    expect(after.spec?.['cliqueNames']).toEqual(['leader', 'worker']);
  });

  it('lets the real HPA controller scale a PodClique through /scale', async () => {
    requireCrds();
    const name = 'hpa-0-prefill';
    await create(GROVE, 'podcliques', {
      apiVersion: 'grove.io/v1alpha1',
      kind: 'PodClique',
      metadata: { name, namespace },
      spec: {
        roleName: 'prefill',
        replicas: 1,
        minAvailable: 1,
        podSpec: { containers: [{ name: 'prefill', image: 'registry.invalid/prefill:1' }] },
      },
    });
    // Below minReplicas the HPA raises replicas to the minimum before it needs any metric.
    await kc.makeApiClient(AutoscalingV1Api).createNamespacedHorizontalPodAutoscaler({
      namespace,
      body: {
        metadata: { name },
        spec: {
          scaleTargetRef: { apiVersion: 'grove.io/v1alpha1', kind: 'PodClique', name },
          minReplicas: 3,
          maxReplicas: 6,
          targetCPUUtilizationPercentage: 50,
        },
      },
    });
    const replicas = await waitFor(
      'the HPA to raise the PodClique to minReplicas',
      async () => {
        const r = (await get(GROVE, 'podcliques', name)).spec?.['replicas'];
        return r === 3 ? r : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(replicas).toBe(3);
  });

  it('round-trips a PodGang with every spec and status field exactly', async () => {
    requireCrds();
    const name = 'svc-0';
    const spec = {
      podgroups: [
        {
          name: 'svc-0-frontend',
          podReferences: [
            { namespace, name: 'svc-0-frontend-abcde' },
            { namespace, name: 'svc-0-frontend-fghij' },
          ],
          minReplicas: 2,
          topologyConstraint: { packConstraint: { required: 'topology.kubernetes.io/zone', preferred: 'kubernetes.io/hostname' } },
        },
        {
          name: 'svc-0-decode-0-worker',
          podReferences: [{ namespace, name: 'svc-0-decode-0-worker-klmno' }],
          minReplicas: 1,
          topologyConstraint: { packConstraint: { required: 'topology.kubernetes.io/rack' } },
        },
      ],
      topologyConstraint: { packConstraint: { required: 'topology.kubernetes.io/zone', preferred: 'topology.kubernetes.io/rack' } },
      topologyConstraintGroupConfigs: [
        {
          name: 'svc-0-decode-0',
          podGroupNames: ['svc-0-decode-0-worker'],
          topologyConstraint: { packConstraint: { required: 'topology.kubernetes.io/rack', preferred: 'kubernetes.io/hostname' } },
        },
      ],
      priorityClassName: 'inference-high',
      reuseReservationRef: { namespace, name: 'svc-0-previous' },
    };
    const status = {
      phase: 'Running',
      conditions: [
        {
          type: 'Initialized',
          status: 'True',
          observedGeneration: 1,
          lastTransitionTime: '2026-11-21T05:00:00Z',
          reason: 'PodGangPodsCreated',
          message: 'all pods created',
        },
        {
          type: 'Scheduled',
          status: 'True',
          observedGeneration: 1,
          lastTransitionTime: '2026-11-21T05:00:01Z',
          reason: 'AllPodGroupsScheduled',
          message: 'every pod group is bound',
        },
      ],
      placementScore: 0.875,
    };
    await create(SCHEDULER, 'podgangs', {
      apiVersion: 'scheduler.grove.io/v1alpha1',
      kind: 'PodGang',
      metadata: { name, namespace },
      spec,
    });
    await objects.patchNamespacedCustomObjectStatus(
      { ...SCHEDULER, namespace, plural: 'podgangs', name, body: { status } },
      mergePatch,
    );
    const back = await get(SCHEDULER, 'podgangs', name);
    expect(back.spec).toEqual(spec);
    expect(back.status).toEqual(status);
  });

  it('rejects objects the schemas forbid with 422', async () => {
    requireCrds();
    const pcs = (mutate: (spec: Record<string, Json>) => void, name: string): KubeObject => {
      const spec: Record<string, Json> = {
        replicas: 1,
        template: {
          cliques: [
            {
              name: 'worker',
              spec: { roleName: 'worker', replicas: 1, podSpec: { containers: [{ name: 'w', image: 'registry.invalid/w:1' }] } },
            },
          ],
        },
      };
      mutate(spec);
      return { apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSet', metadata: { name, namespace }, spec };
    };
    // The valid base is accepted: the rejections below are about the one field each breaks.
    await create(GROVE, 'podcliquesets', pcs(() => undefined, 'valid-base'));

    const negative = await rejection('negative PodCliqueSet replicas', create(GROVE, 'podcliquesets', pcs((s) => (s['replicas'] = -1), 'negative-replicas')));
    expect(negative.code).toBe(422);
    expect(bodyText(negative)).toContain('spec.replicas');

    const badEnum = await rejection(
      'an unknown cliqueStartupType',
      create(
        GROVE,
        'podcliquesets',
        pcs((s) => ((s['template'] as Record<string, Json>)['cliqueStartupType'] = 'CliqueStartupTypeSideways'), 'bad-startup-type'),
      ),
    );
    expect(badEnum.code).toBe(422);
    expect(bodyText(badEnum)).toContain('cliqueStartupType');

    const noCliques = await rejection('a template without cliques', create(GROVE, 'podcliquesets', pcs((s) => (s['template'] = {}), 'no-cliques')));
    expect(noCliques.code).toBe(422);
    expect(bodyText(noCliques)).toContain('cliques');

    const pclqNegative = await rejection(
      'negative PodClique replicas',
      create(GROVE, 'podcliques', {
        apiVersion: 'grove.io/v1alpha1',
        kind: 'PodClique',
        metadata: { name: 'negative-pclq', namespace },
        spec: { roleName: 'x', replicas: -2, podSpec: { containers: [{ name: 'x', image: 'registry.invalid/x:1' }] } },
      }),
    );
    expect(pclqNegative.code).toBe(422);
    expect(bodyText(pclqNegative)).toContain('spec.replicas');

    const gangWithoutGroups = await rejection(
      'a PodGang without podgroups',
      create(SCHEDULER, 'podgangs', {
        apiVersion: 'scheduler.grove.io/v1alpha1',
        kind: 'PodGang',
        metadata: { name: 'no-podgroups', namespace },
        spec: { priorityClassName: 'x' },
      }),
    );
    expect(gangWithoutGroups.code).toBe(422);
    expect(bodyText(gangWithoutGroups)).toContain('podgroups');

    const pcsgWithoutCliques = await rejection(
      'a PodCliqueScalingGroup without cliqueNames',
      create(GROVE, 'podcliquescalinggroups', {
        apiVersion: 'grove.io/v1alpha1',
        kind: 'PodCliqueScalingGroup',
        metadata: { name: 'no-clique-names', namespace },
        spec: { replicas: 1 },
      }),
    );
    expect(pcsgWithoutCliques.code).toBe(422);
    expect(bodyText(pcsgWithoutCliques)).toContain('cliqueNames');
  });
});
