// Number formatting for explanations: people read these, so three significant digits and thousands separators.
// (Hand-rolled: toLocaleString is slow enough to show up when deciding for thousands of objects.)

function thousands(n: number): string {
  const s = String(Math.abs(Math.round(n)));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i] ?? '';
  }
  return n < 0 ? `-${out}` : out;
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? 'unbounded' : String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return thousands(n);
  if (abs === 0) return '0';
  // Three significant digits without toPrecision's string round trip.
  const scale = 10 ** (2 - Math.floor(Math.log10(abs)));
  return String(Math.round(n * scale) / scale);
}

export function pct(fraction: number): string {
  return `${fmt(fraction * 100)} %`;
}
