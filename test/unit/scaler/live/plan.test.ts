import { describe, expect, it } from 'vitest';
import { Explanation } from '../../../../src/scaler/explanation.ts';
import { planActuation, rescaleMessage, type PlanInput } from '../../../../src/scaler/actuate/plan.ts';
import { EMPTY_HISTORY, type Decision, type DecideResult } from '../../../../src/scaler/types.ts';
import { NS } from './fixtures.ts';

function decision(d: Partial<Decision> & Pick<Decision, 'kind' | 'name' | 'current' | 'desired'>): Decision {
  return { reason: 'SloMissed', inputs: { exists: 1 }, explanation: new Explanation(), ...d };
}

function result(decisions: Decision[], actuation: 'scale' | 'advisory' = 'scale'): DecideResult {
  const set = decisions.find((d) => d.kind === 'PodCliqueSet');
  return {
    actuation,
    decisions,
    roles: [],
    set: { current: set?.current ?? 1, desired: set?.desired ?? 1, reason: 'SetHeld', explanation: new Explanation() },
    history: EMPTY_HISTORY,
    warnings: [],
  };
}

const fe = (current: number, desired: number, extra: Partial<Decision> = {}) =>
  decision({ kind: 'PodClique', name: 'svc-0-fe', role: 'frontend', pcsReplicaIndex: 0, current, desired, ...extra });
const dec = (current: number, desired: number, extra: Partial<Decision> = {}) =>
  decision({ kind: 'PodCliqueScalingGroup', name: 'svc-0-dec', role: 'decode', pcsReplicaIndex: 0, current, desired, ...extra });
const set = (current: number, desired: number) => decision({ kind: 'PodCliqueSet', name: 'svc', current, desired, reason: 'SetResized', inputs: {} });

const input = (r: DecideResult, over: Partial<PlanInput> = {}): PlanInput => ({
  namespace: NS,
  result: r,
  floors: new Map([['svc-0-fe', 1], ['svc-0-dec', 1]]),
  outages: new Set(),
  ...over,
});

describe('planActuation', () => {
  it('writes every changed object through /scale with a SuccessfulRescale event, PodCliqueSet last', () => {
    const plan = planActuation(input(result([fe(1, 3), dec(2, 2), set(1, 2)])));
    expect(plan.map((c) => [c.target.kind, c.target.name, c.from, c.to, c.action])).toEqual([
      ['PodClique', 'svc-0-fe', 1, 3, 'scale'],
      ['PodCliqueSet', 'svc', 1, 2, 'scale'],
    ]);
    expect(plan[0]?.target.namespace).toBe(NS);
    expect(plan[0]?.event).toEqual({ type: 'Normal', reason: 'SuccessfulRescale', message: 'New size: 3; reason: role frontend: observed latency above the SLO target' });
    expect(plan[1]?.event?.message).toBe('New size: 2; reason: PodCliqueSet resized');
  });

  it('advisory: nothing is written, the event says what would happen', () => {
    const plan = planActuation(input(result([fe(1, 3), set(1, 2)], 'advisory')));
    expect(plan.map((c) => c.action)).toEqual(['advisory', 'advisory']);
    expect(plan.map((c) => c.event?.reason)).toEqual(['AdvisoryRescale', 'AdvisoryRescale']);
    expect(plan[0]?.event?.message).toBe(rescaleMessage(3, 'role frontend: observed latency above the SLO target'));
  });

  it('skips objects of set replicas that do not exist yet (Grove creates them from the template)', () => {
    const fresh = decision({ kind: 'PodClique', name: 'svc-1-fe', role: 'frontend', pcsReplicaIndex: 1, current: 1, desired: 2, inputs: { exists: 0 } });
    expect(planActuation(input(result([fresh])))).toEqual([]);
  });

  it('during a metrics outage holds scale-downs of the role and of the set, but lets scale-ups through', () => {
    const plan = planActuation(input(result([fe(3, 1), dec(1, 2), set(2, 1)]), { outages: new Set(['frontend']) }));
    expect(plan.map((c) => [c.target.name, c.action])).toEqual([
      ['svc-0-fe', 'held'],
      ['svc-0-dec', 'scale'],
      ['svc', 'held'],
    ]);
    expect(plan[0]?.event).toBeUndefined();
    expect(plan[0]?.why).toMatch(/metrics unavailable for frontend/);
    expect(plan[2]?.why).toMatch(/metrics unavailable for frontend/);
  });

  it('without an outage the same scale-downs are written', () => {
    const plan = planActuation(input(result([fe(3, 1), set(2, 1)])));
    expect(plan.map((c) => c.action)).toEqual(['scale', 'scale']);
  });

  it('refuses a size below the live minAvailable, with a Warning event, and never writes it', () => {
    const plan = planActuation(input(result([fe(3, 1, { reason: 'ScaleInHeadroom' }), dec(2, 0)]), { floors: new Map([['svc-0-fe', 2], ['svc-0-dec', 1]]) }));
    expect(plan.map((c) => c.action)).toEqual(['refused', 'refused']);
    expect(plan[0]?.event).toEqual({ type: 'Warning', reason: 'FailedRescale', message: 'PodClique svc-0-fe: new size 1 is below minAvailable 2; not written' });
    expect(plan[1]?.why).toMatch(/below minAvailable 1/);
  });

  it('the floor guard applies in advisory mode too (an advisory is a promise of what would be written)', () => {
    const plan = planActuation(input(result([fe(3, 1)], 'advisory'), { floors: new Map([['svc-0-fe', 2]]) }));
    expect(plan.map((c) => c.action)).toEqual(['refused']);
  });

  it('plans nothing when every object is already at its size', () => {
    expect(planActuation(input(result([fe(2, 2), dec(1, 1), set(1, 1)])))).toEqual([]);
  });
});
