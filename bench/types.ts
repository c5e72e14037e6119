/** One benchmark figure, always reported against a baseline measured in the same run. */
export interface BenchResult {
  name: string;
  /** The headline, e.g. "412 ms to plan 1,000 gangs on 10,000 nodes". */
  figure: string;
  /** ours versus the baseline, oriented so that > 1 means Canopy is better. */
  ratio: number;
  /** What the baseline is and its own figure. */
  baseline: string;
  details: Record<string, number>;
}
