// RFC 3339 timestamps and Go durations, as the HPA controller's inputs spell them. Instants are epoch
// milliseconds; fractions below a millisecond are kept as a fraction (exact to about a microsecond).

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds of an RFC 3339 timestamp, or undefined when it is not one. */
export function tryParseTimestamp(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return undefined;
  if (frac !== undefined) ms += Number(`0${frac}`) * 1000;
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const offset = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
    ms -= sign * offset * 60_000;
  }
  return ms;
}

export function isTimestamp(text: string): boolean {
  return tryParseTimestamp(text) !== undefined;
}

/** Epoch milliseconds of an RFC 3339 timestamp; throws on anything else. */
export function parseTimestamp(text: string): number {
  const ms = tryParseTimestamp(text);
  if (ms === undefined) throw new Error(`not an RFC 3339 timestamp: ${JSON.stringify(text)}`);
  return ms;
}

/** RFC 3339 text of epoch milliseconds (UTC, millisecond precision). */
export function formatTimestamp(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  'μs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Seconds of a Go duration ("5m", "1m30s", "1.5h", "0"); undefined when it is not one. */
export function tryParseDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  const part = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest.length > 0) {
    const m = part.exec(rest);
    if (m === null) return undefined;
    const [whole, amount, unit] = m;
    const factor = DURATION_UNITS[unit ?? ''];
    if (factor === undefined || amount === undefined) return undefined;
    total += Number(amount) * factor;
    rest = rest.slice(whole.length);
  }
  return sign * total;
}

export function isDuration(text: string): boolean {
  return tryParseDuration(text) !== undefined;
}
