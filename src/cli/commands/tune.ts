// `canopy tune --policy P --trace T [...] -o tuned.yaml`: search the policy's tunables for the fewest
// GPU-hours above an attainment floor in the closed-loop simulator; progress on stderr.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { experimentOptions, InputError, parsePositive, type ExperimentFlags } from '../../sim/policies/setup.ts';
import { createProgress } from '../../sim/tune/progress.ts';
import { tune } from '../../sim/tune/tune.ts';

interface TuneFlags extends ExperimentFlags {
  output: string;
  attainment?: string;
  budgetEvals?: string;
}

export function registerTune(program: Command): void {
  program
    .command('tune')
    .description('search a policy’s parameters for the fewest GPU-hours that meet an SLO attainment floor on a trace')
    .requiredOption('--policy <policy>', 'a ScalingPolicy file, or "default"')
    .requiredOption('--trace <trace>', 'Azure CSV or Mooncake JSONL file, or azure-conv | azure-code | mooncake-synthetic')
    .requiredOption('-o, --output <file>', 'where to write the tuned policy')
    .option('--pcs <file>', 'the PodCliqueSet the policy targets (default: podcliqueset.yaml next to the policy)')
    .option('--seed <n>', 'seed of the random streams', '1')
    .option('--slo <spec>', 'latency SLO, e.g. ttft=0.5,itl=0.05 (p90)')
    .option('--attainment <fraction>', 'fraction of 1-min windows that must meet the SLO', '0.99')
    .option('--budget-evals <n>', 'simulations the search may run', '20')
    .option('--scale <factor>', 'load factor (thin or replicate requests)', '1')
    .option('--duration <seconds>', 'use only the first seconds of the trace')
    .option('--startup <seconds>', 'cold start of a new replica', '60')
    .option('--warmup <seconds>', 'seconds dropped from the start before scoring', '0')
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action((flags: TuneFlags) => {
      let options;
      try {
        const attainment = Number(flags.attainment ?? '0.99');
        if (!(attainment > 0 && attainment <= 1)) throw new InputError(`--attainment must be in (0, 1], got ${JSON.stringify(flags.attainment)}`);
        options = {
          ...experimentOptions(flags),
          attainment,
          budget: parsePositive('--budget-evals', flags.budgetEvals, 20, true),
        };
      } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        const progress = createProgress(process.stderr, options.budget, 'tune');
        const outcome = tune(options, (trial, i, best) => {
          const e = trial.evaluation;
          const b = best?.evaluation;
          progress.update(i, `last ${(e.attainment * 100).toFixed(1)}% ${e.gpuHours.toFixed(2)} GPU-h; best ${b === undefined ? '—' : `${(b.attainment * 100).toFixed(1)}% ${b.gpuHours.toFixed(2)} GPU-h`}`);
        });
        const b = outcome.search.best.evaluation;
        progress.finish(`done after ${String(outcome.search.trials.length)} evaluations: ${(b.attainment * 100).toFixed(1)}% windows, ${b.gpuHours.toFixed(2)} GPU-h`);
        writeFileSync(flags.output, outcome.yaml);
        process.stdout.write(`${outcome.yaml.split('\n').filter((l) => l.startsWith('#')).map((l) => l.slice(2)).join('\n')}\nwrote ${flags.output}\n`);
        if (!outcome.search.feasible) {
          process.stderr.write(`no candidate met the attainment floor of ${String(options.attainment)}; wrote the best one found\n`);
          process.exitCode = 1;
        }
      } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
