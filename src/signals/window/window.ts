import type { TargetReading } from '../dialects/extract.ts';
import {
  COUNTER_SIGNALS,
  GAUGE_SIGNALS,
  HISTOGRAM_SIGNALS,
  type CounterSignal,
  type GaugeSignal,
  type HistogramSignal,
} from '../dialects/table.ts';
import { counterIncrease, histogramIncrease, type Histogram } from './histogram.ts';

/** Sliding window length when none is given, seconds (the HPA's default Pods-metric window). */
export const DEFAULT_WINDOW_SECONDS = 60;

export interface TimedReading {
  /** Seconds (any fixed origin; the simulator's clock or Unix time). */
  readonly at: number;
  readonly reading: TargetReading;
}

/** One target's readings inside the window, oldest first. */
export type TargetWindow = readonly TimedReading[];

/** What a window says about one target. Absent keys mean no data, never zero. */
export interface WindowedSignals {
  /** Observations added during the window (bucket counts are deltas, still cumulative by bound). */
  readonly histograms: Readonly<Partial<Record<HistogramSignal, Histogram>>>;
  /** The newest reading's values. */
  readonly gauges: Readonly<Partial<Record<GaugeSignal, number>>>;
  /** Increase over the window divided by the time between its first and last reading. */
  readonly rates: Readonly<Partial<Record<CounterSignal, number>>>;
  readonly readings: number;
  /** Time from the oldest to the newest reading used, seconds. */
  readonly spanSeconds: number;
}

function inWindow(window: TargetWindow, now: number, windowSeconds: number): TargetWindow {
  const from = now - windowSeconds;
  let start = 0;
  while (start < window.length && (window[start]?.at ?? Infinity) < from) start++;
  let end = window.length;
  while (end > start && (window[end - 1]?.at ?? -Infinity) > now) end--;
  return start === 0 && end === window.length ? window : window.slice(start, end);
}

/**
 * Adds a reading and forgets those older than the window (the range is closed: a reading exactly
 * `windowSeconds` old still counts). A reading not newer than the last one is ignored.
 */
export function pushReading(window: TargetWindow, at: number, reading: TargetReading, windowSeconds = DEFAULT_WINDOW_SECONDS): TargetWindow {
  const last = window[window.length - 1];
  if (last !== undefined && at <= last.at) return window;
  return [...inWindow(window, at, windowSeconds), { at, reading }];
}

/**
 * Evaluates a window at `now`, using readings with now − windowSeconds ≤ at ≤ now. Rates and
 * latency histograms need two readings; a latency histogram with no new observations is kept (it
 * merges as zero) but yields no quantile.
 */
export function evaluateWindow(window: TargetWindow, now: number, windowSeconds = DEFAULT_WINDOW_SECONDS): WindowedSignals {
  const used = inWindow(window, now, windowSeconds);
  const histograms: Partial<Record<HistogramSignal, Histogram>> = {};
  const gauges: Partial<Record<GaugeSignal, number>> = {};
  const rates: Partial<Record<CounterSignal, number>> = {};
  const first = used[0];
  const last = used[used.length - 1];
  if (first === undefined || last === undefined) return { histograms, gauges, rates, readings: 0, spanSeconds: 0 };

  for (const signal of GAUGE_SIGNALS) {
    const v = last.reading.gauges[signal];
    if (v !== undefined) gauges[signal] = v;
  }
  for (const signal of HISTOGRAM_SIGNALS) {
    const series: Histogram[] = [];
    for (const r of used) {
      const h = r.reading.histograms[signal];
      if (h !== undefined) series.push(h);
    }
    const inc = histogramIncrease(series);
    if (inc !== undefined) histograms[signal] = inc;
  }
  for (const signal of COUNTER_SIGNALS) {
    const values: number[] = [];
    let from = Infinity;
    let to = -Infinity;
    for (const r of used) {
      const v = r.reading.counters[signal];
      if (v === undefined) continue;
      values.push(v);
      if (r.at < from) from = r.at;
      to = r.at;
    }
    const inc = counterIncrease(values);
    if (inc !== undefined && to > from) rates[signal] = inc / (to - from);
  }
  return { histograms, gauges, rates, readings: used.length, spanSeconds: last.at - first.at };
}
