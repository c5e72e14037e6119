import type { Histogram } from './histogram.ts';

/**
 * PromQL's histogram_quantile over classic buckets, rule for rule:
 * - q NaN → NaN; q < 0 → -Inf; q > 1 → +Inf;
 * - buckets are sorted by upper bound, and the highest must be +Inf, else NaN;
 * - buckets with the same upper bound are added together;
 * - counts that differ by a relative 1e-12 or less are treated as equal (float noise), then any
 *   count lower than one before it is raised to that (monotonicity is forced);
 * - fewer than two buckets, or zero observations → NaN;
 * - rank = q × total; the first bucket whose count reaches the rank holds the answer:
 *   the +Inf bucket → the highest finite upper bound; the first bucket with an upper bound ≤ 0 → that
 *   bound; otherwise linear interpolation inside the bucket, whose lower edge is the previous upper
 *   bound, or 0 for the first bucket.
 */
export function bucketQuantile(q: number, upperBounds: readonly number[], counts: readonly number[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const n = Math.min(upperBounds.length, counts.length);
  if (n === 0) return NaN;
  let ascending = true;
  for (let i = 1; i < n && ascending; i++) ascending = (upperBounds[i - 1] ?? 0) < (upperBounds[i] ?? 0);
  let ub: readonly number[];
  let c: number[];
  if (ascending) {
    // Already sorted with distinct bounds (every Histogram is): nothing to sort or coalesce.
    ub = upperBounds.length === n ? upperBounds : upperBounds.slice(0, n);
    c = counts.slice(0, n);
  } else {
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => (upperBounds[a] ?? 0) - (upperBounds[b] ?? 0));
    const sortedBounds: number[] = [];
    c = [];
    for (const i of order) {
      const bound = upperBounds[i] ?? NaN;
      const count = counts[i] ?? 0;
      if (sortedBounds.length > 0 && sortedBounds[sortedBounds.length - 1] === bound) c[c.length - 1] = (c[c.length - 1] ?? 0) + count;
      else {
        sortedBounds.push(bound);
        c.push(count);
      }
    }
    ub = sortedBounds;
  }
  if (ub[ub.length - 1] !== Infinity) return NaN;

  let prev = c[0] ?? 0;
  for (let i = 1; i < c.length; i++) {
    const cur = c[i] ?? 0;
    const delta = Math.abs(cur - prev);
    if (delta === 0) continue;
    if (delta / cur <= 1e-12) c[i] = prev;
    else prev = cur;
  }
  let max = c[0] ?? 0;
  for (let i = 1; i < c.length; i++) {
    const cur = c[i] ?? 0;
    if (cur > max) max = cur;
    else if (cur < max) c[i] = max;
  }

  if (ub.length < 2) return NaN;
  const observations = c[c.length - 1] ?? 0;
  if (observations === 0) return NaN;
  let rank = q * observations;
  // The first bucket, among all but +Inf, whose count reaches the rank (len-1 if none does).
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((c[mid] ?? 0) >= rank) hi = mid;
    else lo = mid + 1;
  }
  const b = lo;
  if (b === c.length - 1) return ub[c.length - 2] ?? NaN;
  if (b === 0 && (ub[0] ?? 0) <= 0) return ub[0] ?? NaN;
  let start = 0;
  const end = ub[b] ?? NaN;
  let count = c[b] ?? 0;
  if (b > 0) {
    start = ub[b - 1] ?? 0;
    count -= c[b - 1] ?? 0;
    rank -= c[b - 1] ?? 0;
  }
  return start + (end - start) * (rank / count);
}

/** histogram_quantile(q, …) of one histogram; NaN when it holds no observations. */
export function histogramQuantile(q: number, h: Histogram): number {
  return bucketQuantile(q, h.bounds, h.counts);
}
