import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseScalingPolicy } from '../../../../src/api/scaling-policy.ts';
import { builtinProfile } from '../../../../src/sim/engine/profiles.ts';
import { defaultPolicy } from '../../../../src/sim/policies/default-scenario.ts';
import { DEFAULT_SLO } from '../../../../src/sim/score/slo.ts';
import { createProgress } from '../../../../src/sim/tune/progress.ts';
import { better, coordinateDescent, type Evaluation } from '../../../../src/sim/tune/search.ts';
import { applyTuning, currentTuning, type Parameter, type Tuning } from '../../../../src/sim/tune/space.ts';

describe('coordinate descent', () => {
  const space: Parameter[] = [
    { name: 'x', description: '', values: [1, 2, 3, 4] },
    { name: 'y', description: '', values: [10, 20, 30] },
  ];
  // Cost grows with x and y; the SLO holds only when x + y/10 ≥ 4.
  const evaluate = (t: Tuning): Evaluation => {
    const x = t['x'] ?? 0;
    const y = t['y'] ?? 0;
    return { attainment: x + y / 10 >= 4 ? 1 : 0.5, gpuHours: x * 3 + y / 10, actions: 0 };
  };

  it('finds the cheapest feasible point along the axes', () => {
    const r = coordinateDescent(space, { x: 4, y: 30 }, evaluate, { floor: 0.99, budget: 50 });
    expect(r.feasible).toBe(true);
    // From (4, 30): x → 1 (1 + 3 = 4 holds, cost 6); then y cannot drop (1 + 2 < 4).
    expect(r.best.tuning).toEqual({ x: 1, y: 30 });
    expect(r.best.evaluation.gpuHours).toBe(6);
  });

  it('never evaluates more than the budget and never the same point twice', () => {
    const seen: string[] = [];
    const r = coordinateDescent(space, { x: 4, y: 30 }, (t) => {
      seen.push(JSON.stringify(t));
      return evaluate(t);
    }, { floor: 0.99, budget: 3 });
    expect(r.trials).toHaveLength(3);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('orders candidates lexicographically: feasible, GPU-hours, actions', () => {
    const a = { attainment: 0.995, gpuHours: 10, actions: 5 };
    expect(better(a, { attainment: 0.98, gpuHours: 1, actions: 0 }, 0.99)).toBe(true);
    expect(better({ ...a, gpuHours: 9 }, a, 0.99)).toBe(true);
    expect(better({ ...a, actions: 4 }, a, 0.99)).toBe(true);
    expect(better(a, a, 0.99)).toBe(false);
    // Below the floor, higher attainment wins.
    expect(better({ attainment: 0.9, gpuHours: 5, actions: 0 }, { attainment: 0.8, gpuHours: 1, actions: 0 }, 0.99)).toBe(true);
  });
});

describe('tuning space', () => {
  it('applies a candidate to the policy fields it names and nothing else', () => {
    const base = defaultPolicy({ profile: builtinProfile(), slo: DEFAULT_SLO, startupSeconds: 60 });
    expect(currentTuning(base)).toEqual({ targetHeadroom: 1, scaleInHeadroom: 0.8, scaleDownStabilizationSeconds: 300, horizonSeconds: 60 });
    const p = applyTuning(base, { targetHeadroom: 0.8, scaleInHeadroom: 0.6, scaleDownStabilizationSeconds: 120, horizonSeconds: 30 });
    expect(p.spec.roles[0]?.slo?.ttft?.targetSeconds).toBeCloseTo(0.4, 12);
    expect(p.spec.roles[1]?.slo?.itl?.targetSeconds).toBeCloseTo(0.04, 12);
    expect(p.spec.scaleIn.headroom).toBe(0.6);
    expect(p.spec.behavior?.scaleDown?.stabilizationWindowSeconds).toBe(120);
    expect(p.spec.prediction.horizonSeconds).toBe(30);
    expect(p.spec.prediction.startupSeconds).toBe(base.spec.prediction.startupSeconds);
    expect(p.spec.roles[0]?.maxReplicas).toBe(base.spec.roles[0]?.maxReplicas);
    expect(parseScalingPolicy(p).ok).toBe(true);
  });
});

describe('progress', () => {
  it('draws a bar on a terminal and plain lines elsewhere', () => {
    const tty: string[] = [];
    const p = createProgress({ isTTY: true, write: (t) => tty.push(t) }, 4, 'tune', 8);
    p.update(2, 'x');
    expect(tty[0]).toBe('\r\x1b[2Ktune [####....] 2/4 x');
    const plain: string[] = [];
    const q = createProgress({ isTTY: false, write: (t) => plain.push(t) }, 4, 'tune');
    q.update(1, 'y');
    q.finish('done');
    expect(plain).toEqual(['tune: 1/4 y\n', 'tune: done\n']);
  });
});

describe('canopy tune', () => {
  it('writes a valid policy whose header records the evidence, progress on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canopy-tune-'));
    const out = join(dir, 'tuned.yaml');
    const main = join(import.meta.dirname, '../../../../src/cli/main.ts');
    const r = spawnSync(process.execPath, [main, 'tune', '--policy', 'default', '--trace', 'azure-conv', '--duration', '180', '--scale', '2', '--budget-evals', '3', '--attainment', '0.9', '-o', out], { encoding: 'utf8' });
    expect(r.stderr).toContain('tune: 3/3');
    expect(r.status).toBe(0);
    const text = readFileSync(out, 'utf8');
    const header = text.split('\n').filter((l) => l.startsWith('#')).join('\n');
    expect(header).toContain('Evidence: trace azure-conv (sha256:');
    expect(header).toContain('seed 1');
    expect(header).toMatch(/Result: [\d.]+ % of windows met/);
    expect(header).toMatch(/GPU-hours, [\d.]+x the achievable oracle/);
    expect(parseScalingPolicy(parse(text)).ok).toBe(true);
  }, 20_000);

  it('exits 2 on a bad flag', () => {
    const main = join(import.meta.dirname, '../../../../src/cli/main.ts');
    const r = spawnSync(process.execPath, [main, 'tune', '--policy', 'default', '--trace', 'azure-conv', '--attainment', '2', '-o', '/tmp/x.yaml'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
  });
});
