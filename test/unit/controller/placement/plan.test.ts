import { describe, expect, it } from 'vitest';
import { buildClusterModel } from '../../../../src/controller/placement/cluster.ts';
import type { PlacementGang } from '../../../../src/controller/placement/gang.ts';
import type { GangResult, PlacedGang } from '../../../../src/controller/placement/plan.ts';
import { planPlacement } from '../../../../src/controller/placement/plan.ts';
import { boundPod, gang, grid, HOST, LEVELS, pods, RACK, ZONE } from './fixtures.ts';

function placed(r: GangResult | undefined): PlacedGang {
  if (r?.placed !== true) throw new Error(`expected a placed gang, got ${JSON.stringify(r)}`);
  return r;
}

function nodesOf(r: GangResult | undefined): string[] {
  return placed(r).assignments.map((a) => a.node);
}

const rackOf = (nodeName: string): string => nodeName.split('-').slice(0, 2).join('-');
const zoneOf = (nodeName: string): string => nodeName.split('-')[0] ?? '';

describe('planPlacement: packing', () => {
  it('packs a gang that fits one host onto one node, score 1', () => {
    const model = buildClusterModel({ nodes: grid(['z1'], ['r1'], 2), levels: LEVELS });
    const plan = planPlacement(model, [gang('g', 2, 4)]);
    expect(new Set(nodesOf(plan.gangs[0])).size).toBe(1);
    expect(placed(plan.gangs[0]).score).toBe(1);
    expect(plan.placedGangs).toBe(1);
  });

  it('keeps a required-rack gang in one rack, choosing the fullest rack that still fits', () => {
    // r1 has 16 free GPUs, r2 has 10: a 2 × 4-GPU gang goes to r2.
    const model = buildClusterModel({ nodes: grid(['z1'], ['r1', 'r2'], 2), pods: [boundPod('x', 'z1-r2-n0', 6)], levels: LEVELS });
    const plan = planPlacement(model, [gang('g', 2, 4, { pack: { required: RACK } })]);
    expect(new Set(nodesOf(plan.gangs[0]).map(rackOf))).toEqual(new Set(['z1-r2']));
  });

  it('widens a preferred level towards required when the narrow level has no room', () => {
    const model = buildClusterModel({ nodes: grid(['z1'], ['r1'], 2), levels: LEVELS });
    // 12 GPUs cannot share one 8-GPU host, but fit the rack.
    const plan = planPlacement(model, [gang('g', 3, 4, { pack: { preferred: HOST, required: RACK } })]);
    const p = placed(plan.gangs[0]);
    expect(new Set(p.assignments.map((a) => a.node)).size).toBe(2);
    expect(p.domain).toBe('zone=z1/rack=r1');
    // A rack is the narrowest level whose domains can hold 12 GPUs, so the packing is ideal.
    expect(p.score).toBe(1);
  });

  it('scores by the depth reached over the depth achievable', () => {
    // Each rack has 8 GPUs free at most after the bound pods; a 16-GPU gang could fit a rack (16 allocatable)
    // but must span two racks of the zone: depth 1 of achievable 2.
    const nodes = grid(['z1'], ['r1', 'r2'], 2);
    const model = buildClusterModel({ nodes, pods: [boundPod('a', 'z1-r1-n0', 8), boundPod('b', 'z1-r2-n0', 8)], levels: LEVELS });
    const plan = planPlacement(model, [gang('g', 2, 8, { pack: { required: ZONE } })]);
    expect(placed(plan.gangs[0]).score).toBe(0.5);
  });

  it('puts pods that fit one node on the node they fit most tightly, ties to the fuller rack', () => {
    const nodes = grid(['z1'], ['r1', 'r2'], 2);
    // r1-n1 has 4 free and r2-n0 has 2 free; r2 is the fuller rack.
    const model = buildClusterModel({
      nodes,
      pods: [boundPod('a', 'z1-r1-n1', 4), boundPod('b', 'z1-r2-n0', 6), boundPod('c', 'z1-r2-n1', 4)],
      levels: LEVELS,
    });
    const plan = planPlacement(model, [gang('tight', 2, 2), gang('tie', 1, 3)]);
    // 4 GPUs: exact fits are z1-r1-n1 (4 free) and z1-r2-n1 (4 free); r2 has less free in total.
    expect(nodesOf(plan.gangs[0])).toEqual(['z1-r2-n1', 'z1-r2-n1']);
    // 3 GPUs then: z1-r1-n1 (4 free) is the tightest.
    expect(nodesOf(plan.gangs[1])).toEqual(['z1-r1-n1']);
  });

  it('places the largest gang first so it is not starved by smaller ones', () => {
    const model = buildClusterModel({ nodes: grid(['z1'], ['r1'], 3), levels: LEVELS });
    // In input order the 3 × 3-GPU gang would take 6 GPUs of one host and leave no room for the 3 × 5-GPU gang;
    // largest first, each host holds one 5-GPU and one 3-GPU pod.
    const plan = planPlacement(model, [gang('small', 3, 3), gang('large', 3, 5)]);
    expect(plan.placedGangs).toBe(2);
    expect(plan.gangs.map((g) => g.gang)).toEqual(['small', 'large']);
  });

  it('never splits one pod group config across hosts when it requires a host', () => {
    const model = buildClusterModel({ nodes: grid(['z1'], ['r1', 'r2'], 2), levels: LEVELS });
    const g: PlacementGang = {
      name: 'svc-0',
      namespace: 'default',
      pack: { required: ZONE },
      podGroups: [
        { name: 'svc-0-dec-0-ldr', minReplicas: 1, pods: pods('ldr', 1, 2) },
        { name: 'svc-0-dec-0-wkr', minReplicas: 3, pods: pods('wkr', 3, 2) },
        { name: 'svc-0-fe', minReplicas: 2, pods: pods('fe', 2, 1), pack: { required: RACK } },
      ],
      groupConfigs: [{ name: 'svc-0-dec-0', podGroupNames: ['svc-0-dec-0-ldr', 'svc-0-dec-0-wkr'], pack: { required: HOST } }],
    };
    const plan = planPlacement(model, [g]);
    const p = placed(plan.gangs[0]);
    const dec = p.assignments.filter((a) => a.podGroup.startsWith('svc-0-dec-0')).map((a) => a.node);
    expect(dec).toHaveLength(4);
    expect(new Set(dec).size).toBe(1);
    const fe = p.assignments.filter((a) => a.podGroup === 'svc-0-fe').map((a) => rackOf(a.node));
    expect(new Set(fe).size).toBe(1);
  });
});

describe('planPlacement: all-or-nothing and reasons', () => {
  it('names the level, the best domain and the shortfall when a required gang does not fit', () => {
    const model = buildClusterModel({
      nodes: grid(['z1'], ['r1', 'r2', 'r3'], 1),
      pods: [boundPod('a', 'z1-r1-n0', 4), boundPod('b', 'z1-r2-n0', 2), boundPod('c', 'z1-r3-n0', 5)],
      levels: LEVELS,
    });
    const plan = planPlacement(model, [gang('big', 1, 8, { pack: { required: RACK } })]);
    expect(plan.gangs[0]).toEqual({
      gang: 'big',
      namespace: 'default',
      placed: false,
      reasons: ['required rack: best domain zone=z1/rack=r2 has 6 of 8 nvidia.com/gpu'],
    });
  });

  it('reports fragmentation when the totals suffice but no node can take a pod', () => {
    const model = buildClusterModel({ nodes: grid(['z1'], ['r1'], 2), pods: [boundPod('a', 'z1-r1-n0', 4), boundPod('b', 'z1-r1-n1', 4)], levels: LEVELS });
    const plan = planPlacement(model, [gang('g', 1, 8, { pack: { required: RACK } })]);
    expect(plan.gangs[0]?.placed).toBe(false);
    expect(plan.gangs[0]?.placed === false ? plan.gangs[0].reasons : []).toEqual([
      'required rack: zone=z1/rack=r1 has enough in total but is fragmented: room for 0 of 1 pods of 8 nvidia.com/gpu',
    ]);
  });

  it('leaves nothing of a gang that does not fit, so a later gang can use the room', () => {
    const model = buildClusterModel({ nodes: grid(['z1'], ['r1'], 2), levels: LEVELS });
    // 3 × 8 GPUs never fit 16; the 2 × 8 gang must still get both hosts.
    const plan = planPlacement(model, [gang('too-big', 3, 8), gang('fits', 2, 8)]);
    expect(plan.gangs[0]?.placed).toBe(false);
    expect(nodesOf(plan.gangs[1]).sort()).toEqual(['z1-r1-n0', 'z1-r1-n1']);
  });

  it('places pods beyond minReplicas when they fit and lists those that do not', () => {
    const model = buildClusterModel({ nodes: grid(['z1'], ['r1'], 1), levels: LEVELS });
    const g: PlacementGang = { name: 'g', namespace: 'default', podGroups: [{ name: 'pg', minReplicas: 1, pods: pods('p', 3, 3) }] };
    const p = placed(planPlacement(model, [g]).gangs[0]);
    expect(p.assignments.map((a) => [a.pod, a.extra])).toEqual([
      ['p-0', false],
      ['p-1', true],
    ]);
    expect(p.extraPodsUnplaced).toEqual(['p-2']);
    expect(p.notes).toContain('1 pods beyond minReplicas did not fit and stay pending');
  });

  it('refuses a podgroup with fewer pods than minReplicas, and a resource no node offers', () => {
    const model = buildClusterModel({ nodes: grid(['z1'], ['r1'], 1), levels: LEVELS });
    const short: PlacementGang = { name: 's', namespace: 'default', podGroups: [{ name: 'pg', minReplicas: 2, pods: pods('p', 1, 1) }] };
    const odd: PlacementGang = { name: 'o', namespace: 'default', podGroups: [{ name: 'pg', minReplicas: 1, pods: [{ name: 'p', requests: { 'example.com/fpga': 1 } }] }] };
    const plan = planPlacement(model, [short, odd]);
    expect(plan.gangs.map((g) => (g.placed ? [] : g.reasons))).toEqual([
      ['podgroup pg has 1 pods, fewer than minReplicas 2'],
      ['no node offers example.com/fpga'],
    ]);
  });
});

describe('planPlacement: scaled gangs and spread', () => {
  it('puts a scaled gang in the same required domain as its base gang', () => {
    // z1 has 8 free GPUs, z2 16: the base gang best-fits into z1.
    const model = buildClusterModel({ nodes: grid(['z1', 'z2'], ['r1'], 2), pods: [boundPod('x', 'z1-r1-n0', 8)], levels: LEVELS });
    const base = gang('svc-0', 1, 2, { pack: { required: ZONE } });
    const fits = gang('svc-0-dec-0', 2, 3, { pack: { required: RACK }, baseGang: 'svc-0' });
    const plan = planPlacement(model, [fits, base]);
    expect(nodesOf(plan.gangs[1]).map(zoneOf)).toEqual(['z1']);
    expect(new Set(nodesOf(plan.gangs[0]).map(zoneOf))).toEqual(new Set(['z1']));
  });

  it('does not let a scaled gang leave its base gang\'s domain even when another zone has room', () => {
    const model = buildClusterModel({ nodes: grid(['z1', 'z2'], ['r1'], 2), pods: [boundPod('x', 'z1-r1-n0', 8)], levels: LEVELS });
    const base = gang('svc-0', 1, 2, { pack: { required: ZONE } });
    const tooBig = gang('svc-0-dec-0', 2, 4, { pack: { required: ZONE }, baseGang: 'svc-0' });
    const plan = planPlacement(model, [base, tooBig]);
    expect(plan.gangs[1]).toEqual({
      gang: 'svc-0-dec-0',
      namespace: 'default',
      placed: false,
      reasons: ['required zone within zone=z1: best domain zone=z1 has 6 of 8 nvidia.com/gpu'],
    });
  });

  it('does not place a scaled gang whose base gang is not placed', () => {
    const model = buildClusterModel({ nodes: grid(['z1'], ['r1'], 1), levels: LEVELS });
    const plan = planPlacement(model, [gang('svc-0', 2, 8), gang('svc-0-dec-0', 1, 1, { baseGang: 'svc-0' })]);
    expect(plan.gangs[1]).toEqual({
      gang: 'svc-0-dec-0',
      namespace: 'default',
      placed: false,
      reasons: ['base gang svc-0 is not placed; a scaled gang is only scheduled after its base'],
    });
  });

  it('spreads the replicas of a set across zones with max skew 1', () => {
    const model = buildClusterModel({ nodes: grid(['z1', 'z2'], ['r1'], 2), levels: LEVELS });
    const spread = { group: 'default/svc', key: ZONE, policy: 'required' as const };
    const plan = planPlacement(model, [0, 1, 2].map((i) => gang(`svc-${i}`, 1, 2, { spread })));
    const zones = plan.gangs.map((g) => zoneOf(nodesOf(g)[0] ?? ''));
    expect(zones.filter((z) => z === 'z1')).toHaveLength(zones[2] === 'z1' ? 2 : 1);
    expect(new Set(zones.slice(0, 2)).size).toBe(2);
  });

  it('fails a required spread when the zones with fewest replicas have no room', () => {
    const model = buildClusterModel({ nodes: grid(['z1', 'z2'], ['r1'], 1), pods: [boundPod('x', 'z2-r1-n0', 8)], levels: LEVELS });
    const spread = { group: 'default/svc', key: ZONE, policy: 'required' as const };
    const plan = planPlacement(model, [gang('svc-0', 1, 2, { spread }), gang('svc-1', 1, 2, { spread })]);
    expect(plan.gangs[0]?.placed).toBe(true);
    expect(plan.gangs[1]).toEqual({
      gang: 'svc-1',
      namespace: 'default',
      placed: false,
      reasons: ['spread zone (required, maxSkew 1): none of the zone domains with the fewest replicas (0) has room: zone=z2'],
    });
  });

  it('falls back when a preferred spread cannot be honoured, and says so', () => {
    const model = buildClusterModel({ nodes: grid(['z1', 'z2'], ['r1'], 1), pods: [boundPod('x', 'z2-r1-n0', 8)], levels: LEVELS });
    const spread = { group: 'default/svc', key: ZONE, policy: 'preferred' as const };
    const plan = planPlacement(model, [gang('svc-0', 1, 2, { spread }), gang('svc-1', 1, 2, { spread })]);
    expect(plan.placedGangs).toBe(2);
    expect(placed(plan.gangs[1]).notes).toContain(
      'spread zone (preferred, maxSkew 1): none of the zone domains with the fewest replicas (0) has room: zone=z2; placed anyway, the spread is only preferred',
    );
    expect(nodesOf(plan.gangs[1])).toEqual(['z1-r1-n0']);
  });
});

describe('planPlacement: determinism', () => {
  it('gives the same plan for the same input', () => {
    const model = buildClusterModel({ nodes: grid(['z1', 'z2'], ['r1', 'r2'], 3), levels: LEVELS });
    const gangs = [gang('a', 3, 4, { pack: { required: RACK } }), gang('b', 5, 2), gang('c', 2, 8, { pack: { preferred: HOST } })];
    expect(planPlacement(model, gangs)).toEqual(planPlacement(model, gangs));
  });
});
