// Go's time.ParseDuration grammar, which metav1.Duration uses on the wire: an optional sign, then one
// or more decimal numbers each followed by a unit (ns, us, µs, ms, s, m, h). "0" alone is allowed.

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  const term = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== '') {
    const m = term.exec(rest);
    if (m === null) return undefined;
    const [whole, num, unit] = m;
    const factor = unit === undefined ? undefined : UNIT_MS[unit];
    if (num === undefined || factor === undefined) return undefined;
    total += Number(num) * factor;
    rest = rest.slice(whole.length);
  }
  return sign * total;
}

// Formats whole milliseconds the way Go prints a time.Duration (e.g. 4h0m0s, 1m30s, 500ms).
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}
