/**
 * The shape of a parsed Prometheus text exposition (format 0.0.4) page.
 *
 * Families are keyed by the name given in `# TYPE` (or, for samples without one, by the sample name
 * itself, typed `untyped`). A histogram family `x` owns `x_bucket`, `x_sum` and `x_count`; a summary
 * family `x` owns `x`, `x_sum` and `x_count`; a counter family `x` also owns `x_total`.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** Label name → value. Objects have no prototype, so a label called `__proto__` is an ordinary key. */
export type Labels = Readonly<Record<string, string>>;

/** Which part of its family a sample is: '' for the family name itself, else the suffix it carries. */
export type SampleSuffix = '' | '_bucket' | '_sum' | '_count' | '_total';

export interface Sample {
  /** The sample's full name as written on the page (family name + suffix). */
  readonly name: string;
  readonly suffix: SampleSuffix;
  readonly labels: Labels;
  /** May be NaN, +Infinity or -Infinity. */
  readonly value: number;
  /** Milliseconds since the epoch, when the page gave one. */
  readonly timestampMs: number | undefined;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string | undefined;
  readonly samples: readonly Sample[];
}

/** One line the parser refused; only that line is dropped. Lines count from 1. */
export interface ParseIssue {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedPage {
  /** In order of first appearance. */
  readonly families: ReadonlyMap<string, MetricFamily>;
  readonly issues: readonly ParseIssue[];
  readonly sampleCount: number;
}
