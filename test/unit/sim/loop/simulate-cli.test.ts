import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSlo } from '../../../../src/sim/policies/setup.ts';
import { simulate } from '../../../../src/sim/policies/simulate.ts';

const NODE = process.execPath;
const MAIN = join(import.meta.dirname, '../../../../src/cli/main.ts');
const SHORT = ['--trace', 'azure-conv', '--duration', '180', '--scale', '1.5'];

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NODE, [MAIN, 'simulate', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('canopy simulate', () => {
  it('writes the same summary JSON for the same seed and a different one for another seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canopy-sim-'));
    const out = (name: string) => join(dir, name);
    for (const [file, seed] of [['a.json', '4'], ['b.json', '4'], ['c.json', '5']] as const) {
      execFileSync(NODE, [MAIN, 'simulate', '--policy', 'default', ...SHORT, '--seed', seed, '--json', out(file)], { encoding: 'utf8' });
    }
    const a = readFileSync(out('a.json'), 'utf8');
    expect(readFileSync(out('b.json'), 'utf8')).toBe(a);
    expect(readFileSync(out('c.json'), 'utf8')).not.toBe(a);
    const summary = JSON.parse(a) as { seed: number; runs: { policy: string; gpuHours: number }[]; oracle: { variant: string } };
    expect(summary.seed).toBe(4);
    expect(summary.runs.map((r) => r.policy)).toEqual(['canopy']);
    expect(summary.oracle.variant).toBe('achievable');
  }, 30_000);

  it('prints a table with every baseline and writes a self-contained report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canopy-sim-'));
    const r = run(['--policy', 'default', ...SHORT, '--baselines', '--report', join(dir, 'r.html')]);
    expect(r.status).toBe(0);
    for (const p of ['canopy', 'static-peak', 'static-mean', 'hpa-queue', 'keda-threshold', 'dynamo-planner', 'oracle']) expect(r.stdout).toMatch(new RegExp(`^${p}\\s`, 'm'));
    expect(r.stdout).toContain('oracle (achievable)');
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('dynamo-planner');
  }, 30_000);

  it('runs a policy file from the repository against its PodCliqueSet', () => {
    const r = run(['--policy', 'policies/disaggregated-single-node/policy.yaml', '--trace', 'azure-conv', '--duration', '120']);
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^canopy\s.*pd=\d/m);
  }, 30_000);

  it('exits 2 on usage errors and 1 on bad input', () => {
    expect(run(['--policy', 'default', '--trace', 'azure-conv', '--seed', 'x']).status).toBe(2);
    expect(run(['--policy', 'default']).status).toBe(2);
    const missing = run(['--policy', 'no/such/policy.yaml', '--trace', 'azure-conv']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no such file');
  }, 30_000);
});

describe('simulate options', () => {
  it('parses --slo', () => {
    expect(parseSlo('ttft=0.2,itl=0.02')).toEqual({ ttftSeconds: 0.2, itlSeconds: 0.02, quantile: 0.9 });
    expect(parseSlo('itl=0.03,q=0.99')).toEqual({ ttftSeconds: 0.5, itlSeconds: 0.03, quantile: 0.99 });
    expect(() => parseSlo('ttft=-1')).toThrow(/positive/);
    expect(() => parseSlo('p=1')).toThrow();
  });

  it('is a pure function of its options', () => {
    const o = { policy: 'default', trace: 'azure-code', seed: 2, slo: parseSlo(undefined), scale: 1, durationSeconds: 180, startupSeconds: 30, baselines: false, warmupSeconds: 0 };
    expect(simulate(o).summary).toEqual(simulate(o).summary);
  }, 30_000);
});
