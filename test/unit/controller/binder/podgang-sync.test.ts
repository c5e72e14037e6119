import { describe, expect, it } from 'vitest';
import { LABEL_PODCLIQUE, LABEL_PODGANG } from '../../../../src/api/labels.ts';
import type { PodCliqueSet, PodGang } from '../../../../src/api/types.ts';
import type { PodObject } from '../../../../src/controller/placement/kube.ts';
import { diffPodGangs, type SyncInput } from '../../../../src/controller/podgang-sync/diff.ts';

const NOW = '2026-01-01T00:00:00Z';

const pcs: PodCliqueSet = {
  apiVersion: 'grove.io/v1alpha1',
  kind: 'PodCliqueSet',
  metadata: { name: 'svc', namespace: 'ns', uid: 'uid-svc' },
  spec: {
    replicas: 1,
    template: {
      cliques: [
        { name: 'fe', spec: { roleName: 'fe', replicas: 2, podSpec: { schedulerName: 'canopy', containers: [{ name: 'c' }] } } },
        { name: 'ldr', spec: { roleName: 'ldr', replicas: 1, podSpec: { schedulerName: 'canopy', containers: [{ name: 'c' }] } } },
        { name: 'wkr', spec: { roleName: 'wkr', replicas: 2, podSpec: { schedulerName: 'canopy', containers: [{ name: 'c' }] } } },
      ],
      podCliqueScalingGroups: [{ name: 'dec', cliqueNames: ['ldr', 'wkr'], replicas: 2, minAvailable: 1 }],
    },
  },
};

function pods(pclq: string, gang: string, n: number): PodObject[] {
  return Array.from({ length: n }, (_, i) => ({
    metadata: { name: `${pclq}-${i}`, namespace: 'ns', labels: { [LABEL_PODCLIQUE]: pclq, [LABEL_PODGANG]: gang } },
    spec: { containers: [{ name: 'c' }] },
  }));
}

const allPods = [...pods('svc-0-fe', 'svc-0', 2), ...pods('svc-0-dec-0-ldr', 'svc-0', 1), ...pods('svc-0-dec-0-wkr', 'svc-0', 2), ...pods('svc-0-dec-1-ldr', 'svc-0-dec-0', 1), ...pods('svc-0-dec-1-wkr', 'svc-0-dec-0', 2)];

function input(more: Partial<SyncInput> = {}): SyncInput {
  return { pcs, replicas: {}, pods: [], existing: [], now: NOW, ...more };
}

describe('diffPodGangs', () => {
  it('creates the base and scaled gangs named as Grove names them, owned by the PodCliqueSet', () => {
    const plan = diffPodGangs(input());
    expect(plan.deletes).toEqual([]);
    expect(plan.creates.map((g) => g.metadata.name)).toEqual(['svc-0', 'svc-0-dec-0']);
    expect(plan.creates[0]?.spec.podgroups.map((p) => p.name)).toEqual(['svc-0-fe', 'svc-0-dec-0-ldr', 'svc-0-dec-0-wkr']);
    expect(plan.creates[1]?.spec.podgroups.map((p) => p.name)).toEqual(['svc-0-dec-1-ldr', 'svc-0-dec-1-wkr']);
    expect(plan.creates[0]?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'PodCliqueSet', name: 'svc', uid: 'uid-svc', controller: true });
  });

  it('marks gangs Initialized=False until their pods exist, True once every PodClique has its pods', () => {
    const pending = diffPodGangs(input({ pods: allPods.slice(0, 3) }));
    const base = pending.statuses.find((s) => s.name === 'svc-0');
    expect(base?.status.phase).toBe('Pending');
    expect(base?.status.conditions?.[0]).toMatchObject({ type: 'Initialized', status: 'False', reason: 'PodGangPodsCreationPending' });
    const ready = diffPodGangs(input({ pods: allPods }));
    for (const s of ready.statuses) expect(s.status.conditions?.[0]).toMatchObject({ type: 'Initialized', status: 'True', reason: 'PodGangPodsCreated' });
    expect(ready.creates[0]?.spec.podgroups[0]?.podReferences).toEqual([
      { namespace: 'ns', name: 'svc-0-fe-0' },
      { namespace: 'ns', name: 'svc-0-fe-1' },
    ]);
  });

  it('follows the live scaling group replicas and deletes a gang no longer expected, not a foreign one', () => {
    const created = diffPodGangs(input({ pods: allPods })).creates;
    const foreign: PodGang = { ...(created[1] as PodGang), metadata: { name: 'other', namespace: 'ns', labels: {} } };
    const plan = diffPodGangs(input({ pods: allPods, replicas: { 'svc-0-dec': 1 }, existing: [...created, foreign] }));
    expect(plan.deletes).toEqual(['svc-0-dec-0']);
    expect(plan.creates).toEqual([]);
  });

  it('patches only what changed in spec and keeps annotations others added', () => {
    const [base] = diffPodGangs(input({ pods: allPods })).creates;
    if (base === undefined) throw new Error('no base gang');
    const stale: PodGang = {
      ...base,
      metadata: { ...base.metadata, resourceVersion: '5', annotations: { 'canopy.dev/placement-plan': '{}' } },
      spec: { ...base.spec, podgroups: base.spec.podgroups.map((pg, i) => (i === 0 ? { ...pg, podReferences: pg.podReferences.slice(0, 1) } : pg)) },
    };
    const plan = diffPodGangs(input({ pods: allPods, existing: [stale] }));
    const patch = plan.patches.find((p) => p.name === 'svc-0');
    expect(patch?.patch).toEqual({ spec: { podgroups: JSON.parse(JSON.stringify(base.spec.podgroups)) as unknown } });
  });

  it('writes nothing for gangs that are already as expected', () => {
    const first = diffPodGangs(input({ pods: allPods }));
    const existing = first.creates.map((g): PodGang => {
      const s = first.statuses.find((x) => x.name === g.metadata.name);
      return { ...g, metadata: { ...g.metadata, resourceVersion: '1' }, ...(s === undefined ? {} : { status: s.status }) };
    });
    const again = diffPodGangs(input({ pods: allPods, existing }));
    expect(again).toMatchObject({ deletes: [], creates: [], patches: [], statuses: [] });
  });

  it('removes a spec field the gang should no longer carry with null', () => {
    const [base] = diffPodGangs(input({ pods: allPods })).creates;
    if (base === undefined) throw new Error('no base gang');
    const withPriority: PodGang = { ...base, spec: { ...base.spec, priorityClassName: 'old' } };
    const plan = diffPodGangs(input({ pods: allPods, existing: [withPriority] }));
    expect(plan.patches.find((p) => p.name === 'svc-0')?.patch).toEqual({ spec: { priorityClassName: null } });
  });
});
