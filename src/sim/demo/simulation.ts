// The demo's simulation, run in a worker thread: Canopy's scaler (the policy file's decide()), the real
// placement over racks of GPU nodes and the Azure conversation trace, paced to `speed` × real time so the
// metrics API serves a live snapshot; the oracle before (warm start, reference), the report after.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinProfile } from '../engine/profiles.ts';
import { rackClusterNodes } from '../loop/cluster.ts';
import { buildReportInput } from '../loop/report-input.ts';
import { loadTrace } from '../loop/traces.ts';
import { computeOracle, maxGpus, runPolicy, type ExperimentInput } from '../policies/experiment.ts';
import { loadScenario } from '../policies/setup.ts';
import { renderReport } from '../report/index.ts';
import { DEFAULT_SLO } from '../score/slo.ts';
import type { DemoMessage, DemoWorkerInput } from './messages.ts';

export function runDemoSimulation(input: DemoWorkerInput, post: (m: DemoMessage) => void): void {
  const profile = builtinProfile();
  const scenario = loadScenario({ policy: input.policyFile, pcs: input.pcsFile, profile, slo: DEFAULT_SLO, startupSeconds: input.startupSeconds });
  const trace = loadTrace(input.trace, { scale: input.scale, seed: input.seed, ...(input.durationSeconds === undefined ? {} : { durationSeconds: input.durationSeconds }) });
  // Two racks of four-GPU nodes: enough for every role at its maximum, small enough that placement matters.
  const cluster = { racks: 2, nodesPerRack: Math.max(2, Math.ceil(maxGpus(scenario) / 2 / 4)), gpusPerNode: 4 };
  const nodes = rackClusterNodes(cluster);
  const experiment: ExperimentInput = { requests: trace.requests, scenario, slo: DEFAULT_SLO, seed: input.seed, startupSeconds: input.startupSeconds, cluster };
  const endTime = Math.max(60, Math.ceil((trace.requests.at(-1)?.arrival ?? 0) / 60) * 60);
  post({ kind: 'started', requests: trace.requests.length, endTime, nodes: nodes.length, gpus: nodes.length * cluster.gpusPerNode, racks: cluster.racks });
  // The oracle first: it sizes the warm fleet the run starts with and gives the GPU-hour reference.
  post({ kind: 'phase', text: 'computing the hindsight oracle (reference GPU-hours, warm start)' });
  const oracle = computeOracle(experiment);
  post({ kind: 'phase', text: 'serving the trace' });
  const cell = new Int32Array(input.pacing);
  const wallStart = performance.now();
  const run = runPolicy('canopy', experiment, oracle, (snapshot, now, state) => {
    const ahead = (now / input.speed) * 1000 - (performance.now() - wallStart);
    if (ahead > 1) Atomics.wait(cell, 0, 0, ahead);
    post({ kind: 'scrape', now, snapshot, state });
  });
  const summary = run.summary;
  const report = join(input.outDir, 'report.html');
  const summaryFile = join(input.outDir, 'summary.json');
  writeFileSync(
    report,
    renderReport(
      buildReportInput({
        title: 'Canopy demo',
        traceName: trace.title,
        traceChecksum: trace.checksum,
        seed: input.seed,
        slo: DEFAULT_SLO,
        requests: trace.requests,
        runs: [{ policy: 'canopy', result: run.result, summary }],
        oracleGpuHours: oracle.hours.achievable,
        notes: [`PodCliqueSet ${scenario.podCliqueSet} with policy ${input.policyFile}; load ×${String(input.scale)}; ${String(cluster.racks)} rack(s) of ${String(cluster.nodesPerRack)} nodes × ${String(cluster.gpusPerNode)} GPUs.`],
      }),
    ),
  );
  writeFileSync(summaryFile, `${JSON.stringify({ trace: trace.name, checksum: trace.checksum, scale: input.scale, seed: input.seed, oracleGpuHours: oracle.hours.achievable, canopy: summary }, null, 2)}\n`);
  post({ kind: 'done', summary, oracleGpuHours: oracle.hours.achievable, report, summaryFile });
}
