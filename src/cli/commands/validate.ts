import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { kindInfo } from '../../api/kinds.ts';
import { ClusterTopologyBindingSchema, type ClusterTopologyBinding } from '../../api/schema/clustertopologybinding.ts';
import { validationContext } from '../../api/validation/context.ts';
import { validateManifest } from '../../api/validation/manifest.ts';
import { loadYaml, type SourceDocument } from '../../api/yaml/source.ts';

export interface SourceFile {
  readonly file: string;
  readonly text: string;
}

export interface ValidateOptions {
  // Stored objects the inputs would replace, matched by kind, namespace and name.
  readonly old?: readonly SourceFile[];
  readonly topologyAwareScheduling?: boolean;
  // Scheduler backends enabled besides the default scheduler.
  readonly schedulers?: readonly string[];
}

export interface ValidateReport {
  readonly ok: boolean;
  // `file:line:col: field.path: message`, in file and document order.
  readonly lines: readonly string[];
  readonly objects: number;
}

interface Loaded {
  readonly file: string;
  readonly doc: SourceDocument;
}

interface Entry {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly text: string;
}

function objectKey(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const info = kindInfo(v.apiVersion, v.kind);
  if (info === undefined || typeof v.metadata?.name !== 'string') return undefined;
  const ns = info.scope === 'Cluster' ? '' : typeof v.metadata.namespace === 'string' ? v.metadata.namespace : 'default';
  return `${info.kind}/${ns}/${v.metadata.name}`;
}

function load(files: readonly SourceFile[], entries: Entry[]): Loaded[] {
  const out: Loaded[] = [];
  for (const { file, text } of files) {
    const source = loadYaml(text);
    for (const e of source.errors) {
      entries.push({ file, line: e.line, col: e.col, text: `${file}:${e.line}:${e.col}: syntax error: ${e.message}` });
    }
    for (const doc of source.documents) out.push({ file, doc });
  }
  return out;
}

// Pure: validates already-read files and returns the report lines.
export function validateSources(inputs: readonly SourceFile[], options: ValidateOptions = {}): ValidateReport {
  const entries: Entry[] = [];
  const docs = load(inputs, entries);
  const oldDocs = load(options.old ?? [], entries);
  const bindings: ClusterTopologyBinding[] = [];
  for (const { doc } of [...docs, ...oldDocs]) {
    const parsed = ClusterTopologyBindingSchema.safeParse(doc.value);
    if (parsed.success) bindings.push(parsed.data);
  }
  const context = validationContext({
    topologyAwareSchedulingEnabled: options.topologyAwareScheduling ?? false,
    clusterTopologyBindings: bindings,
    enabledSchedulerNames: ['default-scheduler', ...(options.schedulers ?? [])],
  });
  const oldByKey = new Map<string, unknown>();
  for (const { doc } of oldDocs) {
    const key = objectKey(doc.value);
    if (key !== undefined) oldByKey.set(key, doc.value);
  }
  for (const { file, doc } of [...oldDocs, ...docs]) {
    const isOld = oldDocs.some((o) => o.doc === doc);
    const key = objectKey(doc.value);
    const old = isOld || key === undefined ? undefined : oldByKey.get(key);
    const findings = validateManifest(doc.value, { context, ...(old === undefined ? {} : { old }) });
    for (const f of findings) {
      const { line, col } = doc.positionOf(f.path, { key: f.key === true });
      const text = f.path === '' ? `${file}:${line}:${col}: ${f.message}` : `${file}:${line}:${col}: ${f.path}: ${f.message}`;
      entries.push({ file, line, col, text });
    }
  }
  // Files in the order given (inputs, then --old), each read top to bottom.
  const fileOrder = [...inputs, ...(options.old ?? [])].map((s) => s.file);
  const rank = (e: Entry): number => fileOrder.indexOf(e.file);
  const lines = entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e) - rank(b.e) || a.e.line - b.e.line || a.e.col - b.e.col || a.i - b.i)
    .map(({ e }) => e.text);
  return { ok: lines.length === 0, lines, objects: docs.length };
}

function readSources(files: readonly string[], problems: string[]): SourceFile[] {
  const out: SourceFile[] = [];
  for (const file of files) {
    try {
      out.push({ file, text: readFileSync(file, 'utf8') });
    } catch (err) {
      problems.push(`${file}: cannot read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}

interface CliOptions {
  readonly old?: string[];
  readonly topologyAwareScheduling?: boolean;
  readonly scheduler?: string[];
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Validate Grove manifests (PodCliqueSet, PodClique, PodCliqueScalingGroup, ClusterTopologyBinding, PodGang) as Grove would admit them')
    .argument('<file...>', 'YAML files, each with one or more documents')
    .option('--old <file...>', 'the stored objects these manifests update (Grove update rules apply)')
    .option('--topology-aware-scheduling', 'validate as if topology-aware scheduling is enabled in the Grove operator')
    .option('--scheduler <name...>', 'scheduler backends enabled in the Grove operator besides default-scheduler')
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action((files: string[], opts: CliOptions) => {
      const problems: string[] = [];
      const inputs = readSources(files, problems);
      const old = readSources(opts.old ?? [], problems);
      const report = validateSources(inputs, {
        old,
        topologyAwareScheduling: opts.topologyAwareScheduling === true,
        schedulers: opts.scheduler ?? [],
      });
      const all = [...problems, ...report.lines];
      for (const line of all) process.stderr.write(`${line}\n`);
      if (all.length === 0) process.stdout.write(`ok: ${report.objects} object(s) in ${inputs.length} file(s)\n`);
      process.exitCode = all.length === 0 ? 0 : 1;
    });
}
