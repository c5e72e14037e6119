// Kubernetes resource.Quantity (k8s.io/apimachinery/pkg/api/resource): parse, MilliValue, canonical form.
//
// Values are held exactly as a count of nano-units (bigint). Kubernetes keeps every parsed value at nano
// precision (sub-nano input rounds away from zero), so nothing is lost. The parser follows apimachinery's
// scanner step by step, including its leniencies ("1.", ".5", "1.G", and a bare "." or "-" read as 0).

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value in units of 10⁻⁹. */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
  /**
   * True when apimachinery would hold the value as an arbitrary-precision decimal rather than an int64
   * (many digits, sub-nano digits, fractional or large binary suffixes). Only rounding of negative
   * sub-milli values differs between the two representations.
   */
  readonly arbitraryPrecision: boolean;
}

export class QuantityParseError extends Error {
  override readonly name = 'QuantityParseError';
}

const ERR_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const ERR_SUFFIX = "unable to parse quantity's suffix";

const NANO = 1_000_000_000n;
const MICRO_PER_MILLI = 1_000_000n;
const INT64_MAX = 9_223_372_036_854_775_807n;
const INT64_MIN = -9_223_372_036_854_775_808n;
/** apimachinery caps arbitrary-precision values at 2⁶³−1 base units. */
const MAX_ALLOWED_NANOS = INT64_MAX * NANO;
const MAX_SAFE_MILLI = BigInt(Number.MAX_SAFE_INTEGER);

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = 'eEinumkKMGTP';

interface Scanned {
  readonly positive: boolean;
  readonly num: string;
  readonly denom: string;
  readonly suffix: string;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

// Mirrors apimachinery's parseQuantityString: sign, leading zeros, numerator, optional fraction, suffix.
function scan(str: string): Scanned {
  let pos = 0;
  let positive = true;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < str.length && str[pos] === '0') pos++;
  if (pos >= str.length) return { positive, num: '0', denom: '', suffix: '' };

  const numStart = pos;
  while (isDigit(str[pos])) pos++;
  const num = pos === numStart ? '0' : str.slice(numStart, pos);

  let denom = '';
  if (str[pos] === '.') {
    pos++;
    const denomStart = pos;
    while (isDigit(str[pos])) pos++;
    denom = str.slice(denomStart, pos);
  }

  const suffixStart = pos;
  while (pos < str.length && SUFFIX_CHARS.includes(str[pos] ?? '')) pos++;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (isDigit(str[pos])) pos++;
  if (pos < str.length) throw new QuantityParseError(ERR_FORMAT);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

interface Suffix {
  readonly base: 10 | 2;
  readonly exponent: number;
  readonly format: QuantityFormat;
}

function interpretSuffix(suffix: string): Suffix {
  const decimal = DECIMAL_SUFFIXES[suffix];
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: 'DecimalSI' };
  const binary = BINARY_SUFFIXES[suffix];
  if (binary !== undefined) return { base: 2, exponent: binary, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exponent = BigInt(suffix.slice(1));
    if (exponent > INT64_MAX || exponent < INT64_MIN) throw new QuantityParseError(ERR_SUFFIX);
    // apimachinery narrows the exponent to int32; beyond ±400 the value is capped or rounded anyway.
    const clamped = exponent > 400n ? 400 : exponent < -400n ? -400 : Number(exponent);
    return { base: 10, exponent: clamped, format: 'DecimalExponent' };
  }
  throw new QuantityParseError(ERR_SUFFIX);
}

/** Divides, rounding any remainder away from zero (inf.RoundUp). */
function divAwayFromZero(n: bigint, d: bigint): bigint {
  const q = n / d;
  if (q * d === n) return q;
  return n < 0n ? q - 1n : q + 1n;
}

/** Divides, rounding toward +∞. */
function divCeil(n: bigint, d: bigint): bigint {
  const q = n / d;
  return q * d !== n && n > 0n ? q + 1n : q;
}

// The int64 fast path of ParseQuantity: taken when the digits fit and no sub-nano digits exist.
function fitsInt64Path(s: Scanned, suffix: Suffix): boolean {
  const digits = s.num.length + s.denom.length;
  if (suffix.base === 10) return 18 - digits >= 0 && suffix.exponent - s.denom.length >= -9;
  if (s.denom.length > 0) return false;
  const precision = 15 - s.num.length - Math.trunc((suffix.exponent * 3) / 10) - 1;
  return precision >= 0 && BigInt(s.num) * (1n << BigInt(suffix.exponent)) <= INT64_MAX;
}

function exactNanos(s: Scanned, suffix: Suffix): bigint {
  const unscaled = BigInt(s.num + s.denom);
  const shift = suffix.base === 10 ? suffix.exponent - s.denom.length + 9 : 9 - s.denom.length;
  const scaled = suffix.base === 2 ? unscaled << BigInt(suffix.exponent) : unscaled;
  return shift >= 0 ? scaled * 10n ** BigInt(shift) : divAwayFromZero(scaled, 10n ** BigInt(-shift));
}

function parseQuantityText(str: string): Quantity {
  if (str.length === 0) throw new QuantityParseError(ERR_FORMAT);
  if (str === '0') return { nanos: 0n, format: 'DecimalSI', arbitraryPrecision: false };

  const scanned = scan(str);
  const suffix = interpretSuffix(scanned.suffix);
  const sign = scanned.positive ? 1n : -1n;

  if (fitsInt64Path(scanned, suffix)) {
    return { nanos: sign * exactNanos(scanned, suffix), format: suffix.format, arbitraryPrecision: false };
  }

  // Arbitrary-precision path: round the magnitude up to a whole nano-unit, then cap it.
  let magnitude: bigint;
  if (suffix.base === 10 && suffix.exponent - scanned.denom.length > 40) {
    magnitude = BigInt(scanned.num + scanned.denom) === 0n ? 0n : MAX_ALLOWED_NANOS;
  } else {
    magnitude = exactNanos(scanned, suffix);
  }
  if (magnitude > MAX_ALLOWED_NANOS) magnitude = MAX_ALLOWED_NANOS;
  let format = suffix.format;
  if (format === 'BinarySI' && magnitude > 0n && magnitude < NANO) format = 'DecimalSI';
  return { nanos: sign * magnitude, format, arbitraryPrecision: true };
}

// Specs repeat the same few quantity texts on every reconcile (targets, requests, tolerances): parsed values
// are kept by text. A Quantity is immutable (frozen here), so sharing one is safe; errors are not kept.
// Bounded: the map is dropped whole when full, which only costs re-parsing.
const CACHE_LIMIT = 4096;
const parsedByText = new Map<string, Quantity>();
const milliByText = new Map<string, bigint>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

const textOf = (input: string | number): string => {
  if (typeof input === 'string') return input;
  if (!Number.isFinite(input)) throw new QuantityParseError(ERR_FORMAT);
  return String(input);
};

/**
 * Parses a Kubernetes quantity ("500m", "1.5Gi", "2e3", "+.25"). A JSON number is read from its decimal
 * text, as apimachinery does for an unquoted value. Throws QuantityParseError on anything else.
 */
export function parseQuantity(input: string | number): Quantity {
  const str = textOf(input);
  return parsedByText.get(str) ?? remember(parsedByText, str, Object.freeze(parseQuantityText(str)));
}

/** True when `input` parses as a quantity. */
export function isQuantity(input: string | number): boolean {
  try {
    parseQuantity(input);
    return true;
  } catch {
    return false;
  }
}

const asQuantity = (q: Quantity | string | number): Quantity =>
  typeof q === 'object' ? q : parseQuantity(q);

/**
 * MilliValue() as the HPA reads it: the value in milli-units, sub-milli detail rounded up (away from zero
 * for int64-held values, as apimachinery does). Throws RangeError where Kubernetes would overflow int64.
 */
export function milliValueBigInt(q: Quantity | string | number): bigint {
  if (typeof q === 'object') return milliOf(q);
  const str = textOf(q);
  return milliByText.get(str) ?? remember(milliByText, str, milliOf(parseQuantity(str)));
}

function milliOf(quantity: Quantity): bigint {
  const milli = quantity.arbitraryPrecision
    ? divCeil(quantity.nanos, MICRO_PER_MILLI)
    : divAwayFromZero(quantity.nanos, MICRO_PER_MILLI);
  if (milli > INT64_MAX || milli < INT64_MIN) throw new RangeError(`milli-value of ${formatQuantity(quantity)} overflows int64`);
  return milli;
}

/** milliValueBigInt as a number; throws RangeError when it is not a safe integer. */
export function milliValue(q: Quantity | string | number): number {
  const milli = milliValueBigInt(q);
  if (milli > MAX_SAFE_MILLI || milli < -MAX_SAFE_MILLI) {
    throw new RangeError(`milli-value ${milli} is not a safe integer`);
  }
  return Number(milli);
}

/** AsApproximateFloat64(): the nearest float to the value. */
export function approximateFloat(q: Quantity | string | number): number {
  const { nanos } = asQuantity(q);
  const whole = nanos / NANO;
  return Number(whole) + Number(nanos - whole * NANO) / 1e9;
}

const SUFFIX_BY_EXPONENT: ReadonlyMap<number, string> = new Map(Object.entries(DECIMAL_SUFFIXES).map(([k, v]) => [v, k]));

function decimalSuffix(exponent: number, format: QuantityFormat): string {
  if (format === 'DecimalExponent') return exponent === 0 ? '' : `e${exponent}`;
  // Only missing above 10¹⁸ (int64-held "1000E"); apimachinery has no SI suffix there.
  return SUFFIX_BY_EXPONENT.get(exponent) ?? `e${exponent}`;
}

/** The canonical string Kubernetes would print: no fraction, the largest exponent that keeps it whole. */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  const negative = q.nanos < 0n;
  const magnitude = negative ? -q.nanos : q.nanos;
  const sign = negative ? '-' : '';

  if (q.format === 'BinarySI' && magnitude >= 1024n * NANO && magnitude % NANO === 0n) {
    let amount = magnitude / NANO;
    let exponent = 0;
    while (amount % 1024n === 0n && exponent < 60) {
      amount /= 1024n;
      exponent += 10;
    }
    const suffix = Object.entries(BINARY_SUFFIXES).find(([, e]) => e === exponent)?.[0] ?? '';
    return `${sign}${amount}${suffix}`;
  }

  let mantissa = magnitude;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  const format = q.format === 'BinarySI' ? 'DecimalSI' : q.format;
  return `${sign}${mantissa}${decimalSuffix(exponent, format)}`;
}

/** A quantity of `milli` milli-units (NewMilliQuantity). */
export function quantityFromMilli(milli: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
  const value = typeof milli === 'bigint' ? milli : BigInt(Math.ceil(milli));
  return { nanos: value * MICRO_PER_MILLI, format, arbitraryPrecision: false };
}

/** Canonical text of a milli-value: 1500 → "1500m", 250 → "250m", 12000 → "12". */
export function formatMilli(milli: bigint | number, format: QuantityFormat = 'DecimalSI'): string {
  if (format === 'DecimalSI') {
    if (typeof milli === 'number') {
      const whole = Math.ceil(milli);
      if (Number.isSafeInteger(whole)) return formatSafeMilli(whole);
    } else if (milli <= MAX_SAFE_MILLI && milli >= -MAX_SAFE_MILLI) {
      // The HPA's milli-values are int64 (bigint) but nearly always safe integers: same text, no BigInt loop.
      return formatSafeMilli(Number(milli));
    }
  }
  return formatQuantity(quantityFromMilli(milli, format));
}

/**
 * formatQuantity's decimal rule for a milli count held exactly in a double, without BigInt: every value the
 * adapter serves and the scaler explains goes through here. Drop trailing zeros, then step down to an
 * exponent divisible by 3 (never above the original magnitude, so the mantissa stays exact).
 */
function formatSafeMilli(milli: number): string {
  if (milli === 0) return '0';
  let mantissa = Math.abs(milli);
  let exponent = -3;
  while (mantissa % 10 === 0) {
    mantissa /= 10;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    mantissa *= 10;
    exponent--;
  }
  return `${milli < 0 ? '-' : ''}${String(mantissa)}${decimalSuffix(exponent, 'DecimalSI')}`;
}

/** Canonical re-formatting of quantity text ("1.5" → "1500m", "1024Mi" → "1Gi"). */
export function canonicalQuantity(input: string | number): string {
  return formatQuantity(parseQuantity(input));
}
