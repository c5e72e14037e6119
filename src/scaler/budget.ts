// Fit the roles' proposals into a GPU budget. When the budget only binds on growth, the increases are shrunk
// proportionally and no pool is pushed below its current size (so no pool reverses). Only when the current
// sizes themselves do not fit are all pools shrunk proportionally, never below their floors.
import { fmt } from './format.ts';

export interface BudgetPool {
  readonly name: string;
  readonly current: number;
  readonly proposed: number;
  /** Floor: the role's minimum, never below minAvailable. */
  readonly min: number;
  readonly gpus: number;
}

export interface BudgetResult {
  readonly values: readonly number[];
  readonly usedGpus: number;
  /** False when even the floors do not fit. */
  readonly feasible: boolean;
  /** True when a pool had to go below its current size. */
  readonly reversed: boolean;
  readonly explanation: readonly string[];
}

const gpusOf = (pools: readonly BudgetPool[], values: readonly number[]): number =>
  pools.reduce((sum, p, i) => sum + p.gpus * (values[i] ?? 0), 0);

/** `fixedGpus` is what cliques outside the policy hold; it counts against the budget but never moves. */
export function applyGpuBudget(pools: readonly BudgetPool[], fixedGpus: number, maxGpus: number): BudgetResult {
  const proposed = pools.map((p) => p.proposed);
  const used = fixedGpus + gpusOf(pools, proposed);
  if (used <= maxGpus) return { values: proposed, usedGpus: used, feasible: true, reversed: false, explanation: [] };

  // What each pool keeps without growing: its current size or its smaller proposal, never below its floor.
  const base = pools.map((p) => Math.max(p.min, Math.min(p.current, p.proposed)));
  const baseUsed = fixedGpus + gpusOf(pools, base);
  if (baseUsed <= maxGpus) {
    // Share the room left over the current sizes among the increases, in proportion to what each asked for.
    const asked = pools.map((p, i) => Math.max(0, p.proposed - (base[i] ?? 0)) * p.gpus);
    const totalAsked = asked.reduce((a, b) => a + b, 0);
    const share = (maxGpus - baseUsed) / totalAsked;
    const values = pools.map((p, i) =>
      p.gpus === 0 ? p.proposed : (base[i] ?? 0) + Math.floor(((asked[i] ?? 0) * share) / p.gpus),
    );
    // Hand out what flooring left, one replica at a time, to the pools furthest below their proposal.
    for (;;) {
      const room = maxGpus - fixedGpus - gpusOf(pools, values);
      let pick = -1;
      let gap = 0;
      pools.forEach((p, i) => {
        const g = (p.proposed - (values[i] ?? 0)) / Math.max(1, p.proposed - (base[i] ?? 0));
        if (p.gpus > 0 && p.gpus <= room && (values[i] ?? 0) < p.proposed && g > gap) {
          gap = g;
          pick = i;
        }
      });
      if (pick < 0) break;
      values[pick] = (values[pick] ?? 0) + 1;
    }
    return {
      values,
      usedGpus: fixedGpus + gpusOf(pools, values),
      feasible: true,
      reversed: false,
      explanation: [
        `The proposals need ${fmt(used)} GPUs, over the budget of ${fmt(maxGpus)}; the increases were shrunk in proportion: ` +
          pools.map((p, i) => `${p.name} ${p.proposed} → ${values[i] ?? 0}`).join(', ') + '.',
      ],
    };
  }

  // Even the current sizes do not fit: shrink everything in proportion, down to the floors.
  const scalable = gpusOf(pools, proposed);
  const factor = scalable > 0 ? Math.max(0, maxGpus - fixedGpus) / scalable : 0;
  const values = pools.map((p) => (p.gpus > 0 ? Math.max(p.min, Math.floor(p.proposed * factor)) : p.proposed));
  for (;;) {
    if (fixedGpus + gpusOf(pools, values) <= maxGpus) break;
    let pick = -1;
    pools.forEach((p, i) => {
      const v = values[i] ?? 0;
      if (p.gpus > 0 && v > p.min && (pick < 0 || v * p.gpus > (values[pick] ?? 0) * (pools[pick]?.gpus ?? 0))) pick = i;
    });
    if (pick < 0) break;
    values[pick] = (values[pick] ?? 0) - 1;
  }
  const finalUsed = fixedGpus + gpusOf(pools, values);
  const feasible = finalUsed <= maxGpus;
  return {
    values,
    usedGpus: finalUsed,
    feasible,
    reversed: values.some((v, i) => v < (pools[i]?.current ?? 0) && v < (pools[i]?.proposed ?? 0) && (pools[i]?.proposed ?? 0) >= (pools[i]?.current ?? 0)),
    explanation: [
      `Even the current sizes need more than the budget of ${fmt(maxGpus)} GPUs; every pool was shrunk in proportion: ` +
        pools.map((p, i) => `${p.name} ${p.proposed} → ${values[i] ?? 0}`).join(', ') + '.',
      ...(feasible ? [] : [`The floors alone need ${fmt(finalUsed)} GPUs: the budget cannot be met.`]),
    ],
  };
}
