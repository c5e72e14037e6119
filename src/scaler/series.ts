// Time series the scaler remembers between decisions, kept column-wise in plain number arrays, which V8 stores
// as unboxed doubles: reading a 40-point history walks contiguous memory instead of 40 objects each pointing at
// boxed numbers.
//
// A series is a window [start, end) onto columns that are only ever appended to. Appending to the newest
// series pushes onto the shared columns (older windows end before the new row, so they still read what they
// read); appending to any other window copies first. Each decision therefore adds one row instead of copying
// the whole window, and the arrays it keeps live long enough to leave the young generation once, rather than
// being re-copied by every scavenge. Callers treat series as immutable values; only this file appends.

/** Values at increasing times: times[i], values[i] for start ≤ i < end. */
export interface Series {
  readonly times: readonly number[];
  readonly values: readonly number[];
  readonly start: number;
  readonly end: number;
}

/** Latency observations for the online fits, indexed like a Series; NaN where a field was not observed. */
export interface ObservationSeries {
  readonly times: readonly number[];
  /** Prompt tokens per second one replica carried. */
  readonly promptLoad: readonly number[];
  readonly ttft: readonly number[];
  /** Output tokens per second one replica carried. */
  readonly outputLoad: readonly number[];
  readonly itl: readonly number[];
  readonly start: number;
  readonly end: number;
}

export const EMPTY_SERIES: Series = { times: [], values: [], start: 0, end: 0 };
export const EMPTY_OBSERVATIONS: ObservationSeries = { times: [], promptLoad: [], ttft: [], outputLoad: [], itl: [], start: 0, end: 0 };

/** A series from points (tests, and callers that build a few points by hand). */
export function seriesOf(points: readonly { readonly time: number; readonly value: number }[]): Series {
  return { times: points.map((p) => p.time), values: points.map((p) => p.value), start: 0, end: points.length };
}

export function lastValue(s: Series): number | undefined {
  return s.end > s.start ? s.values[s.end - 1] : undefined;
}

/**
 * The window to keep before appending a row at `now`: drop the head older than `cutoff` and anything not older
 * than now (a repeated decision at the same instant replaces its row), and leave room for the new row within
 * `max` rows.
 */
function keptWindow(times: readonly number[], start: number, end: number, cutoff: number, now: number, max: number): readonly [number, number] {
  let from = start;
  while (from < end && (times[from] ?? 0) < cutoff) from++;
  let to = end;
  while (to > from && (times[to - 1] ?? 0) >= now) to--;
  return [Math.max(from, to - (max - 1)), to];
}

/**
 * Columns (the first holds the times) with `row` appended at index `to`: in place when the window ends at the
 * columns' end and the dead head is small; otherwise the window is copied first. Returns the columns to use
 * and the new window's start.
 */
function appendRow(columns: readonly (readonly number[])[], from: number, to: number, row: readonly number[]): { columns: readonly (readonly number[])[]; start: number } {
  const length = columns[0]?.length ?? 0;
  // Copy when another series already appended past this window, when the dropped head outweighs the window,
  // and always for empty columns (EMPTY_SERIES is shared by every new history).
  if (length > 0 && to === length && from <= Math.max(16, to - from)) {
    for (let k = 0; k < columns.length; k++) (columns[k] as number[]).push(row[k] ?? NaN);
    return { columns, start: from };
  }
  const copied: number[][] = [];
  for (let k = 0; k < columns.length; k++) {
    const copy = (columns[k] ?? []).slice(from, to);
    copy.push(row[k] ?? NaN);
    copied.push(copy);
  }
  return { columns: copied, start: 0 };
}

/** The series windowed as described above, with `value` appended at `now` when there is one. */
export function appendToSeries(s: Series, value: number | undefined, now: number, cutoff: number, max: number): Series {
  const [from, to] = keptWindow(s.times, s.start, s.end, cutoff, now, max);
  if (value === undefined) return { times: s.times, values: s.values, start: from, end: to };
  const { columns, start } = appendRow([s.times, s.values], from, to, [now, value]);
  const [times = [], values = []] = columns;
  return { times, values, start, end: start + (to - from) + 1 };
}

/** The observations windowed like appendToSeries, with `row` appended when given. */
export function appendToObservations(
  s: ObservationSeries,
  row: { readonly time: number; readonly promptLoad: number; readonly ttft: number; readonly outputLoad: number; readonly itl: number } | undefined,
  cutoff: number,
  now: number,
  max: number,
): ObservationSeries {
  const [from, to] = keptWindow(s.times, s.start, s.end, cutoff, now, max);
  if (row === undefined) return { ...s, start: from, end: to };
  const { columns, start } = appendRow([s.times, s.promptLoad, s.ttft, s.outputLoad, s.itl], from, to, [row.time, row.promptLoad, row.ttft, row.outputLoad, row.itl]);
  const [times = [], promptLoad = [], ttft = [], outputLoad = [], itl = []] = columns;
  return { times, promptLoad, ttft, outputLoad, itl, start, end: start + (to - from) + 1 };
}
