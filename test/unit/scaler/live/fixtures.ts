// In-memory stand-ins for the API server, /scale and the signal pipeline, for the live scaler's unit tests.
import { PodCliqueSetSchema, type PodCliqueSet } from '../../../../src/api/index.ts';
import { parseScalingPolicy, type ScalingPolicy } from '../../../../src/api/scaling-policy.ts';
import type { EventRecord } from '../../../../src/kube/events.ts';
import type { ScaleClient, ScaleState, ScaleTarget } from '../../../../src/kube/scale.ts';
import type { EventSink } from '../../../../src/scaler/actuate/apply.ts';
import type { GroveObjectKind, ScalerKubeClient } from '../../../../src/scaler/live/kube.ts';
import type { Pod } from '../../../../src/scaler/hpa/types.ts';
import type { GroupKind, GroupSignals, SignalName, SignalSnapshot } from '../../../../src/signals/index.ts';

export const NS = 'team-a';
export const T0 = Date.parse('2026-11-21T00:00:00.000Z');

export function scalingPolicy(spec: Record<string, unknown>, extra: { name?: string; status?: unknown; uid?: string } = {}): ScalingPolicy {
  const r = parseScalingPolicy({
    apiVersion: 'canopy.dev/v1alpha1',
    kind: 'ScalingPolicy',
    metadata: { name: extra.name ?? 'svc', namespace: NS, uid: extra.uid ?? 'uid-1', generation: 1 },
    spec: { targetRef: { name: 'svc' }, ...spec },
    ...(extra.status !== undefined ? { status: extra.status } : {}),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

/** svc: standalone clique `fe` and scaling group `dec` (cliques ldr, wkr). */
export function podCliqueSet(replicas = 1, feMinAvailable = 1): PodCliqueSet {
  const clique = (name: string, r: number, minAvailable?: number) => ({
    name,
    spec: { roleName: name, replicas: r, ...(minAvailable !== undefined ? { minAvailable } : {}), podSpec: { containers: [{ name: 'main', image: 'engine' }] } },
  });
  return PodCliqueSetSchema.parse({
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'svc', namespace: NS, uid: 'pcs-uid' },
    spec: {
      replicas,
      template: {
        cliques: [clique('fe', 1, feMinAvailable), clique('ldr', 1), clique('wkr', 2)],
        podCliqueScalingGroups: [{ name: 'dec', cliqueNames: ['ldr', 'wkr'], replicas: 1, minAvailable: 1 }],
      },
    },
  });
}

/** Two slo roles sized by measured capacity (1000 tokens/s per replica), so the wanted sizes are easy to compute. */
export const TWO_ROLES = {
  actuation: 'scale',
  roles: [
    {
      name: 'frontend',
      target: { podClique: 'fe' },
      mode: 'slo',
      minReplicas: 1,
      maxReplicas: 4,
      slo: { ttft: { targetSeconds: 1 } },
      signals: ['promptTokens'],
      profile: { promptTokensPerSecond: 1000 },
    },
    {
      name: 'decode',
      target: { podCliqueScalingGroup: 'dec' },
      mode: 'slo',
      minReplicas: 1,
      maxReplicas: 2,
      slo: { itl: { targetSeconds: 0.05 } },
      signals: ['generationTokens'],
      profile: { outputTokensPerSecond: 1000 },
    },
  ],
  behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
  set: { minReplicas: 1, maxReplicas: 2, scaleWhen: 'AnyRoleAtMaximum' },
} as const;

export function group(kind: GroupKind, name: string, values: Partial<Record<SignalName, number>>, pods = 1): GroupSignals {
  return { kind, namespace: NS, name, podCliqueSet: 'svc', replicaIndex: 0, pods, podsReporting: pods, values, histograms: {} };
}

export function signalSnapshot(groups: GroupSignals[], at = T0 / 1000): SignalSnapshot {
  const by = (kind: GroupKind) => new Map(groups.filter((g) => g.kind === kind).map((g) => [`${g.namespace}/${g.name}`, g] as const));
  return {
    at,
    windowSeconds: 60,
    pods: by('pod'),
    podCliques: by('podclique'),
    scalingGroups: by('podcliquescalinggroup'),
    podCliqueSetReplicas: by('podcliqueset-replica'),
    podCliqueSets: by('podcliqueset'),
  };
}

export function recordingSink(): EventSink & { events: EventRecord[] } {
  const events: EventRecord[] = [];
  return {
    events,
    record: (e) => {
      events.push(e);
      return Promise.resolve();
    },
  };
}

interface StoredObject {
  kind: GroveObjectKind;
  body: Record<string, unknown> & { spec: Record<string, unknown>; status?: Record<string, unknown> };
  resourceVersion: number;
}

/**
 * A tiny API server: Grove objects with /scale (resourceVersion-checked), ScalingPolicies with /status (merge
 * patch of the status key), pods by selector. `conflicts` makes the next N scale patches answer 409.
 */
export class FakeCluster implements ScalerKubeClient, ScaleClient {
  readonly objects = new Map<string, StoredObject>();
  readonly policies = new Map<string, Record<string, unknown>>();
  readonly pods = new Map<string, Pod[]>();
  readonly patches: { target: ScaleTarget; replicas: number }[] = [];
  conflicts = 0;

  private key(kind: string, name: string): string {
    return `${kind}/${name}`;
  }

  putGrove(kind: GroveObjectKind, body: StoredObject['body']): void {
    const name = (body['metadata'] as { name: string }).name;
    this.objects.set(this.key(kind, name), { kind, body: structuredClone(body), resourceVersion: 1 });
  }

  putPolicy(policy: unknown): void {
    const p = structuredClone(policy) as Record<string, unknown>;
    this.policies.set((p['metadata'] as { name: string }).name, p);
  }

  replicas(kind: GroveObjectKind, name: string): number | undefined {
    return this.objects.get(this.key(kind, name))?.body.spec['replicas'] as number | undefined;
  }

  policyStatus(name: string): Record<string, unknown> | undefined {
    return this.policies.get(name)?.['status'] as Record<string, unknown> | undefined;
  }

  listPolicies(): Promise<unknown[]> {
    return Promise.resolve([...this.policies.values()].map((p) => structuredClone(p)));
  }

  getGroveObject(kind: GroveObjectKind, _namespace: string, name: string): Promise<unknown> {
    const o = this.objects.get(this.key(kind, name));
    return Promise.resolve(o === undefined ? undefined : structuredClone(o.body));
  }

  listPods(_namespace: string, selector: string): Promise<Pod[]> {
    return Promise.resolve(this.pods.get(selector) ?? []);
  }

  patchPolicyStatus(_namespace: string, name: string, patch: object): Promise<void> {
    const p = this.policies.get(name);
    if (p === undefined) return Promise.reject(Object.assign(new Error('not found'), { code: 404 }));
    const status = { ...((p['status'] as Record<string, unknown> | undefined) ?? {}) };
    for (const [k, v] of Object.entries((patch as { status: Record<string, unknown> }).status)) {
      if (v === null) Reflect.deleteProperty(status, k);
      else status[k] = structuredClone(v);
    }
    p['status'] = status;
    return Promise.resolve();
  }

  get(target: ScaleTarget): Promise<ScaleState> {
    const o = this.objects.get(this.key(target.kind, target.name));
    if (o === undefined) return Promise.reject(Object.assign(new Error('not found'), { code: 404 }));
    return Promise.resolve({
      specReplicas: (o.body.spec['replicas'] as number | undefined) ?? 0,
      statusReplicas: (o.body.status?.['replicas'] as number | undefined) ?? 0,
      selector: '',
      resourceVersion: String(o.resourceVersion),
    });
  }

  patchReplicas(target: ScaleTarget, replicas: number, resourceVersion: string): Promise<ScaleState> {
    const o = this.objects.get(this.key(target.kind, target.name));
    if (o === undefined) return Promise.reject(Object.assign(new Error('not found'), { code: 404 }));
    if (this.conflicts > 0) {
      this.conflicts--;
      o.resourceVersion++; // someone else wrote in between
    }
    if (String(o.resourceVersion) !== resourceVersion) return Promise.reject(Object.assign(new Error('conflict'), { code: 409 }));
    o.body.spec['replicas'] = replicas;
    o.resourceVersion++;
    this.patches.push({ target, replicas });
    return this.get(target);
  }
}

/** The objects Grove would have made for `podCliqueSet(replicas)`, with status as if every pod were ready. */
export function groveObjects(cluster: FakeCluster, pcs: PodCliqueSet, sizes: { fe: number[]; dec: number[] }): void {
  cluster.putGrove('PodCliqueSet', { ...(structuredClone(pcs) as unknown as StoredObject['body']) });
  sizes.fe.forEach((n, i) => {
    cluster.putGrove('PodClique', {
      metadata: { name: `svc-${i}-fe`, namespace: NS, uid: `fe-${i}` },
      spec: { roleName: 'fe', replicas: n, minAvailable: 1, podSpec: { containers: [] } },
      status: { replicas: n, readyReplicas: n, hpaPodSelector: `grove.io/podclique=svc-${i}-fe` },
    });
  });
  sizes.dec.forEach((n, i) => {
    cluster.putGrove('PodCliqueScalingGroup', {
      metadata: { name: `svc-${i}-dec`, namespace: NS, uid: `dec-${i}` },
      spec: { replicas: n, minAvailable: 1, cliqueNames: ['ldr', 'wkr'] },
      status: { replicas: n, availableReplicas: n, selector: `grove.io/podcliquescalinggroup=svc-${i}-dec` },
    });
  });
}

/** Grove's part after a /scale write: the object's status follows its spec (all pods ready). */
export function settleStatus(cluster: FakeCluster): void {
  for (const o of cluster.objects.values()) {
    const n = (o.body.spec['replicas'] as number | undefined) ?? 0;
    const ready = o.kind === 'PodClique' ? { readyReplicas: n } : { availableReplicas: n };
    o.body.status = { ...(o.body.status ?? {}), replicas: n, ...ready };
  }
}

/** A policy object as the API server stores it (what listPolicies returns). */
export function policyObject(spec: Record<string, unknown>, status?: unknown): Record<string, unknown> {
  return {
    apiVersion: 'canopy.dev/v1alpha1',
    kind: 'ScalingPolicy',
    metadata: { name: 'svc', namespace: NS, uid: 'uid-1', generation: 1 },
    spec: { targetRef: { name: 'svc' }, ...spec },
    ...(status !== undefined ? { status } : {}),
  };
}
