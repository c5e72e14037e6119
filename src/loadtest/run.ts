import { builtinProfile } from '../sim/engine/profiles.ts';
import type { EngineProfile } from '../sim/engine/profile.ts';
import { DEFAULT_SLO, type Slo } from '../sim/score/slo.ts';
import type { SimRequest } from '../sim/workload/request.ts';
import { streamRequest } from './client.ts';
import { fitProfileFromRecords, type ProfileFit } from './fit.ts';
import { planLoad } from './plan.ts';
import type { LoadTestApi } from './prompt.ts';
import type { LoadTestRecord } from './record.ts';
import { summarizeLoadTest, type LoadTestSummary } from './summary.ts';

export interface LoadTestProgress {
  readonly planned: number;
  readonly sent: number;
  readonly done: number;
  readonly failed: number;
  /** Seconds since the start. */
  readonly elapsed: number;
}

export interface LoadTestOptions {
  /** Base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8000. */
  readonly url: string;
  /** The trace: arrival times and prompt / output lengths. */
  readonly requests: readonly SimRequest[];
  readonly rateScale: number;
  /** Requests in flight at most; a request over the limit waits (and its TTFT starts when it is sent). */
  readonly concurrencyLimit: number;
  /** Per-request limit; a request still streaming then is cut off and counted as a timeout. */
  readonly timeoutSeconds: number;
  readonly model: string;
  /** Default `completions`. */
  readonly api?: LoadTestApi | undefined;
  readonly maxRequests?: number | undefined;
  /** Send only requests scheduled in the first this many seconds. */
  readonly durationSeconds?: number | undefined;
  /** Seed of the thinning / replication draws (default 1). */
  readonly seed?: number | undefined;
  /** SLO of the summary (default: TTFT p90 500 ms, ITL p90 50 ms). */
  readonly slo?: Slo | undefined;
  /** Where the fitted profile takes the limits it cannot measure (default: the built-in 8b-h100). */
  readonly fitTemplate?: EngineProfile | undefined;
  /** Name of the fitted profile (default "loadtest-fit"). */
  readonly profileName?: string | undefined;
  /** Requests sent (and awaited) before the schedule starts and left out of the results, default 1: the first request pays for connection set-up. */
  readonly warmupRequests?: number | undefined;
  readonly onProgress?: ((progress: LoadTestProgress) => void) | undefined;
}

export interface LoadTestResult {
  /** What was scheduled, after scaling and cutting. */
  readonly plan: readonly SimRequest[];
  /** One record per planned request, in schedule order. */
  readonly records: readonly LoadTestRecord[];
  readonly summary: LoadTestSummary;
  readonly fit: ProfileFit;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** A counting semaphore whose waiters are served in arrival order. */
function semaphore(limit: number): { acquire: () => Promise<void>; release: () => void } {
  let free = limit;
  const waiting: (() => void)[] = [];
  return {
    acquire: () => {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    release: () => {
      const next = waiting.shift();
      if (next === undefined) free++;
      else next();
    },
  };
}

/**
 * Replays a trace against a live endpoint on the trace's own schedule and measures every request
 * from the client. The test is bounded by `maxRequests` / `durationSeconds` and each request by
 * `timeoutSeconds`.
 */
export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  if (!(Number.isInteger(options.concurrencyLimit) && options.concurrencyLimit >= 1)) throw new RangeError(`concurrencyLimit must be a whole number ≥ 1, got ${options.concurrencyLimit}`);
  if (!(options.timeoutSeconds > 0)) throw new RangeError(`timeoutSeconds must be > 0, got ${options.timeoutSeconds}`);
  const plan = planLoad(options.requests, {
    rateScale: options.rateScale,
    maxRequests: options.maxRequests,
    durationSeconds: options.durationSeconds,
    seed: options.seed,
  });
  const api = options.api ?? 'completions';
  const warmupClock = (): number => performance.now() / 1000;
  for (let i = 0; i < (options.warmupRequests ?? 1); i++) {
    const warm = plan[i % Math.max(1, plan.length)];
    await streamRequest({
      baseUrl: options.url,
      api,
      model: options.model,
      id: `warmup-${String(i)}`,
      promptTokens: warm?.promptTokens ?? 16,
      outputTokens: 2,
      scheduled: 0,
      timeoutSeconds: options.timeoutSeconds,
      clock: warmupClock,
    });
  }
  const origin = performance.now();
  const clock = (): number => (performance.now() - origin) / 1000;
  const slots = semaphore(options.concurrencyLimit);
  let sent = 0;
  let done = 0;
  let failed = 0;
  const report = (): void => options.onProgress?.({ planned: plan.length, sent, done, failed, elapsed: clock() });
  const pending: Promise<LoadTestRecord>[] = [];
  for (const request of plan) {
    await sleep((request.arrival - clock()) * 1000);
    await slots.acquire();
    sent++;
    pending.push(
      streamRequest({
        baseUrl: options.url,
        api,
        model: options.model,
        id: request.id,
        promptTokens: request.promptTokens,
        outputTokens: request.outputTokens,
        scheduled: request.arrival,
        timeoutSeconds: options.timeoutSeconds,
        clock,
      }).then((record) => {
        slots.release();
        done++;
        if (record.dropped) failed++;
        report();
        return record;
      }),
    );
  }
  const records = await Promise.all(pending);
  const slo = options.slo ?? DEFAULT_SLO;
  const template = options.fitTemplate ?? builtinProfile();
  const fit = fitProfileFromRecords(records, {
    template,
    name: options.profileName ?? 'loadtest-fit',
    source: `fitted by canopy loadtest against ${options.url} (${options.model})`,
  });
  return { plan, records, summary: summarizeLoadTest(records, slo), fit };
}
