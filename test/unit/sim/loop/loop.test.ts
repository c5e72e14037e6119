import { describe, expect, it } from 'vitest';
import { runLoop } from '../../../../src/sim/loop/run.ts';
import { rackClusterNodes, RACK_TOPOLOGY_LEVELS } from '../../../../src/sim/loop/cluster.ts';
import { createGangPlacer } from '../../../../src/sim/loop/placer.ts';
import { roleGroup } from '../../../../src/sim/loop/observe.ts';
import { gpuHours } from '../../../../src/sim/score/fleet.ts';
import { config, PD_POOLS, role, scripted, steadyRequests } from './fixtures.ts';

describe('runLoop: determinism', () => {
  const run = (seed: number) =>
    runLoop(
      config({
        requests: steadyRequests(8, 240),
        driver: scripted([{ at: 30, desired: { worker: 3 } }, { at: 150, desired: { worker: 1 } }]),
        startupJitter: 0.2,
        seed,
      }),
    );

  it('gives identical records, timelines and actions for the same seed', () => {
    const a = run(7);
    const b = run(7);
    expect(b.records).toEqual(a.records);
    expect(b.timelines).toEqual(a.timelines);
    expect(b.actions).toEqual(a.actions);
  });

  it('differs for another seed (the cold starts are drawn from it)', () => {
    const a = run(7);
    const b = run(8);
    expect(b.units.map((u) => u.readyAt)).not.toEqual(a.units.map((u) => u.readyAt));
    expect(b.records).not.toEqual(a.records);
  });
});

describe('runLoop: start-up delay', () => {
  it('counts GPU time from pod start and routes nothing to a unit before it is ready', () => {
    const r = runLoop(config({ requests: steadyRequests(10, 200), driver: scripted([{ at: 15, desired: { worker: 2 } }]), startupSeconds: 60 }));
    const added = r.units[1];
    expect(added?.placedAt).toBe(15);
    expect(added?.readyAt).toBe(75);
    const tl = r.timelines['worker'];
    expect(tl?.allocated).toEqual([
      { time: 0, value: 1 },
      { time: 15, value: 2 },
    ]);
    expect(tl?.ready).toEqual([
      { time: 0, value: 1 },
      { time: 75, value: 2 },
    ]);
    const servedByNew = r.records.filter((x) => added?.engineIds.includes(x.replica) === true);
    expect(servedByNew.length).toBeGreaterThan(0);
    for (const x of servedByNew) expect(x.arrival).toBeGreaterThanOrEqual(75);
    // 1 GPU for 200 s plus 1 GPU from 15 s on (cold start included).
    const pools = Object.values(r.timelines).map((t) => ({ replicas: t.allocated, gpusPerReplica: t.gpusPerUnit }));
    expect(gpuHours(pools, 0, 200)).toBeCloseTo((200 + 185) / 3600, 9);
  });

  it('holds requests while no replica is ready and serves them once one is', () => {
    const r = runLoop(config({ requests: steadyRequests(2, 30), roles: [{ ...role('worker', 0, 2), min: 0 }], driver: scripted([{ at: 0, desired: { worker: 1 } }], 5), startupSeconds: 20 }));
    expect(r.records.every((x) => !x.dropped && x.finish !== undefined)).toBe(true);
    const ready = r.units[0]?.readyAt ?? Infinity;
    expect(ready).toBe(25);
    for (const x of r.records) expect(x.firstToken ?? 0).toBeGreaterThan(ready);
  });
});

describe('runLoop: drain on scale-in', () => {
  it('lets the removed unit finish its requests and sends it no new ones', () => {
    // Long outputs keep requests in flight across the scale-in.
    const r = runLoop(config({ requests: steadyRequests(4, 120, 500, 800), roles: [role('worker', 2, 2)], driver: scripted([{ at: 45, desired: { worker: 1 } }]) }));
    const drained = r.units.find((u) => u.drainStartedAt !== undefined);
    expect(drained?.drainStartedAt).toBe(45);
    expect(drained?.goneAt).toBeGreaterThan(45);
    const served = r.records.filter((x) => drained?.engineIds.includes(x.replica) === true);
    expect(served.some((x) => (x.finish ?? 0) > 45)).toBe(true);
    for (const x of served) {
      expect(x.arrival).toBeLessThan(45);
      expect(x.finish).toBeDefined();
      expect(x.finish ?? Infinity).toBeLessThanOrEqual(drained?.goneAt ?? -1);
    }
    expect(r.records.every((x) => !x.dropped)).toBe(true);
    // GPU time of the drained unit ends when its last request does.
    expect(r.timelines['worker']?.allocated.at(-1)).toEqual({ time: drained?.goneAt, value: 1 });
  });

  it('cancels a unit that is still starting instead of draining it', () => {
    const r = runLoop(config({ requests: steadyRequests(2, 120), driver: scripted([{ at: 15, desired: { worker: 2 } }, { at: 30, desired: { worker: 1 } }]) }));
    const second = r.units[1];
    expect(second?.goneAt).toBe(30);
    expect(second?.readyAt).toBeUndefined();
    expect(r.units[0]?.goneAt).toBeUndefined();
  });
});

describe('runLoop: disaggregated prefill → decode', () => {
  it('prefills on a prefill engine, moves the KV and decodes elsewhere; the first decode gap includes the transfer', () => {
    const r = runLoop(config({ requests: steadyRequests(2, 60, 2000, 50), pools: PD_POOLS, roles: [role('prefill', 1), role('decode', 1)], driver: scripted([]) }));
    const x = r.records[0];
    expect(x?.prefillReplica).toBe(0);
    expect(x?.replica).toBe(1);
    // KV of 2000 tokens at 128 KiB/token over 64 GB/s ≈ 4.1 ms sits inside the first gap.
    const transfer = (2000 * 131072) / 64e9;
    expect(x?.itlRuns[0]).toBe(1);
    expect(x?.itlRuns[1] ?? 0).toBeGreaterThan(transfer);
    expect(r.records.every((y) => y.finish !== undefined && !y.dropped)).toBe(true);
  });
});

describe('runLoop: metrics pipeline', () => {
  it('serves the driver signals scraped from the engines, grouped by PodClique', () => {
    const driver = scripted([]);
    runLoop(config({ requests: steadyRequests(4, 120, 1000, 100), pools: PD_POOLS, roles: [role('prefill', 1), role('decode', 1)], driver, namespace: 'ns', podCliqueSet: 'svc' }));
    const late = driver.views.at(-1);
    expect(late).toBeDefined();
    if (late === undefined) return;
    const prefill = roleGroup(late.signals, role('prefill', 1), 'ns', 'svc');
    const decode = roleGroup(late.signals, role('decode', 1), 'ns', 'svc');
    // 4 requests/s of 1000 prompt tokens.
    expect(prefill?.values.prompt_tokens_per_second).toBeCloseTo(4000, -2);
    expect(prefill?.values.ttft_p90_seconds).toBeGreaterThan(0);
    expect(decode?.values.itl_p90_seconds).toBeGreaterThan(0);
    expect(prefill?.values.itl_p90_seconds).toBeUndefined();
    expect(late.roles['decode']).toEqual({ current: 1, ready: 1, starting: 0, pending: 0, draining: 0 });
    expect(late.readyPods['prefill']).toEqual(['svc-0-prefill-0']);
  });
});

describe('runLoop: placement', () => {
  it('keeps a unit that cannot be placed pending, with the planner’s reasons, and places it when room frees', () => {
    const nodes = rackClusterNodes({ racks: 1, nodesPerRack: 1, gpusPerNode: 2 });
    const placer = createGangPlacer({ nodes, levels: RACK_TOPOLOGY_LEVELS });
    const r = runLoop(
      config({
        requests: steadyRequests(1, 200),
        roles: [role('worker', 2, 4)],
        placer,
        driver: scripted([{ at: 15, desired: { worker: 3 } }, { at: 60, desired: { worker: 1 } }, { at: 90, desired: { worker: 2 } }]),
      }),
    );
    const third = r.units[2];
    expect(third?.placedAt).toBeUndefined();
    expect(third?.pendingReasons.length).toBeGreaterThan(0);
    // At 60 the pending unit is dropped first, then one running unit drains.
    expect(third?.goneAt).toBe(60);
    const fourth = r.units[3];
    expect(fourth?.requestedAt).toBe(90);
    expect(fourth?.placedAt).toBeGreaterThanOrEqual(90);
    for (const u of r.units) if (u.placedAt !== undefined) expect(Object.keys(u.nodes)).toHaveLength(1);
  });
});
