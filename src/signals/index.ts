// The public surface of signals: what the scrapers, the adapter, the scaler and the simulator use.
export type { Labels, MetricFamily, MetricType, ParsedPage, ParseIssue, Sample, SampleSuffix } from './parse/types.ts';
export { parsePrometheusText } from './parse/parser.ts';
export { renderPrometheusText } from './parse/render.ts';
export type { CounterSignal, DialectName, GaugeSignal, HistogramSignal } from './dialects/table.ts';
export { detectDialects, extractReading, type ExtractOptions, type TargetReading } from './dialects/extract.ts';
export { type Histogram, mergeHistograms, histogramIncrease, counterIncrease } from './window/histogram.ts';
export { bucketQuantile, histogramQuantile } from './window/quantile.ts';
export { DEFAULT_WINDOW_SECONDS, evaluateWindow, pushReading, type TargetWindow, type TimedReading, type WindowedSignals } from './window/window.ts';
export { aggregateSignals, combineSignals, GROVE_LABELS, type PodSignalsInput } from './aggregate/aggregate.ts';
export { replicaName, signalKey, type GroupKind, type GroupSignals, type SignalSnapshot } from './aggregate/snapshot.ts';
export { SIGNALS, PERCENTILES, isSignalName, latencySignalName, type Percentile, type SignalDefinition, type SignalName, type SignalUnit } from './names.ts';
export { EMPTY_SIGNAL_STATE, ingestCycle, type CycleResult, type Scrape, type SignalState, type TargetIssues } from './ingest.ts';
