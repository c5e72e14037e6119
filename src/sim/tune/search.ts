// Coordinate descent over a discrete grid: from the current point, try every value of one parameter with
// the others fixed, keep the best feasible one, move to the next parameter; stop after a pass that changes
// nothing or when the evaluation budget is spent. "Best" is lexicographic: feasible (attainment ≥ floor)
// first, then fewer GPU-hours, then fewer scaling actions, then the earlier candidate. Deterministic: the
// evaluator is a pure function of the candidate, and every tie has a fixed order.
import type { Parameter, Tuning } from './space.ts';

export interface Evaluation {
  readonly attainment: number;
  readonly gpuHours: number;
  readonly actions: number;
}

export interface Trial {
  readonly tuning: Tuning;
  readonly evaluation: Evaluation;
}

export interface SearchResult {
  readonly best: Trial;
  readonly feasible: boolean;
  readonly trials: readonly Trial[];
}

export function better(a: Evaluation, b: Evaluation, floor: number): boolean {
  const fa = a.attainment >= floor;
  const fb = b.attainment >= floor;
  if (fa !== fb) return fa;
  if (!fa) return a.attainment > b.attainment || (a.attainment === b.attainment && a.gpuHours < b.gpuHours);
  if (a.gpuHours !== b.gpuHours) return a.gpuHours < b.gpuHours;
  return a.actions < b.actions;
}

const key = (t: Tuning): string => JSON.stringify(Object.entries(t).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));

export function coordinateDescent(
  space: readonly Parameter[],
  start: Tuning,
  evaluate: (t: Tuning) => Evaluation,
  options: { readonly floor: number; readonly budget: number; readonly onTrial?: (trial: Trial, index: number) => void },
): SearchResult {
  if (!(options.budget >= 1)) throw new RangeError('the evaluation budget must be at least 1');
  const seen = new Map<string, Evaluation>();
  const trials: Trial[] = [];
  const run = (t: Tuning): Evaluation | undefined => {
    const k = key(t);
    const cached = seen.get(k);
    if (cached !== undefined) return cached;
    if (trials.length >= options.budget) return undefined;
    const evaluation = evaluate(t);
    seen.set(k, evaluation);
    const trial = { tuning: t, evaluation };
    trials.push(trial);
    options.onTrial?.(trial, trials.length);
    return evaluation;
  };
  let best: Trial = { tuning: start, evaluation: run(start) as Evaluation };
  let changed = true;
  while (changed && trials.length < options.budget) {
    changed = false;
    for (const p of space) {
      for (const v of p.values) {
        const candidate = { ...best.tuning, [p.name]: v };
        const e = run(candidate);
        if (e === undefined) break;
        if (better(e, best.evaluation, options.floor)) {
          best = { tuning: candidate, evaluation: e };
          changed = true;
        }
      }
    }
  }
  return { best, feasible: best.evaluation.attainment >= options.floor, trials };
}
