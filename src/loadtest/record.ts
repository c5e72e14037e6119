import type { RequestRecord } from '../sim/score/records.ts';

/**
 * One request as the load generator saw it, in the scorer's record shape (src/sim/score/records.ts)
 * plus what a client can add. Times are seconds since the start of the load test. `arrival` is when the
 * request was sent (TTFT = first token chunk − send); `scheduled` is when the trace wanted it sent,
 * later than that only when the concurrency limit held it back.
 */
export interface LoadTestRecord extends RequestRecord {
  readonly id: string;
  readonly scheduled: number;
  readonly arrival: number;
  readonly promptTokens: number;
  /** max_tokens asked for (the trace's output length). */
  readonly requestedOutputTokens: number;
  /** Token chunks received: what TPOT is computed over. */
  readonly outputTokens: number;
  /** `usage.completion_tokens` of the last chunk, when the server sent it. */
  readonly reportedOutputTokens: number | undefined;
  readonly firstToken: number | undefined;
  readonly finish: number | undefined;
  /** Arrival time of every token chunk, first token first. */
  readonly tokenTimes: readonly number[];
  /** True for errors and timeouts: the scorer counts them as misses. */
  readonly dropped: boolean;
  readonly timedOut: boolean;
  readonly httpStatus: number | undefined;
  readonly error: string | undefined;
}
