// Demand of one role now and at the forecast time, per phase, in the units capacity is measured in:
// prompt tokens per second that need prefill, output tokens per second that need decode.
import type { RoleSignal } from '../../api/scaling-policy.ts';
import type { RoleHistory, RoleSnapshot, TimedValue } from '../types.ts';
import { forecast, type PredictorOptions } from './predict.ts';

export interface Demand {
  readonly requestRate?: number | undefined;
  /** Mean prompt tokens per request (before prefix-cache hits). */
  readonly promptTokens?: number | undefined;
  /** Mean output tokens per request. */
  readonly outputTokens?: number | undefined;
  /** Prompt tokens per second that need computing (prefix-cache hits removed). */
  readonly prefillLoad?: number | undefined;
  /** Output tokens per second. */
  readonly decodeLoad?: number | undefined;
}

export interface DemandPair {
  readonly now: Demand;
  readonly forecast: Demand;
  /** When the forecast is read (epoch ms): now + startupSeconds + horizonSeconds. */
  readonly forecastAt: number;
}

const finite = (v: number | undefined): number | undefined => (v !== undefined && Number.isFinite(v) && v >= 0 ? v : undefined);

/** Per-request means from this snapshot, for the history series. Undefined where the snapshot cannot tell. */
export function sampleMeans(s: RoleSnapshot, signals: ReadonlySet<RoleSignal>): { requestRate?: number; promptTokens?: number; outputTokens?: number } {
  const rate = signals.has('requestRate') ? finite(s.requestRate) : undefined;
  const out: { requestRate?: number; promptTokens?: number; outputTokens?: number } = {};
  if (rate !== undefined) out.requestRate = rate;
  // Lengths are only measurable while requests flow; an idle window says nothing about them.
  if (rate !== undefined && rate > 0) {
    const prompt = finite(s.promptTokensPerSecond);
    const gen = finite(s.generationTokensPerSecond);
    if (prompt !== undefined) out.promptTokens = prompt / rate;
    if (gen !== undefined) out.outputTokens = gen / rate;
  }
  return out;
}

const lastValue = (series: readonly TimedValue[]): number | undefined => series.at(-1)?.value;

export function roleDemand(
  s: RoleSnapshot,
  h: RoleHistory,
  signals: ReadonlySet<RoleSignal>,
  now: number,
  lookAheadSeconds: number,
  predictor: PredictorOptions,
): DemandPair {
  const keep = 1 - Math.min(1, Math.max(0, s.prefixCacheHitRate ?? 0));
  const at = now + lookAheadSeconds * 1000;
  const promptNow = lastValue(h.promptTokens);
  const outputNow = lastValue(h.outputTokens);
  const rateNow = signals.has('requestRate') ? finite(s.requestRate) : undefined;

  const prefillNow = signals.has('promptTokens') && finite(s.promptTokensPerSecond) !== undefined
    ? (finite(s.promptTokensPerSecond) ?? 0) * keep
    : rateNow !== undefined && promptNow !== undefined ? rateNow * promptNow * keep : undefined;
  const decodeNow = signals.has('generationTokens') && finite(s.generationTokensPerSecond) !== undefined
    ? finite(s.generationTokensPerSecond)
    : rateNow !== undefined && outputNow !== undefined ? rateNow * outputNow : undefined;

  const rateF = forecast(h.requestRate, at, predictor) ?? rateNow;
  const promptF = forecast(h.promptTokens, at, predictor) ?? promptNow;
  const outputF = forecast(h.outputTokens, at, predictor) ?? outputNow;
  const prefillF = rateF !== undefined && promptF !== undefined ? rateF * promptF * keep : prefillNow;
  const decodeF = rateF !== undefined && outputF !== undefined ? rateF * outputF : decodeNow;

  return {
    now: { requestRate: rateNow, promptTokens: promptNow, outputTokens: outputNow, prefillLoad: prefillNow, decodeLoad: decodeNow },
    forecast: { requestRate: rateF, promptTokens: promptF, outputTokens: outputF, prefillLoad: prefillF, decodeLoad: decodeF },
    forecastAt: at,
  };
}
