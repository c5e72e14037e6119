// Multilevel scaler throughput: one decision cycle over 1,000 PodCliqueSets (each with an HPA frontend, an SLO
// prefill group and an SLO decode group, a ratio band, a GPU budget and set-level scaling) against the plain
// Kubernetes HPA core deciding the same objects from the same snapshots. Goal: ≤ 50 ms per cycle.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PodCliqueSetSchema, type PodCliqueSet } from '../src/api/index.ts';
import { parseScalingPolicy, SCALING_POLICY_DEFAULTS, type ScalingPolicy } from '../src/api/scaling-policy.ts';
import { decide } from '../src/scaler/decide.ts';
import { computeHpaDecision, type HpaSnapshot, type Pod, type PodMetricSample } from '../src/scaler/hpa/index.ts';
import { decodeItlSeconds, prefillTtftSeconds } from '../src/scaler/slo/capacity.ts';
import { EMPTY_HISTORY, type RoleSnapshot, type ScalerHistory, type ScalerSnapshot } from '../src/scaler/types.ts';
import type { BenchResult } from './types.ts';

const SETS = 1000;
const PERIOD_MS = 15_000;
// Measure the steady state: the policy's prediction history (600 s by default) is full, so every series the SLO
// model reads is as long as it gets in a running controller, plus a few cycles for the JIT.
const WARMUP_CYCLES = Math.ceil((SCALING_POLICY_DEFAULTS.historySeconds * 1000) / PERIOD_MS) + 5;
const CYCLES = 20;
const T0 = Date.parse('2026-01-01T00:00:00Z');

// 8B-H100-bf16 coefficients (workloads.md §4); the simulated engines follow the same model, with ±10 % noise.
const PREFILL = { baseSeconds: 0.012, secondsPerToken: 0.000022 };
const DECODE = { baseSeconds: 0.006, secondsPerSequence: 0.00005, secondsPerKvToken: 0.0000003, maxNumSeqs: 256, kvCacheTokens: 450000 };

// Deterministic pseudo-random numbers (LCG) so every run decides the same snapshots.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function makePolicy(name: string): ScalingPolicy {
  const r = parseScalingPolicy({
    apiVersion: 'canopy.dev/v1alpha1',
    kind: 'ScalingPolicy',
    metadata: { name },
    spec: {
      targetRef: { name },
      actuation: 'scale',
      roles: [
        { name: 'frontend', target: { podClique: 'frontend' }, mode: 'hpa', minReplicas: 1, maxReplicas: 8, metrics: [{ type: 'Pods', pods: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '10' } } }] },
        { name: 'prefill', target: { podCliqueScalingGroup: 'prefill' }, mode: 'slo', maxReplicas: 8, slo: { ttft: { targetSeconds: 0.5 } }, profile: { prefill: PREFILL } },
        {
          name: 'decode',
          target: { podCliqueScalingGroup: 'decode' },
          mode: 'slo',
          maxReplicas: 16,
          slo: { itl: { targetSeconds: 0.05 } },
          profile: { decode: DECODE },
        },
      ],
      set: { minReplicas: 1, maxReplicas: 3, scaleWhen: 'AnyRoleAtMaximum' },
      ratio: { prefillRole: 'prefill', decodeRole: 'decode', min: 0.25, max: 1 },
      gpuBudget: { maxGpus: 96 },
      prediction: { predictor: 'holt' },
    },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

function makeSet(name: string): PodCliqueSet {
  const gpu = { requests: { 'nvidia.com/gpu': 1 }, limits: { 'nvidia.com/gpu': 1 } };
  const clique = (n: string, resources: object) => ({ name: n, spec: { roleName: n, replicas: 1, podSpec: { containers: [{ name: 'main', image: 'x', resources }] } } });
  return PodCliqueSetSchema.parse({
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name },
    spec: {
      replicas: 1,
      template: {
        cliques: [clique('frontend', { requests: { cpu: '1' } }), clique('pl', gpu), clique('pw', gpu), clique('dl', gpu), clique('dw', gpu)],
        podCliqueScalingGroups: [
          { name: 'prefill', cliqueNames: ['pl', 'pw'] },
          { name: 'decode', cliqueNames: ['dl', 'dw'], replicas: 2 },
        ],
      },
    },
  });
}

interface World {
  readonly policy: ScalingPolicy;
  set: PodCliqueSet;
  history: ScalerHistory;
  replicas: Record<string, number[]>;
}

function frontendInputs(name: string, pods: number, queuePerPod: number, now: number): { pods: Pod[]; podMetrics: PodMetricSample[] } {
  const list: Pod[] = [];
  const samples: PodMetricSample[] = [];
  for (let i = 0; i < pods; i++) {
    const pod = `${name}-${i}`;
    list.push({ metadata: { name: pod }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    samples.push({ pod, metric: 'queue', value: BigInt(Math.round(queuePerPod * 1000)), timestamp: now, windowSeconds: 60 });
  }
  return { pods: list, podMetrics: samples };
}

function snapshotFor(w: World, cycle: number, random: () => number, now: number): ScalerSnapshot {
  const wave = 1 + 0.5 * Math.sin(cycle / 4 + random() * 6);
  const rate = 20 * wave * (0.5 + random());
  const role = (name: string): RoleSnapshot => {
    const replicas = w.replicas[name] ?? [1];
    return { replicas, readyReplicas: replicas.reduce((a, b) => a + b, 0) };
  };
  const fe = w.replicas['frontend'] ?? [1];
  const total = (name: string): number => Math.max(1, (w.replicas[name] ?? [1]).reduce((a, b) => a + b, 0));
  const noisy = (seconds: number): number => seconds * (0.9 + 0.2 * random());
  return {
    time: now,
    roles: {
      frontend: { ...role('frontend'), hpa: fe.map((n, i) => ({ ...frontendInputs(`fe-${i}`, n, 4 + 8 * random(), now), objectMetrics: [], externalMetrics: [] })) },
      prefill: { ...role('prefill'), requestRate: rate, promptTokensPerSecond: rate * 3000, ttft: { p90: noisy(prefillTtftSeconds(PREFILL, (rate * 3000) / total('prefill'), 3000)) } },
      decode: {
        ...role('decode'),
        requestRate: rate,
        generationTokensPerSecond: rate * 150,
        itl: { p90: noisy(decodeItlSeconds(DECODE, (rate * 150) / total('decode'), 3075)) },
        kvCacheUsage: 0.5 * random(),
      },
    },
  };
}

// Collect the garbage of building the inputs before each timed section, so each side pays for its own, and
// let that collection's concurrent sweeping finish first: on two cores it otherwise runs beside the timed
// section and bills it for the inputs' garbage.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const SETTLE_MS = 100;

/** Wall time and CPU time of fn, in ms. CPU time is what this process used (GC helper threads included). */
async function timed(fn: () => void): Promise<{ wall: number; cpu: number }> {
  collect();
  await sleep(SETTLE_MS);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const t1 = performance.now();
  const c = process.cpuUsage(c0);
  return { wall: t1 - t0, cpu: (c.user + c.system) / 1000 };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export async function run(): Promise<BenchResult> {
  const worlds: World[] = Array.from({ length: SETS }, (_, i) => {
    const name = `svc${i}`;
    return { policy: makePolicy(name), set: makeSet(name), history: EMPTY_HISTORY, replicas: { frontend: [1], prefill: [1], decode: [2] } };
  });
  const random = rng(42);
  const ours: number[] = [];
  const oursCpu: number[] = [];
  const baseline: number[] = [];
  const baselineCpu: number[] = [];
  let decisions = 0;
  let baselineObjects = 0;
  let setReplicas = 0;

  for (let cycle = 0; cycle < WARMUP_CYCLES + CYCLES; cycle++) {
    const now = T0 + cycle * PERIOD_MS;
    const snapshots = worlds.map((w) => snapshotFor(w, cycle, random, now));

    // Baseline: the HPA core alone, one HPA per object (frontend, prefill group, decode group) on the same inputs.
    const hpaSnapshots: HpaSnapshot[] = [];
    snapshots.forEach((s, i) => {
      const w = worlds[i];
      if (w === undefined) return;
      // Every object ours decides: each role in each PodCliqueSet replica.
      for (const role of ['frontend', 'prefill', 'decode'] as const) {
        const rs = s.roles[role];
        (rs?.replicas ?? [1]).forEach((current, r) => {
          const inputs = rs?.hpa?.[r] ?? { ...frontendInputs(`${role}-${i}-${r}`, current, 5 + 10 * random(), now), objectMetrics: [], externalMetrics: [] };
          hpaSnapshots.push({
            now,
            hpa: {
              spec: {
                scaleTargetRef: { kind: 'PodClique', name: `${w.policy.metadata.name}-${r}-${role}` },
                minReplicas: 1,
                maxReplicas: 16,
                metrics: [{ type: 'Pods', pods: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '10' } } }],
              },
            },
            currentReplicas: current,
            ...inputs,
            recommendations: [],
            scaleUpEvents: [],
            scaleDownEvents: [],
          });
        });
      }
    });
    if (cycle >= WARMUP_CYCLES) baselineObjects += hpaSnapshots.length;
    const b = await timed(() => {
      for (const h of hpaSnapshots) computeHpaDecision(h);
    });
    let results: ReturnType<typeof decide>[] = [];
    const t = await timed(() => {
      results = worlds.map((w, i) => decide(w.policy, w.set, snapshots[i] ?? { time: now, roles: {} }, w.history, now));
    });

    results.forEach((r, i) => {
      const w = worlds[i];
      if (w === undefined) return;
      w.history = r.history;
      for (const role of ['frontend', 'prefill', 'decode']) w.replicas[role] = r.decisions.filter((d) => d.role === role).map((d) => d.desired);
      w.set = { ...w.set, spec: { ...w.set.spec, replicas: r.set.desired } };
    });
    if (cycle >= WARMUP_CYCLES) {
      ours.push(t.wall);
      oursCpu.push(t.cpu);
      baseline.push(b.wall);
      baselineCpu.push(b.cpu);
      decisions += results.reduce((s, r) => s + r.decisions.length, 0);
      setReplicas += results.reduce((s, r) => s + r.set.desired, 0);
    }
  }

  const oursMs = median(ours);
  const baseMs = median(baseline);
  const oursCpuMs = median(oursCpu);
  const baseCpuMs = median(baselineCpu);
  const perCycleDecisions = decisions / CYCLES;
  return {
    name: 'scaler: multilevel decisions for 1,000 PodCliqueSets',
    figure:
      `${oursMs.toFixed(1)} ms per cycle wall, ${oursCpuMs.toFixed(1)} ms CPU (median of ${CYCLES}; goal ≤ 50 ms), ` +
      `${Math.round((perCycleDecisions / oursMs) * 1000).toLocaleString('en-US')} decisions/s`,
    ratio: baseMs / oursMs,
    baseline: `the HPA core alone on the same ${Math.round(baselineObjects / CYCLES).toLocaleString('en-US')} objects per cycle: ${baseMs.toFixed(1)} ms wall, ${baseCpuMs.toFixed(1)} ms CPU (ratio < 1: what the SLO model, prediction, ratio, budget and levels add)`,
    details: {
      sets: SETS,
      cycles: CYCLES,
      oursMedianMs: oursMs,
      oursMaxMs: Math.max(...ours),
      oursMedianCpuMs: oursCpuMs,
      baselineObjectsPerCycle: baselineObjects / CYCLES,
      baselineMedianMs: baseMs,
      baselineMedianCpuMs: baseCpuMs,
      decisionsPerCycle: perCycleDecisions,
      meanSetReplicas: setReplicas / CYCLES / SETS,
      decisionsPerSecond: (perCycleDecisions / oursMs) * 1000,
    },
  };
}
