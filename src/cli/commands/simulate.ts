// `canopy simulate --policy P --trace T [...]`: Canopy's policy in the closed-loop simulator, optionally
// against the baselines and the hindsight oracle; prints a table, writes the report and the summary JSON.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { renderReport } from '../../sim/report/index.ts';
import { formatSummaryTable, simulate } from '../../sim/policies/simulate.ts';
import { experimentOptions, InputError, isRouterKind, type ExperimentFlags } from '../../sim/policies/setup.ts';

interface SimulateFlags extends ExperimentFlags {
  report?: string;
  json?: string;
  baselines?: boolean;
  router?: string;
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description("run a scaling policy against a trace in the closed-loop simulator (Canopy's scaler, signals and placement)")
    .requiredOption('--policy <policy>', 'a ScalingPolicy file, or "default" (disaggregated prefill/decode, Canopy defaults)')
    .requiredOption('--trace <trace>', 'Azure CSV or Mooncake JSONL file, or azure-conv | azure-code | mooncake-synthetic')
    .option('--pcs <file>', 'the PodCliqueSet the policy targets (default: podcliqueset.yaml next to the policy)')
    .option('--seed <n>', 'seed of the random streams (load scaling, cold-start jitter)', '1')
    .option('--slo <spec>', 'latency SLO, e.g. ttft=0.5,itl=0.05 (p90)')
    .option('--scale <factor>', 'load factor: thin (<1) or replicate (>1) requests, timestamps untouched', '1')
    .option('--duration <seconds>', 'use only the first seconds of the trace')
    .option('--startup <seconds>', 'cold start of a new replica (model load)', '60')
    .option('--warmup <seconds>', 'seconds dropped from the start before scoring', '0')
    .option('--report <file>', 'write the HTML report here')
    .option('--json <file>', 'write the summary JSON here')
    .option('--baselines', 'also run every baseline and the oracle schedule')
    .option('--router <kind>', 'least-loaded or round-robin', 'least-loaded')
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action((flags: SimulateFlags) => {
      let options;
      try {
        const router = flags.router ?? 'least-loaded';
        if (!isRouterKind(router)) throw new InputError(`--router must be least-loaded or round-robin, got ${JSON.stringify(router)}`);
        options = {
          router,
          ...experimentOptions(flags),
          baselines: flags.baselines === true,
        };
      } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        const outcome = simulate(options, (line) => process.stderr.write(`${line}\n`));
        process.stdout.write(formatSummaryTable(outcome.summary));
        if (flags.json !== undefined) writeFileSync(flags.json, `${JSON.stringify(outcome.summary, null, 2)}\n`);
        if (flags.report !== undefined) writeFileSync(flags.report, renderReport(outcome.report));
      } catch (e) {
        process.stderr.write(`error: ${e instanceof InputError ? e.message : (e as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
