// `canopy render podgangs FILE [--topology FILE] [--scale NAME=N]... [-o yaml|json]`: the PodGangs Grove
// would create for the PodCliqueSets in FILE. PodClique and PodCliqueScalingGroup objects in FILE give
// live replica counts; --scale overrides them by full name.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { defaultPodCliqueSet } from '../../api/defaulting.ts';
import { podCliqueScalingGroupName } from '../../api/naming.ts';
import type { ClusterTopologyBinding, PodCliqueSet } from '../../api/types.ts';
import type { SourceFile } from '../../controller/placement/manifests.ts';
import { readManifests } from '../../controller/placement/manifests.ts';
import type { Derivation } from '../../controller/podgang/derive.ts';
import { derivePodGangs } from '../../controller/podgang/derive.ts';

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: 0 | 1 | 2;
}

export type OutputFormat = 'yaml' | 'json';

export interface RenderInput {
  readonly files: readonly SourceFile[];
  readonly topology?: SourceFile | undefined;
  /** `NAME=N` strings as given on the command line. */
  readonly scale?: readonly string[] | undefined;
  readonly output?: OutputFormat | undefined;
}

export function parseScale(entries: readonly string[]): { overrides: Record<string, number>; error?: string } {
  const overrides: Record<string, number> = {};
  for (const e of entries) {
    const m = /^([^=\s]+)=(\d+)$/.exec(e);
    if (m?.[1] === undefined || m[2] === undefined) return { overrides, error: `--scale expects NAME=N with N a whole number, got "${e}"` };
    overrides[m[1]] = Number(m[2]);
  }
  return { overrides };
}

/** Full names of the PodCliques and PodCliqueScalingGroups a set's gangs use, for --scale. */
export function scalableNames(pcs: PodCliqueSet, derivation: Derivation): string[] {
  const set = defaultPodCliqueSet(pcs).object;
  const names = new Set<string>();
  for (let i = 0; i < (set.spec.replicas ?? 0); i++) {
    for (const g of set.spec.template.podCliqueScalingGroups ?? []) names.add(podCliqueScalingGroupName(set.metadata.name ?? '', i, g.name));
  }
  for (const g of derivation.gangs) for (const pg of g.podGroups) names.add(pg.name);
  return [...names];
}

function pickBinding(bindings: readonly ClusterTopologyBinding[], stderr: string[]): ClusterTopologyBinding | undefined {
  if (bindings.length > 1) stderr.push(`warning: ${bindings.length} ClusterTopologyBindings given; using ${bindings[0]?.metadata.name ?? ''}`);
  return bindings[0];
}

/** Pure: renders already-read files. */
export function renderPodGangs(input: RenderInput): CommandResult {
  const stderr: string[] = [];
  const { overrides, error } = parseScale(input.scale ?? []);
  if (error !== undefined) return { stdout: '', stderr: `${error}\n`, exitCode: 2 };
  const manifests = readManifests(input.files);
  const topo = input.topology === undefined ? undefined : readManifests([input.topology]);
  const errors = [...manifests.errors, ...(topo?.errors ?? [])];
  if (topo !== undefined && topo.errors.length === 0 && topo.bindings.length === 0) errors.push(`${input.topology?.file ?? ''}: no ClusterTopologyBinding found`);
  if (errors.length === 0 && manifests.podCliqueSets.length === 0) errors.push(`${input.files.map((f) => f.file).join(', ')}: no PodCliqueSet found`);
  if (errors.length > 0) return { stdout: '', stderr: `${errors.join('\n')}\n`, exitCode: 1 };
  const binding = pickBinding(topo?.bindings ?? manifests.bindings, stderr);

  const live: Record<string, number> = {};
  for (const o of [...manifests.podCliques, ...manifests.scalingGroups]) {
    const r = o.spec.replicas;
    if (o.metadata.name !== undefined && r !== undefined) live[o.metadata.name] = r;
  }
  const withLive = { ...live, ...overrides };
  const derivations = manifests.podCliqueSets.map((pcs) => ({ pcs, d: derivePodGangs({ pcs, replicas: withLive, topology: binding, pods: manifests.pods }) }));

  const known = new Set(derivations.flatMap(({ pcs, d }) => scalableNames(pcs, d)));
  const unknown = Object.keys(overrides).filter((n) => !known.has(n));
  if (unknown.length > 0) {
    return {
      stdout: '',
      stderr: `--scale: unknown name${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known PodCliques and PodCliqueScalingGroups: ${[...known].join(', ')}\n`,
      exitCode: 1,
    };
  }
  const derivationErrors = derivations.flatMap(({ d }) => d.errors);
  for (const w of derivations.flatMap(({ d }) => d.warnings)) stderr.push(`warning: ${w}`);
  if (derivationErrors.length > 0) return { stdout: '', stderr: [...stderr, ...derivationErrors, ''].join('\n'), exitCode: 1 };

  const podGangs = derivations.flatMap(({ d }) => d.gangs.map((g) => g.podGang));
  const stdout =
    input.output === 'json'
      ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: podGangs }, null, 2)}\n`
      : podGangs.map((pg) => stringify(pg)).join('---\n');
  return { stdout, stderr: stderr.length === 0 ? '' : `${stderr.join('\n')}\n`, exitCode: 0 };
}

function read(file: string): SourceFile {
  return { file, text: readFileSync(file, 'utf8') };
}

export function registerRenderPodgangs(program: Command): void {
  const usage = (err: { exitCode: number }): never => process.exit(err.exitCode === 0 ? 0 : 2);
  const render = program.commands.find((c) => c.name() === 'render') ?? program.command('render').description('Render the objects Grove would derive').exitOverride(usage);
  render
    .command('podgangs')
    .description('Print the PodGangs Grove would create for the PodCliqueSets in FILE')
    .argument('<file>', 'YAML with PodCliqueSets (and optionally live PodCliques, PodCliqueScalingGroups, Pods)')
    .option('--topology <file>', 'ClusterTopologyBinding; without one, topology-aware scheduling is off')
    .option('--scale <name=n>', 'override live replicas of a PodClique or PodCliqueScalingGroup by full name (repeatable)', (v: string, acc: string[]) => [...acc, v], [])
    .option('-o, --output <format>', 'yaml or json (a v1 List)', 'yaml')
    .exitOverride(usage)
    .action((file: string, opts: { topology?: string; scale: string[]; output: string }) => {
      if (opts.output !== 'yaml' && opts.output !== 'json') {
        process.stderr.write(`-o must be yaml or json, got "${opts.output}"\n`);
        process.exitCode = 2;
        return;
      }
      let result: CommandResult;
      try {
        result = renderPodGangs({ files: [read(file)], topology: opts.topology === undefined ? undefined : read(opts.topology), scale: opts.scale, output: opts.output });
      } catch (err) {
        result = { stdout: '', stderr: `${err instanceof Error ? err.message : String(err)}\n`, exitCode: 1 };
      }
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      process.exitCode = result.exitCode;
    });
}
