// Values leave the adapter as Kubernetes Quantity strings in milli-units, which is the resolution the HPA
// reads them at (MilliValue). Serving a value is a decision, so the rules are explicit here:
// non-finite values are missing (never served), negatives are served as 0, and the milli count is capped
// at int64's range so the HPA's parser cannot overflow.

import { formatMilli } from '../api/quantity.ts';

const int64Max = 9223372036854775807n;

/** Milli-units, rounded half away from zero; undefined when the value cannot be served. */
export function toMilli(value: number): bigint | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (value <= 0) return 0n;
  const scaled = Math.round(value * 1000);
  if (!Number.isFinite(scaled) || scaled >= 9.2e18) return int64Max;
  const milli = BigInt(scaled);
  return milli > int64Max ? int64Max : milli;
}

/** Canonical Quantity text: `1.5` → `1500m`, `12` → `12`, `2000` → `2k`; undefined for NaN and ±Infinity. */
export function formatMilliQuantity(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (value <= 0) return '0';
  const scaled = Math.round(value * 1000);
  if (scaled <= Number.MAX_SAFE_INTEGER) return formatMilli(scaled);
  const milli = toMilli(value);
  return milli === undefined ? undefined : formatMilli(milli);
}
