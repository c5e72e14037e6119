// Demand of one role now and at the forecast time, per phase, in the units capacity is measured in:
// prompt tokens per second that need prefill, output tokens per second that need decode.
import type { RoleSignal } from '../../api/scaling-policy.ts';
import { lastValue, type Series } from '../series.ts';
import type { RoleHistory, RoleSnapshot } from '../types.ts';
import { probit } from 'simple-statistics';
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

/** The role's traffic counters, each read from the pods that count every request exactly once. */
export interface RoleTraffic {
  /** Requests per second arriving at the role. */
  readonly requestRate: number | undefined;
  readonly promptTokensPerSecond: number | undefined;
  readonly generationTokensPerSecond: number | undefined;
  /** Requests per second behind the generation counter (decode's own, when the phases are split). */
  readonly generationRequestRate: number | undefined;
}

/**
 * A role whose pods all serve one phase (or aggregated engines) counts each request once: its own sums. A
 * scaling group of prefill and decode workers counts each request in both phases, so arrivals and prompts
 * come from the prefill members and generation from the decode members, each phase's rate dividing its own
 * tokens.
 */
export function roleTraffic(s: RoleSnapshot): RoleTraffic {
  const prefill = s.phases?.prefill;
  const decode = s.phases?.decode;
  const rate = finite(prefill !== undefined ? prefill.requestRate : s.requestRate);
  return {
    requestRate: rate,
    promptTokensPerSecond: finite(prefill !== undefined ? prefill.promptTokensPerSecond : s.promptTokensPerSecond),
    generationTokensPerSecond: finite(decode !== undefined ? decode.generationTokensPerSecond : s.generationTokensPerSecond),
    generationRequestRate: decode !== undefined ? finite(decode.requestRate) : rate,
  };
}

/** Per-request means from this snapshot, for the history series. Undefined where the snapshot cannot tell. */
export function sampleMeans(s: RoleSnapshot, signals: ReadonlySet<RoleSignal>): { requestRate?: number; promptTokens?: number; outputTokens?: number } {
  const t = roleTraffic(s);
  const rate = signals.has('requestRate') ? t.requestRate : undefined;
  const out: { requestRate?: number; promptTokens?: number; outputTokens?: number } = {};
  if (rate !== undefined) out.requestRate = rate;
  // Lengths are only measurable while requests flow; an idle window says nothing about them.
  if (rate !== undefined && rate > 0) {
    const prompt = t.promptTokensPerSecond;
    const gen = t.generationTokensPerSecond;
    const genRate = t.generationRequestRate;
    if (prompt !== undefined) out.promptTokens = prompt / rate;
    if (gen !== undefined && genRate !== undefined && genRate > 0) out.outputTokens = gen / genRate;
  }
  return out;
}

/** Per-scrape load, request rate × mean length (× the share not served from a cache), joined by time. */
export function loadSeries(rates: Series, lengths: Series, share = 1): Series {
  const times: number[] = [];
  const values: number[] = [];
  // Both in time order, written at the same instants: a merge walk pairs them.
  let j = lengths.start;
  for (let i = rates.start; i < rates.end; i++) {
    const t = rates.times[i] ?? NaN;
    while (j < lengths.end && (lengths.times[j] ?? Infinity) < t) j++;
    if (j === lengths.end) break;
    if (lengths.times[j] !== t) continue;
    times.push(t);
    values.push((rates.values[i] ?? 0) * (lengths.values[j] ?? 0) * share);
  }
  return { times, values, start: 0, end: times.length };
}

/** MAD × this estimates the standard deviation of normally distributed values. */
const MAD_TO_SIGMA = 1.4826;

/**
 * How far the load may rise within `lagMs` at percentile q: z_q × the spread of its changes over that lag, as
 * seen in the series (pairs at most a quarter lag off). A replica ordered now is ready one start-up later, so
 * this is the burst headroom the order needs; 0 with fewer than `minPairs` pairs or q ≤ 0.5. The spread is the
 * median absolute deviation scaled to σ, so a few transients (a fleet warming up, one freak minute) do not
 * set the headroom for the whole history window.
 */
export function riseAtQuantile(series: Series, lagMs: number, quantile: number, minPairs: number): number {
  if (!(lagMs > 0) || !(quantile > 0.5 && quantile < 1)) return 0;
  const { times, values, start, end } = series;
  const changes: number[] = [];
  let j = start;
  for (let i = start; i < end; i++) {
    const want = (times[i] ?? 0) - lagMs;
    while (j + 1 < end && (times[j + 1] ?? Infinity) <= want) j++;
    const t = times[j];
    if (t !== undefined && t <= want && want - t <= lagMs / 4) changes.push((values[i] ?? 0) - (values[j] ?? 0));
  }
  if (changes.length < Math.max(2, minPairs)) return 0;
  return Math.max(0, probit(quantile) * MAD_TO_SIGMA * medianAbsoluteDeviation(changes));
}

/** The k-th smallest of xs (0-based), reordering xs so that every element before k is ≤ it (Hoare's selection). */
function selectInPlace(xs: number[], k: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (hi > lo) {
    const pivot = xs[(lo + hi) >> 1] ?? 0;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((xs[i] ?? 0) < pivot) i++;
      while ((xs[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const t = xs[i] ?? 0;
        xs[i++] = xs[j] ?? 0;
        xs[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return xs[k] ?? NaN;
}

/** Median of xs (halfway between the two middle values for an even count), reordering xs. */
function medianInPlace(xs: number[]): number {
  const mid = xs.length >> 1;
  const upper = selectInPlace(xs, mid);
  if (xs.length % 2 === 1) return upper;
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) lower = Math.max(lower, xs[i] ?? -Infinity);
  // Interpolated as simple-statistics does (numpy's linear method), to the last bit.
  return lower + 0.5 * (upper - lower);
}

/** Median of |x − median(x)|, as simple-statistics defines it, without its copies. */
function medianAbsoluteDeviation(xs: number[]): number {
  const m = medianInPlace(xs);
  for (let i = 0; i < xs.length; i++) xs[i] = Math.abs((xs[i] ?? 0) - m);
  return medianInPlace(xs);
}

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
  const t = roleTraffic(s);
  const rateNow = signals.has('requestRate') ? t.requestRate : undefined;

  const prefillNow = signals.has('promptTokens') && t.promptTokensPerSecond !== undefined
    ? t.promptTokensPerSecond * keep
    : rateNow !== undefined && promptNow !== undefined ? rateNow * promptNow * keep : undefined;
  const decodeNow = signals.has('generationTokens') && t.generationTokensPerSecond !== undefined
    ? t.generationTokensPerSecond
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
