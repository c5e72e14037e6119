import { describe, expect, it } from 'vitest';
import { pickEngine, type RouterState } from '../../../../src/sim/loop/router.ts';
import { runLoop } from '../../../../src/sim/loop/run.ts';
import { config, role, scripted, steadyRequests } from './fixtures.ts';

const engines = (loads: number[]) => loads.map((outstanding, i) => ({ id: i, replica: { outstanding } }));

describe('pickEngine', () => {
  it('round-robin takes the candidates in turn, whatever their load', () => {
    const pool = engines([5, 0, 9]);
    const state: RouterState = { cursor: 0 };
    expect([1, 2, 3, 4].map(() => pickEngine(pool, 'round-robin', state)?.id)).toEqual([0, 1, 2, 0]);
  });

  it('least-loaded takes the fewest outstanding requests, the first one on ties', () => {
    const state: RouterState = { cursor: 0 };
    expect(pickEngine(engines([3, 1, 1, 2]), 'least-loaded', state)?.id).toBe(1);
    expect(pickEngine(engines([0, 0]), 'least-loaded', state)?.id).toBe(0);
  });

  it('has nothing to pick from an empty pool', () => {
    const none: { replica: { outstanding: number } }[] = [];
    expect(pickEngine(none, 'least-loaded', { cursor: 0 })).toBeUndefined();
    expect(pickEngine(none, 'round-robin', { cursor: 0 })).toBeUndefined();
  });
});

describe('routing in the loop', () => {
  it('round-robin splits a steady stream evenly over ready replicas', () => {
    const r = runLoop(config({ requests: steadyRequests(3, 60), roles: [role('worker', 3, 3)], router: 'round-robin', driver: scripted([]) }));
    const counts = [0, 1, 2].map((id) => r.records.filter((x) => x.replica === id).length);
    expect(counts).toEqual([60, 60, 60]);
  });

  it('least-loaded sends a burst to the idle replicas first', () => {
    // Two long requests occupy replica 0 and 1; the third goes to replica 2.
    const requests = [
      { id: 'a', arrival: 0, promptTokens: 100, outputTokens: 500 },
      { id: 'b', arrival: 0.001, promptTokens: 100, outputTokens: 500 },
      { id: 'c', arrival: 0.002, promptTokens: 100, outputTokens: 10 },
    ];
    const r = runLoop(config({ requests, roles: [role('worker', 3, 3)], router: 'least-loaded', driver: scripted([]) }));
    expect(r.records.map((x) => x.replica)).toEqual([0, 1, 2]);
  });
});
