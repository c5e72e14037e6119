import type { RateEnvelope } from './envelope.ts';
import { numberedLines, TraceParseError } from './request.ts';

/**
 * ServeGen per-client rate windows (`client_id,window_start_s,rate_rps,iat_cv,iat_dist,iat_shape,iat_scale`,
 * 600 s windows, zero-rate windows omitted). Canopy uses them for the shape of a day: the total rate
 * per window becomes a `windows` envelope, and the fitted inter-arrival family can drive the arrivals.
 */
export interface ServeGenWindow {
  readonly clientId: string;
  readonly windowStart: number;
  readonly rate: number;
  readonly iatCv: number;
  readonly iatDist: 'Gamma' | 'Weibull';
  readonly iatShape: number;
  readonly iatScale: number;
}

const COLUMNS = ['client_id', 'window_start_s', 'rate_rps', 'iat_cv', 'iat_dist', 'iat_shape', 'iat_scale'] as const;

export function parseServeGenWindows(text: string, file = '<servegen windows>'): ServeGenWindow[] {
  const lines = numberedLines(text);
  const header = lines[0];
  if (header?.content.trim() !== COLUMNS.join(',')) {
    throw new TraceParseError(file, header?.line ?? 1, `header must be ${COLUMNS.join(',')}`);
  }
  return lines.slice(1).map(({ line, content }) => {
    const cells = content.split(',');
    if (cells.length !== COLUMNS.length) throw new TraceParseError(file, line, `expected ${COLUMNS.length} fields, got ${cells.length}`);
    const [clientId = '', start, rate, cv, dist, shape, scale] = cells;
    const num = (raw: string | undefined, field: string, allowNaN = false): number => {
      const v = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
      if (Number.isNaN(v) && allowNaN) return v;
      if (!Number.isFinite(v) || v < 0) throw new TraceParseError(file, line, `${field} must be a number ≥ 0, got ${JSON.stringify(raw)}`);
      return v;
    };
    if (dist !== 'Gamma' && dist !== 'Weibull') throw new TraceParseError(file, line, `iat_dist must be Gamma or Weibull, got ${JSON.stringify(dist)}`);
    return {
      clientId,
      windowStart: num(start, 'window_start_s'),
      rate: num(rate, 'rate_rps'),
      iatCv: num(cv, 'iat_cv', true),
      iatDist: dist,
      iatShape: num(shape, 'iat_shape', true),
      iatScale: num(scale, 'iat_scale', true),
    };
  });
}

/**
 * The summed rate of all clients per window, as an envelope. `peakRate` rescales it so that its
 * largest window has that rate (ServeGen's absolute rates may be normalized; the shape is what
 * carries over); `timeScale` plays it faster.
 */
export function serveGenEnvelope(
  windows: readonly ServeGenWindow[],
  options: { readonly windowSeconds?: number; readonly peakRate?: number; readonly timeScale?: number } = {},
): RateEnvelope & { readonly kind: 'windows' } {
  const width = options.windowSeconds ?? 600;
  const rates: number[] = [];
  for (const w of windows) {
    const k = Math.floor(w.windowStart / width);
    while (rates.length <= k) rates.push(0);
    rates[k] = (rates[k] ?? 0) + w.rate;
  }
  const peak = rates.reduce((m, r) => Math.max(m, r), 0);
  const factor = options.peakRate !== undefined && peak > 0 ? options.peakRate / peak : 1;
  return {
    kind: 'windows',
    windowSeconds: width,
    rates: rates.map((r) => r * factor),
    ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
  };
}
