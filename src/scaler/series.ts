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

/** Rows before `end` not older than `cutoff`, from `start` on: the first row to keep. */
function firstKept(times: readonly number[], start: number, end: number, cutoff: number): number {
  let from = start;
  while (from < end && (times[from] ?? 0) < cutoff) from++;
  return from;
}

/** Drops rows not older than `now` (a repeated decision at the same instant replaces its row): the end. */
function lastKept(times: readonly number[], from: number, end: number, now: number): number {
  let to = end;
  while (to > from && (times[to - 1] ?? 0) >= now) to--;
  return to;
}

/**
 * Whether a row can be pushed onto the shared columns: the window ends at the columns' end (no other series
 * appended past it) and the dropped head does not outweigh the window. Empty columns are always copied:
 * EMPTY_SERIES is shared by every new history.
 */
function appendsInPlace(length: number, from: number, to: number): boolean {
  return length > 0 && to === length && from <= Math.max(16, to - from);
}

function copyWith(column: readonly number[], from: number, to: number, value: number): number[] {
  const copy = column.slice(from, to);
  copy.push(value);
  return copy;
}

/**
 * The series with the head older than `cutoff` dropped, rows not older than `now` dropped, at most `max` rows
 * after `value` is appended at `now` (when there is one).
 */
export function appendToSeries(s: Series, value: number | undefined, now: number, cutoff: number, max: number): Series {
  const first = firstKept(s.times, s.start, s.end, cutoff);
  const to = lastKept(s.times, first, s.end, now);
  const from = Math.max(first, to - (max - 1));
  if (value === undefined) return { times: s.times, values: s.values, start: from, end: to };
  if (appendsInPlace(s.times.length, from, to)) {
    (s.times as number[]).push(now);
    (s.values as number[]).push(value);
    return { times: s.times, values: s.values, start: from, end: to + 1 };
  }
  return { times: copyWith(s.times, from, to, now), values: copyWith(s.values, from, to, value), start: 0, end: to - from + 1 };
}

/** The observations windowed like appendToSeries, with `row` appended when given. */
export function appendToObservations(
  s: ObservationSeries,
  row: { readonly time: number; readonly promptLoad: number; readonly ttft: number; readonly outputLoad: number; readonly itl: number } | undefined,
  cutoff: number,
  now: number,
  max: number,
): ObservationSeries {
  const first = firstKept(s.times, s.start, s.end, cutoff);
  const to = lastKept(s.times, first, s.end, now);
  const from = Math.max(first, to - (max - 1));
  if (row === undefined) return { ...s, start: from, end: to };
  if (appendsInPlace(s.times.length, from, to)) {
    (s.times as number[]).push(row.time);
    (s.promptLoad as number[]).push(row.promptLoad);
    (s.ttft as number[]).push(row.ttft);
    (s.outputLoad as number[]).push(row.outputLoad);
    (s.itl as number[]).push(row.itl);
    return { ...s, start: from, end: to + 1 };
  }
  return {
    times: copyWith(s.times, from, to, row.time),
    promptLoad: copyWith(s.promptLoad, from, to, row.promptLoad),
    ttft: copyWith(s.ttft, from, to, row.ttft),
    outputLoad: copyWith(s.outputLoad, from, to, row.outputLoad),
    itl: copyWith(s.itl, from, to, row.itl),
    start: 0,
    end: to - from + 1,
  };
}
