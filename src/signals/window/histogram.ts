/**
 * A classic Prometheus histogram: cumulative counts per upper bound (`le`).
 *
 * Two histograms with different bound sets are combined on the bounds they share. Because the
 * counts are cumulative, dropping a bound just merges two adjacent buckets: the result is coarser but
 * still exact at every bound it keeps. Every well-formed histogram has +Inf, so the intersection is
 * never empty.
 */
export interface Histogram {
  /** Upper bounds, strictly ascending; the last is +Infinity. */
  readonly bounds: readonly number[];
  /** Cumulative counts, one per bound. */
  readonly counts: readonly number[];
  readonly sum: number;
  /** Total observations (the `_count` series; equals the +Inf bucket on a consistent page). */
  readonly count: number;
}

function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The bounds present in every histogram, ascending. */
export function commonBounds(histograms: readonly Histogram[]): readonly number[] {
  const first = histograms[0];
  if (first === undefined) return [];
  let bounds = first.bounds;
  for (let i = 1; i < histograms.length; i++) {
    const other = histograms[i]?.bounds ?? [];
    if (sameBounds(bounds, other)) continue;
    const keep = new Set(other);
    bounds = bounds.filter((b) => keep.has(b));
  }
  return bounds;
}

/** The same histogram seen only at `bounds` (each of which must be one of its own bounds). */
export function restrictBounds(h: Histogram, bounds: readonly number[]): Histogram {
  if (sameBounds(h.bounds, bounds)) return h;
  const counts: number[] = [];
  let j = 0;
  for (const b of bounds) {
    while (j < h.bounds.length && (h.bounds[j] ?? Infinity) < b) j++;
    counts.push(h.counts[j] ?? 0);
  }
  return { bounds, counts, sum: h.sum, count: h.count };
}

/** Adds histograms bucket by bucket (never averages quantiles); undefined for an empty list. */
export function mergeHistograms(histograms: readonly Histogram[]): Histogram | undefined {
  if (histograms.length === 0) return undefined;
  if (histograms.length === 1) return histograms[0];
  const bounds = commonBounds(histograms);
  const counts = new Array<number>(bounds.length).fill(0);
  let sum = 0;
  let count = 0;
  for (const h of histograms) {
    const r = restrictBounds(h, bounds);
    for (let i = 0; i < counts.length; i++) counts[i] = (counts[i] ?? 0) + (r.counts[i] ?? 0);
    sum += h.sum;
    count += h.count;
  }
  return { bounds, counts, sum, count };
}

function decreased(prev: Histogram, next: Histogram): boolean {
  if (next.count < prev.count) return true;
  for (let i = 0; i < next.counts.length; i++) if ((next.counts[i] ?? 0) < (prev.counts[i] ?? 0)) return true;
  return false;
}

/**
 * The observations added over a series of cumulative snapshots (oldest first), the way PromQL's
 * increase() treats counters but without extrapolation: any decrease in the count or in a bucket
 * marks a restart, and the values after the restart count in full. Undefined with fewer than two
 * snapshots.
 */
export function histogramIncrease(series: readonly Histogram[]): Histogram | undefined {
  if (series.length < 2) return undefined;
  const bounds = commonBounds(series);
  const counts = new Array<number>(bounds.length).fill(0);
  let sum = 0;
  let count = 0;
  let prev = restrictBounds(series[0] as Histogram, bounds);
  for (let k = 1; k < series.length; k++) {
    const next = restrictBounds(series[k] as Histogram, bounds);
    const reset = decreased(prev, next);
    for (let i = 0; i < counts.length; i++) {
      counts[i] = (counts[i] ?? 0) + (next.counts[i] ?? 0) - (reset ? 0 : (prev.counts[i] ?? 0));
    }
    sum += reset ? next.sum : next.sum - prev.sum;
    count += reset ? next.count : next.count - prev.count;
    prev = next;
  }
  return { bounds, counts, sum, count };
}

/** PromQL increase() without extrapolation: a decrease is a counter reset. Undefined below two values. */
export function counterIncrease(values: readonly number[]): number | undefined {
  if (values.length < 2) return undefined;
  let total = 0;
  let prev = values[0] ?? 0;
  for (let i = 1; i < values.length; i++) {
    const v = values[i] ?? 0;
    total += v < prev ? v : v - prev;
    prev = v;
  }
  return total;
}
