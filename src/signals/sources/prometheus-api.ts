import { parseSampleValue } from '../parse/number.ts';

/**
 * Prometheus' HTTP API (/api/v1/query), decoded. Values arrive as strings ("1.5", "NaN", "+Inf");
 * timestamps as float seconds. Errors carry Prometheus' own errorType and message.
 */

export interface PromSeries {
  readonly metric: Readonly<Record<string, string>>;
  /** [seconds, value] pairs, oldest first; one pair for a vector. */
  readonly points: readonly (readonly [number, number])[];
}

export type PromResult =
  | { readonly resultType: 'vector' | 'matrix'; readonly series: readonly PromSeries[] }
  | { readonly resultType: 'scalar' | 'string'; readonly series: readonly [] ; readonly value: readonly [number, string] };

export type PromDecoded =
  | { readonly ok: true; readonly result: PromResult; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function decodePoint(x: unknown): [number, number] | string {
  if (!Array.isArray(x) || x.length !== 2) return 'a sample is not a [time, value] pair';
  const [t, v] = x as [unknown, unknown];
  if (typeof t !== 'number' || !Number.isFinite(t)) return 'a sample time is not a number';
  if (typeof v !== 'string') return 'a sample value is not a string';
  const value = parseSampleValue(v);
  if (value === undefined) return `a sample value ${JSON.stringify(v)} is not a float`;
  return [t, value];
}

function decodeLabels(x: unknown): Record<string, string> | string {
  if (!isRecord(x)) return 'a series has no metric labels';
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(x)) {
    if (typeof v !== 'string') return `label ${k} is not a string`;
    out[k] = v;
  }
  return out;
}

function decodeSeries(x: unknown, matrix: boolean): PromSeries | string {
  if (!isRecord(x)) return 'a series is not an object';
  const metric = decodeLabels(x['metric']);
  if (typeof metric === 'string') return metric;
  const raw = matrix ? x['values'] : [x['value']];
  if (!Array.isArray(raw)) return 'a matrix series has no values';
  const points: [number, number][] = [];
  for (const p of raw) {
    const point = decodePoint(p);
    if (typeof point === 'string') return point;
    points.push(point);
  }
  return { metric, points };
}

/**
 * Decodes a /api/v1/query answer. Prometheus answers errors with a JSON body (400 bad_data, 422
 * execution, 503 timeout/unavailable); anything else that is not that JSON is reported with its status.
 */
export function decodeQueryResponse(status: number, body: string): PromDecoded {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    const excerpt = body.length > 200 ? `${body.slice(0, 200)}…` : body;
    return { ok: false, error: `HTTP ${String(status)}: not a Prometheus API response: ${excerpt.trim()}` };
  }
  if (!isRecord(doc)) return { ok: false, error: `HTTP ${String(status)}: not a Prometheus API response` };
  if (doc['status'] !== 'success') {
    const type = typeof doc['errorType'] === 'string' ? doc['errorType'] : 'error';
    const message = typeof doc['error'] === 'string' ? doc['error'] : 'no message';
    return { ok: false, error: `HTTP ${String(status)}: ${type}: ${message}` };
  }
  const warnings = Array.isArray(doc['warnings']) ? doc['warnings'].filter((w): w is string => typeof w === 'string') : [];
  const data = doc['data'];
  if (!isRecord(data)) return { ok: false, error: 'success without data' };
  const type = data['resultType'];
  const result = data['result'];
  if (type === 'vector' || type === 'matrix') {
    if (!Array.isArray(result)) return { ok: false, error: `${type} result is not a list` };
    const series: PromSeries[] = [];
    for (const s of result) {
      const d = decodeSeries(s, type === 'matrix');
      if (typeof d === 'string') return { ok: false, error: d };
      series.push(d);
    }
    return { ok: true, result: { resultType: type, series }, warnings };
  }
  if (type === 'scalar' || type === 'string') {
    if (!Array.isArray(result) || result.length !== 2 || typeof result[0] !== 'number' || typeof result[1] !== 'string') {
      return { ok: false, error: `${type} result is not a [time, value] pair` };
    }
    return { ok: true, result: { resultType: type, series: [], value: [result[0], result[1]] }, warnings };
  }
  return { ok: false, error: `unknown resultType ${JSON.stringify(type)}` };
}

/** A POST with a form body; returns status and text, or throws on a transport failure. */
export type PostForm = (url: string, form: Readonly<Record<string, string>>, timeoutMs: number) => Promise<{ status: number; body: string }>;

export const postForm: PostForm = async (url, form, timeoutMs) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, body: await res.text() };
};

/** Formats seconds the way Prometheus' `time` parameter takes them (millisecond precision). */
export function formatPromTime(seconds: number): string {
  return (Math.round(seconds * 1000) / 1000).toFixed(3);
}

/**
 * Runs one instant query by POST (queries naming every engine metric are long; a GET would meet
 * URL limits). Never throws: transport failures and Prometheus errors come back as `ok: false`.
 */
export async function instantQuery(baseUrl: string, query: string, time: number, options: { post?: PostForm; timeoutMs?: number } = {}): Promise<PromDecoded> {
  const post = options.post ?? postForm;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/query`;
  try {
    const res = await post(url, { query, time: formatPromTime(time), timeout: `${String(Math.max(1, Math.floor(timeoutMs / 1000)))}s` }, timeoutMs);
    return decodeQueryResponse(res.status, res.body);
  } catch (error) {
    const message = error instanceof Error ? (error.name === 'TimeoutError' ? `timeout after ${String(timeoutMs)} ms` : error.message) : String(error);
    return { ok: false, error: `POST ${url}: ${message}` };
  }
}
