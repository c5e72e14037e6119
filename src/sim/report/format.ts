/**
 * Number formatting for the report. Everything is built from toFixed / toPrecision, never from
 * toLocaleString, so that the page is byte-for-byte the same on every machine and locale.
 */

/** Shown where a value is undefined (NaN, missing). */
export const MISSING = '—';

/** Drops trailing zeros of a fixed-point string: "12.50" → "12.5", "3.00" → "3". */
function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** At most `significant` significant digits, no exponent, trailing zeros dropped: 0.012345 → "0.0123". */
export function formatNumber(value: number | undefined, significant = 3): string {
  if (value === undefined || Number.isNaN(value)) return MISSING;
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '−∞';
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, significant - 1 - magnitude);
  const text = trimZeros(value.toFixed(Math.min(decimals, 20)));
  return text === '-0' ? '0' : text.replace(/^-/, '−');
}

/** Large numbers with k / M / G suffixes: 1234 → "1.23k", 5_600_000 → "5.6M". */
export function formatCompact(value: number | undefined, significant = 3): string {
  if (value === undefined || !Number.isFinite(value)) return formatNumber(value, significant);
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${formatNumber(value / 1e9, significant)}G`;
  if (abs >= 1e6) return `${formatNumber(value / 1e6, significant)}M`;
  if (abs >= 1e3) return `${formatNumber(value / 1e3, significant)}k`;
  return formatNumber(value, significant);
}

/** A fraction as a percentage with one decimal: 0.9734 → "97.3 %". */
export function formatPercent(fraction: number | undefined): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return MISSING;
  return `${(fraction * 100).toFixed(1)} %`;
}

/** A latency in seconds, in ms below one second: 0.0123 → "12.3 ms", 1.5 → "1.5 s". */
export function formatLatency(seconds: number | undefined): string {
  if (seconds === undefined || Number.isNaN(seconds)) return MISSING;
  if (!Number.isFinite(seconds)) return formatNumber(seconds);
  if (Math.abs(seconds) < 1) return `${formatNumber(seconds * 1000)} ms`;
  return `${formatNumber(seconds)} s`;
}

/** A length of time in the unit that reads best: 45 → "45 s", 3438 → "57.3 min", 9000 → "2.5 h". */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return formatNumber(seconds);
  const abs = Math.abs(seconds);
  if (abs < 120) return `${formatNumber(seconds)} s`;
  if (abs < 3 * 3600) return `${formatNumber(seconds / 60)} min`;
  return `${formatNumber(seconds / 3600)} h`;
}
