import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { computeHpaDecision } from '../../../../src/scaler/hpa/reconcile.ts';
import type { HpaSnapshot } from '../../../../src/scaler/hpa/snapshot.ts';
import type { HorizontalPodAutoscalerBehavior, MetricSpec } from '../../../../src/scaler/hpa/types.ts';
import { at, cpuUtilization, externalAverage, externalValue, hpa, metricSample, pod, podsAverage, snapshot } from './fixtures.ts';

const metricArb: fc.Arbitrary<MetricSpec> = fc.oneof(
  fc.integer({ min: 1, max: 50 }).map((t) => podsAverage('queue', String(t))),
  fc.integer({ min: 10, max: 200 }).map((t) => cpuUtilization(t)),
  fc.integer({ min: 1, max: 50 }).map((t) => externalValue('backlog', String(t))),
  fc.integer({ min: 1, max: 50 }).map((t) => externalAverage('backlog', String(t))),
);

const behaviorArb: fc.Arbitrary<HorizontalPodAutoscalerBehavior | undefined> = fc.option(
  fc.record({
    scaleUp: fc.record({
      stabilizationWindowSeconds: fc.integer({ min: 0, max: 600 }),
      selectPolicy: fc.constantFrom('Max' as const, 'Min' as const, 'Disabled' as const),
      policies: fc.array(
        fc.record({ type: fc.constantFrom('Pods' as const, 'Percent' as const), value: fc.integer({ min: 1, max: 300 }), periodSeconds: fc.integer({ min: 1, max: 600 }) }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    scaleDown: fc.record({
      stabilizationWindowSeconds: fc.integer({ min: 0, max: 600 }),
      selectPolicy: fc.constantFrom('Max' as const, 'Min' as const, 'Disabled' as const),
      policies: fc.array(
        fc.record({ type: fc.constantFrom('Pods' as const, 'Percent' as const), value: fc.integer({ min: 1, max: 100 }), periodSeconds: fc.integer({ min: 1, max: 600 }) }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
  }),
  { nil: undefined },
);

const snapshotArb: fc.Arbitrary<HpaSnapshot> = fc
  .record({
    min: fc.integer({ min: 1, max: 5 }),
    span: fc.integer({ min: 0, max: 25 }),
    current: fc.integer({ min: 0, max: 40 }),
    metrics: fc.array(metricArb, { minLength: 1, maxLength: 3 }),
    behavior: behaviorArb,
    // per pod: [phase, has sample, sample value]
    podStates: fc.array(fc.tuple(fc.constantFrom('Running' as const, 'Pending' as const, 'Failed' as const), fc.boolean(), fc.integer({ min: 0, max: 500_000 })), { maxLength: 12 }),
    external: fc.array(fc.integer({ min: 0, max: 2_000_000 }), { maxLength: 3 }),
    history: fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 900 })), { maxLength: 5 }),
    upEvents: fc.array(fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 900 })), { maxLength: 3 }),
    downEvents: fc.array(fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 900 })), { maxLength: 3 }),
  })
  .map((g) => {
    const podList = g.podStates.map(([phase], i) => pod(`p${i}`, { phase }));
    const samples = g.podStates.flatMap(([, has, v], i) => (has ? [metricSample(`p${i}`, 'queue', BigInt(v)), metricSample(`p${i}`, 'cpu', BigInt(v))] : []));
    return snapshot({
      hpa: hpa(g.metrics, { minReplicas: g.min, maxReplicas: g.min + g.span, ...(g.behavior === undefined ? {} : { behavior: g.behavior }) }),
      currentReplicas: g.current,
      pods: podList,
      podMetrics: samples,
      externalMetrics: g.external.length === 0 ? [] : [{ metric: 'backlog', values: g.external.map(BigInt) }],
      recommendations: g.history.map(([replicas, ago]) => ({ replicas, timestamp: at(-ago) })),
      scaleUpEvents: g.upEvents.map(([replicaChange, ago]) => ({ replicaChange, timestamp: at(-ago) })),
      scaleDownEvents: g.downEvents.map(([replicaChange, ago]) => ({ replicaChange, timestamp: at(-ago) })),
    });
  });

describe('computeHpaDecision properties', () => {
  it('never leaves [min, max] when current is inside it', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const min = s.hpa.spec.minReplicas ?? 1;
        const max = s.hpa.spec.maxReplicas;
        fc.pre(s.currentReplicas >= min && s.currentReplicas <= max);
        const d = computeHpaDecision(s);
        expect(d.desiredReplicas).toBeGreaterThanOrEqual(min);
        expect(d.desiredReplicas).toBeLessThanOrEqual(max);
      }),
      { numRuns: 500 },
    );
  });

  it('brings an out-of-range current straight to the nearest bound (0 stays 0)', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const min = s.hpa.spec.minReplicas ?? 1;
        const max = s.hpa.spec.maxReplicas;
        fc.pre(s.currentReplicas < min || s.currentReplicas > max);
        const d = computeHpaDecision(s);
        const expected = s.currentReplicas === 0 ? 0 : s.currentReplicas > max ? max : min;
        expect(d.desiredReplicas).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic and does not touch its input', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const frozen = structuredClone(s);
        const a = computeHpaDecision(s);
        const b = computeHpaDecision(s);
        expect(b).toEqual(a);
        expect(s).toEqual(frozen);
      }),
      { numRuns: 200 },
    );
  });

  it('without behavior never scales up past max(2 × current, 4) in one step', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        fc.pre(s.hpa.spec.behavior === undefined && s.currentReplicas >= (s.hpa.spec.minReplicas ?? 1) && s.currentReplicas <= s.hpa.spec.maxReplicas);
        const d = computeHpaDecision(s);
        expect(d.desiredReplicas).toBeLessThanOrEqual(Math.max(2 * s.currentReplicas, 4));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the history bounded: at most one new recommendation per reconcile', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const d = computeHpaDecision(s);
        expect(d.recommendations.length).toBeLessThanOrEqual(Math.max(s.recommendations.length, 1) + 1);
      }),
      { numRuns: 200 },
    );
  });
});
