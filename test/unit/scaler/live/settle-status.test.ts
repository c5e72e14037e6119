import { describe, expect, it } from 'vitest';
import { Explanation } from '../../../../src/scaler/explanation.ts';
import { scalingPolicyStatusSchema } from '../../../../src/api/scaling-policy.ts';
import type { PlannedChange } from '../../../../src/scaler/actuate/plan.ts';
import { settleHistory, type ChangeOutcome } from '../../../../src/scaler/actuate/settle.ts';
import { buildPolicyStatus, statusMergePatch } from '../../../../src/scaler/actuate/status.ts';
import { EMPTY_HISTORY, EMPTY_ROLE_HISTORY, type DecideResult, type ScalerHistory } from '../../../../src/scaler/types.ts';
import { NS, scalingPolicy, T0, TWO_ROLES } from './fixtures.ts';

const change = (role: string | undefined, kind: PlannedChange['target']['kind'], name: string, action: PlannedChange['action'], from = 1, to = 2): PlannedChange => ({
  target: { kind, namespace: NS, name },
  role,
  from,
  to,
  reason: 'SloMissed',
  action,
  why: 'because',
  explanation: new Explanation(['because']),
  event: undefined,
});

const before: ScalerHistory = {
  roles: {
    frontend: { ...EMPTY_ROLE_HISTORY, scaleUpEvents: [{ replicaChange: 1, timestamp: T0 - 60_000 }], lastScaleTime: T0 - 60_000 },
    decode: {
      ...EMPTY_ROLE_HISTORY,
      hpa: [
        { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] },
        { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] },
      ],
    },
  },
  set: { lastScaleTime: T0 - 120_000 },
};

// What decide() returns after asking frontend 1 → 2, decode's two HPAs up by one each, and the set 1 → 2.
const after: ScalerHistory = {
  roles: {
    frontend: {
      ...EMPTY_ROLE_HISTORY,
      recommendations: [{ replicas: 2, timestamp: T0 }],
      scaleUpEvents: [{ replicaChange: 1, timestamp: T0 - 60_000 }, { replicaChange: 1, timestamp: T0 }],
      lastScaleTime: T0,
    },
    decode: {
      ...EMPTY_ROLE_HISTORY,
      lastScaleTime: T0,
      hpa: [
        { recommendations: [{ replicas: 2, timestamp: T0 }], scaleUpEvents: [{ replicaChange: 1, timestamp: T0 }], scaleDownEvents: [] },
        { recommendations: [{ replicas: 2, timestamp: T0 }], scaleUpEvents: [{ replicaChange: 1, timestamp: T0 }], scaleDownEvents: [] },
      ],
    },
  },
  set: { lastScaleTime: T0 },
};

const names = new Map([['frontend', ['svc-0-fe']], ['decode', ['svc-0-dec', 'svc-1-dec']]]);

describe('settleHistory', () => {
  it('keeps what decide() recorded for changes that were written', () => {
    const outcomes: ChangeOutcome[] = [
      { change: change('frontend', 'PodClique', 'svc-0-fe', 'scale'), written: true },
      { change: change(undefined, 'PodCliqueSet', 'svc', 'scale'), written: true },
    ];
    expect(settleHistory(before, after, outcomes, names)).toEqual(after);
  });

  it('takes back scale events and lastScaleTime of changes that were not written, but keeps recommendations', () => {
    const outcomes: ChangeOutcome[] = [
      { change: change('frontend', 'PodClique', 'svc-0-fe', 'held'), written: false },
      { change: change(undefined, 'PodCliqueSet', 'svc', 'advisory'), written: false },
    ];
    const s = settleHistory(before, after, outcomes, names);
    expect(s.roles['frontend']?.recommendations).toEqual([{ replicas: 2, timestamp: T0 }]);
    expect(s.roles['frontend']?.scaleUpEvents).toEqual(before.roles['frontend']?.scaleUpEvents);
    expect(s.roles['frontend']?.lastScaleTime).toBe(T0 - 60_000);
    expect(s.set).toEqual(before.set);
  });

  it('for an hpa role, takes back only the failed object’s events and keeps lastScaleTime when another object was written', () => {
    const outcomes: ChangeOutcome[] = [
      { change: change('decode', 'PodCliqueScalingGroup', 'svc-0-dec', 'scale'), written: true },
      { change: change('decode', 'PodCliqueScalingGroup', 'svc-1-dec', 'scale'), written: false, error: 'boom' },
    ];
    const s = settleHistory(before, after, outcomes, names);
    expect(s.roles['decode']?.hpa?.[0]).toEqual(after.roles['decode']?.hpa?.[0]);
    expect(s.roles['decode']?.hpa?.[1]).toEqual({ recommendations: [{ replicas: 2, timestamp: T0 }], scaleUpEvents: [], scaleDownEvents: [] });
    expect(s.roles['decode']?.lastScaleTime).toBe(T0);
  });
});

const policy = scalingPolicy(TWO_ROLES);

function result(): DecideResult {
  return {
    actuation: 'scale',
    decisions: [],
    roles: [
      { role: 'frontend', kind: 'PodClique', target: 'fe', current: 1, desired: 3, reason: 'PredictedDemand', inputs: { current: 1, ttftLoad: 2500, bad: Number.NaN }, explanation: new Explanation() },
    ],
    set: { current: 1, desired: 1, reason: 'SetHeld', explanation: new Explanation() },
    history: EMPTY_HISTORY,
    warnings: [],
  };
}

describe('buildPolicyStatus', () => {
  const history: ScalerHistory = { roles: { frontend: { ...EMPTY_ROLE_HISTORY, recommendations: [{ replicas: 3, timestamp: T0 }], lastScaleTime: T0 } }, set: {} };

  it('writes per-role current, desired, reason, finite inputs, lastScaleTime and the history', () => {
    const status = buildPolicyStatus({
      policy,
      previous: undefined,
      now: T0,
      history,
      result: result(),
      changes: [{ change: change('frontend', 'PodClique', 'svc-0-fe', 'scale', 1, 3), written: true }],
      outages: [{ role: 'decode', message: 'no data for generationTokens' }],
      undecided: [{ role: 'decode', kind: 'PodCliqueScalingGroup', target: 'dec', current: 2 }],
    });
    expect(scalingPolicyStatusSchema.safeParse(status).success).toBe(true);
    expect(status.observedGeneration).toBe(1);
    expect(status.lastDecisionTime).toBe('2026-11-21T00:00:00.000Z');
    expect(status.set).toEqual({ current: 1, desired: 1, reason: 'SetHeld' });
    expect(status.roles).toEqual([
      { name: 'decode', target: { kind: 'PodCliqueScalingGroup', name: 'dec' }, current: 2, desired: 2, reason: 'MetricsUnavailable', inputs: { current: 2 } },
      {
        name: 'frontend',
        target: { kind: 'PodClique', name: 'fe' },
        current: 1,
        desired: 3,
        reason: 'PredictedDemand',
        inputs: { current: 1, ttftLoad: 2500 },
        lastScaleTime: '2026-11-21T00:00:00.000Z',
        history: { recommendations: [{ replicas: 3, time: '2026-11-21T00:00:00.000Z' }] },
      },
    ]);
    expect(status).not.toHaveProperty('recommendations');
    const byType = new Map(status.conditions?.map((c) => [c.type, c]));
    expect(byType.get('ScalingActive')).toMatchObject({ status: 'False', reason: 'MetricsUnavailable', lastTransitionTime: '2026-11-21T00:00:00.000Z', observedGeneration: 1 });
    expect(byType.get('ScalingActive')?.message).toMatch(/decode: no data for generationTokens/);
    expect(byType.get('AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededRescale' });
  });

  it('moves lastTransitionTime only when a condition flips', () => {
    const first = buildPolicyStatus({ policy, previous: undefined, now: T0, history, result: result() });
    const same = buildPolicyStatus({ policy, previous: first, now: T0 + 15_000, history, result: result() });
    const active = (s: typeof first) => s.conditions?.find((c) => c.type === 'ScalingActive');
    expect(active(same)?.lastTransitionTime).toBe('2026-11-21T00:00:00.000Z');
    const flipped = buildPolicyStatus({ policy, previous: same, now: T0 + 30_000, history, result: result(), outages: [{ role: 'frontend', message: 'signal source failed: down' }] });
    expect(active(flipped)).toMatchObject({ status: 'False', reason: 'MetricsUnavailable', lastTransitionTime: '2026-11-21T00:00:30.000Z' });
  });

  it('reports a held set resize as MetricsUnavailable and failed or refused writes on AbleToScale', () => {
    const held = buildPolicyStatus({ policy, previous: undefined, now: T0, history, result: result(), changes: [{ change: change(undefined, 'PodCliqueSet', 'svc', 'held', 2, 1), written: false }] });
    expect(held.set).toEqual({ current: 1, desired: 1, reason: 'MetricsUnavailable' });
    const failed = buildPolicyStatus({ policy, previous: undefined, now: T0, history, result: result(), changes: [{ change: change('frontend', 'PodClique', 'svc-0-fe', 'scale'), written: false, error: 'forbidden' }] });
    expect(failed.conditions?.find((c) => c.type === 'AbleToScale')).toMatchObject({ status: 'False', reason: 'FailedUpdateScale', message: 'PodClique svc-0-fe: forbidden' });
    const refused = buildPolicyStatus({ policy, previous: undefined, now: T0, history, result: result(), changes: [{ change: change('frontend', 'PodClique', 'svc-0-fe', 'refused'), written: false }] });
    expect(refused.conditions?.find((c) => c.type === 'AbleToScale')).toMatchObject({ status: 'False', reason: 'BelowMinAvailable' });
    const advisory = buildPolicyStatus({ policy, previous: undefined, now: T0, history, result: result(), changes: [{ change: change('frontend', 'PodClique', 'svc-0-fe', 'advisory'), written: false }] });
    expect(advisory.conditions?.find((c) => c.type === 'AbleToScale')).toMatchObject({ status: 'True', reason: 'Advisory' });
  });

  it('keeps the last roles when the target cannot be read, and says why', () => {
    const first = buildPolicyStatus({ policy, previous: undefined, now: T0, history, result: result() });
    const missing = buildPolicyStatus({ policy, previous: first, now: T0 + 15_000, history, problem: { reason: 'FailedGetScale', message: 'PodCliqueSet team-a/svc not found' } });
    expect(missing.roles).toEqual(first.roles);
    expect(missing.set).toEqual(first.set);
    expect(missing.conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetScale' });
  });

  it('becomes a merge patch that replaces the whole status (absent keys are nulled)', () => {
    const status = buildPolicyStatus({ policy: scalingPolicy(TWO_ROLES), previous: undefined, now: T0, history: EMPTY_HISTORY, problem: { reason: 'FailedGetScale', message: 'x' } });
    const patch = statusMergePatch(status);
    expect(Object.keys(patch.status).sort()).toEqual(['conditions', 'lastDecisionTime', 'observedGeneration', 'recommendations', 'roles', 'set']);
    expect(patch.status['set']).toBeNull();
    // The previous version's flat history list is removed by the first write.
    expect(patch.status['recommendations']).toBeNull();
  });

  it('when nothing was decided, keeps the last roles but writes the history of now, and the set’s lastScaleTime', () => {
    const first = buildPolicyStatus({ policy, previous: undefined, now: T0, history: { ...history, set: { lastScaleTime: T0 - 1000 } }, result: result() });
    expect(first.set).toEqual({ current: 1, desired: 1, reason: 'SetHeld', lastScaleTime: '2026-11-20T23:59:59.000Z' });
    const later: ScalerHistory = {
      roles: { frontend: { ...EMPTY_ROLE_HISTORY, recommendations: [{ replicas: 3, timestamp: T0 }, { replicas: 2, timestamp: T0 + 15_000 }], lastScaleTime: T0 + 15_000 } },
      set: { lastScaleTime: T0 + 15_000 },
    };
    const missing = buildPolicyStatus({ policy, previous: first, now: T0 + 15_000, history: later, problem: { reason: 'FailedGetScale', message: 'gone' } });
    expect(missing.roles?.find((r) => r.name === 'frontend')).toMatchObject({
      current: 1,
      desired: 3,
      lastScaleTime: '2026-11-21T00:00:15.000Z',
      history: { recommendations: [{ replicas: 3, time: '2026-11-21T00:00:00.000Z' }, { replicas: 2, time: '2026-11-21T00:00:15.000Z' }] },
    });
    expect(missing.set).toEqual({ current: 1, desired: 1, reason: 'SetHeld', lastScaleTime: '2026-11-21T00:00:15.000Z' });
  });

  it('persists only what the window still holds (frontend: 60 s scale-down window)', () => {
    const old: ScalerHistory = {
      roles: { frontend: { ...EMPTY_ROLE_HISTORY, recommendations: [{ replicas: 4, timestamp: T0 - 61_000 }, { replicas: 3, timestamp: T0 - 60_000 }, { replicas: 1, timestamp: T0 }] } },
      set: {},
    };
    const status = buildPolicyStatus({ policy, previous: undefined, now: T0, history: old, result: result() });
    expect(status.roles?.find((r) => r.name === 'frontend')?.history).toEqual({
      recommendations: [{ replicas: 3, time: '2026-11-20T23:59:00.000Z' }, { replicas: 1, time: '2026-11-21T00:00:00.000Z' }],
    });
  });
});
