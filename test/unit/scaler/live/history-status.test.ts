import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scalingPolicyStatusSchema } from '../../../../src/api/scaling-policy.ts';
import {
  historyFromStatus,
  historyToStatusEntries,
  parseRecommendationKey,
  recommendationKey,
} from '../../../../src/scaler/actuate/history-status.ts';
import { EMPTY_ROLE_HISTORY, type HpaObjectHistory, type RoleHistory, type ScalerHistory } from '../../../../src/scaler/types.ts';
import { T0 } from './fixtures.ts';

const time = fc.integer({ min: T0 - 3_600_000, max: T0 + 3_600_000 });
const recs = fc.array(fc.record({ replicas: fc.integer({ min: 0, max: 500 }), timestamp: time }), { maxLength: 5 });
const events = fc.array(fc.record({ replicaChange: fc.integer({ min: 1, max: 50 }), timestamp: time }), { maxLength: 4 });
const object = fc.record({ recommendations: recs, scaleUpEvents: events, scaleDownEvents: events });
const roleName = fc.constantFrom('prefill', 'decode', 'frontend', 'a.b-c', 'x9');

const roleHistory = fc.record({
  recommendations: recs,
  scaleUpEvents: events,
  scaleDownEvents: events,
  hpa: fc.option(fc.array(object, { minLength: 1, maxLength: 3 }), { nil: undefined }),
  lastScaleTime: fc.option(time, { nil: undefined }),
});

const history = fc.dictionary(roleName, roleHistory).map((roles): ScalerHistory => {
  const out: Record<string, RoleHistory> = {};
  for (const [name, h] of Object.entries(roles)) {
    out[name] = {
      ...EMPTY_ROLE_HISTORY,
      recommendations: h.recommendations,
      scaleUpEvents: h.scaleUpEvents,
      scaleDownEvents: h.scaleDownEvents,
      ...(h.hpa !== undefined ? { hpa: h.hpa } : {}),
      ...(h.lastScaleTime !== undefined ? { lastScaleTime: h.lastScaleTime } : {}),
    };
  }
  return { roles: out, set: {} };
});

/** The status a scaler writes for a history: the entries, and each role's lastScaleTime on its role status. */
function statusFor(h: ScalerHistory) {
  return {
    recommendations: historyToStatusEntries(h),
    roles: Object.entries(h.roles).map(([name, r]) => ({
      name,
      target: { kind: 'PodClique' as const, name },
      current: 1,
      desired: 1,
      reason: 'WithinTarget',
      inputs: {},
      ...(r.lastScaleTime !== undefined ? { lastScaleTime: new Date(r.lastScaleTime).toISOString() } : {}),
    })),
  };
}

const isEmpty = (o: HpaObjectHistory): boolean => o.recommendations.length + o.scaleUpEvents.length + o.scaleDownEvents.length === 0;

/**
 * What must survive a restart: the stabilization and rate-limit memory. An empty history means "no memory",
 * the same as no entry, so trailing empty HPA objects and empty roles compare equal to absent ones.
 */
function persisted(h: ScalerHistory) {
  const keep = (o: HpaObjectHistory) => ({ recommendations: o.recommendations, scaleUpEvents: o.scaleUpEvents, scaleDownEvents: o.scaleDownEvents });
  const roles: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(h.roles)) {
    const hpa = [...(r.hpa ?? [])];
    while (hpa.length > 0 && isEmpty(hpa[hpa.length - 1] ?? EMPTY_ROLE_HISTORY)) hpa.pop();
    if (isEmpty(r) && hpa.length === 0 && r.lastScaleTime === undefined) continue;
    roles[name] = { ...keep(r), hpa: hpa.length > 0 ? hpa.map(keep) : undefined, lastScaleTime: r.lastScaleTime };
  }
  return roles;
}

describe('stabilization history in the ScalingPolicy status', () => {
  it('round-trips recommendations, scale events, per-object HPA history and lastScaleTime', () => {
    fc.assert(
      fc.property(history, (h) => {
        const status = statusFor(h);
        // What is written must be a valid status (the CRD schema is generated from the same zod schema).
        expect(scalingPolicyStatusSchema.safeParse(status).success).toBe(true);
        const back = historyFromStatus(status);
        expect(back.skipped).toEqual([]);
        expect(persisted(back.history)).toEqual(persisted(h));
      }),
      { numRuns: 200 },
    );
  });

  it('reads back in any entry order (people and tools may reorder a status list)', () => {
    const withShuffle = history.chain((h) => {
      const status = statusFor(h);
      const n = status.recommendations.length;
      return fc.tuple(fc.constant(status), fc.shuffledSubarray(status.recommendations, { minLength: n, maxLength: n }));
    });
    // Within one series, order matters only through time; compare each series as a sorted set.
    const canonical = (x: ScalerHistory): unknown =>
      JSON.parse(JSON.stringify(persisted(x), (k, v: unknown) =>
        Array.isArray(v) && k !== 'hpa' ? [...(v as unknown[])].sort((p, q) => JSON.stringify(p).localeCompare(JSON.stringify(q))) : v,
      ));
    fc.assert(
      fc.property(withShuffle, ([status, shuffled]) => {
        const a = historyFromStatus(status).history;
        const b = historyFromStatus({ ...status, recommendations: shuffled }).history;
        expect(canonical(b)).toEqual(canonical(a));
      }),
      { numRuns: 100 },
    );
  });

  it('keys a role, an object of a role and their event series unambiguously', () => {
    expect(recommendationKey('decode', undefined, 'rec')).toBe('decode');
    expect(recommendationKey('decode', undefined, 'up')).toBe('decode/up');
    expect(recommendationKey('decode', 2, 'down')).toBe('decode[2]/down');
    expect(parseRecommendationKey('decode[2]/down')).toEqual({ role: 'decode', index: 2, series: 'down' });
    expect(parseRecommendationKey('pre.fill-1')).toEqual({ role: 'pre.fill-1', index: undefined, series: 'rec' });
    expect(parseRecommendationKey('Decode')).toBeUndefined();
    expect(parseRecommendationKey('decode/sideways')).toBeUndefined();
    expect(parseRecommendationKey('decode[x]')).toBeUndefined();
  });

  it('drops entries it cannot read and keeps the rest', () => {
    const back = historyFromStatus({
      recommendations: [
        { role: 'decode', replicas: 3, time: '2026-11-21T00:00:00.000Z' },
        { role: 'decode', replicas: 4, time: 'yesterday' },
        { role: 'BAD KEY', replicas: 1, time: '2026-11-21T00:00:00.000Z' },
      ],
    });
    expect(back.skipped).toEqual(['decode@yesterday', 'BAD KEY@2026-11-21T00:00:00.000Z']);
    expect(back.history.roles['decode']?.recommendations).toEqual([{ replicas: 3, timestamp: T0 }]);
  });

  it('fills HPA objects missing from the list with empty histories, keeping replica indices', () => {
    const back = historyFromStatus({ recommendations: [{ role: 'decode[2]', replicas: 5, time: '2026-11-21T00:00:00.000Z' }] });
    const hpa = back.history.roles['decode']?.hpa;
    expect(hpa).toHaveLength(3);
    expect(hpa?.[0]).toEqual({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });
    expect(hpa?.[2]?.recommendations).toEqual([{ replicas: 5, timestamp: T0 }]);
  });

  it('starts empty without a status', () => {
    expect(historyFromStatus(undefined)).toEqual({ history: { roles: {}, set: {} }, skipped: [] });
  });
});
