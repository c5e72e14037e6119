// Number formatting for explanations: people read these, so three significant digits and thousands separators.
// (Hand-rolled: toLocaleString is slow enough to show up when deciding for thousands of objects.)

function thousands(n: number): string {
  const digits = String(Math.abs(Math.round(n)));
  if (digits.includes('e')) return String(n);
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
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
