// `canopy tune`: search the policy's tunables for the fewest GPU-hours that keep the window attainment above
// a floor, on one trace and seed, every candidate run through the same closed loop as `simulate`.
import { stringify } from 'yaml';
import type { ScalingPolicy } from '../../api/scaling-policy.ts';
import { builtinProfile } from '../engine/profiles.ts';
import { loadTrace } from '../loop/traces.ts';
import { computeOracle, runPolicy, type ExperimentInput } from '../policies/experiment.ts';
import { clusterFor, loadScenario, type ExperimentOptions } from '../policies/setup.ts';
import { coordinateDescent, type SearchResult, type Trial } from './search.ts';
import { applyTuning, currentTuning, TUNING_SPACE, type Tuning } from './space.ts';

export interface TuneOptions extends ExperimentOptions {
  readonly attainment: number;
  readonly budget: number;
}

export interface TuneOutcome {
  readonly search: SearchResult;
  readonly policy: ScalingPolicy;
  readonly oracleGpuHours: number;
  readonly start: Trial;
  /** The tuned policy file, evidence in its header comment. */
  readonly yaml: string;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

export function tune(o: TuneOptions, onTrial?: (trial: Trial, index: number, best: Trial | undefined) => void): TuneOutcome {
  const profile = builtinProfile();
  const scenario = loadScenario({ policy: o.policy, pcs: o.pcs, profile, slo: o.slo, startupSeconds: o.startupSeconds });
  const trace = loadTrace(o.trace, { scale: o.scale, seed: o.seed, ...(o.durationSeconds === undefined ? {} : { durationSeconds: o.durationSeconds }) });
  if (trace.requests.length === 0) throw new Error(`trace ${o.trace} has no requests in the chosen span`);
  const input: ExperimentInput = { requests: trace.requests, scenario, slo: o.slo, seed: o.seed, startupSeconds: o.startupSeconds, cluster: clusterFor(scenario), warmupSeconds: o.warmupSeconds };
  const oracle = computeOracle(input);
  const base = scenario.policy;
  const evaluate = (t: Tuning) => {
    const s = runPolicy('canopy', { ...input, canopyPolicy: applyTuning(base, t) }, oracle).summary;
    return { attainment: s.windowAttainment, gpuHours: s.gpuHours, actions: s.actions };
  };
  let best: Trial | undefined;
  const search = coordinateDescent(TUNING_SPACE, currentTuning(base), evaluate, {
    floor: o.attainment,
    budget: o.budget,
    onTrial: (trial, i) => {
      if (best === undefined || (trial.evaluation.attainment >= o.attainment && (best.evaluation.attainment < o.attainment || trial.evaluation.gpuHours < best.evaluation.gpuHours))) best = trial;
      onTrial?.(trial, i, best);
    },
  });
  const start = search.trials[0] ?? search.best;
  const policy = applyTuning(base, search.best.tuning);
  const { status: _status, ...document } = policy;
  const e = search.best.evaluation;
  const ratio = oracle.hours.achievable > 0 ? e.gpuHours / oracle.hours.achievable : Number.NaN;
  const header = [
    `Tuned by \`canopy tune\`: coordinate descent over ${TUNING_SPACE.map((p) => p.name).join(', ')}; ${String(search.trials.length)} evaluations.`,
    `Evidence: trace ${trace.name} (${trace.checksum}), load x${String(o.scale)}${o.durationSeconds === undefined ? '' : `, first ${String(o.durationSeconds)} s`}, seed ${String(o.seed)}, cold start ${String(o.startupSeconds)} s, warm-up ${String(o.warmupSeconds)} s.`,
    `SLO: TTFT p${String(Math.round((o.slo.quantile ?? 0.9) * 100))} <= ${String(o.slo.ttftSeconds)} s and ITL <= ${String(o.slo.itlSeconds)} s per 1-min window; attainment floor ${pct(o.attainment)}.`,
    `Result: ${pct(e.attainment)} of windows met (${search.feasible ? 'meets' : 'BELOW'} the floor), ${e.gpuHours.toFixed(3)} GPU-hours, ${ratio.toFixed(3)}x the achievable oracle (${oracle.hours.achievable.toFixed(3)} GPU-hours), ${String(e.actions)} scaling actions.`,
    `Starting point: ${pct(start.evaluation.attainment)} of windows, ${start.evaluation.gpuHours.toFixed(3)} GPU-hours.`,
    `Parameters: ${Object.entries(search.best.tuning).map(([k, v]) => `${k}=${String(v)}`).join(', ')}.`,
  ];
  const yaml = `${header.map((l) => `# ${l}`).join('\n')}\n${stringify(document)}`;
  return { search, policy, oracleGpuHours: oracle.hours.achievable, start, yaml };
}
