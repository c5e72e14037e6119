// `canopy place --cluster FILE --workload FILE... [-o text|json]`: a placement plan for the workloads on
// the cluster. The cluster file holds Nodes (a v1 List or separate documents), optionally bound Pods and a
// ClusterTopologyBinding. Workload files hold PodCliqueSets (gangs derived as Grove would, pods synthesised
// from the clique templates) or PodGangs together with the Pods they reference.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ClusterTopologyBinding } from '../../api/types.ts';
import { buildClusterModel } from '../../controller/placement/cluster.ts';
import type { PlacementGang } from '../../controller/placement/gang.ts';
import type { SourceFile } from '../../controller/placement/manifests.ts';
import { readManifests } from '../../controller/placement/manifests.ts';
import type { PlacementPlan } from '../../controller/placement/plan.ts';
import { planPlacement } from '../../controller/placement/plan.ts';
import { gangFromPodGang, gangsFromDerivation } from '../../controller/placement/workload.ts';
import { derivePodGangs } from '../../controller/podgang/derive.ts';
import type { CommandResult } from './render-podgangs.ts';

export interface PlaceInput {
  readonly cluster: SourceFile;
  readonly workloads: readonly SourceFile[];
  readonly output?: 'text' | 'json' | undefined;
}

export interface PlaceOutcome {
  readonly plan: PlacementPlan;
  readonly excludedNodes: readonly { readonly node: string; readonly reason: string }[];
}

function formatText(outcome: PlaceOutcome): string {
  const lines: string[] = [];
  for (const g of outcome.plan.gangs) {
    if (g.placed) {
      lines.push(`gang ${g.namespace}/${g.gang}: placed in ${g.domain === '' ? 'the cluster' : g.domain} (score ${g.score.toFixed(2)})`);
      for (const a of g.assignments) lines.push(`  ${a.pod} -> ${a.node}${a.extra ? ' (beyond minReplicas)' : ''}`);
      for (const p of g.extraPodsUnplaced) lines.push(`  ${p} -> pending (beyond minReplicas, no room)`);
      for (const n of g.notes) lines.push(`  note: ${n}`);
    } else {
      lines.push(`gang ${g.namespace}/${g.gang}: does not fit`);
      for (const r of g.reasons) lines.push(`  reason: ${r}`);
    }
  }
  for (const e of outcome.excludedNodes) lines.push(`excluded node ${e.node}: ${e.reason}`);
  lines.push(`summary: ${outcome.plan.gangs.length} gangs, ${outcome.plan.placedGangs} placed, ${outcome.plan.unplaceableGangs} do not fit`);
  return `${lines.join('\n')}\n`;
}

/** Pure: plans already-read files. */
export function placeWorkloads(input: PlaceInput): CommandResult & { readonly outcome?: PlaceOutcome } {
  const cluster = readManifests([input.cluster]);
  const work = readManifests(input.workloads);
  const errors = [...cluster.errors, ...work.errors];
  if (errors.length === 0 && cluster.nodes.length === 0) errors.push(`${input.cluster.file}: no Nodes found`);
  if (errors.length === 0 && work.podCliqueSets.length === 0 && work.podGangs.length === 0) errors.push(`${input.workloads.map((w) => w.file).join(', ')}: no PodCliqueSet or PodGang found`);
  if (errors.length > 0) return { stdout: '', stderr: `${errors.join('\n')}\n`, exitCode: 1 };

  const stderr: string[] = [];
  const binding: ClusterTopologyBinding | undefined = cluster.bindings[0] ?? work.bindings[0];
  if (binding === undefined) stderr.push('warning: no ClusterTopologyBinding given; the cluster is one domain and topology constraints are ignored');
  const live: Record<string, number> = {};
  for (const o of [...work.podCliques, ...work.scalingGroups]) {
    if (o.metadata.name !== undefined && o.spec.replicas !== undefined) live[o.metadata.name] = o.spec.replicas;
  }
  const gangs: PlacementGang[] = [];
  for (const pcs of work.podCliqueSets) {
    const d = derivePodGangs({ pcs, replicas: live, topology: binding });
    errors.push(...d.errors);
    const converted = gangsFromDerivation(pcs, d, binding);
    stderr.push(...[...d.warnings, ...converted.warnings].map((w) => `warning: ${w}`));
    gangs.push(...converted.gangs);
  }
  for (const pg of work.podGangs) {
    const { gang, errors: e } = gangFromPodGang(pg, work.pods);
    errors.push(...e);
    if (gang !== undefined) gangs.push(gang);
  }
  if (errors.length > 0) return { stdout: '', stderr: `${[...stderr, ...errors].join('\n')}\n`, exitCode: 1 };

  const resources = new Set<string>();
  for (const g of gangs) for (const pg of g.podGroups) for (const p of pg.pods) for (const r of Object.keys(p.requests)) resources.add(r);
  const model = buildClusterModel({ nodes: cluster.nodes, pods: cluster.pods, levels: binding?.spec.levels ?? [], extraResources: [...resources] });
  const plan = planPlacement(model, gangs);
  stderr.push(...plan.warnings.map((w) => `warning: ${w}`));
  const outcome: PlaceOutcome = { plan, excludedNodes: model.excluded };
  const stdout = input.output === 'json' ? `${JSON.stringify(outcome, null, 2)}\n` : formatText(outcome);
  return { stdout, stderr: stderr.length === 0 ? '' : `${stderr.join('\n')}\n`, exitCode: plan.unplaceableGangs > 0 ? 1 : 0, outcome };
}

function read(file: string): SourceFile {
  return { file, text: readFileSync(file, 'utf8') };
}

export function registerPlace(program: Command): void {
  program
    .command('place')
    .description('Plan topology-aware, all-or-nothing placement of workloads on a cluster description')
    .requiredOption('--cluster <file>', 'Nodes (a v1 List), optionally bound Pods and a ClusterTopologyBinding')
    .requiredOption('--workload <file...>', 'PodCliqueSet manifests, or PodGangs with their Pods')
    .option('-o, --output <format>', 'text or json', 'text')
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action((opts: { cluster: string; workload: string[]; output: string }) => {
      if (opts.output !== 'text' && opts.output !== 'json') {
        process.stderr.write(`-o must be text or json, got "${opts.output}"\n`);
        process.exitCode = 2;
        return;
      }
      let result: CommandResult;
      try {
        result = placeWorkloads({ cluster: read(opts.cluster), workloads: opts.workload.map(read), output: opts.output });
      } catch (err) {
        result = { stdout: '', stderr: `${err instanceof Error ? err.message : String(err)}\n`, exitCode: 1 };
      }
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      process.exitCode = result.exitCode;
    });
}
