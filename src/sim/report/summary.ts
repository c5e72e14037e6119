import { goodput, requestAttainment, windowAttainment, type Slo } from '../score/slo.ts';
import type { RequestRecord } from '../score/records.ts';
import type { SummaryRow } from './types.ts';

export interface SummaryInput {
  readonly policy: string;
  readonly records: readonly RequestRecord[];
  readonly slo: Slo;
  readonly durationSeconds: number;
  readonly gpuHours: number;
  readonly scalingActions: number;
  readonly flaps: number;
  readonly secondsOutsideRatioBand?: number | undefined;
  /** Window of the per-window attainment (the protocol's 60 s by default). */
  readonly windowSeconds?: number;
}

/** A summary row scored from per-request records with the simulator's own scorer (src/sim/score). */
export function summaryRowFromRecords(input: SummaryInput): SummaryRow {
  return {
    policy: input.policy,
    windowAttainment: windowAttainment(input.records, input.slo, input.windowSeconds ?? 60).attainment,
    requestAttainment: requestAttainment(input.records, input.slo).attainment,
    goodput: input.durationSeconds > 0 ? goodput(input.records, input.durationSeconds, input.slo) : Number.NaN,
    gpuHours: input.gpuHours,
    scalingActions: input.scalingActions,
    flaps: input.flaps,
    secondsOutsideRatioBand: input.secondsOutsideRatioBand,
  };
}
