import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  approximateFloat,
  canonicalQuantity,
  formatMilli,
  formatQuantity,
  isQuantity,
  milliValue,
  milliValueBigInt,
  parseQuantity,
  QuantityParseError,
} from '../../../src/api/quantity.ts';

// Expected values come from the apimachinery rules: value = number × suffix, kept at nano precision,
// sub-nano digits rounded away from zero, arbitrary-precision values capped at 2⁶³−1.
const NANO = 1_000_000_000n;

describe('parseQuantity: values', () => {
  const table: readonly [string, bigint, string][] = [
    ['0', 0n, 'DecimalSI'],
    ['0m', 0n, 'DecimalSI'],
    ['0Ki', 0n, 'BinarySI'],
    ['1', NANO, 'DecimalSI'],
    ['1Ki', 1024n * NANO, 'BinarySI'],
    ['7Mi', 7n * 1024n ** 2n * NANO, 'BinarySI'],
    ['3Ei', 3n * 1024n ** 6n * NANO, 'BinarySI'],
    ['5n', 5n, 'DecimalSI'],
    ['4u', 4_000n, 'DecimalSI'],
    ['3m', 3_000_000n, 'DecimalSI'],
    ['8k', 8_000n * NANO, 'DecimalSI'],
    ['2P', 2n * 10n ** 15n * NANO, 'DecimalSI'],
    ['1E', 10n ** 18n * NANO, 'DecimalSI'],
    ['12E', 12n * 10n ** 18n * NANO, 'DecimalSI'], // int64 path: no cap
    ['1E-3', 1_000_000n, 'DecimalExponent'],
    ['1e3', 1_000n * NANO, 'DecimalExponent'],
    ['1.3E+6', 1_300_000n * NANO, 'DecimalExponent'],
    ['0.5e-2', 5_000_000n, 'DecimalExponent'],
    ['100.035k', 100_035n * NANO, 'DecimalSI'],
    ['0.0005k', 500_000_000n, 'DecimalSI'],
    ['10.035M', 10_035_000n * NANO, 'DecimalSI'],
    ['6.987654321G', 6_987_654_321n * NANO, 'DecimalSI'],
    // sub-nano digits round up to the next nano-unit
    ['3.001n', 4n, 'DecimalSI'],
    ['1.1E-9', 2n, 'DecimalExponent'],
    ['0.0000000001', 1n, 'DecimalSI'],
    ['0.00000012345', 124n, 'DecimalSI'],
    // binary fractions are exact
    ['100.035Ki', 10_243_584n * NANO / 100n, 'BinarySI'],
    ['0.5Mi', 524_288n * NANO, 'BinarySI'],
    ['0.000000000001Ki', 2n, 'DecimalSI'], // 1.024e-9 → 2n, below 1 so the format becomes DecimalSI
    // arbitrary-precision values are capped at 2⁶³−1
    ['9Ei', 9_223_372_036_854_775_807n * NANO, 'BinarySI'],
    ['9223372036854775807Ki', 9_223_372_036_854_775_807n * NANO, 'BinarySI'],
    // lenient forms apimachinery accepts
    ['.001', 1_000_000n, 'DecimalSI'],
    ['1.', NANO, 'DecimalSI'],
    ['1.G', NANO * NANO, 'DecimalSI'],
    ['.', 0n, 'DecimalSI'],
    ['-.', 0n, 'DecimalSI'],
    ['+5', 5n * NANO, 'DecimalSI'],
    ['-1.5', -1_500_000_000n, 'DecimalSI'],
    ['-0.0000000001', -1n, 'DecimalSI'],
  ];
  it.each(table)('%s', (input, nanos, format) => {
    const q = parseQuantity(input);
    expect(q.nanos).toBe(nanos);
    expect(q.format).toBe(format);
  });

  it('reads a JSON number from its decimal text', () => {
    expect(parseQuantity(0.25).nanos).toBe(250_000_000n);
    expect(parseQuantity(12).nanos).toBe(12n * NANO);
    expect(parseQuantity(1e21).format).toBe('DecimalExponent'); // String(1e21) = "1e+21"
  });
});

describe('parseQuantity: errors', () => {
  const invalid = ['', 'NaN', 'Infinity', '-Infinity', '1.1.M', '1+1.0M', '0.1mi', '0.1am', 'aoeu', '.5i', '1i',
    '-3.01i', '-3.01e-', ' 1', '1 ', '1e', '1m5', '1KiB', '5µ'];
  it.each(invalid)('%j is rejected', (input) => {
    expect(() => parseQuantity(input)).toThrow(QuantityParseError);
    expect(isQuantity(input)).toBe(false);
  });
  it('rejects non-finite numbers', () => {
    expect(() => parseQuantity(Number.NaN)).toThrow(QuantityParseError);
    expect(() => parseQuantity(Number.POSITIVE_INFINITY)).toThrow(QuantityParseError);
  });
});

describe('milliValue: ceil(q × 1000)', () => {
  const table: readonly [string, number][] = [
    ['1', 1000],
    ['1.5', 1500],
    ['250m', 250],
    ['0.0004', 1], // sub-milli rounds up
    ['0.0010001', 2],
    ['1n', 1],
    ['100Mi', 104_857_600_000],
    ['0', 0],
    ['-0.0015', -2], // int64-held negatives round away from zero, as apimachinery does
  ];
  it.each(table)('%s → %d', (input, milli) => {
    expect(milliValue(input)).toBe(milli);
    expect(milliValueBigInt(input)).toBe(BigInt(milli));
  });

  it('throws where Kubernetes would overflow int64', () => {
    expect(() => milliValueBigInt('9Ei')).toThrow(RangeError); // 9.2e18 × 1000
    expect(milliValueBigInt('9P')).toBe(9n * 10n ** 18n);
  });
  it('milliValue throws beyond the safe-integer range but the bigint form is exact', () => {
    expect(() => milliValue('9P')).toThrow(RangeError);
    expect(milliValueBigInt('9007199254740993m')).toBe(9_007_199_254_740_993n);
  });
});

describe('canonical form', () => {
  const table: readonly [string, string][] = [
    ['1.5', '1500m'],
    ['0.25', '250m'],
    ['12', '12'],
    ['1200', '1200'],
    ['1000', '1k'],
    ['1000M', '1G'],
    ['1024Mi', '1Gi'],
    ['300Mi', '300Mi'],
    ['1025Ki', '1025Ki'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
    ['5Ki', '5Ki'],
    ['0.5Ki', '512'], // binary values below 1024 print as DecimalSI
    ['1e3', '1e3'],
    ['80e-3', '80e-3'],
    ['1E-9', '1e-9'],
    ['0', '0'],
    ['0Ki', '0'],
    ['-1.08', '-1080m'],
    ['-1Ki', '-1Ki'],
  ];
  it.each(table)('%s → %s', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
    // the canonical form parses back to the same value
    expect(parseQuantity(canonical).nanos).toBe(parseQuantity(input).nanos);
  });

  it('formats milli-values', () => {
    expect(formatMilli(1500)).toBe('1500m');
    expect(formatMilli(250)).toBe('250m');
    expect(formatMilli(12_000)).toBe('12');
    expect(formatMilli(0)).toBe('0');
    expect(formatMilli(1_234_000_000n)).toBe('1234k');
    expect(formatMilli(1024, 'BinarySI')).toBe('1024m'); // fraction-free binary only for whole values ≥ 1024
  });

  it('approximates as a float', () => {
    expect(approximateFloat('0.15')).toBeCloseTo(0.15, 12);
    expect(approximateFloat('2Ki')).toBe(2048);
  });
});

describe('properties', () => {
  it('milli-values round-trip through formatMilli', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (milli) => {
        expect(milliValueBigInt(formatMilli(milli))).toBe(milli);
      }),
    );
  });
  it('canonical text always parses back to the same value', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.constantFrom('', 'm', 'u', 'n', 'k', 'M', 'Ki', 'Mi', 'e-2', 'e3'),
        fc.boolean(),
        (digits, suffix, negative) => {
          const text = `${negative ? '-' : ''}${digits}${suffix}`;
          const q = parseQuantity(text);
          expect(parseQuantity(formatQuantity(q)).nanos).toBe(q.nanos);
        },
      ),
    );
  });
  it('milliValue is ceil(value × 1000) for non-negative decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 9 }), (units, decimals) => {
        // units × 10^-decimals, exact in nano-units
        const text = `${units}e-${decimals}`;
        const nanos = BigInt(units) * 10n ** BigInt(9 - decimals);
        const expected = (nanos + 999_999n) / 1_000_000n;
        expect(milliValueBigInt(text)).toBe(expected);
      }),
    );
  });
});

describe('formatQuantity fast path', () => {
  // The straightforward BigInt form of apimachinery's canonical decimal printing, as the reference.
  const reference = (nanos: bigint): string => {
    if (nanos === 0n) return '0';
    const sign = nanos < 0n ? '-' : '';
    let mantissa = nanos < 0n ? -nanos : nanos;
    let exponent = -9;
    while (mantissa % 10n === 0n) {
      mantissa /= 10n;
      exponent++;
    }
    while (exponent % 3 !== 0) {
      mantissa *= 10n;
      exponent--;
    }
    const suffix = ({ [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' } as Record<number, string>)[exponent] ?? `e${exponent}`;
    return `${sign}${mantissa}${suffix}`;
  };

  it('prints exactly what the BigInt form prints, on both sides of 2^53', () => {
    const around = fc.oneof(
      fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
      fc.bigInt({ min: 2n ** 53n - 1000n, max: 2n ** 53n + 1000n }),
      fc.tuple(fc.bigInt({ min: 1n, max: 10n ** 6n }), fc.integer({ min: 0, max: 12 })).map(([m, e]) => m * 10n ** BigInt(e)),
    );
    fc.assert(
      fc.property(around, (nanos) => {
        expect(formatQuantity({ nanos, format: 'DecimalSI', arbitraryPrecision: false })).toBe(reference(nanos));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('formatMilli on numbers', () => {
  it('prints what the BigInt path prints for every safe integer milli count, either sign', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.maxSafeInteger(), fc.maxSafeNat().map((n) => -n)), (milli) => {
        expect(formatMilli(milli)).toBe(formatMilli(BigInt(milli)));
      }),
      { numRuns: 3000 },
    );
  });
  it('rounds a fractional milli count up, as NewMilliQuantity of MilliValue would', () => {
    expect(formatMilli(1499.2)).toBe(formatMilli(1500n));
    expect(formatMilli(-0.5)).toBe('0');
  });
});
