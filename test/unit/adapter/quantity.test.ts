import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { formatMilliQuantity, toMilli } from '../../../src/adapter/quantity.ts';
import { milliValueBigInt } from '../../../src/api/quantity.ts';

describe('formatMilliQuantity', () => {
  it('serves canonical quantities at milli resolution', () => {
    expect(formatMilliQuantity(1.5)).toBe('1500m');
    expect(formatMilliQuantity(0.25)).toBe('250m');
    expect(formatMilliQuantity(12)).toBe('12');
    expect(formatMilliQuantity(2000)).toBe('2k');
    expect(formatMilliQuantity(0)).toBe('0');
    expect(formatMilliQuantity(0.0015)).toBe('2m');
    expect(formatMilliQuantity(0.0004)).toBe('0');
  });

  it('never serves NaN or infinities, and clamps negatives to 0', () => {
    expect(formatMilliQuantity(Number.NaN)).toBeUndefined();
    expect(formatMilliQuantity(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(formatMilliQuantity(Number.NEGATIVE_INFINITY)).toBeUndefined();
    expect(formatMilliQuantity(-3)).toBe('0');
    expect(formatMilliQuantity(-0)).toBe('0');
  });

  it('caps at the int64 milli range the HPA can hold', () => {
    expect(toMilli(1e300)).toBe(9223372036854775807n);
    expect(toMilli(Number.MAX_VALUE)).toBe(9223372036854775807n);
  });

  it('the HPA reads back the milli value we computed (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), (x) => {
        const text = formatMilliQuantity(x);
        expect(text).toBeDefined();
        expect(milliValueBigInt(text ?? '')).toBe(toMilli(x));
        expect(text).not.toMatch(/NaN|Inf|-/);
      }),
    );
  });
});
