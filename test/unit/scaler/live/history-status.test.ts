import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Explanation } from '../../../../src/scaler/explanation.ts';
import { scalingPolicyStatusSchema, type ScalingPolicyStatus } from '../../../../src/api/scaling-policy.ts';
import { scalingPolicyCustomResourceDefinition } from '../../../../src/api/scaling-policy-crd.ts';
import type { JsonSchema } from '../../../../src/api/crd/schema.ts';
import { boundHistory, historyRetention } from '../../../../src/scaler/actuate/history-bound.ts';
import { historyFromStatus, roleHistoryFields } from '../../../../src/scaler/actuate/history-status.ts';
import { buildPolicyStatus, statusMergePatch } from '../../../../src/scaler/actuate/status.ts';
import { EMPTY_ROLE_HISTORY, type DecideResult, type HpaObjectHistory, type RoleHistory, type ScalerHistory } from '../../../../src/scaler/types.ts';
import { structuralProblems } from './crd-validate.ts';
import { scalingPolicy, T0 } from './fixtures.ts';
import { legacyEntries, toLegacyStatus } from './legacy-fixture.ts';

const ROLES = [
  { name: 'frontend', target: { podClique: 'fe' }, mode: 'slo', maxReplicas: 4, slo: { ttft: { targetSeconds: 1 } }, profile: { promptTokensPerSecond: 1000 } },
  {
    name: 'decode',
    target: { podCliqueScalingGroup: 'dec' },
    mode: 'slo',
    maxReplicas: 2,
    slo: { itl: { targetSeconds: 0.05 } },
    profile: { outputTokensPerSecond: 1000 },
    behavior: { scaleUp: { stabilizationWindowSeconds: 30, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] }, scaleDown: { policies: [{ type: 'Percent', value: 50, periodSeconds: 600 }] } },
  },
  { name: 'router', target: { podClique: 'wkr' }, mode: 'hpa', maxReplicas: 8 },
] as const;
const ROLE_NAMES = ROLES.map((r) => r.name);

// With a spec-wide behavior the hpa role uses it; without, it runs the HPA's no-behavior path.
const POLICIES = [
  scalingPolicy({ actuation: 'scale', roles: ROLES, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }),
  scalingPolicy({ actuation: 'scale', roles: ROLES }),
];

const statusSchema = (() => {
  const crd = scalingPolicyCustomResourceDefinition() as { spec: { versions: { schema: { openAPIV3Schema: { properties: { status: JsonSchema } } } }[] } };
  const s = crd.spec.versions[0]?.schema.openAPIV3Schema.properties.status;
  if (s === undefined) throw new Error('no status schema');
  return s;
})();

// The history holds plain objects; toStrictEqual would tell fast-check's null-prototype records apart.
const PLAIN = { noNullPrototype: true } as const;
const time = fc.integer({ min: T0 - 7_200_000, max: T0 + 600_000 });
const recs = fc.array(fc.record({ replicas: fc.integer({ min: 0, max: 500 }), timestamp: time }, PLAIN), { maxLength: 6 });
const events = fc.array(
  fc.record({ replicaChange: fc.integer({ min: 1, max: 50 }), timestamp: time, outdated: fc.constant(true as const) }, { requiredKeys: ['replicaChange', 'timestamp'], ...PLAIN }),
  { maxLength: 5 },
);
const object = fc.record({ recommendations: recs, scaleUpEvents: events, scaleDownEvents: events }, PLAIN);

/** A role's memory: the persisted lists, optional per-object HPA histories and lastScaleTime; demand series empty. */
const roleHistory = fc
  .record({
    recommendations: recs,
    scaleUpEvents: events,
    scaleDownEvents: events,
    hpa: fc.option(fc.array(object, { maxLength: 3 }), { nil: undefined }),
    lastScaleTime: fc.option(time, { nil: undefined }),
  })
  .map(
    (h): RoleHistory => ({
      ...EMPTY_ROLE_HISTORY,
      recommendations: h.recommendations,
      scaleUpEvents: h.scaleUpEvents,
      scaleDownEvents: h.scaleDownEvents,
      ...(h.hpa !== undefined ? { hpa: h.hpa } : {}),
      ...(h.lastScaleTime !== undefined ? { lastScaleTime: h.lastScaleTime } : {}),
    }),
  );

/** Every role of the policy, sometimes one it no longer has, and the set's lastScaleTime. */
const history = fc
  .record({
    frontend: roleHistory,
    decode: roleHistory,
    router: roleHistory,
    gone: fc.option(roleHistory, { nil: undefined }),
    setTime: fc.option(time, { nil: undefined }),
  })
  .map(({ gone, setTime, ...roles }): ScalerHistory => ({
    roles: { ...roles, ...(gone !== undefined ? { gone } : {}) },
    set: setTime !== undefined ? { lastScaleTime: setTime } : {},
  }));

function result(): DecideResult {
  return { actuation: 'scale', decisions: [], roles: [], set: { current: 1, desired: 1, reason: 'SetHeld', explanation: new Explanation() }, history: { roles: {}, set: {} }, warnings: [] };
}

const KINDS = { frontend: 'PodClique', decode: 'PodCliqueScalingGroup', router: 'PodClique' } as const;
const undecided = ROLE_NAMES.map((role) => ({ role, kind: KINDS[role], target: role, current: 1 }));

/** What the scaler writes, as the API server stores and returns it. */
function stored(status: ScalingPolicyStatus): { json: unknown; parsed: ScalingPolicyStatus } {
  const json: unknown = JSON.parse(JSON.stringify(status));
  return { json, parsed: scalingPolicyStatusSchema.parse(json) };
}

describe('stabilization history in the ScalingPolicy status', () => {
  it('round-trips exactly (outdated marks included) through JSON, the zod schema and the CRD schema, once bounded', () => {
    fc.assert(
      fc.property(history, fc.constantFrom(...POLICIES), fc.integer({ min: T0, max: T0 + 600_000 }), (h, policy, now) => {
        const status = buildPolicyStatus({ policy, previous: undefined, now, history: h, result: result(), undecided });
        const { json, parsed } = stored(status);
        // Nothing the API server would prune or reject: every new field is typed in the CRD.
        expect(structuralProblems(json, statusSchema)).toEqual([]);
        const back = historyFromStatus(parsed);
        expect(back.skipped).toEqual([]);
        expect(back.history).toStrictEqual(boundHistory(h, historyRetention(policy.spec), now));
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips a history with nothing to bound unchanged', () => {
    const policy = POLICIES[0];
    if (policy === undefined) throw new Error('no policy');
    const recent = fc.integer({ min: T0 - 10_000, max: T0 });
    const small = fc.record({
      frontend: fc.array(fc.record({ replicas: fc.nat(9), timestamp: recent }, PLAIN), { minLength: 1, maxLength: 4 }),
      up: fc.array(fc.record({ replicaChange: fc.integer({ min: 1, max: 3 }), timestamp: recent, outdated: fc.constant(true as const) }, { requiredKeys: ['replicaChange', 'timestamp'], ...PLAIN }), { maxLength: 3 }),
      objects: fc.array(object.map((o) => ({ ...o, recommendations: o.recommendations.map((r) => ({ ...r, timestamp: T0 })) })), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(small, ({ frontend, up, objects }) => {
        const objectsNow: HpaObjectHistory[] = objects.map((o) => ({
          recommendations: o.recommendations,
          scaleUpEvents: o.scaleUpEvents.map((e) => ({ ...e, timestamp: T0 })),
          scaleDownEvents: o.scaleDownEvents.map((e) => ({ ...e, timestamp: T0 })),
        }));
        const h: ScalerHistory = {
          roles: {
            frontend: { ...EMPTY_ROLE_HISTORY, recommendations: frontend, scaleUpEvents: up },
            decode: EMPTY_ROLE_HISTORY,
            router: { ...EMPTY_ROLE_HISTORY, hpa: objectsNow, lastScaleTime: T0 },
          },
          set: { lastScaleTime: T0 - 5000 },
        };
        const status = buildPolicyStatus({ policy, previous: undefined, now: T0, history: h, result: result(), undecided });
        expect(historyFromStatus(stored(status).parsed).history).toStrictEqual(h);
      }),
      { numRuns: 100 },
    );
  });

  it('lays the history out per role: history for an slo role, objects for an hpa role, set.lastScaleTime', () => {
    const policy = POLICIES[0];
    if (policy === undefined) throw new Error('no policy');
    const h: ScalerHistory = {
      roles: {
        frontend: {
          ...EMPTY_ROLE_HISTORY,
          recommendations: [{ replicas: 3, timestamp: T0 - 15_000 }, { replicas: 2, timestamp: T0 }],
          scaleUpEvents: [{ replicaChange: 2, timestamp: T0 - 15_000, outdated: true }],
          lastScaleTime: T0 - 15_000,
        },
        router: {
          ...EMPTY_ROLE_HISTORY,
          hpa: [
            { recommendations: [{ replicas: 4, timestamp: T0 }], scaleUpEvents: [], scaleDownEvents: [{ replicaChange: 1, timestamp: T0 }] },
            { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] },
          ],
        },
      },
      set: { lastScaleTime: T0 - 30_000 },
    };
    const status = buildPolicyStatus({ policy, previous: undefined, now: T0, history: h, result: result(), undecided });
    const role = (name: string) => status.roles?.find((r) => r.name === name);
    expect(role('frontend')).toMatchObject({
      lastScaleTime: '2026-11-20T23:59:45.000Z',
      history: {
        recommendations: [
          { replicas: 3, time: '2026-11-20T23:59:45.000Z' },
          { replicas: 2, time: '2026-11-21T00:00:00.000Z' },
        ],
        scaleUpEvents: [{ replicaChange: 2, time: '2026-11-20T23:59:45.000Z', outdated: true }],
      },
    });
    expect(role('frontend')?.history).not.toHaveProperty('scaleDownEvents');
    expect(role('frontend')).not.toHaveProperty('objects');
    expect(role('decode')).not.toHaveProperty('history');
    expect(role('router')?.objects).toEqual([
      { name: 'svc-0-wkr', pcsReplicaIndex: 0, recommendations: [{ replicas: 4, time: '2026-11-21T00:00:00.000Z' }], scaleDownEvents: [{ replicaChange: 1, time: '2026-11-21T00:00:00.000Z' }] },
      { name: 'svc-1-wkr', pcsReplicaIndex: 1 },
    ]);
    expect(status.set).toEqual({ current: 1, desired: 1, reason: 'SetHeld', lastScaleTime: '2026-11-20T23:59:30.000Z' });
    // The previous version's flat list is never written, and the patch removes one left from before.
    expect(status).not.toHaveProperty('recommendations');
    expect(statusMergePatch(status).status['recommendations']).toBeNull();
  });

  it('names a role’s objects as Grove does, with the given namer', () => {
    const h: RoleHistory = { ...EMPTY_ROLE_HISTORY, hpa: [{ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] }] };
    expect(roleHistoryFields(h, (i) => `x-${i}`)).toEqual({ objects: [{ name: 'x-0', pcsReplicaIndex: 0 }] });
    expect(roleHistoryFields(undefined, (i) => `x-${i}`)).toEqual({});
  });

  it('reads objects by pcsReplicaIndex in any order, fills missing indices with empty histories, skips a repeated index', () => {
    const back = historyFromStatus({
      roles: [
        {
          name: 'router',
          target: { kind: 'PodClique', name: 'wkr' },
          current: 2,
          desired: 2,
          reason: 'HpaRecommendation',
          inputs: {},
          objects: [
            { name: 'svc-2-wkr', pcsReplicaIndex: 2, recommendations: [{ replicas: 5, time: '2026-11-21T00:00:00.000Z' }] },
            { name: 'svc-0-wkr', pcsReplicaIndex: 0, scaleUpEvents: [{ replicaChange: 1, time: '2026-11-21T00:00:00.000Z', outdated: true }] },
            { name: 'svc-2-wkr', pcsReplicaIndex: 2 },
          ],
        },
      ],
    });
    expect(back.skipped).toEqual(['router.objects: pcsReplicaIndex 2 listed twice']);
    expect(back.history.roles['router']?.hpa).toStrictEqual([
      { recommendations: [], scaleUpEvents: [{ replicaChange: 1, timestamp: T0, outdated: true }], scaleDownEvents: [] },
      { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] },
      { recommendations: [{ replicas: 5, timestamp: T0 }], scaleUpEvents: [], scaleDownEvents: [] },
    ]);
  });

  it('drops entries whose time it cannot read and keeps the rest', () => {
    const back = historyFromStatus({
      set: { current: 1, desired: 1, reason: 'SetHeld', lastScaleTime: 'soon' },
      roles: [
        {
          name: 'frontend',
          target: { kind: 'PodClique', name: 'fe' },
          current: 1,
          desired: 1,
          reason: 'WithinTarget',
          inputs: {},
          lastScaleTime: 'later',
          history: {
            recommendations: [
              { replicas: 3, time: '2026-11-21T00:00:00.000Z' },
              { replicas: 4, time: 'yesterday' },
            ],
            scaleDownEvents: [{ replicaChange: 1, time: 'never' }],
          },
        },
      ],
    });
    expect(back.skipped).toEqual(['frontend.lastScaleTime@later', 'frontend.history.recommendations@yesterday', 'frontend.history.scaleDownEvents@never', 'set.lastScaleTime@soon']);
    expect(back.history.roles['frontend']).toStrictEqual({ ...EMPTY_ROLE_HISTORY, recommendations: [{ replicas: 3, timestamp: T0 }] });
    expect(back.history.set).toEqual({});
  });

  it('starts empty without a status', () => {
    expect(historyFromStatus(undefined)).toEqual({ history: { roles: {}, set: {} }, skipped: [] });
  });
});

describe('a status written by the previous version (flat status.recommendations)', () => {
  /** The previous version did not keep `outdated` or the set's lastScaleTime. */
  const withoutNewFields = (h: ScalerHistory): ScalerHistory => {
    const strip = (o: HpaObjectHistory): HpaObjectHistory => ({
      recommendations: o.recommendations,
      scaleUpEvents: o.scaleUpEvents.map(({ outdated: _o, ...e }) => e),
      scaleDownEvents: o.scaleDownEvents.map(({ outdated: _o, ...e }) => e),
    });
    const roles: Record<string, RoleHistory> = {};
    for (const [name, r] of Object.entries(h.roles)) roles[name] = { ...r, ...strip(r), ...(r.hpa !== undefined ? { hpa: r.hpa.map(strip) } : {}) };
    return { roles, set: {} };
  };

  it('still restores its history (read for one release)', () => {
    fc.assert(
      fc.property(history, fc.constantFrom(...POLICIES), fc.integer({ min: T0, max: T0 + 600_000 }), (h, policy, now) => {
        const bounded = boundHistory(h, historyRetention(policy.spec), now);
        const current = buildPolicyStatus({ policy, previous: undefined, now, history: bounded, result: result(), undecided });
        const old = scalingPolicyStatusSchema.parse(toLegacyStatus(stored(current).json as Record<string, unknown>, bounded));
        const back = historyFromStatus(old);
        expect(back.skipped).toEqual([]);
        // An HPA object list ends at its last object with an entry: the flat list had no place for empty ones.
        const stripped = withoutNewFields(bounded);
        const roles: Record<string, RoleHistory> = {};
        for (const [name, r] of Object.entries(stripped.roles)) {
          const hpa = [...(r.hpa ?? [])];
          while (hpa.length > 0 && (hpa.at(-1)?.recommendations.length ?? 0) + (hpa.at(-1)?.scaleUpEvents.length ?? 0) + (hpa.at(-1)?.scaleDownEvents.length ?? 0) === 0) hpa.pop();
          const { hpa: _h, ...rest } = r;
          roles[name] = hpa.length > 0 ? { ...rest, hpa } : rest;
        }
        expect(back.history).toStrictEqual({ roles, set: {} });
      }),
      { numRuns: 200 },
    );
  });

  it('reads each key form, and a role with typed history wins over the old list', () => {
    const time = '2026-11-21T00:00:00.000Z';
    const back = historyFromStatus({
      roles: [
        { name: 'frontend', target: { kind: 'PodClique', name: 'fe' }, current: 1, desired: 1, reason: 'WithinTarget', inputs: {}, lastScaleTime: time },
        { name: 'decode', target: { kind: 'PodCliqueScalingGroup', name: 'dec' }, current: 1, desired: 1, reason: 'WithinTarget', inputs: {}, history: { recommendations: [{ replicas: 7, time }] } },
      ],
      recommendations: [
        { role: 'frontend', replicas: 3, time },
        { role: 'frontend/up', replicas: 2, time },
        { role: 'frontend/down', replicas: 1, time },
        { role: 'router[1]', replicas: 4, time },
        { role: 'router[1]/down', replicas: 2, time },
        { role: 'decode', replicas: 1, time },
        { role: 'BAD KEY', replicas: 1, time },
        { role: 'frontend/sideways', replicas: 1, time },
        { role: 'frontend', replicas: 1, time: 'yesterday' },
      ],
    });
    expect(back.skipped).toEqual([`BAD KEY@${time}`, `frontend/sideways@${time}`, 'frontend@yesterday']);
    expect(back.history.roles['frontend']).toStrictEqual({
      ...EMPTY_ROLE_HISTORY,
      recommendations: [{ replicas: 3, timestamp: T0 }],
      scaleUpEvents: [{ replicaChange: 2, timestamp: T0 }],
      scaleDownEvents: [{ replicaChange: 1, timestamp: T0 }],
      lastScaleTime: T0,
    });
    expect(back.history.roles['decode']?.recommendations).toEqual([{ replicas: 7, timestamp: T0 }]);
    expect(back.history.roles['router']?.hpa).toStrictEqual([
      { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] },
      { recommendations: [{ replicas: 4, timestamp: T0 }], scaleUpEvents: [], scaleDownEvents: [{ replicaChange: 2, timestamp: T0 }] },
    ]);
  });

  it('the legacy fixture writes the old key grammar', () => {
    const h: ScalerHistory = { roles: { decode: { ...EMPTY_ROLE_HISTORY, hpa: [{ recommendations: [], scaleUpEvents: [{ replicaChange: 1, timestamp: T0 }], scaleDownEvents: [] }] } }, set: {} };
    expect(legacyEntries(h)).toEqual([{ role: 'decode[0]/up', replicas: 1, time: '2026-11-21T00:00:00.000Z' }]);
  });
});
