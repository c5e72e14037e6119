// `canopy policy lint|explain|diff`: ScalingPolicy files as they live in git.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { PodCliqueSetSchema, type PodCliqueSet } from '../../api/index.ts';
import { formatFieldPath, parseScalingPolicy, type ScalingPolicy } from '../../api/scaling-policy.ts';
import { loadYaml, type SourceDocument } from '../../api/yaml/source.ts';
import { diffPolicies } from '../../scaler/policy-diff.ts';
import { explainPolicy } from '../../scaler/policy-explain.ts';
import { lintPolicy, lintPolicyAgainst } from '../../scaler/policy-lint.ts';

export interface SourceFile {
  readonly file: string;
  readonly text: string;
}

export interface PolicyReport {
  readonly ok: boolean;
  /** Findings as `file:line:col: field.path: message` (warnings say so after the path). */
  readonly lines: readonly string[];
}

interface LoadedPolicy {
  readonly policy: ScalingPolicy;
  readonly doc: SourceDocument;
}

function at(file: string, doc: SourceDocument, path: readonly (string | number)[]): string {
  const p = doc.positionOf(path);
  return `${file}:${p.line}:${p.col}`;
}

/** Every ScalingPolicy in a file; schema errors become report lines. */
function loadPolicies(src: SourceFile, errors: string[]): LoadedPolicy[] {
  const yaml = loadYaml(src.text);
  for (const e of yaml.errors) errors.push(`${src.file}:${e.line}:${e.col}: syntax error: ${e.message}`);
  const out: LoadedPolicy[] = [];
  if (yaml.documents.length === 0 && yaml.errors.length === 0) errors.push(`${src.file}:1:1: no ScalingPolicy document`);
  for (const doc of yaml.documents) {
    const parsed = parseScalingPolicy(doc.value);
    if (parsed.ok) out.push({ policy: parsed.value, doc });
    else for (const i of parsed.issues) errors.push(`${at(src.file, doc, i.path)}: ${formatFieldPath(i.path) || '(document)'}: ${i.message}`);
  }
  return out;
}

function loadPodCliqueSet(src: SourceFile, errors: string[]): PodCliqueSet | undefined {
  const yaml = loadYaml(src.text);
  for (const e of yaml.errors) errors.push(`${src.file}:${e.line}:${e.col}: syntax error: ${e.message}`);
  for (const doc of yaml.documents) {
    const v = doc.value as { kind?: unknown } | null;
    if (typeof v !== 'object' || v?.kind !== 'PodCliqueSet') continue;
    const parsed = PodCliqueSetSchema.safeParse(doc.value);
    if (parsed.success) return parsed.data;
    for (const i of parsed.error.issues) {
      const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
      errors.push(`${at(src.file, doc, path)}: ${formatFieldPath(path)}: ${i.message}`);
    }
    return undefined;
  }
  if (yaml.errors.length === 0) errors.push(`${src.file}:1:1: no PodCliqueSet document`);
  return undefined;
}

/** Pure: lint already-read policy files, optionally against a PodCliqueSet. */
export function lintPolicySources(files: readonly SourceFile[], pcsFile?: SourceFile): PolicyReport {
  const lines: string[] = [];
  let errors = 0;
  const pcsErrors: string[] = [];
  const pcs = pcsFile === undefined ? undefined : loadPodCliqueSet(pcsFile, pcsErrors);
  lines.push(...pcsErrors);
  errors += pcsErrors.length;
  for (const src of files) {
    const schemaErrors: string[] = [];
    const policies = loadPolicies(src, schemaErrors);
    lines.push(...schemaErrors);
    errors += schemaErrors.length;
    for (const { policy, doc } of policies) {
      for (const f of pcs === undefined ? lintPolicy(policy) : lintPolicyAgainst(policy, pcs)) {
        if (f.severity === 'error') errors++;
        lines.push(`${at(src.file, doc, f.path)}: ${formatFieldPath(f.path)}: ${f.severity === 'warning' ? 'warning: ' : ''}${f.message}`);
      }
    }
  }
  return { ok: errors === 0 && pcsErrors.length === 0, lines };
}

export function explainPolicySource(src: SourceFile, pcsFile?: SourceFile): PolicyReport {
  const errors: string[] = [];
  const policies = loadPolicies(src, errors);
  const pcs = pcsFile === undefined ? undefined : loadPodCliqueSet(pcsFile, errors);
  if (errors.length > 0) return { ok: false, lines: errors };
  return { ok: true, lines: policies.flatMap((p) => explainPolicy(p.policy, pcs)) };
}

export function diffPolicySources(before: SourceFile, after: SourceFile): PolicyReport {
  const errors: string[] = [];
  const a = loadPolicies(before, errors);
  const b = loadPolicies(after, errors);
  const pa = a[0];
  const pb = b[0];
  if (errors.length > 0 || pa === undefined || pb === undefined) return { ok: false, lines: errors };
  const changes = diffPolicies(pa.policy, pb.policy);
  return { ok: true, lines: changes.length === 0 ? ['No behaviour changes.'] : changes };
}

function read(file: string): SourceFile | undefined {
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (err) {
    process.stderr.write(`${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
    return undefined;
  }
}

function print(report: PolicyReport, toStdout: boolean): void {
  const text = report.lines.map((l) => `${l}\n`).join('');
  if (report.ok && toStdout) process.stdout.write(text);
  else process.stderr.write(text);
  process.exitCode = report.ok ? 0 : 1;
}

const usageExit = (err: { exitCode: number }): never => process.exit(err.exitCode === 0 ? 0 : 2);

export function registerPolicy(program: Command): void {
  const policy = new Command('policy').description('Lint, explain and compare ScalingPolicy files (canopy.dev/v1alpha1)').exitOverride(usageExit);
  policy
    .command('lint')
    .description('check policies: schema, and with --pcs the target PodCliqueSet (roles, minAvailable floors, ratio and budget feasibility)')
    .argument('<file...>', 'policy files')
    .option('--pcs <file>', 'the PodCliqueSet the policies target')
    .exitOverride(usageExit)
    .action((files: string[], opts: { pcs?: string }) => {
      const sources = files.map(read);
      const pcs = opts.pcs === undefined ? undefined : read(opts.pcs);
      if (sources.some((s) => s === undefined) || (opts.pcs !== undefined && pcs === undefined)) return;
      const report = lintPolicySources(
        sources.filter((s): s is SourceFile => s !== undefined),
        pcs,
      );
      // Warnings alone do not fail the lint; they still go to stderr.
      print(report, false);
      if (report.ok) process.stdout.write(`ok: ${files.length} file(s)\n`);
    });
  policy
    .command('explain')
    .description('say in plain words what a policy does (defaults included)')
    .argument('<file>', 'policy file')
    .option('--pcs <file>', 'the PodCliqueSet, to include minAvailable and GPUs')
    .exitOverride(usageExit)
    .action((file: string, opts: { pcs?: string }) => {
      const src = read(file);
      const pcs = opts.pcs === undefined ? undefined : read(opts.pcs);
      if (src === undefined || (opts.pcs !== undefined && pcs === undefined)) return;
      print(explainPolicySource(src, pcs), true);
    });
  policy
    .command('diff')
    .description('list the behaviour changes between two versions of a policy')
    .argument('<old>', 'the policy before')
    .argument('<new>', 'the policy after')
    .exitOverride(usageExit)
    .action((before: string, after: string) => {
      const a = read(before);
      const b = read(after);
      if (a === undefined || b === undefined) return;
      print(diffPolicySources(a, b), true);
    });
  program.addCommand(policy);
}
