import { readFileSync } from 'node:fs';
import { builtinProfile } from '../../../../src/sim/engine/profiles.ts';
import { latencyWindows, offeredLoad } from '../../../../src/sim/report/series.ts';
import { summaryRowFromRecords } from '../../../../src/sim/report/summary.ts';
import type { PolicyRun, ReportInput, SummaryRow } from '../../../../src/sim/report/types.ts';
import { gpuHours, scalingStability, type Step } from '../../../../src/sim/score/fleet.ts';
import { requestAttainment, DEFAULT_SLO } from '../../../../src/sim/score/slo.ts';
import { simulateStatic, type SimRecord } from '../../../../src/sim/static.ts';
import { parseAzureTrace } from '../../../../src/sim/workload/azure.ts';
import type { SimRequest } from '../../../../src/sim/workload/request.ts';

const TRACE = new URL('../../../../data/traces/azure-llm-2023/AzureLLMInferenceTrace_code.csv', import.meta.url);

/** The first `seconds` of the Azure 2023 code trace (bursty, prefill-heavy). */
export function azureCodeHead(seconds: number): SimRequest[] {
  return parseAzureTrace(readFileSync(TRACE, 'utf8'), { file: 'AzureLLMInferenceTrace_code.csv' }).filter((r) => r.arrival < seconds);
}

interface Run {
  readonly run: PolicyRun;
  readonly row: SummaryRow;
}

function scored(policy: string, records: readonly SimRecord[], steps: readonly Step[], duration: number, gpusPerReplica: number): Run {
  const stability = scalingStability(
    steps.slice(1).map((s, i) => ({ time: s.time, target: 'worker', from: steps[i]?.value ?? 0, to: s.value })),
    duration,
  );
  return {
    run: { policy, roles: [{ role: 'worker', gpusPerReplica, replicas: steps }], gpuBudget: 4, latencyWindowSeconds: 60, latency: latencyWindows(records, 60) },
    row: summaryRowFromRecords({
      policy,
      records,
      slo: DEFAULT_SLO,
      durationSeconds: duration,
      gpuHours: gpuHours([{ replicas: steps, gpusPerReplica }], 0, duration),
      scalingActions: stability.actions,
      flaps: stability.flaps,
    }),
  };
}

/**
 * A report from real simulations of the first `seconds` of the Azure code trace on the default 8B
 * profile: two static fleets, and a hindsight fleet that uses, in each minute, the fewest replicas
 * (simulated alone on that minute's requests) meeting 99 % of the SLO.
 */
export function simulatedReport(seconds = 600): ReportInput {
  const profile = builtinProfile();
  const requests = azureCodeHead(seconds);
  const runs: Run[] = [];
  for (const replicas of [1, 2]) {
    const records = simulateStatic({ requests, profile, replicas, router: 'least-loaded' });
    runs.push(scored(`static ${replicas}`, records, [{ time: 0, value: replicas }], seconds, profile.gpusPerReplica));
  }
  const steps: Step[] = [];
  const hindsight: SimRecord[] = [];
  for (let start = 0; start < seconds; start += 60) {
    const minute = requests.filter((r) => r.arrival >= start && r.arrival < start + 60);
    let chosen: SimRecord[] = [];
    let replicas = 1;
    for (; replicas <= 4; replicas++) {
      chosen = minute.length === 0 ? [] : simulateStatic({ requests: minute, profile, replicas, router: 'least-loaded' });
      if (minute.length === 0 || requestAttainment(chosen, DEFAULT_SLO).attainment >= 0.99) break;
    }
    replicas = Math.min(replicas, 4);
    if (steps.at(-1)?.value !== replicas) steps.push({ time: start, value: replicas });
    hindsight.push(...chosen);
  }
  const oracle = scored('hindsight per minute', hindsight, steps, seconds, profile.gpusPerReplica);
  runs.push(oracle);
  return {
    header: {
      title: 'Canopy simulation report',
      traceName: `Azure LLM 2023 code, first ${seconds} s`,
      seed: 1,
      slo: { ttftSeconds: DEFAULT_SLO.ttftSeconds, itlSeconds: DEFAULT_SLO.itlSeconds, quantile: DEFAULT_SLO.quantile ?? 0.9 },
      durationSeconds: seconds,
      notes: [`engine profile ${profile.name}`, 'test fixture: static fleets and a per-minute hindsight fleet'],
    },
    load: offeredLoad(requests, 10, seconds),
    runs: runs.map((r) => r.run),
    summary: runs.map((r) => r.row),
    oracle: { gpuHours: oracle.row.gpuHours, variant: 'lower-bound' },
  };
}
