// Invariants of the planner on random clusters and workloads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterModel } from '../../../../src/controller/placement/cluster.ts';
import { buildClusterModel } from '../../../../src/controller/placement/cluster.ts';
import type { PlacementGang } from '../../../../src/controller/placement/gang.ts';
import type { PlacementPlan } from '../../../../src/controller/placement/plan.ts';
import { planPlacement } from '../../../../src/controller/placement/plan.ts';
import { boundPod, HOST, LEVELS, node, RACK, ZONE } from './fixtures.ts';

const KEYS = [undefined, ZONE, RACK, HOST] as const;

const clusterArb = fc
  .array(fc.record({ zone: fc.integer({ min: 0, max: 2 }), rack: fc.integer({ min: 0, max: 2 }), gpus: fc.integer({ min: 0, max: 8 }), used: fc.integer({ min: 0, max: 8 }) }), { minLength: 1, maxLength: 14 })
  .map((specs) => {
    const nodes = specs.map((s, i) => node(`n${i}`, `z${s.zone}`, `r${s.rack}`, s.gpus));
    const pods = specs.flatMap((s, i) => (s.used > 0 ? [boundPod(`bound-${i}`, `n${i}`, Math.min(s.used, s.gpus))] : []));
    return buildClusterModel({ nodes, pods, levels: LEVELS });
  });

const podGroupArb = fc.record({
  count: fc.integer({ min: 1, max: 4 }),
  min: fc.integer({ min: 0, max: 4 }),
  gpus: fc.integer({ min: 0, max: 6 }),
  cpu: fc.integer({ min: 0, max: 40 }),
  required: fc.constantFrom(...KEYS),
});

const gangArb = fc.record({
  groups: fc.array(podGroupArb, { minLength: 1, maxLength: 3 }),
  required: fc.constantFrom(...KEYS),
  preferred: fc.constantFrom(...KEYS),
  configRequired: fc.constantFrom(...KEYS),
});

type GangSpec = typeof gangArb extends fc.Arbitrary<infer T> ? T : never;

function toGangs(specs: readonly GangSpec[]): PlacementGang[] {
  return specs.map((g, gi) => ({
    name: `g${gi}`,
    namespace: 'default',
    pack: { required: g.required, preferred: g.preferred },
    podGroups: g.groups.map((pg, pi) => ({
      name: `g${gi}-pg${pi}`,
      minReplicas: Math.min(pg.min, pg.count),
      pods: Array.from({ length: pg.count }, (_, k) => ({ name: `g${gi}-pg${pi}-${k}`, requests: { 'nvidia.com/gpu': pg.gpus, cpu: pg.cpu * 1000 } })),
      pack: { required: pg.required },
    })),
    groupConfigs: g.groups.length > 1 ? [{ name: `g${gi}-cfg`, podGroupNames: [`g${gi}-pg0`, `g${gi}-pg1`], pack: { required: g.configRequired } }] : [],
  }));
}

function levelOf(key: string | undefined): number {
  return LEVELS.findIndex((l) => l.key === key);
}

function domainAt(model: ClusterModel, nodeName: string, level: number): number | undefined {
  return model.nodes.find((n) => n.name === nodeName)?.domains[level];
}

function sameDomain(model: ClusterModel, nodes: readonly string[], key: string | undefined): boolean {
  const level = levelOf(key);
  if (level < 0 || nodes.length === 0) return true;
  const first = domainAt(model, nodes[0] ?? '', level);
  return nodes.every((n) => domainAt(model, n, level) === first);
}

function check(model: ClusterModel, gangs: readonly PlacementGang[], plan: PlacementPlan): void {
  const used = new Map<string, { gpu: number; cpu: number }>();
  plan.gangs.forEach((result, gi) => {
    const gang = gangs[gi];
    expect(result.gang).toBe(gang?.name);
    if (gang === undefined || !result.placed) return;
    const nodeOf = new Map(result.assignments.map((a) => [a.pod, a.node]));
    // All-or-nothing: every podgroup has its minReplicas placed.
    for (const pg of gang.podGroups) {
      const mandatory = pg.pods.slice(0, pg.minReplicas);
      for (const p of mandatory) expect(nodeOf.has(p.name)).toBe(true);
      const all = pg.pods.map((p) => nodeOf.get(p.name)).filter((n): n is string => n !== undefined);
      expect(sameDomain(model, all, pg.pack?.required)).toBe(true);
    }
    // A required gang never spans two domains of its level, nor does a required group config.
    expect(sameDomain(model, [...nodeOf.values()], gang.pack?.required)).toBe(true);
    for (const cfg of gang.groupConfigs ?? []) {
      const inCfg = result.assignments.filter((a) => cfg.podGroupNames.includes(a.podGroup)).map((a) => a.node);
      expect(sameDomain(model, inCfg, cfg.pack?.required)).toBe(true);
    }
    expect(result.score).toBeGreaterThanOrEqual(0);
    expect(result.score).toBeLessThanOrEqual(1);
    for (const a of result.assignments) {
      const pod = gang.podGroups.flatMap((pg) => pg.pods).find((p) => p.name === a.pod);
      const u = used.get(a.node) ?? { gpu: 0, cpu: 0 };
      u.gpu += pod?.requests['nvidia.com/gpu'] ?? 0;
      u.cpu += pod?.requests.cpu ?? 0;
      used.set(a.node, u);
    }
  });
  // Never over a node's free capacity.
  const gpu = model.resources.indexOf('nvidia.com/gpu');
  const cpu = model.resources.indexOf('cpu');
  for (const [name, u] of used) {
    const n = model.nodes.find((x) => x.name === name);
    expect(u.gpu).toBeLessThanOrEqual(n?.free[gpu] ?? -1);
    expect(u.cpu).toBeLessThanOrEqual(n?.free[cpu] ?? -1);
  }
}

describe('planPlacement properties', () => {
  it('never overcommits a node, never splits a required domain, places gangs whole, and is deterministic', () => {
    fc.assert(
      fc.property(clusterArb, fc.array(gangArb, { minLength: 1, maxLength: 6 }), (model, specs) => {
        const gangs = toGangs(specs);
        const plan = planPlacement(model, gangs);
        check(model, gangs, plan);
        expect(planPlacement(model, gangs)).toEqual(plan);
        expect(plan.placedGangs + plan.unplaceableGangs).toBe(gangs.length);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps unplaced gangs out of the plan: removing them changes no other assignment', () => {
    fc.assert(
      fc.property(clusterArb, fc.array(gangArb, { minLength: 1, maxLength: 5 }), (model, specs) => {
        const gangs = toGangs(specs);
        const plan = planPlacement(model, gangs);
        for (const r of plan.gangs) if (!r.placed) expect(r.reasons.length).toBeGreaterThan(0);
        const kept = gangs.filter((_, i) => plan.gangs[i]?.placed === true);
        const again = planPlacement(model, kept);
        expect(again.unplaceableGangs).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
