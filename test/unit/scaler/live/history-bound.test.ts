import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundHistory, historyRetention } from '../../../../src/scaler/actuate/history-bound.ts';
import { longestPolicyPeriod, resolveBehavior } from '../../../../src/scaler/behavior/rules.ts';
import { decide } from '../../../../src/scaler/decide.ts';
import { computeHpaDecision } from '../../../../src/scaler/hpa/index.ts';
import { seriesOf } from '../../../../src/scaler/series.ts';
import type { HorizontalPodAutoscalerBehavior } from '../../../../src/scaler/hpa/types.ts';
import { EMPTY_HISTORY, EMPTY_ROLE_HISTORY, type HpaObjectHistory, type ScalerHistory } from '../../../../src/scaler/types.ts';
import { pcs, policy } from '../fixtures.ts';
import { T0 } from './fixtures.ts';

const slo = (behavior?: unknown) => ({
  name: 'frontend',
  target: { podClique: 'fe' },
  mode: 'slo',
  minReplicas: 1,
  maxReplicas: 40,
  slo: { ttft: { targetSeconds: 1 } },
  signals: ['promptTokens'],
  profile: { promptTokensPerSecond: 1000 },
  ...(behavior !== undefined ? { behavior } : {}),
});
const hpaRole = (behavior?: unknown) => ({ name: 'router', target: { podClique: 'wkr' }, mode: 'hpa', maxReplicas: 40, ...(behavior !== undefined ? { behavior } : {}) });
const SET = pcs({ cliques: [{ name: 'fe' }, { name: 'wkr' }] });

describe('historyRetention', () => {
  it('is the longer stabilization window of each role, with the API defaults', () => {
    const p = policy({
      actuation: 'scale',
      roles: [
        slo(),
        { ...slo({ scaleUp: { stabilizationWindowSeconds: 900 }, scaleDown: { stabilizationWindowSeconds: 120 } }), name: 'b', target: { podClique: 'b' } },
        { ...slo({ scaleDown: { policies: [{ type: 'Pods', value: 1, periodSeconds: 1800 }] } }), name: 'c', target: { podClique: 'c' } },
        hpaRole(),
        { ...hpaRole({ scaleDown: { stabilizationWindowSeconds: 30 } }), name: 'h2', target: { podClique: 'h2' } },
      ],
    });
    // Defaults: scale-up window 0, scale-down window the controller's 300 s (policy periods do not matter here).
    expect(Object.fromEntries(historyRetention(p.spec))).toEqual({ frontend: 300, b: 900, c: 300, router: 300, h2: 30 });
  });

  it('gives a role the policy-wide behavior when it has none of its own', () => {
    const p = policy({ actuation: 'scale', roles: [hpaRole(), slo()], behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
    expect(Object.fromEntries(historyRetention(p.spec))).toEqual({ router: 60, frontend: 60 });
  });
});

describe('boundHistory', () => {
  const retention = new Map([['frontend', 60]]);
  const at = (s: number) => T0 + s * 1000;

  it('drops recommendations older than the window, keeps one at the cutoff or newer; leaves events and the rest as they are', () => {
    const events = { scaleUpEvents: [{ replicaChange: 1, timestamp: at(-4000), outdated: true }], scaleDownEvents: [{ replicaChange: 3, timestamp: at(-1) }] };
    const h: ScalerHistory = {
      roles: {
        frontend: {
          ...EMPTY_ROLE_HISTORY,
          ...events,
          recommendations: [{ replicas: 5, timestamp: at(-61) }, { replicas: 4, timestamp: at(-60) }, { replicas: 3, timestamp: at(10) }],
          requestRate: seriesOf([{ time: at(-1000), value: 1 }]),
          lastScaleTime: at(-5000),
          hpa: [{ recommendations: [{ replicas: 1, timestamp: at(-61) }, { replicas: 2, timestamp: at(0) }], ...events }],
        },
        removed: { ...EMPTY_ROLE_HISTORY, recommendations: [{ replicas: 1, timestamp: at(0) }] },
      },
      set: { lastScaleTime: at(-5000) },
    };
    expect(boundHistory(h, retention, T0)).toStrictEqual({
      roles: {
        frontend: {
          ...EMPTY_ROLE_HISTORY,
          ...events,
          recommendations: [{ replicas: 4, timestamp: at(-60) }, { replicas: 3, timestamp: at(10) }],
          // Demand series are bounded by the history window where they are kept.
          requestRate: seriesOf([{ time: at(-1000), value: 1 }]),
          lastScaleTime: at(-5000),
          hpa: [{ recommendations: [{ replicas: 2, timestamp: at(0) }], ...events }],
        },
      },
      set: { lastScaleTime: at(-5000) },
    });
  });

  it('keeps the newest recommendation when all have aged out: an empty list would mean first sight', () => {
    const h: ScalerHistory = {
      roles: { frontend: { ...EMPTY_ROLE_HISTORY, recommendations: [{ replicas: 5, timestamp: at(-500) }, { replicas: 2, timestamp: at(-400) }, { replicas: 9, timestamp: at(-450) }] } },
      set: {},
    };
    expect(boundHistory(h, retention, T0).roles['frontend']?.recommendations).toEqual([{ replicas: 2, timestamp: at(-400) }]);
    expect(boundHistory(EMPTY_HISTORY, retention, T0)).toEqual(EMPTY_HISTORY);
  });
});

// --- bounding never changes a decision ---------------------------------------------------------------------

const rules = fc.record(
  {
    stabilizationWindowSeconds: fc.integer({ min: 0, max: 600 }),
    selectPolicy: fc.constantFrom('Max' as const, 'Min' as const, 'Disabled' as const),
    policies: fc.array(
      fc.oneof(
        fc.record({ type: fc.constant('Pods' as const), value: fc.integer({ min: 1, max: 5 }), periodSeconds: fc.integer({ min: 1, max: 900 }) }),
        fc.record({ type: fc.constant('Percent' as const), value: fc.integer({ min: 1, max: 200 }), periodSeconds: fc.integer({ min: 1, max: 900 }) }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  },
  { requiredKeys: [] },
);
const behavior = fc.option(fc.record({ scaleUp: rules, scaleDown: rules }, { requiredKeys: [] }), { nil: undefined });
/** Decision times: short gaps and long ones, so windows and periods are crossed both ways. */
const gap = fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 31, max: 900 }));
/**
 * `held`: the role's signals are out, so it is left out of the decision and its history carried, yet the
 * history is still bounded (and written) at that time: the one way a bounded list can age out entirely.
 */
const steps = fc.array(fc.record({ gap, load: fc.integer({ min: 0, max: 30_000 }), held: fc.boolean() }), { minLength: 1, maxLength: 40 });

describe('a bounded history decides exactly as the unbounded one', () => {
  it('slo roles, through decide(): same sizes and reasons at every step', () => {
    fc.assert(
      fc.property(behavior, steps, (b, seq) => {
        const p = policy({ actuation: 'scale', roles: [slo(b)] });
        const retention = historyRetention(p.spec);
        let full: ScalerHistory = EMPTY_HISTORY;
        let bounded: ScalerHistory = EMPTY_HISTORY;
        let current = 1;
        let now = T0;
        for (const { gap, load, held } of seq) {
          now += gap * 1000;
          const snapshot = { time: now, roles: held ? {} : { frontend: { replicas: [current], readyReplicas: current, promptTokensPerSecond: load } } };
          const a = decide(p, SET, snapshot, full, now);
          const c = decide(p, SET, snapshot, bounded, now);
          const da = a.decisions.find((d) => d.role === 'frontend');
          const dc = c.decisions.find((d) => d.role === 'frontend');
          expect(dc?.desired).toBe(da?.desired);
          expect(dc?.reason).toBe(da?.reason);
          full = a.history;
          bounded = boundHistory(c.history, retention, now);
          current = da?.desired ?? current;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('hpa roles, through the HPA core: same replicas and conditions at every step', () => {
    fc.assert(
      fc.property(behavior, steps, (b, seq) => {
        const p = policy({ actuation: 'scale', roles: [hpaRole(b)] });
        const retention = historyRetention(p.spec);
        const spec = {
          scaleTargetRef: { kind: 'PodClique', name: 'svc-0-wkr' },
          minReplicas: 1,
          maxReplicas: 40,
          metrics: [{ type: 'External' as const, external: { metric: { name: 'queue' }, target: { type: 'AverageValue' as const, averageValue: '1' } } }],
          ...(b !== undefined ? { behavior: b as HorizontalPodAutoscalerBehavior } : {}),
        };
        const empty: HpaObjectHistory = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
        let full = empty;
        let bounded = empty;
        let current = 1;
        let now = T0;
        for (const { gap, load, held } of seq) {
          now += gap * 1000;
          if (held) {
            const h: ScalerHistory = { roles: { router: { ...EMPTY_ROLE_HISTORY, hpa: [bounded] } }, set: {} };
            bounded = boundHistory(h, retention, now).roles['router']?.hpa?.[0] ?? empty;
            continue;
          }
          const input = { now, hpa: { metadata: { name: 'svc-0-wkr' }, spec }, currentReplicas: current, pods: [], podMetrics: [], objectMetrics: [], externalMetrics: [{ metric: 'queue', values: [BigInt(load)] }] };
          const a = computeHpaDecision({ ...input, ...full });
          const c = computeHpaDecision({ ...input, ...bounded });
          expect(c.desiredReplicas).toBe(a.desiredReplicas);
          expect(c.conditions).toEqual(a.conditions);
          full = { recommendations: a.recommendations, scaleUpEvents: a.scaleUpEvents, scaleDownEvents: a.scaleDownEvents };
          const h: ScalerHistory = { roles: { router: { ...EMPTY_ROLE_HISTORY, hpa: [{ recommendations: c.recommendations, scaleUpEvents: c.scaleUpEvents, scaleDownEvents: c.scaleDownEvents }] } }, set: {} };
          bounded = boundHistory(h, retention, now).roles['router']?.hpa?.[0] ?? empty;
          current = a.desiredReplicas;
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('the persisted lists stay bounded', () => {
  it('hold one recommendation per decision inside the window and one event per decision inside the period, plus one', () => {
    const interval = fc.constantFrom(1, 5, 15, 30);
    const loads = fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 50, maxLength: 200 });
    fc.assert(
      fc.property(behavior, interval, loads, (b, every, seq) => {
        const p = policy({ actuation: 'scale', roles: [slo(b)] });
        const window = historyRetention(p.spec).get('frontend') ?? Number.NaN;
        const resolved = resolveBehavior(b ?? {}, 300);
        let h: ScalerHistory = EMPTY_HISTORY;
        let current = 1;
        seq.forEach((load, i) => {
          const now = T0 + i * every * 1000;
          const res = decide(p, SET, { time: now, roles: { frontend: { replicas: [current], readyReplicas: current, promptTokensPerSecond: load } } }, h, now);
          h = boundHistory(res.history, historyRetention(p.spec), now);
          current = res.decisions.find((d) => d.role === 'frontend')?.desired ?? current;
          const f = h.roles['frontend'];
          // +2: the first decision records the seeded current size and its own recommendation at the same instant.
          expect(f?.recommendations.length).toBeLessThanOrEqual(Math.floor(window / every) + 2);
          expect(f?.scaleUpEvents.length).toBeLessThanOrEqual(Math.floor(longestPolicyPeriod(resolved.scaleUp) / every) + 1);
          expect(f?.scaleDownEvents.length).toBeLessThanOrEqual(Math.floor(longestPolicyPeriod(resolved.scaleDown) / every) + 1);
        });
        // In memory aged records linger in their slots; what is persisted holds only what the window holds.
        expect(h.roles['frontend']?.recommendations.every((r) => r.timestamp >= T0 + (seq.length - 1) * every * 1000 - window * 1000)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
