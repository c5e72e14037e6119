import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { diffPolicySources, explainPolicySource, lintPolicySources } from '../../../src/cli/commands/policy.ts';

const run = promisify(execFile);
const EXAMPLES = ['aggregated', 'agentic-pipeline', 'disaggregated-multi-node', 'disaggregated-single-node'];
const src = (file: string) => ({ file, text: readFileSync(file, 'utf8') });

async function canopy(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['src/cli/main.ts', ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('policy lint', () => {
  it.each(EXAMPLES)('the %s example lints clean against its PodCliqueSet', (dir) => {
    const r = lintPolicySources([src(`policies/${dir}/policy.yaml`)], src(`policies/${dir}/podcliqueset.yaml`));
    expect(r.lines.filter((l) => !l.includes('warning:'))).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('warns, at the metric, about hpa metrics the live scaler has no source for (resource metrics, names outside the signal set)', () => {
    const r = lintPolicySources([src('policies/disaggregated-multi-node/policy.yaml')]);
    expect(r.ok).toBe(true);
    expect(r.lines.find((l) => l.includes('spec.roles[0].metrics[0]'))).toMatch(/:25:11: .*warning: Resource metric: the live scaler reads no metrics\.k8s\.io/);
    const renamed = readFileSync('policies/agentic-pipeline/policy.yaml', 'utf8').replace('name: requests_running', 'name: vllm_num_requests_running');
    const u = lintPolicySources([{ file: 'renamed.yaml', text: renamed }]);
    expect(u.lines.find((l) => l.includes('spec.roles[3].metrics[0]'))).toMatch(/warning: metric "vllm_num_requests_running" is not one of Canopy's signals/);
    // The example itself uses Canopy's own name for the running-requests gauge.
    expect(lintPolicySources([src('policies/agentic-pipeline/policy.yaml')]).lines.some((l) => l.includes('roles[3].metrics'))).toBe(false);
  });

  const pcs = src('policies/disaggregated-multi-node/podcliqueset.yaml');
  const policyText = readFileSync('policies/disaggregated-multi-node/policy.yaml', 'utf8');

  it('reports missing roles, floors below minAvailable, an unreachable ratio and an over-tight budget with positions', () => {
    const text = policyText
      .replace('podCliqueScalingGroup: decode', 'podCliqueScalingGroup: decoder')
      .replace('minReplicas: 2\n      maxReplicas: 4', 'minReplicas: 1\n      maxReplicas: 4')
      .replace('maxGpus: 128', 'maxGpus: 16');
    const r = lintPolicySources([{ file: 'bad.yaml', text }], pcs);
    expect(r.ok).toBe(false);
    // line:col of the value that follows `needle` (1-based, as editors count).
    const at = (needle: string) => {
      const lines = text.split('\n');
      const i = lines.findIndex((l) => l.includes(needle));
      return `${i + 1}:${(lines[i] ?? '').indexOf(needle) + needle.replace(/\S+$/, '').length + 1}`;
    };
    const errors = r.lines.filter((l) => !l.includes('warning:'));
    expect(errors).toEqual([
      `bad.yaml:${at('minReplicas: ')}: spec.roles[0].minReplicas: minReplicas 1 is below the PodClique's minAvailable 2`,
      `bad.yaml:${at('podCliqueScalingGroup: decoder')}: spec.roles[2].target.podCliqueScalingGroup: PodCliqueSet "dsr1-disagg" has no podCliqueScalingGroup "decoder"`,
      // frontend (2 pods, no GPU) + prefill 1 × 16 at the floors: 16 fits, decode is not resolved.
      ...errors.slice(2),
    ]);
    const strict = lintPolicySources([{ file: 'b2.yaml', text: policyText.replace('maxGpus: 128', 'maxGpus: 16') }], pcs);
    expect(strict.lines.filter((l) => !l.includes('warning:'))).toEqual([`b2.yaml:${text.split('\n').findIndex((l) => l.includes('maxGpus')) + 1}:14: spec.gpuBudget.maxGpus: the minimum sizes already need 32 GPUs (1 set replica(s)), over the budget of 16`]);
  });

  it('reports a ratio band no sizes can reach', () => {
    const text = policyText.replace('    min: 0.25\n    max: 1', '    min: 4\n    max: 5');
    const r = lintPolicySources([{ file: 'ratio.yaml', text }], pcs);
    expect(r.lines).toContain(`ratio.yaml:${text.split('\n').indexOf('  ratio:') + 2}:5: spec.ratio: no sizes within prefill [1, 3] and decode [1, 6] give a ratio in 4–5`);
  });

  it('checks that the phase cliques are members of the targeted scaling group, at the offending name', () => {
    const single = src('policies/disaggregated-single-node/podcliqueset.yaml');
    const good = readFileSync('policies/disaggregated-single-node/policy.yaml', 'utf8');
    expect(good).toContain('phaseCliques:');
    expect(lintPolicySources([{ file: 'good.yaml', text: good }], single).lines.filter((l) => !l.includes('warning:'))).toEqual([]);
    // frontend is a clique of the set, but a standalone one: not one of pd's cliqueNames.
    const text = good.replace('decode: [decode]', 'decode: [decode, frontend]');
    const r = lintPolicySources([{ file: 'pc.yaml', text }], single);
    expect(r.ok).toBe(false);
    const line = text.split('\n').findIndex((l) => l.includes('decode: [decode, frontend]'));
    const col = (text.split('\n')[line] ?? '').indexOf('frontend]') + 1;
    expect(r.lines.filter((l) => !l.includes('warning:'))).toEqual([`pc.yaml:${line + 1}:${col}: spec.roles[1].slo.phaseCliques.decode[1]: "frontend" is not a member clique of scaling group "pd" (cliqueNames: prefill, decode)`]);
  });

  it('reports schema errors at the offending field', () => {
    const text = policyText.replace('percentile: 90, targetSeconds: 2', 'percentile: 90, targetSeconds: -2');
    const r = lintPolicySources([{ file: 's.yaml', text }]);
    expect(r.ok).toBe(false);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^s\.yaml:\d+:\d+: spec\.roles\[1\]\.slo\.ttft\.targetSeconds: /);
  });

  it('exit codes: 0 clean, 1 findings, 2 usage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canopy-policy-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, policyText.replace('maxGpus: 128', 'maxGpus: 8'));
    const ok = await canopy(['policy', 'lint', 'policies/disaggregated-multi-node/policy.yaml', '--pcs', 'policies/disaggregated-multi-node/podcliqueset.yaml']);
    expect(ok.code).toBe(0);
    const findings = await canopy(['policy', 'lint', bad, '--pcs', 'policies/disaggregated-multi-node/podcliqueset.yaml']);
    expect(findings.code).toBe(1);
    expect(findings.stderr).toMatch(new RegExp(`^${bad}:\\d+:\\d+: spec\\.gpuBudget\\.maxGpus: `, 'm'));
    expect((await canopy(['policy', 'lint'])).code).toBe(2);
    expect((await canopy(['policy', 'lint', 'x.yaml', '--bogus'])).code).toBe(2);
  });
});

describe('policy explain and diff', () => {
  it('explains the roles, the SLO capacities and the defaults in plain words', () => {
    const r = explainPolicySource(src('policies/aggregated/policy.yaml'), src('policies/aggregated/podcliqueset.yaml'));
    const text = r.lines.join('\n');
    expect(r.ok).toBe(true);
    expect(text).toMatch(/Role worker scales PodClique "worker" in pods, between 1 and 8 per set replica, never below minAvailable 1\./);
    expect(text).toMatch(/one replica carries 43,273 prompt tokens\/s/);
    expect(text).toMatch(/only recommends \(advisory\)/);
    expect(text).toMatch(/within 80 % of every limit/);
    const pd = explainPolicySource(src('policies/disaggregated-single-node/policy.yaml')).lines;
    expect(pd).toContain('  Arrivals and prompt tokens are read from its prefill cliques (prefill), output tokens from its decode cliques (decode), so a request both phases serve counts once.');
  });

  it('lists behaviour changes and ignores spelled-out defaults', () => {
    const before = src('policies/disaggregated-multi-node/policy.yaml');
    const after = {
      file: 'after.yaml',
      text: before.text
        .replace('maxReplicas: 6', 'maxReplicas: 8')
        .replace('targetSeconds: 0.1', 'targetSeconds: 0.05')
        .replace('  scaleIn:\n    headroom: 0.8', '  scaleIn:\n    headroom: 0.8\n    minObservations: 5')
        .replace('actuation: advisory', 'actuation: scale'),
    };
    const r = diffPolicySources(before, after);
    expect(r.lines).toEqual([
      'spec.actuation: "advisory" → "scale".',
      'spec.roles[decode].maxReplicas: 6 → 8 — can grow further.',
      'spec.roles[decode].slo.itl.targetSeconds: 0.1 → 0.05 — demands faster responses (more replicas).',
      'The policy now writes to /scale (was advisory).',
    ]);
    expect(diffPolicySources(before, before).lines).toEqual(['No behaviour changes.']);
  });

  it('runs as a command', async () => {
    const r = await canopy(['policy', 'explain', 'policies/agentic-pipeline/policy.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No profile: capacity is fitted online/);
    const d = await canopy(['policy', 'diff', 'policies/aggregated/policy.yaml', 'policies/agentic-pipeline/policy.yaml']);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/Role worker is removed/);
  });
});
