import type { Labels, MetricFamily, ParsedPage, Sample } from '../parse/types.ts';
import type { Histogram } from '../window/histogram.ts';
import { parseSampleValue } from '../parse/number.ts';
import {
  COUNTER_SIGNALS,
  DIALECTS,
  GAUGE_SIGNALS,
  HISTOGRAM_SIGNALS,
  type CounterSignal,
  type CounterSource,
  type DialectName,
  type DialectTable,
  type GaugeSignal,
  type HistogramSignal,
} from './table.ts';

/** One scrape of one target, in canonical terms. Histograms and counters are cumulative as exposed. */
export interface TargetReading {
  readonly dialects: readonly DialectName[];
  readonly histograms: Readonly<Partial<Record<HistogramSignal, Histogram>>>;
  readonly gauges: Readonly<Partial<Record<GaugeSignal, number>>>;
  readonly counters: Readonly<Partial<Record<CounterSignal, number>>>;
}

export interface ExtractOptions {
  /** Only series carrying all these label values count (e.g. one model on a multi-model frontend). */
  readonly match?: Labels;
  /** Skip detection and read these dialects, in this order. */
  readonly dialects?: readonly DialectName[];
}

/** The dialects a page speaks, by family-name prefix, in the order of DIALECTS. */
export function detectDialects(page: ParsedPage): DialectName[] {
  const found = new Set<DialectName>();
  for (const name of page.families.keys()) {
    for (const d of DIALECTS) if (name.startsWith(d.prefix)) found.add(d.name);
  }
  return DIALECTS.filter((d) => found.has(d.name)).map((d) => d.name);
}

function matches(labels: Labels, match: Labels | undefined): boolean {
  if (match === undefined) return true;
  for (const k in match) if (labels[k] !== match[k]) return false;
  return true;
}

/** The samples of `metric` with the given role, wherever the page put them (typed or untyped). */
function samplesOf(page: ParsedPage, metric: string, suffix: '' | '_bucket' | '_sum' | '_count'): readonly Sample[] {
  const own = page.families.get(metric);
  if (own !== undefined) {
    if (suffix === '') return own.samples.filter((s) => s.suffix === '' || s.suffix === '_total');
    const parts = own.samples.filter((s) => s.suffix === suffix);
    if (parts.length > 0 || own.type === 'histogram' || own.type === 'summary') return parts;
  }
  if (suffix === '' && metric.endsWith('_total')) {
    // Declared by its base name (`# TYPE x counter`, samples `x_total`).
    const base = page.families.get(metric.slice(0, -'_total'.length));
    if (base?.type === 'counter') return base.samples.filter((s) => s.suffix === '_total');
  }
  // Without a TYPE line every suffixed sample is a family of its own.
  const loose: MetricFamily | undefined = suffix === '' ? undefined : page.families.get(metric + suffix);
  return loose?.type === 'untyped' ? loose.samples : [];
}

function sumValues(samples: readonly Sample[], match: Labels | undefined): number | undefined {
  let total = 0;
  let seen = false;
  for (const s of samples) {
    if (!matches(s.labels, match) || Number.isNaN(s.value)) continue;
    total += s.value;
    seen = true;
  }
  return seen ? total : undefined;
}

function meanValues(samples: readonly Sample[], match: Labels | undefined): number | undefined {
  let total = 0;
  let n = 0;
  for (const s of samples) {
    if (!matches(s.labels, match) || Number.isNaN(s.value)) continue;
    total += s.value;
    n++;
  }
  return n > 0 ? total / n : undefined;
}

/**
 * Adds up every series of a histogram (e.g. one per engine index). A bound counts only when every
 * series has it, which keeps the sum exact when series disagree on their bounds. Undefined when no
 * series has a +Inf bucket.
 */
function readHistogram(page: ParsedPage, metric: string, match: Labels | undefined): Histogram | undefined {
  const buckets = samplesOf(page, metric, '_bucket');
  if (buckets.length === 0) return undefined;
  const perBound = new Map<number, { count: number; series: number }>();
  for (const s of buckets) {
    if (!matches(s.labels, match)) continue;
    const le = parseSampleValue(s.labels.le ?? '');
    if (le === undefined || Number.isNaN(le)) continue;
    const slot = perBound.get(le);
    if (slot === undefined) perBound.set(le, { count: s.value, series: 1 });
    else {
      slot.count += s.value;
      slot.series++;
    }
  }
  const series = perBound.get(Infinity)?.series ?? 0;
  if (series === 0) return undefined;
  const bounds = [...perBound.keys()].filter((b) => perBound.get(b)?.series === series).sort((a, b) => a - b);
  const counts = bounds.map((b) => perBound.get(b)?.count ?? 0);
  const sum = sumValues(samplesOf(page, metric, '_sum'), match) ?? NaN;
  const count = sumValues(samplesOf(page, metric, '_count'), match) ?? counts[counts.length - 1] ?? 0;
  return { bounds, counts, sum, count };
}

function readCounter(page: ParsedPage, source: CounterSource, match: Labels | undefined): number | undefined {
  const suffix = source.part === 'value' ? '' : source.part === 'count' ? '_count' : '_sum';
  return sumValues(samplesOf(page, source.metric, suffix), match);
}

function firstDefined<T, R>(items: readonly T[], read: (item: T) => R | undefined): R | undefined {
  for (const item of items) {
    const r = read(item);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * Reads the canonical signals from a parsed page. Each signal comes from the first dialect (in
 * DIALECTS order) and the first name within it that the page has. Series of one metric are added
 * together (gauges of queues, counters, histogram buckets); the KV-cache fraction is averaged, since
 * each engine on the page reports its own fraction.
 */
export function extractReading(page: ParsedPage, options: ExtractOptions = {}): TargetReading {
  const names = options.dialects ?? detectDialects(page);
  const tables: DialectTable[] = DIALECTS.filter((d) => names.includes(d.name));
  if (options.dialects !== undefined) tables.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
  const match = options.match;
  const histograms: Partial<Record<HistogramSignal, Histogram>> = {};
  const gauges: Partial<Record<GaugeSignal, number>> = {};
  const counters: Partial<Record<CounterSignal, number>> = {};
  for (const signal of HISTOGRAM_SIGNALS) {
    const h = firstDefined(tables, (t) => firstDefined(t.histograms[signal], (m) => readHistogram(page, m, match)));
    if (h !== undefined) histograms[signal] = h;
  }
  for (const signal of GAUGE_SIGNALS) {
    const combine = signal === 'kvUsage' ? meanValues : sumValues;
    const g = firstDefined(tables, (t) => firstDefined(t.gauges[signal], (m) => combine(samplesOf(page, m, ''), match)));
    if (g !== undefined) gauges[signal] = g;
  }
  for (const signal of COUNTER_SIGNALS) {
    const c = firstDefined(tables, (t) => firstDefined(t.counters[signal], (src) => readCounter(page, src, match)));
    if (c !== undefined) counters[signal] = c;
  }
  return { dialects: tables.map((t) => t.name), histograms, gauges, counters };
}
