import { describe, expect, it } from 'vitest';
import type { PodGang, PodGangStatus } from '../../../../src/api/types.ts';
import { Assumptions } from '../../../../src/controller/binder/assume.ts';
import type { GangAction } from '../../../../src/controller/binder/decide.ts';
import { errorText } from '../../../../src/controller/binder/errors.ts';
import { executeAction, type BinderClient } from '../../../../src/controller/binder/execute.ts';
import { ANNOTATION_PLACEMENT_PLAN, parsePersistedPlan } from '../../../../src/controller/binder/plan-annotation.ts';
import { pod, podGang } from './fixtures.ts';

const status: PodGangStatus = { phase: 'Starting', conditions: [{ type: 'Scheduled', status: 'True', reason: 'GangScheduled', message: 'ok', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
const plan = { generation: 1, podGangGeneration: 1, domain: '', pods: { 'g-0': 'n1', 'g-1': 'n2' } };
const action: GangAction = {
  namespace: 'ns',
  name: 'g',
  resourceVersion: '10',
  plan,
  binds: [
    { pod: 'g-0', node: 'n1' },
    { pod: 'g-1', node: 'n2' },
  ],
  status,
  reasons: [],
};

function recorder(fail: { bind?: string; persist?: boolean } = {}): { client: BinderClient; calls: string[] } {
  const calls: string[] = [];
  const gang = (rv: string): PodGang => ({ ...podGang('g', [['g-pg', 2, ['g-0', 'g-1']]]), metadata: { name: 'g', namespace: 'ns', resourceVersion: rv } });
  return {
    calls,
    client: {
      persistPlan(_ns, _name, rv, text) {
        calls.push(`persist@${rv}:${parsePersistedPlan(text)?.generation ?? '?'}`);
        if (fail.persist === true) return Promise.reject(Object.assign(new Error('conflict'), { code: 409, body: '{"message":"the object has been modified"}' }));
        return Promise.resolve(gang('11'));
      },
      bind(_ns, p, node) {
        calls.push(`bind ${p}->${node}`);
        return p === fail.bind ? Promise.reject(new Error('pod gone')) : Promise.resolve();
      },
      writeStatus(_ns, _name, rv, s) {
        calls.push(`status@${rv}:${s.phase}`);
        return Promise.resolve(gang('12'));
      },
    },
  };
}

describe('executeAction', () => {
  it('persists the plan, then binds in order with the delay between bindings, then writes status at the new resourceVersion', async () => {
    const { client, calls } = recorder();
    const sleeps: number[] = [];
    const result = await executeAction(client, action, new Assumptions(), {
      bindDelayMs: 500,
      sleep: (ms) => {
        sleeps.push(ms);
        calls.push(`sleep ${ms}`);
        return Promise.resolve();
      },
    });
    expect(result).toEqual({ bound: 2 });
    expect(calls).toEqual(['persist@10:1', 'bind g-0->n1', 'sleep 500', 'bind g-1->n2', 'status@11:Starting']);
    expect(sleeps).toEqual([500]);
  });

  it('binds nothing when the plan cannot be persisted', async () => {
    const { client, calls } = recorder({ persist: true });
    const result = await executeAction(client, action, new Assumptions());
    expect(calls).toEqual(['persist@10:1']);
    expect(result.bound).toBe(0);
    expect(result.error).toMatch(/HTTP 409: the object has been modified/);
  });

  it('stops at the first failed binding and leaves the status to the next round', async () => {
    const { client, calls } = recorder({ bind: 'g-0' });
    const result = await executeAction(client, action, new Assumptions());
    expect(calls).toEqual(['persist@10:1', 'bind g-0->n1']);
    expect(result).toMatchObject({ bound: 0 });
    expect(result.error).toMatch(/g-0/);
  });

  it('lets the next snapshot see its own writes before the watch does', async () => {
    const { client } = recorder();
    const assumed = new Assumptions();
    await executeAction(client, action, assumed);
    const stale = { ...podGang('g', [['g-pg', 2, ['g-0', 'g-1']]]), metadata: { name: 'g', namespace: 'ns', resourceVersion: '10' } };
    expect(assumed.podGangs([stale])[0]?.metadata.resourceVersion).toBe('12');
    const pods = assumed.pods([pod('g-0', 'g'), pod('g-1', 'g')]);
    expect(pods.map((p) => p.spec.nodeName)).toEqual(['n1', 'n2']);
    // Once the cache moves on, the cache wins again.
    const fresh = { ...stale, metadata: { ...stale.metadata, resourceVersion: '13', annotations: { [ANNOTATION_PLACEMENT_PLAN]: 'x' } } };
    expect(assumed.podGangs([fresh])[0]).toBe(fresh);
    const boundElsewhere = pod('g-0', 'g', { nodeName: 'n9' });
    expect(assumed.pods([boundElsewhere])[0]?.spec.nodeName).toBe('n9');
  });
});

describe('errorText', () => {
  it('reduces an API error to its status code and Status message', () => {
    expect(errorText(Object.assign(new Error('HTTP-Code: 404 ... headers ...'), { code: 404, body: '{"kind":"Status","message":"pods \\"x\\" not found"}' }))).toBe('HTTP 404: pods "x" not found');
    expect(errorText(new Error('socket hang up'))).toBe('socket hang up');
  });
});
