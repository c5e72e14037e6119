import { describe, it, expect } from 'vitest';
import { resourceSamples } from '../../../../src/scaler/hpa/samples.ts';
import { resourceUtilizationReplicas } from '../../../../src/scaler/hpa/utilization.ts';
import type { Pod } from '../../../../src/scaler/hpa/types.ts';
import { at, metricSample, pod, pods } from './fixtures.ts';

// Resource metric, Utilization target (GetResourceReplicas). Every pod requests 1000m of CPU unless noted;
// usage values are milli-CPU. utilization = trunc(Σusage × 100 / Σrequest); ratio = utilization / target.
const timing = { now: at(0), cpuInitializationPeriodMs: 300_000, initialReadinessDelayMs: 30_000 };
const tol = { scaleDown: 0.1, scaleUp: 0.1 };

function calc(current: number, target: number, podList: Pod[], usage: Record<string, number>, resource = 'cpu') {
  const samples = resourceSamples(
    Object.entries(usage).map(([p, v]) => metricSample(p, resource, BigInt(v))),
    resource,
  );
  return resourceUtilizationReplicas({ currentReplicas: current, targetUtilization: target, resource, pods: podList, samples, tolerances: tol, timing });
}

const replicas = (r: ReturnType<typeof calc>): number => {
  if (!r.ok) throw new Error(r.error);
  return r.value.replicas;
};

describe('utilization: no missing or unready pods', () => {
  const table: readonly [string, number, number, number[], number][] = [
    // 1500/3000 = 50 %; 50/30 = 1.667; ceil(1.667 × 3) = 5
    ['scale up', 3, 30, [300, 500, 700], 5],
    // 1400/5000 = 28 %; 28/50 = 0.56; ceil(0.56 × 5) = 3
    ['scale down', 5, 50, [100, 300, 500, 250, 250], 3],
    // 3150/3000 = 105 %; 1.05 within [0.9, 1.1] → current
    ['within tolerance', 3, 100, [1050, 1100, 1000], 3],
    // 3300/3000 = 110 %; 1.1 is the inclusive upper edge → current
    ['upper edge 1.1 is inside', 3, 100, [1100, 1100, 1100], 3],
    // 3330/3000 = 111 %; 1.11 × 3 = 3.33 → 4
    ['just above the upper edge', 3, 100, [1110, 1110, 1110], 4],
    // 9000/10000 = 90 %; 0.9 is the inclusive lower edge → current
    ['lower edge 0.9 is inside', 10, 100, Array<number>(10).fill(900), 10],
    // 8900/10000 = 89 %; 0.89 × 10 = 8.9 → 9
    ['just below the lower edge', 10, 100, Array<number>(10).fill(890), 9],
    // 999/3000 = 33.3 % → trunc 33; 33/100 = 0.33; ceil(0.99) = 1
    ['utilization truncates', 3, 100, [333, 333, 333], 1],
  ];
  it.each(table)('%s', (_name, current, target, usage, expected) => {
    const list = pods(usage.length);
    const r = calc(current, target, list, Object.fromEntries(usage.map((u, i) => [`p${i}`, u])));
    expect(replicas(r)).toBe(expected);
  });

  it('reports the first-pass utilization and the raw average', () => {
    const r = calc(3, 30, pods(3), { p0: 300, p1: 500, p2: 700 });
    expect(r.ok && r.value.utilization).toBe(50);
    expect(r.ok && r.value.rawAverage).toBe(500n);
  });
});

describe('utilization: missing pods', () => {
  it('scale-down: a missing pod counts at 100 % of its request', () => {
    // p0..p2 at 100 → 300/3000 = 10 %, ratio 0.2; p3 filled at 1000 → 1300/4000 = 32 % → 0.64; ceil(0.64 × 4) = 3
    expect(replicas(calc(4, 50, pods(4), { p0: 100, p1: 100, p2: 100 }))).toBe(3);
  });
  it('scale-down: a target above 100 % fills missing pods at the target', () => {
    // 4500/3000 = 150 %, target 200 → 0.75; p3 filled at 1000 × 200/100 = 2000 → 6500/4000 = 162 % → 0.81;
    // ceil(0.81 × 4) = 4. (A 100 % fill would give 137 % → 0.685 → 3.)
    expect(replicas(calc(4, 200, pods(4), { p0: 1500, p1: 1500, p2: 1500 }))).toBe(4);
  });
  it('scale-up: missing pods count as 0', () => {
    // 2000/2000 = 100 %, target 40 → 2.5; p2, p3 at 0 → 2000/4000 = 50 % → 1.25; ceil(1.25 × 4) = 5
    expect(replicas(calc(4, 40, pods(4), { p0: 1000, p1: 1000 }))).toBe(5);
  });
  it('scale-up damped into tolerance keeps current', () => {
    // 100 % vs 50 → 2; with two zeros 50 % → 1.0 → within → 4
    expect(replicas(calc(4, 50, pods(4), { p0: 1000, p1: 1000 }))).toBe(4);
  });
  it('ratio exactly 1: nothing is filled, new ratio is still 1 → current', () => {
    expect(replicas(calc(3, 50, pods(3), { p0: 500, p1: 500 }))).toBe(3);
  });
  it('direction flip on scale-down → current', () => {
    // 400/1000 = 40 % vs 50 → 0.8; p1..p3 filled at 100 % → 3400/4000 = 85 % → 1.7 > 1 → current
    expect(replicas(calc(4, 50, pods(4), { p0: 400 }))).toBe(4);
  });
  it('direction flip on scale-up → current', () => {
    // 120 % vs 100 → 1.2; p1, p2 at 0 → 1200/3000 = 40 % → 0.4 < 1 → current
    expect(replicas(calc(3, 100, pods(3), { p0: 1200 }))).toBe(3);
  });
  it('stray samples count in the sample total: a scale-down that would grow stays at current', () => {
    // pods a, b; b missing; strays x, y (no request: left out of the ratio but counted as samples).
    // 500/1000 = 50 % → 0.5; b at 1000 → 1500/2000 = 75 % → 0.75; ceil(0.75 × 4 samples) = 3 > 2 → current 2
    expect(replicas(calc(2, 100, [pod('a'), pod('b')], { a: 500, x: 1, y: 1 }))).toBe(2);
  });
});

describe('utilization: unready pods', () => {
  it('scale-up with unready pods counts them as 0', () => {
    // p0 Pending; p1, p2 at 1000 → 100 % vs 50 → 2; p0 at 0 → 2000/3000 = 66 % → 1.32; ceil(1.32 × 3) = 4
    const list = [pod('p0', { phase: 'Pending' }), pod('p1'), pod('p2')];
    expect(replicas(calc(3, 50, list, { p0: 1000, p1: 1000, p2: 1000 }))).toBe(4);
  });
  it('scale-down ignores unready pods (no fill, ready count only)', () => {
    // p1, p2 at 250 → 25 % vs 50 → 0.5; no missing, not a scale-up → ceil(0.5 × 2) = 1
    const list = [pod('p0', { phase: 'Pending' }), pod('p1'), pod('p2')];
    expect(replicas(calc(3, 50, list, { p1: 250, p2: 250 }))).toBe(1);
  });
  it('CPU samples of a pod that just became ready are not trusted', () => {
    // p0 started 60 s ago, ready 10 s ago: its sample window began before readiness → unready, then filled at 0.
    // p1, p2 at 1000 → 100 % vs 50 → 2; → 2000/3000 = 66 % → 1.32 → 4
    const list = [pod('p0', { startedAt: -60, readySince: -10 }), pod('p1'), pod('p2')];
    expect(replicas(calc(3, 50, list, { p0: 5000, p1: 1000, p2: 1000 }))).toBe(4);
  });
  it('memory ignores readiness', () => {
    // all three count: 3000/3000 = 100 % vs 50 → 2; ceil(2 × 3) = 6
    const list = [pod('p0', { ready: 'False', readySince: -10, memory: '1000m' }), pod('p1', { memory: '1000m' }), pod('p2', { memory: '1000m' })];
    expect(replicas(calc(3, 50, list, { p0: 1000, p1: 1000, p2: 1000 }, 'memory'))).toBe(6);
  });
  it('a scale-up that ends below current with unready fill → current', () => {
    // 5 pods: p0, p1 sampled at 100 %; p2 Pending; p3, p4 deleted (ignored). ratio 2 vs 50;
    // p2 at 0 → 2000/3000 = 66 % → 1.32; ceil(1.32 × 3) = 4 < 5 → current 5
    const list = [pod('p0'), pod('p1'), pod('p2', { phase: 'Pending' }), pod('p3', { deleted: true }), pod('p4', { deleted: true })];
    expect(replicas(calc(5, 50, list, { p0: 1000, p1: 1000 }))).toBe(5);
  });
});

describe('utilization: errors', () => {
  const table: readonly [string, () => ReturnType<typeof calc>, string][] = [
    ['no samples at all', () => calc(2, 50, pods(2), {}), 'unable to get metrics for resource cpu: no metrics returned from resource metrics API'],
    ['no pods', () => calc(2, 50, [], { p0: 1 }), 'no pods returned by selector while calculating replica count'],
    ['every sampled pod unready', () => calc(2, 50, [pod('p0', { phase: 'Pending' }), pod('p1')], { p0: 1 }), 'did not receive metrics for targeted pods (pods might be unready)'],
    ['only stray samples', () => calc(2, 50, [pod('p0')], { zz: 1 }), 'no metrics returned matched known pods'],
    ['missing request', () => calc(2, 50, [pod('p0'), { metadata: { name: 'p1' }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Running' } }], { p0: 1 }),
      'missing request for cpu in container app of Pod p1'],
  ];
  it.each(table)('%s', (_name, run, message) => {
    const r = run();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe(message);
  });
});

describe('requests and per-container samples', () => {
  it('sums container requests and container usage per pod', () => {
    // each pod: requests 500m + 1500m = 2000m; usage 1000 + 1000 = 2000 → 100 % vs 50 → 2; ceil(2 × 2) = 4
    const list = pods(2, { cpu: ['500m', '1500m'] });
    const samples = resourceSamples(
      list.flatMap((p) => [metricSample(p.metadata.name, 'cpu', 1000n, { container: 'c0' }), metricSample(p.metadata.name, 'cpu', 1000n, { container: 'c1' })]),
      'cpu',
    );
    const r = resourceUtilizationReplicas({ currentReplicas: 2, targetUtilization: 50, resource: 'cpu', pods: list, samples, tolerances: tol, timing });
    expect(r.ok && r.value.replicas).toBe(4);
    expect(r.ok && r.value.rawAverage).toBe(2000n);
  });
  it('ContainerResource reads one container: request 1500m, usage 1500 → 100 % vs 50 → ceil(2 × 2) = 4', () => {
    const list = pods(2, { cpu: ['500m', '1500m'] });
    const samples = resourceSamples(
      list.flatMap((p) => [metricSample(p.metadata.name, 'cpu', 10n, { container: 'c0' }), metricSample(p.metadata.name, 'cpu', 1500n, { container: 'c1' })]),
      'cpu',
      'c1',
    );
    const r = resourceUtilizationReplicas({ currentReplicas: 2, targetUtilization: 50, resource: 'cpu', container: 'c1', pods: list, samples, tolerances: tol, timing });
    expect(r.ok && r.value.replicas).toBe(4);
    expect(r.ok && r.value.utilization).toBe(100);
  });
  it('ContainerResource fails when a pod has no metrics for the container', () => {
    const samples = resourceSamples([metricSample('p0', 'cpu', 10n, { container: 'c0' })], 'cpu', 'c1');
    expect(samples.ok).toBe(false);
  });
  it('ContainerResource fails when a pod lacks the container', () => {
    const list = pods(1, { cpu: ['1'] });
    const samples = resourceSamples([metricSample('p0', 'cpu', 10n, { container: 'side' })], 'cpu', 'side');
    const r = resourceUtilizationReplicas({ currentReplicas: 1, targetUtilization: 50, resource: 'cpu', container: 'side', pods: list, samples, tolerances: tol, timing });
    expect(!r.ok && r.error).toBe('container side not found in Pod p0');
  });
  it('restartable init containers add to the request', () => {
    // request 1000 (app) + 1000 (sidecar, restartPolicy Always) = 2000; usage 2000 → 100 % vs 100 → within → 1
    const p: Pod = {
      metadata: { name: 'p0' },
      spec: {
        containers: [{ name: 'app', resources: { requests: { cpu: '1' } } }],
        initContainers: [
          { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { cpu: '1' } } },
          { name: 'init', resources: { requests: { cpu: '5' } } },
        ],
      },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }], startTime: '2025-01-01T00:00:00Z' },
    };
    const samples = resourceSamples([metricSample('p0', 'cpu', 2000n)], 'cpu');
    const r = resourceUtilizationReplicas({ currentReplicas: 1, targetUtilization: 100, resource: 'cpu', pods: [p], samples, tolerances: tol, timing });
    expect(r.ok && r.value.utilization).toBe(100);
  });
});
