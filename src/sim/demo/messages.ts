// What the demo's simulation worker and its main thread say to each other.
import type { SignalSnapshot, SignalState } from '../../signals/index.ts';
import type { RunSummary } from '../loop/summary.ts';

export interface DemoWorkerInput {
  readonly policyFile: string;
  readonly pcsFile: string;
  readonly trace: string;
  readonly scale: number;
  readonly seed: number;
  readonly speed: number;
  readonly durationSeconds: number | undefined;
  readonly startupSeconds: number;
  readonly outDir: string;
  /** Int32 cell the worker sleeps on to pace the simulation against the wall clock. */
  readonly pacing: SharedArrayBuffer;
}

export type DemoMessage =
  | { readonly kind: 'started'; readonly requests: number; readonly endTime: number; readonly nodes: number; readonly gpus: number; readonly racks: number }
  | { readonly kind: 'scrape'; readonly now: number; readonly snapshot: SignalSnapshot; readonly state: SignalState }
  | { readonly kind: 'phase'; readonly text: string }
  | { readonly kind: 'done'; readonly summary: RunSummary; readonly oracleGpuHours: number; readonly report: string; readonly summaryFile: string }
  | { readonly kind: 'error'; readonly message: string };
