import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PodCliqueSetSchema } from '../../../src/api/index.ts';
import { parseScalingPolicy, type ScalingPolicy } from '../../../src/api/scaling-policy.ts';
import { decide } from '../../../src/scaler/decide.ts';
import { computeHpaDecision } from '../../../src/scaler/hpa/index.ts';
import { hpaObjectFor } from '../../../src/scaler/hpa-role.ts';
import { inRatioBand } from '../../../src/scaler/ratio.ts';
import { lastValue, type Series } from '../../../src/scaler/series.ts';
import { EMPTY_HISTORY, type DecideResult, type RoleSnapshot, type ScalerHistory } from '../../../src/scaler/types.ts';
import { H100_8B, pcs, policy } from './fixtures.ts';

const T0 = Date.parse('2026-11-21T00:00:00Z');
const lastOf = (s: Series | undefined) => (s === undefined ? undefined : lastValue(s));

function example(dir: string) {
  const p = parseScalingPolicy(parse(readFileSync(`policies/${dir}/policy.yaml`, 'utf8')));
  if (!p.ok) throw new Error(JSON.stringify(p.issues));
  return { policy: p.value, pcs: PodCliqueSetSchema.parse(parse(readFileSync(`policies/${dir}/podcliqueset.yaml`, 'utf8'))) };
}

const totals = (r: DecideResult, role: string) => r.decisions.filter((d) => d.role === role).reduce((s, d) => s + d.desired, 0);

describe('decide on the example policies', () => {
  it('disaggregated multi-node: decode pressure grows decode instances, prefill follows into the ratio band', () => {
    const { policy: pol, pcs: set } = example('disaggregated-multi-node');
    const scale = { ...pol, spec: { ...pol.spec, actuation: 'scale' as const } };
    // Decode carries 12,000 output tokens/s: ~2,274 per instance → 6 instances; prefill's own need is 1.
    const snapshot = {
      time: T0,
      roles: {
        frontend: { replicas: [2], readyReplicas: 2 },
        prefill: { replicas: [1], readyReplicas: 1, requestRate: 1, promptTokensPerSecond: 3000, ttft: { p90: 0.5 } },
        decode: { replicas: [2], readyReplicas: 2, requestRate: 80, generationTokensPerSecond: 12_000, promptTokensPerSecond: 240_000, itl: { p90: 0.09 } },
      },
    };
    const r = decide(scale, set, snapshot, EMPTY_HISTORY, T0);
    const prefill = r.decisions.find((d) => d.role === 'prefill');
    const decode = r.decisions.find((d) => d.role === 'decode');
    expect(prefill).toMatchObject({ kind: 'PodCliqueScalingGroup', name: 'dsr1-disagg-0-prefill', current: 1 });
    expect(decode).toMatchObject({ kind: 'PodCliqueScalingGroup', name: 'dsr1-disagg-0-decode', current: 2 });
    // The behavior allows +1 instance per 60 s for decode, so 2 → 3; the band 0.25–1 holds with prefill at 1.
    expect(decode?.desired).toBe(3);
    expect(decode?.reason).toBe('RateLimited');
    expect(inRatioBand(totals(r, 'prefill'), totals(r, 'decode'), { min: 0.25, max: 1 })).toBe(true);
    expect(r.decisions.at(-1)).toMatchObject({ kind: 'PodCliqueSet', name: 'dsr1-disagg', current: 1, desired: 1 });
    expect(decode?.explanation.text.join('\n')).toMatch(/output tokens\/s/);
    expect(r.warnings).toEqual([]);
  });

  it('runs every example policy against its PodCliqueSet without warnings', () => {
    for (const dir of ['aggregated', 'agentic-pipeline', 'disaggregated-single-node', 'disaggregated-multi-node']) {
      const { policy: pol, pcs: set } = example(dir);
      const roles: Record<string, RoleSnapshot> = {};
      for (const role of pol.spec.roles) roles[role.name] = { replicas: [1], readyReplicas: 1, requestRate: 0, promptTokensPerSecond: 0, generationTokensPerSecond: 0 };
      const r = decide(pol, set, { time: T0, roles }, EMPTY_HISTORY, T0);
      expect(r.warnings, dir).toEqual([]);
      expect(r.decisions.length, dir).toBe(pol.spec.roles.length + 1);
    }
  });
});

const twoRoles = (spec: Record<string, unknown> = {}, roles: Record<string, unknown>[] = []): ScalingPolicy =>
  policy({
    actuation: 'scale',
    roles: [
      { name: 'prefill', target: { podClique: 'p' }, mode: 'slo', maxReplicas: 8, slo: { ttft: { targetSeconds: 0.5 } }, profile: { prefill: H100_8B.prefill } },
      { name: 'decode', target: { podCliqueScalingGroup: 'd' }, mode: 'slo', maxReplicas: 8, slo: { itl: { targetSeconds: 0.05 } }, profile: { decode: H100_8B.decode } },
      ...roles,
    ],
    ...spec,
  });
const twoRoleSet = (replicas = 1, minAvailable = 1) =>
  pcs({ replicas, cliques: [{ name: 'p', replicas: 1, minAvailable, gpus: 1 }, { name: 'dl', gpus: 1 }, { name: 'dw', gpus: 1 }], groups: [{ name: 'd', cliqueNames: ['dl', 'dw'], replicas: 1 }] });

describe('decide: levels and floors', () => {
  it('never goes below a clique’s minAvailable, even with no traffic', () => {
    // No scale-down stabilization, so the idle proposal (0) reaches the bounds at once.
    const pol = twoRoles({ behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } });
    const r = decide(pol, twoRoleSet(1, 3), { time: T0, roles: { prefill: { replicas: [5], readyReplicas: 5, requestRate: 0, promptTokensPerSecond: 0 }, decode: { replicas: [1], readyReplicas: 1 } } }, EMPTY_HISTORY, T0);
    expect(r.decisions.find((d) => d.role === 'prefill')).toMatchObject({ desired: 3, reason: 'MinAvailableFloor' });
  });

  it('grows the PodCliqueSet when a role needs more than its per-replica maximum', () => {
    const pol = twoRoles({ set: { minReplicas: 1, maxReplicas: 3, scaleWhen: 'AnyRoleAtMaximum' }, behavior: { scaleUp: { policies: [{ type: 'Percent', value: 1000, periodSeconds: 15 }] } } });
    // 450k prompt tokens/s ≈ 14 replicas of 33.4k (the M/G/1 bound at 3000-token prompts); 8 per set replica → 2.
    const r = decide(pol, twoRoleSet(1), { time: T0, roles: { prefill: { replicas: [4], readyReplicas: 4, requestRate: 150, promptTokensPerSecond: 450_000 }, decode: { replicas: [1], readyReplicas: 1 } } }, EMPTY_HISTORY, T0);
    expect(r.set).toMatchObject({ current: 1, desired: 2, reason: 'SetResized' });
    const prefill = r.decisions.filter((d) => d.role === 'prefill');
    expect(prefill.map((d) => d.name)).toEqual(['svc-0-p', 'svc-1-p']);
    expect(prefill.map((d) => d.desired)).toEqual([7, 7]);
    expect(prefill[1]?.inputs['exists']).toBe(0);
    expect(r.decisions.filter((d) => d.role === 'decode').map((d) => d.name)).toEqual(['svc-0-d', 'svc-1-d']);
  });

  it('trims growth to the GPU budget (decode instances hold 2 GPUs)', () => {
    const pol = twoRoles({ gpuBudget: { maxGpus: 9 }, behavior: { scaleUp: { policies: [{ type: 'Percent', value: 1000, periodSeconds: 15 }] } } });
    const r = decide(pol, twoRoleSet(1), {
      time: T0,
      roles: {
        prefill: { replicas: [1], readyReplicas: 1, requestRate: 40, promptTokensPerSecond: 120_000 },
        decode: { replicas: [1], readyReplicas: 1, requestRate: 40, generationTokensPerSecond: 6_000 },
      },
    }, EMPTY_HISTORY, T0);
    const gpus = totals(r, 'prefill') * 1 + totals(r, 'decode') * 2;
    expect(gpus).toBeLessThanOrEqual(9);
    expect(r.roles.some((o) => o.reason === 'GpuBudget')).toBe(true);
    expect(totals(r, 'prefill')).toBeGreaterThanOrEqual(1);
    expect(totals(r, 'decode')).toBeGreaterThanOrEqual(1);
  });

  it('hpa roles get exactly the HPA core’s answer for each target object', () => {
    const pol = twoRoles({}, [
      { name: 'fe', target: { podClique: 'fe' }, mode: 'hpa', minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'Pods', pods: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '10' } } }] },
    ]);
    const set = pcs({ cliques: [{ name: 'p', gpus: 1 }, { name: 'dl', gpus: 1 }, { name: 'dw', gpus: 1 }, { name: 'fe', replicas: 2 }], groups: [{ name: 'd', cliqueNames: ['dl', 'dw'] }] });
    const pod = (name: string) => ({ metadata: { name }, status: { phase: 'Running' as const, conditions: [{ type: 'Ready', status: 'True' as const }] } });
    const sample = (name: string, value: bigint) => ({ pod: name, metric: 'queue', value, timestamp: T0, windowSeconds: 60 });
    const inputs = { pods: [pod('a'), pod('b')], podMetrics: [sample('a', 30_000n), sample('b', 20_000n)], objectMetrics: [], externalMetrics: [] };
    const r = decide(pol, set, { time: T0, roles: { fe: { replicas: [2], readyReplicas: 2, hpa: [inputs] }, prefill: { replicas: [1], readyReplicas: 1 }, decode: { replicas: [1], readyReplicas: 1 } } }, EMPTY_HISTORY, T0);
    const direct = computeHpaDecision({
      now: T0,
      hpa: hpaObjectFor({ role: pol.spec.roles[2] as ScalingPolicy['spec']['roles'][number], spec: pol.spec, kind: 'PodClique', min: 1, max: 10 }, 'svc-0-fe'),
      currentReplicas: 2,
      ...inputs,
      recommendations: [],
      scaleUpEvents: [],
      scaleDownEvents: [],
    });
    // Queue 25 per pod against 10: ceil(2.5 × 2) = 5, capped without behavior at max(2 × 2, 4) = 4.
    expect(direct.desiredReplicas).toBe(4);
    expect(r.decisions.find((d) => d.role === 'fe')).toMatchObject({ name: 'svc-0-fe', current: 2, desired: 4, reason: 'HpaRecommendation' });
    expect(r.history.roles['fe']?.hpa?.[0]?.recommendations).toEqual(direct.recommendations);
  });

  it('advisory policies recommend but record no scale events', () => {
    const snap = { time: T0, roles: { prefill: { replicas: [1], readyReplicas: 1, requestRate: 40, promptTokensPerSecond: 120_000 }, decode: { replicas: [1], readyReplicas: 1 } } };
    const advisory = decide(twoRoles({ actuation: 'advisory' }), twoRoleSet(), snap, EMPTY_HISTORY, T0);
    const active = decide(twoRoles(), twoRoleSet(), snap, EMPTY_HISTORY, T0);
    expect(advisory.actuation).toBe('advisory');
    expect(totals(advisory, 'prefill')).toBe(totals(active, 'prefill'));
    expect(advisory.history.roles['prefill']?.scaleUpEvents).toEqual([]);
    expect(active.history.roles['prefill']?.scaleUpEvents).toHaveLength(1);
    expect(active.history.roles['prefill']?.lastScaleTime).toBe(T0);
  });

  it('warns about a role whose target is not in the PodCliqueSet and still decides the others', () => {
    const pol = twoRoles({}, [{ name: 'ghost', target: { podClique: 'nope' }, mode: 'slo', maxReplicas: 2, slo: { ttft: { targetSeconds: 1 } } }]);
    const r = decide(pol, twoRoleSet(), { time: T0, roles: { prefill: { replicas: [1], readyReplicas: 1 }, decode: { replicas: [1], readyReplicas: 1 } } }, EMPTY_HISTORY, T0);
    expect(r.warnings.join(' ')).toMatch(/no clique "nope"/);
    expect(r.decisions.map((d) => d.role ?? d.kind)).toEqual(['prefill', 'decode', 'PodCliqueSet']);
  });
});

describe('decide: properties over random snapshots and decision sequences', () => {
  const arbLoad = fc.record({
    rate: fc.double({ min: 0, max: 200, noNaN: true }),
    isl: fc.integer({ min: 100, max: 8000 }),
    osl: fc.integer({ min: 10, max: 1000 }),
    ttft: fc.option(fc.double({ min: 0, max: 3, noNaN: true }), { nil: undefined }),
    itl: fc.option(fc.double({ min: 0, max: 0.3, noNaN: true }), { nil: undefined }),
    queue: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    notReady: fc.integer({ min: 0, max: 2 }),
  });
  const arbSetup = fc.record({
    minAvailable: fc.integer({ min: 1, max: 3 }),
    maxP: fc.integer({ min: 3, max: 10 }),
    maxD: fc.integer({ min: 3, max: 10 }),
    band: fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 8 })).map(([a, w]) => ({ min: a / 4, max: (a + w) / 4 })),
    budget: fc.option(fc.integer({ min: 4, max: 60 }), { nil: undefined }),
    setMax: fc.integer({ min: 1, max: 3 }),
    predictor: fc.constantFrom('constant', 'linear', 'holt'),
  });

  it('stay within bounds and floors, keep the band when they say so, fit the budget when the floors do, and are deterministic', () => {
    fc.assert(
      fc.property(arbSetup, fc.array(arbLoad, { minLength: 1, maxLength: 12 }), (setup, loads) => {
        const pol = policy({
          actuation: 'scale',
          roles: [
            { name: 'prefill', target: { podClique: 'p' }, mode: 'slo', maxReplicas: setup.maxP, slo: { ttft: { targetSeconds: 0.5 } }, profile: { prefill: H100_8B.prefill } },
            { name: 'decode', target: { podCliqueScalingGroup: 'd' }, mode: 'slo', maxReplicas: setup.maxD, slo: { itl: { targetSeconds: 0.05 } } },
          ],
          ratio: { prefillRole: 'prefill', decodeRole: 'decode', ...setup.band },
          set: { minReplicas: 1, maxReplicas: setup.setMax, scaleWhen: 'AnyRoleAtMaximum' },
          prediction: { predictor: setup.predictor },
          ...(setup.budget !== undefined ? { gpuBudget: { maxGpus: setup.budget } } : {}),
        });
        let set = twoRoleSet(1, setup.minAvailable);
        let current: Record<string, number[]> = { prefill: [setup.minAvailable], decode: [1] };
        let history: ScalerHistory = EMPTY_HISTORY;
        loads.forEach((l, step) => {
          const now = T0 + step * 15_000;
          const role = (name: string): RoleSnapshot => {
            const replicas = current[name] ?? [];
            const total = replicas.reduce((a, b) => a + b, 0);
            return {
              replicas,
              readyReplicas: Math.max(0, total - l.notReady),
              requestRate: l.rate,
              promptTokensPerSecond: l.rate * l.isl,
              generationTokensPerSecond: l.rate * l.osl,
              ttft: l.ttft === undefined ? undefined : { p90: l.ttft },
              itl: l.itl === undefined ? undefined : { p90: l.itl },
              queue: l.queue,
            };
          };
          const snapshot = { time: now, roles: { prefill: role('prefill'), decode: role('decode') } };
          const r = decide(pol, set, snapshot, history, now);
          expect(decide(pol, set, snapshot, history, now)).toEqual(r);

          expect(r.set.desired).toBeGreaterThanOrEqual(1);
          expect(r.set.desired).toBeLessThanOrEqual(setup.setMax);
          for (const d of r.decisions) {
            if (d.role === 'prefill') {
              expect(d.desired).toBeGreaterThanOrEqual(setup.minAvailable);
              expect(d.desired).toBeLessThanOrEqual(Math.max(setup.maxP, setup.minAvailable));
            }
            if (d.role === 'decode') {
              expect(d.desired).toBeGreaterThanOrEqual(1);
              expect(d.desired).toBeLessThanOrEqual(setup.maxD);
            }
          }
          const p = totals(r, 'prefill');
          const dd = totals(r, 'decode');
          if (!r.warnings.some((w) => w.startsWith('ratio band'))) expect(inRatioBand(p, dd, setup.band)).toBe(true);
          if (setup.budget !== undefined) {
            const floors = r.set.desired * (setup.minAvailable + 2);
            if (floors <= setup.budget && !r.warnings.some((w) => w.startsWith('GPU budget'))) expect(p + 2 * dd).toBeLessThanOrEqual(setup.budget);
          }
          // Feed the decision back as the new state.
          current = {
            prefill: r.decisions.filter((d) => d.role === 'prefill').map((d) => d.desired),
            decode: r.decisions.filter((d) => d.role === 'decode').map((d) => d.desired),
          };
          set = { ...set, spec: { ...set.spec, replicas: r.set.desired } };
          history = r.history;
        });
      }),
      { numRuns: 600 },
    );
  });
});


describe('decide: a scaling group of prefill and decode workers', () => {
  // 20 req/s of 3000-token prompts and 150-token outputs through one P+D instance. vLLM on both workers counts
  // every request and its prompt; the prefill worker also counts the first token. Group sums therefore show
  // 40 req/s, 120k prompt tokens/s and 3020 generated tokens/s.
  const pol = policy({
    actuation: 'scale',
    roles: [
      {
        name: 'pd',
        target: { podCliqueScalingGroup: 'pd' },
        mode: 'slo',
        maxReplicas: 8,
        slo: { ttft: { targetSeconds: 0.5 }, itl: { targetSeconds: 0.05 }, phaseEngines: 'separate' },
        profile: H100_8B,
      },
    ],
  });
  const set = pcs({ cliques: [{ name: 'prefill', gpus: 1 }, { name: 'decode', replicas: 2, gpus: 1 }], groups: [{ name: 'pd', cliqueNames: ['prefill', 'decode'], replicas: 1 }] });
  const pd: RoleSnapshot = {
    replicas: [1],
    readyReplicas: 1,
    requestRate: 40,
    promptTokensPerSecond: 120_000,
    generationTokensPerSecond: 3_020,
    phases: {
      prefill: { requestRate: 20, promptTokensPerSecond: 60_000, generationTokensPerSecond: 20 },
      decode: { requestRate: 20, promptTokensPerSecond: 60_000, generationTokensPerSecond: 3_000 },
    },
  };

  it('reads arrivals and prompts from the prefill workers and outputs from the decode workers', () => {
    const r = decide(pol, set, { time: T0, roles: { pd } }, EMPTY_HISTORY, T0);
    const out = r.roles.find((o) => o.role === 'pd');
    expect(out?.inputs['ttftLoad']).toBe(60_000);
    expect(out?.inputs['itlLoad']).toBe(3_000);
    const h = r.history.roles['pd'];
    expect(lastOf(h?.requestRate)).toBe(20);
    expect(lastOf(h?.promptTokens)).toBe(3_000);
    expect(lastOf(h?.outputTokens)).toBe(150);
  });

  it('without the split, the doubled group sums would size prefill for twice the prompts', () => {
    const { phases: _ignored, ...sums } = pd;
    const r = decide(pol, set, { time: T0, roles: { pd: sums } }, EMPTY_HISTORY, T0);
    expect(r.roles.find((o) => o.role === 'pd')?.inputs['ttftLoad']).toBe(120_000);
    expect(lastOf(r.history.roles['pd']?.outputTokens)).toBeCloseTo(75.5, 9);
  });
});
