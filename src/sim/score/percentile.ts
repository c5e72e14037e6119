/**
 * Percentiles by the NEAREST-RANK method: the q-quantile of n values is the ⌈q·n⌉-th smallest.
 * It always returns an observed value, and "p90 ≤ X" then means exactly "at least 90 % of the values
 * are ≤ X", which is the reading an SLO needs (linear interpolation can pass an SLO that 10 % + 1 of
 * the requests miss).
 */
export function nearestRank(sortedAscending: ArrayLike<number>, q: number): number {
  if (!(q > 0 && q <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${q}`);
  const n = sortedAscending.length;
  if (n === 0) return Number.NaN;
  // The epsilon absorbs binary rounding (0.9 × 30 = 27.000000000000004 must give rank 27).
  const rank = Math.max(1, Math.ceil(q * n - 1e-9));
  return sortedAscending[Math.min(n, rank) - 1] ?? Number.NaN;
}

/** The q-quantile (nearest rank) of unsorted values; NaN when there are none. */
export function quantile(values: readonly number[] | Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  return nearestRank(sorted, q);
}
