import { median } from 'simple-statistics';
import { fitLatencyModel, fitLine, fitQuadratic, type DecodeObservation, type LatencyFit, type PrefillObservation } from '../sim/engine/fit.ts';
import { parseEngineProfile, type EngineProfile } from '../sim/engine/profile.ts';
import type { LoadTestRecord } from './record.ts';

/**
 * From client-side timings to the engine model's coefficients. The client sees only its own requests,
 * so it can tell when the endpoint was doing nothing else:
 *   - a prefill observation is a request whose send → first token overlapped no other request at all:
 *     TTFT = prefill time of its prompt alone (plus network overhead, which lands in the base);
 *   - a decode observation is one gap between token chunks during which no request was prefilling:
 *     the batch is the number of requests streaming across the gap, the KV their prompts plus tokens
 *     so far.
 * This assumes the load test is the endpoint's only client and one chunk carries one token.
 */
export interface LoadTestObservations {
  readonly prefill: readonly PrefillObservation[];
  readonly decode: readonly DecodeObservation[];
}

interface Span {
  readonly record: LoadTestRecord;
  readonly start: number;
  readonly firstToken: number;
  readonly end: number;
}

function spans(records: readonly LoadTestRecord[]): Span[] {
  const out: Span[] = [];
  for (const r of records) {
    if (r.dropped || r.firstToken === undefined || r.tokenTimes.length === 0) continue;
    out.push({ record: r, start: r.arrival, firstToken: r.firstToken, end: r.tokenTimes.at(-1) ?? r.firstToken });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** For each span, the other spans whose [start, end] intersects it (sweep over starts). */
function neighbours(all: readonly Span[]): Map<Span, Span[]> {
  const map = new Map<Span, Span[]>(all.map((s) => [s, []]));
  for (let i = 0; i < all.length; i++) {
    const a = all[i];
    if (a === undefined) continue;
    for (let j = i + 1; j < all.length; j++) {
      const b = all[j];
      if (b === undefined || b.start > a.end) break;
      map.get(a)?.push(b);
      map.get(b)?.push(a);
    }
  }
  return map;
}

export function observationsFromRecords(records: readonly LoadTestRecord[]): LoadTestObservations {
  const all = spans(records);
  const near = neighbours(all);
  const prefill: PrefillObservation[] = [];
  const decode: DecodeObservation[] = [];
  for (const s of all) {
    const others = near.get(s) ?? [];
    if (!others.some((o) => o.start <= s.firstToken && o.end >= s.start)) {
      prefill.push({ tokens: s.record.promptTokens, seconds: s.firstToken - s.start });
    }
    const times = s.record.tokenTimes;
    for (let i = 1; i < times.length; i++) {
      const from = times[i - 1] ?? 0;
      const to = times[i] ?? 0;
      if (to <= from) continue;
      if (others.some((o) => o.start < to && o.firstToken > from)) continue;
      let batch = 1;
      let kv = s.record.promptTokens + i;
      for (const o of others) {
        if (o.firstToken <= from && o.end >= to) {
          batch++;
          kv += o.record.promptTokens + o.record.tokenTimes.filter((t) => t < to).length;
        }
      }
      decode.push({ batch, seconds: to - from, kvTokens: kv });
    }
  }
  return { prefill, decode };
}

export interface ProfileFit {
  /** The fitted profile, or undefined when the observations cannot pin the model down. */
  readonly profile: EngineProfile | undefined;
  readonly fit: LatencyFit | undefined;
  readonly prefillObservations: number;
  readonly decodeObservations: number;
  readonly notes: readonly string[];
}

/**
 * Drops prefill observations far off a first fit (more than 4 robust standard deviations, estimated
 * from the median absolute residual) and keeps the rest: wall-clock timings have rare large outliers
 * (a connection being opened, a garbage-collection pause) that would drag a least-squares line.
 */
export function withoutOutliers(points: readonly PrefillObservation[], quadratic: boolean): PrefillObservation[] {
  if (points.length < 5 || new Set(points.map((o) => o.tokens)).size < 2) return [...points];
  const xy = points.map((o) => [o.tokens, o.seconds] as const);
  const f = quadratic ? fitQuadratic(xy) : { ...fitLine(xy), quadratic: 0 };
  const residuals = points.map((o) => o.seconds - (f.intercept + f.slope * o.tokens + f.quadratic * o.tokens * o.tokens));
  const mad = median(residuals.map((r) => Math.abs(r - median(residuals))));
  const limit = 4 * 1.4826 * mad;
  if (!(limit > 0)) return [...points];
  const kept = points.filter((_, i) => Math.abs(residuals[i] ?? 0) <= limit);
  return new Set(kept.map((o) => o.tokens)).size >= 2 ? kept : [...points];
}

/** Per batch size with enough gaps: the median gap and median KV (a robust summary of noisy gaps). */
function decodeByBatch(decode: readonly DecodeObservation[], minimum: number): DecodeObservation[] {
  const groups = new Map<number, DecodeObservation[]>();
  for (const o of decode) {
    const g = groups.get(o.batch);
    if (g === undefined) groups.set(o.batch, [o]);
    else g.push(o);
  }
  return [...groups.entries()]
    .filter(([, g]) => g.length >= minimum)
    .sort(([a], [b]) => a - b)
    .map(([batch, g]) => ({ batch, seconds: median(g.map((o) => o.seconds)), kvTokens: median(g.map((o) => o.kvTokens ?? 0)) }));
}

export interface FitOptions {
  /** Limits the client cannot measure (KV capacity, max_num_seqs, …) and the GPU count come from here. */
  readonly template: EngineProfile;
  readonly name: string;
  /** Printed in the profile's `source`. */
  readonly source: string;
  /** Fit c_p·N² too (default true: prefill grows faster than linearly with long prompts). */
  readonly quadraticPrefill?: boolean;
}

/**
 * Fits prefill t = a_p + b_p·N (+ c_p·N²) and decode t = a_d + b_d·B + c_d·K with the engine's own fitting
 * (src/sim/engine/fit.ts). At low load every decode gap has batch 1, which cannot separate a_d from b_d:
 * the fit then reports a_d + b_d as the base and 0 per sequence, and says so in the notes.
 */
export function fitProfileFromRecords(records: readonly LoadTestRecord[], options: FitOptions): ProfileFit {
  const raw = observationsFromRecords(records);
  const quadratic = options.quadraticPrefill !== false;
  const prefillKept = withoutOutliers(raw.prefill, quadratic);
  const obs: LoadTestObservations = { prefill: prefillKept, decode: raw.decode };
  const notes: string[] = [];
  if (prefillKept.length < raw.prefill.length) notes.push(`prefill: ${String(raw.prefill.length - prefillKept.length)} outlier(s) left out`);
  const base = { prefillObservations: obs.prefill.length, decodeObservations: obs.decode.length };
  const distinctPrompts = new Set(obs.prefill.map((o) => o.tokens)).size;
  if (distinctPrompts < 2) {
    return { ...base, profile: undefined, fit: undefined, notes: [...notes, `prefill: ${distinctPrompts} distinct prompt length(s) observed alone; 2 or more are needed`] };
  }
  if (obs.decode.length === 0) return { ...base, profile: undefined, fit: undefined, notes: ['decode: no inter-token gap observed'] };
  const kvSweep = obs.decode.filter((o) => o.batch === 1);
  const grouped = decodeByBatch(obs.decode, 3);
  const shape = quadratic ? 'quadratic' : 'linear';
  let fit: LatencyFit;
  const kvUsable = new Set(kvSweep.map((o) => o.kvTokens)).size >= 2;
  if (grouped.length >= 2) {
    fit = fitLatencyModel({ prefill: obs.prefill, decode: grouped, ...(kvUsable ? { kvSweep } : {}), prefillShape: shape });
  } else {
    const prefillPoints = obs.prefill.map((o) => [o.tokens, o.seconds] as const);
    const p = shape === 'quadratic' ? fitQuadratic(prefillPoints) : { ...fitLine(prefillPoints), quadratic: 0 };
    const kv = kvUsable ? fitLine(kvSweep.map((o) => [o.kvTokens ?? 0, o.seconds] as const)).slope : 0;
    const only = obs.decode[0]?.batch ?? 1;
    const flat = median(obs.decode.map((o) => o.seconds - kv * (o.kvTokens ?? 0)));
    notes.push(`decode: only batch ${only} observed; the per-sequence cost is folded into the base (a_d + b_d·${only})`);
    if (!kvUsable) notes.push('decode KV cost: a single KV size observed, taken as 0');
    fit = {
      prefill: { baseSeconds: p.intercept, perTokenSeconds: p.slope, quadraticSeconds: p.quadratic, r2: p.r2 },
      decode: { baseSeconds: flat, perSequenceSeconds: 0, perKvTokenSeconds: kv, r2: Number.NaN },
      notes: p.clamped === undefined ? [] : [`prefill: ${p.clamped}, clamped`],
    };
  }
  notes.push(...fit.notes);
  const t = options.template;
  const profile = parseEngineProfile({
    ...t,
    name: options.name,
    description: `Fitted from a load test; scheduler limits, KV capacity and GPUs per replica copied from ${t.name}.`,
    prefill: { baseSeconds: fit.prefill.baseSeconds, perTokenSeconds: fit.prefill.perTokenSeconds, quadraticSeconds: fit.prefill.quadraticSeconds },
    decode: { baseSeconds: fit.decode.baseSeconds, perSequenceSeconds: fit.decode.perSequenceSeconds, perKvTokenSeconds: fit.decode.perKvTokenSeconds },
    source: `${options.source}; ${String(obs.prefill.length)} isolated prefills, ${String(obs.decode.length)} decode gaps${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`,
  });
  return { ...base, profile, fit, notes };
}
