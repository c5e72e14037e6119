import { describe, expect, it } from 'vitest';
import { decideBindings, type GangAction } from '../../../../src/controller/binder/decide.ts';
import { parsePersistedPlan, formatPersistedPlan, ANNOTATION_PLACEMENT_PLAN } from '../../../../src/controller/binder/plan-annotation.ts';
import type { BinderPod } from '../../../../src/controller/binder/types.ts';
import { NOW, RACK, SCHED, names, node, pod, podGang, snapshot } from './fixtures.ts';

const opts = { schedulerName: SCHED, now: NOW };

function action(actions: readonly GangAction[], name: string): GangAction | undefined {
  return actions.find((a) => a.name === name);
}

function scheduled(a: GangAction | undefined): { status: string; reason: string; message: string } | undefined {
  const c = a?.status?.conditions?.find((x) => x.type === 'Scheduled');
  return c === undefined ? undefined : { status: c.status, reason: c.reason, message: c.message };
}

describe('decideBindings: a gang that fits', () => {
  const gpods = names('g', 3).map((n) => pod(n, 'g', { gpus: 4 }));
  const gang = podGang('g', [['g-pg', 3, names('g', 3)]], { required: RACK, generation: 7 });
  const nodes = [node('a1', 'z1', 'r1'), node('a2', 'z1', 'r1'), node('b1', 'z1', 'r2')];
  const d = decideBindings(snapshot([gang], gpods, nodes), opts);
  const a = action(d.actions, 'g');

  it('binds every pod, inside one rack, without exceeding any node', () => {
    expect(a?.binds.map((b) => b.pod).sort()).toEqual(['g-0', 'g-1', 'g-2']);
    const used = new Map<string, number>();
    for (const b of a?.binds ?? []) used.set(b.node, (used.get(b.node) ?? 0) + 4);
    for (const v of used.values()) expect(v).toBeLessThanOrEqual(8);
    // 12 GPUs do not fit one 8-GPU node, and the rack constraint keeps all three pods in r1.
    expect(new Set(a?.binds.map((b) => b.node))).toEqual(new Set(['a1', 'a2']));
  });

  it('persists a first plan covering exactly the binds, for the gang generation it saw', () => {
    expect(a?.plan?.generation).toBe(1);
    expect(a?.plan?.podGangGeneration).toBe(7);
    expect(a?.plan?.pods).toEqual(Object.fromEntries((a?.binds ?? []).map((b) => [b.pod, b.node])));
    expect(a?.plan?.domain).toContain('rack=r1');
  });

  it('writes Scheduled=True, phase Starting and the placement score', () => {
    expect(scheduled(a)).toMatchObject({ status: 'True', reason: 'GangScheduled' });
    expect(a?.status?.phase).toBe('Starting');
    expect(a?.status?.placementScore).toBe(a?.plan?.score);
    expect(a?.status?.conditions?.find((c) => c.type === 'Scheduled')?.observedGeneration).toBe(7);
  });
});

describe('decideBindings: all or nothing', () => {
  it('binds nothing of a gang that does not fit, and says why', () => {
    const gpods = names('big', 3).map((n) => pod(n, 'big', { gpus: 8 }));
    const d = decideBindings(snapshot([podGang('big', [['big-pg', 3, names('big', 3)]])], gpods, [node('a1', 'z1', 'r1'), node('a2', 'z1', 'r1')]), opts);
    const a = action(d.actions, 'big');
    expect(a?.binds).toEqual([]);
    expect(a?.plan).toBeUndefined();
    const s = scheduled(a);
    expect(s?.status).toBe('False');
    expect(s?.reason).toBe('Unschedulable');
    expect(s?.message).toMatch(/16 of 24 nvidia\.com\/gpu/);
    expect(a?.status?.phase).toBe('Pending');
  });

  it('gives the capacity to one whole gang when two compete for it', () => {
    const p = [...names('x', 2).map((n) => pod(n, 'x', { gpus: 8 })), ...names('y', 2).map((n) => pod(n, 'y', { gpus: 8 }))];
    const gangs = [podGang('x', [['x-pg', 2, names('x', 2)]]), podGang('y', [['y-pg', 2, names('y', 2)]])];
    const d = decideBindings(snapshot(gangs, p, [node('a1', 'z1', 'r1'), node('a2', 'z1', 'r1'), node('a3', 'z1', 'r1')]), opts);
    const counts = ['x', 'y'].map((g) => action(d.actions, g)?.binds.length ?? 0).sort();
    expect(counts).toEqual([0, 2]);
    const loser = d.actions.find((a) => a.binds.length === 0);
    expect(scheduled(loser)?.reason).toBe('Unschedulable');
  });

  it('counts pods already bound elsewhere against node capacity', () => {
    const other: BinderPod = pod('other', 'none', { gpus: 6, nodeName: 'a1', scheduler: 'default-scheduler' });
    const gpods = names('g', 2).map((n) => pod(n, 'g', { gpus: 4 }));
    const d = decideBindings(snapshot([podGang('g', [['g-pg', 2, names('g', 2)]])], [other, ...gpods], [node('a1', 'z1', 'r1'), node('a2', 'z1', 'r1')]), opts);
    expect(action(d.actions, 'g')?.binds.map((b) => b.node)).toEqual(['a2', 'a2']);
  });
});

describe('decideBindings: persisted plans', () => {
  const nodes = [node('a1', 'z1', 'r1'), node('a2', 'z1', 'r1'), node('a3', 'z1', 'r1')];
  const planned = { generation: 1, podGangGeneration: 1, score: 0.5, domain: 'zone=z1', pods: { 'g-0': 'a3', 'g-1': 'a3', 'g-2': 'a2' } };

  it('resumes the persisted plan after a restart: the remaining pods go to the planned nodes', () => {
    const gpods = [pod('g-0', 'g', { gpus: 2, nodeName: 'a3' }), pod('g-1', 'g', { gpus: 2 }), pod('g-2', 'g', { gpus: 2 })];
    const d = decideBindings(snapshot([podGang('g', [['g-pg', 3, names('g', 3)]], { plan: planned })], gpods, nodes), opts);
    const a = action(d.actions, 'g');
    expect(a?.plan).toBeUndefined(); // already persisted: not rewritten
    expect(a?.binds).toEqual([
      { pod: 'g-1', node: 'a3' },
      { pod: 'g-2', node: 'a2' },
    ]);
    expect(a?.status?.placementScore).toBe(0.5);
  });

  it('re-plans when a planned node disappeared before its pod was bound, keeping the bound pods', () => {
    const gpods = [pod('g-0', 'g', { gpus: 2, nodeName: 'a3' }), pod('g-1', 'g', { gpus: 2 }), pod('g-2', 'g', { gpus: 2 })];
    const d = decideBindings(snapshot([podGang('g', [['g-pg', 3, names('g', 3)]], { plan: planned })], gpods, [node('a1', 'z1', 'r1'), node('a3', 'z1', 'r1')]), opts);
    const a = action(d.actions, 'g');
    expect(a?.plan?.generation).toBe(2);
    expect(a?.binds.map((b) => b.pod).sort()).toEqual(['g-1', 'g-2']);
    expect(a?.binds.every((b) => b.node !== 'a2')).toBe(true);
    expect(a?.plan?.pods['g-0']).toBe('a3');
    expect(a?.reasons.join(' ')).toMatch(/a2 is gone/);
  });

  it('re-plans when a planned node no longer has room', () => {
    const squatter = pod('sq', 'none', { gpus: 8, nodeName: 'a2', scheduler: 'other' });
    const gpods = [pod('g-0', 'g', { gpus: 2, nodeName: 'a3' }), pod('g-1', 'g', { gpus: 2 }), pod('g-2', 'g', { gpus: 2 })];
    const d = decideBindings(snapshot([podGang('g', [['g-pg', 3, names('g', 3)]], { plan: planned })], [squatter, ...gpods], nodes), opts);
    const a = action(d.actions, 'g');
    expect(a?.plan?.generation).toBe(2);
    expect(a?.binds.every((b) => b.node !== 'a2')).toBe(true);
    expect(a?.reasons.join(' ')).toMatch(/no longer has room/);
  });

  it('ignores a plan made for another generation of the PodGang', () => {
    const gpods = names('g', 3).map((n) => pod(n, 'g', { gpus: 2 }));
    const d = decideBindings(snapshot([podGang('g', [['g-pg', 3, names('g', 3)]], { plan: planned, generation: 2 })], gpods, nodes), opts);
    const a = action(d.actions, 'g');
    expect(a?.plan?.generation).toBe(2);
    expect(a?.plan?.podGangGeneration).toBe(2);
    expect(a?.reasons.join(' ')).toMatch(/generation/);
  });

  it('reserves a resumed plan\u2019s nodes so a fresh gang cannot take them', () => {
    const p1 = { generation: 1, podGangGeneration: 1, domain: '', pods: { 'g-0': 'a1' } };
    const gpods = [pod('g-0', 'g', { gpus: 8 }), pod('h-0', 'h', { gpus: 8 })];
    const gangs = [podGang('g', [['g-pg', 1, ['g-0']]], { plan: p1 }), podGang('h', [['h-pg', 1, ['h-0']]])];
    const d = decideBindings(snapshot(gangs, gpods, [node('a1', 'z1', 'r1')]), opts);
    expect(action(d.actions, 'g')?.binds).toEqual([{ pod: 'g-0', node: 'a1' }]);
    expect(action(d.actions, 'h')?.binds).toEqual([]);
  });

  it('writes nothing for a gang that is scheduled and whose status says so', () => {
    const gpods = [pod('g-0', 'g', { gpus: 2, nodeName: 'a1' })];
    const first = decideBindings(snapshot([podGang('g', [['g-pg', 1, ['g-0']]], { plan: { generation: 1, podGangGeneration: 1, domain: '', pods: { 'g-0': 'a1' } } })], gpods, nodes), opts);
    const status = action(first.actions, 'g')?.status;
    expect(status?.phase).toBe('Starting');
    const again = decideBindings(snapshot([podGang('g', [['g-pg', 1, ['g-0']]], { plan: { generation: 1, podGangGeneration: 1, domain: '', pods: { 'g-0': 'a1' } }, ...(status === undefined ? {} : { status }) })], gpods, nodes), opts);
    expect(again.actions).toEqual([]);
  });
});

describe('decideBindings: partly bound and scaled gangs', () => {
  const nodes = [node('a1', 'z1', 'r1', 4), node('a2', 'z1', 'r1', 4), node('b1', 'z1', 'r2', 8), node('b2', 'z1', 'r2', 8)];

  it('places the rest of a partly bound gang inside the required domain of its bound pods', () => {
    const gpods = [pod('g-0', 'g', { gpus: 4, nodeName: 'a1' }), pod('g-1', 'g', { gpus: 4 })];
    const d = decideBindings(snapshot([podGang('g', [['g-pg', 2, ['g-0', 'g-1']]], { required: RACK })], gpods, nodes), opts);
    expect(action(d.actions, 'g')?.binds).toEqual([{ pod: 'g-1', node: 'a2' }]);
  });

  it('keeps a scaled gang waiting until its base gang is scheduled', () => {
    const p = [pod('base-0', 'base', { gpus: 2 }), pod('sc-0', 'sc', { gpus: 2, baseGang: 'base' })];
    const gangs = [podGang('base', [['base-pg', 1, ['base-0']]]), podGang('sc', [['sc-pg', 1, ['sc-0']]])];
    const d = decideBindings(snapshot(gangs, p, nodes), opts);
    expect(action(d.actions, 'base')?.binds).toHaveLength(1);
    const sc = action(d.actions, 'sc');
    expect(sc?.binds).toEqual([]);
    expect(scheduled(sc)?.reason).toBe('WaitingForBaseGang');
  });

  it('places a scaled gang in its base gang\u2019s required domain once the base is bound', () => {
    const p = [pod('base-0', 'base', { gpus: 2, nodeName: 'a1' }), pod('sc-0', 'sc', { gpus: 4, baseGang: 'base' })];
    const gangs = [podGang('base', [['base-pg', 1, ['base-0']]], { required: RACK }), podGang('sc', [['sc-pg', 1, ['sc-0']]])];
    // b1/b2 have more room, but the base gang sits in rack r1.
    const d = decideBindings(snapshot(gangs, p, nodes), opts);
    expect(action(d.actions, 'sc')?.binds).toEqual([{ pod: 'sc-0', node: 'a2' }]);
  });
});

describe('decideBindings: what the binder leaves alone', () => {
  const nodes = [node('a1', 'z1', 'r1')];

  it('ignores gangs of another scheduler', () => {
    const d = decideBindings(snapshot([podGang('g', [['g-pg', 1, ['g-0']]], { scheduler: 'kai-scheduler' })], [pod('g-0', 'g', { scheduler: 'kai-scheduler' })], nodes), opts);
    expect(d.actions).toEqual([]);
  });

  it('waits for pods that are not created yet', () => {
    const d = decideBindings(snapshot([podGang('g', [['g-pg', 2, ['g-0', 'g-1']]])], [pod('g-0', 'g')], nodes), opts);
    const a = action(d.actions, 'g');
    expect(a?.binds).toEqual([]);
    expect(scheduled(a)).toMatchObject({ status: 'False', reason: 'WaitingForPods' });
  });

  it('waits while pods carry scheduling gates', () => {
    const d = decideBindings(snapshot([podGang('g', [['g-pg', 1, ['g-0']]])], [pod('g-0', 'g', { gates: ['grove.io/podgang-pending-creation'] })], nodes), opts);
    expect(scheduled(action(d.actions, 'g'))).toMatchObject({ status: 'False', reason: 'SchedulingGated' });
  });

  it('reports Running once every pod is bound and running', () => {
    const d = decideBindings(snapshot([podGang('g', [['g-pg', 1, ['g-0']]])], [pod('g-0', 'g', { nodeName: 'a1', phase: 'Running' })], nodes), opts);
    expect(action(d.actions, 'g')?.status?.phase).toBe('Running');
  });
});

describe('persisted plan annotation', () => {
  it('round-trips and sorts pods canonically', () => {
    const plan = { generation: 3, podGangGeneration: 2, score: 0.75, domain: 'zone=z1', pods: { b: 'n2', a: 'n1' } };
    const text = formatPersistedPlan(plan);
    expect(text.indexOf('"a"')).toBeLessThan(text.indexOf('"b"'));
    expect(parsePersistedPlan(text)).toEqual(plan);
    expect(ANNOTATION_PLACEMENT_PLAN).toBe('canopy.dev/placement-plan');
  });

  it('treats an unreadable annotation as no plan', () => {
    expect(parsePersistedPlan('{not json')).toBeUndefined();
    expect(parsePersistedPlan(JSON.stringify({ generation: 0, pods: {} }))).toBeUndefined();
  });
});
