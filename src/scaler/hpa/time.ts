// RFC 3339 timestamps and Go durations, as the HPA controller's inputs spell them. Instants are epoch
// milliseconds; fractions below a millisecond are kept as a fraction (exact to about a microsecond).
import { parseGoDuration } from '../../api/duration.ts';

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

/** Seconds of a Go duration ("5m", "1m30s", "1.5h", "0"); undefined when it is not one. */
export function tryParseDuration(text: string): number | undefined {
  const ms = parseGoDuration(text);
  return ms === undefined ? undefined : ms / 1000;
}

export function isDuration(text: string): boolean {
  return tryParseDuration(text) !== undefined;
}
