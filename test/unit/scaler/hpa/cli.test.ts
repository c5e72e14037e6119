import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHpaExplain } from '../../../../src/cli/commands/hpa-explain.ts';

// The reference §11 example as an explain document: Pods metric queue_depth, target 10, samples 4, 6, 5 and
// one pod without a sample, a recommendation of 4 two minutes ago.
const example = {
  now: '2026-01-01T00:10:00Z',
  hpa: {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [{ type: 'Pods', pods: { metric: { name: 'queue_depth' }, target: { type: 'AverageValue', averageValue: '10' } } }],
    },
  },
  currentReplicas: 4,
  pods: ['a', 'b', 'c', 'd'].map((name) => ({ metadata: { name }, status: { phase: 'Running' } })),
  podMetrics: [
    { pod: 'a', metric: 'queue_depth', value: '4', timestamp: '2026-01-01T00:09:50Z', window: '30s' },
    { pod: 'b', metric: 'queue_depth', value: 6 },
    { pod: 'c', metric: 'queue_depth', value: '5000m', window: 60 },
  ],
  recommendations: [{ replicas: 4, timestamp: '2026-01-01T00:08:00Z' }],
};
const NOW = Date.parse('2026-01-01T00:10:00Z');

describe('runHpaExplain', () => {
  it('json: desired replicas, per-metric proposal and conditions', () => {
    const r = runHpaExplain(JSON.stringify(example), 'json', NOW);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      currentReplicas: 4,
      desiredReplicas: 4,
      rescale: false,
      metrics: [{ type: 'Pods', name: 'queue_depth', proposal: 3, currentValue: '5' }],
      conditions: [
        { type: 'AbleToScale', status: 'True', reason: 'ScaleDownStabilized' },
        { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' },
        { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange' },
      ],
      recommendations: [
        { replicas: 4, timestamp: '2026-01-01T00:08:00.000Z' },
        { replicas: 3, timestamp: '2026-01-01T00:10:00.000Z' },
      ],
    });
  });

  it('text: one line per metric, then the steps and conditions', () => {
    const r = runHpaExplain(JSON.stringify(example), 'text', NOW);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('HPA default/web for Deployment/web: stays at 4');
    expect(lines[1]).toBe('metrics:');
    expect(lines[2]).toMatch(/^ {2}Pods queue_depth: 3 replicas: average 5 vs target 10 .*ceil\(0\.625 × 4\) = 3$/);
    expect(lines).toContain('steps:');
    expect(lines.some((l) => l.includes('stabilization: a recommendation of 4 within the last 300s holds 3 up to 4'))).toBe(true);
    expect(lines).toContain('  ScalingActive=True ValidMetricFound: the HPA was able to successfully calculate a replica count from pods metric queue_depth');
  });

  it('takes "now" from the caller when the document has none, and the controller flags from the document', () => {
    const { now: _now, ...rest } = example;
    // with a 60 s downscale window the 2-minute-old 4 no longer holds: 4 → 3
    const r = runHpaExplain(JSON.stringify({ ...rest, downscaleStabilizationWindow: '1m' }), 'json', NOW);
    expect((JSON.parse(r.stdout) as { desiredReplicas: number }).desiredReplicas).toBe(3);
  });

  it('reports invalid input with field paths and exit code 1', () => {
    const bad = {
      ...example,
      currentReplicas: -1,
      hpa: { spec: { ...example.hpa.spec, maxReplicas: 0, metrics: [{ type: 'Pods', pods: { metric: { name: 'q' }, target: { type: 'AverageValue' } } }] } },
      podMetrics: [{ pod: 'a', metric: 'q', value: 'lots' }],
    };
    const r = runHpaExplain(JSON.stringify(bad), 'json', NOW);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('invalid input: currentReplicas:');
    expect(r.stderr).toContain('invalid input: hpa.spec.maxReplicas:');
    expect(r.stderr).toContain('invalid input: hpa.spec.metrics[0].pods.target.averageValue: must be set when target type is AverageValue');
    expect(r.stderr).toContain('invalid input: podMetrics[0].value: not a valid Kubernetes quantity');
  });

  it('rejects text that is not JSON', () => {
    const r = runHpaExplain('{nope', 'text', NOW);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^invalid input: not JSON/);
  });
});

describe('canopy hpa explain (process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'canopy-hpa-'));
  const file = join(dir, 'example.json');
  writeFileSync(file, JSON.stringify(example));
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, ['src/cli/main.ts', 'hpa', 'explain', ...args], { encoding: 'utf8', ...(input === undefined ? {} : { input }) });

  it('-o json on a file exits 0 with the decision', () => {
    const r = run(['-o', 'json', file]);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { desiredReplicas: number }).desiredReplicas).toBe(4);
  });
  it('reads stdin with "-" and prints text', () => {
    const r = run(['-'], JSON.stringify(example));
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('HPA default/web for Deployment/web: stays at 4');
  });
  it('exits 1 on invalid input, with field paths on stderr', () => {
    const r = run([], JSON.stringify({ hpa: { spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' } } }, currentReplicas: 2 }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('hpa.spec.maxReplicas');
  });
  it('exits 2 on usage errors', () => {
    expect(run(['-o', 'yaml', file]).status).toBe(2);
    expect(run(['--no-such-flag', file]).status).toBe(2);
    expect(run([join(dir, 'missing.json')]).status).toBe(2);
  });
});
