/**
 * Number syntax of the text format. Sample values follow Go's strconv.ParseFloat (decimal form, plus
 * case-insensitive NaN, Inf and Infinity with an optional sign on Inf); timestamps are int64
 * milliseconds. JavaScript's Number() alone is too lenient (it takes '', ' 1', '0x10', '1_0'), so the
 * syntax is checked first and Number() only converts a string already known to be well formed.
 */

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** Parses a sample value; undefined when the text is not a valid float. */
export function parseSampleValue(text: string): number | undefined {
  const n = text.length;
  if (n === 0) return undefined;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === PLUS || first === MINUS) i = 1;
  if (i >= n) return undefined;
  const lead = text.charCodeAt(i);
  if (!isDigit(lead) && lead !== DOT) return parseSpecial(text, i, first === MINUS);

  let mantissaDigits = 0;
  while (i < n && isDigit(text.charCodeAt(i))) {
    i++;
    mantissaDigits++;
  }
  if (i < n && text.charCodeAt(i) === DOT) {
    i++;
    while (i < n && isDigit(text.charCodeAt(i))) {
      i++;
      mantissaDigits++;
    }
  }
  if (mantissaDigits === 0) return undefined;
  if (i < n) {
    const e = text.charCodeAt(i);
    if (e !== LOWER_E && e !== UPPER_E) return undefined;
    i++;
    if (i < n) {
      const sign = text.charCodeAt(i);
      if (sign === PLUS || sign === MINUS) i++;
    }
    let expDigits = 0;
    while (i < n && isDigit(text.charCodeAt(i))) {
      i++;
      expDigits++;
    }
    if (expDigits === 0 || i < n) return undefined;
  }
  return Number(text);
}

function parseSpecial(text: string, start: number, negative: boolean): number | undefined {
  const word = (start === 0 ? text : text.slice(start)).toLowerCase();
  if (word === 'inf' || word === 'infinity') return negative ? -Infinity : Infinity;
  // Go accepts a sign only in front of Inf, not NaN.
  if (word === 'nan' && start === 0) return NaN;
  return undefined;
}

/** Parses a timestamp (integer milliseconds, optional sign); undefined when malformed. */
export function parseTimestamp(text: string): number | undefined {
  const n = text.length;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === PLUS || first === MINUS) i = 1;
  if (i >= n) return undefined;
  for (; i < n; i++) if (!isDigit(text.charCodeAt(i))) return undefined;
  return Number(text);
}

/** Formats a float so parseSampleValue gives back the same number (including -0, NaN and ±Inf). */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}
