import { parseQuantity } from '../../api/quantity.ts';
import type { HorizontalPodAutoscaler } from './types.ts';
import type { HpaOptions } from './snapshot.ts';

/** Per-direction tolerance on the usage ratio (KEP-4951). */
export interface Tolerances {
  readonly scaleDown: number;
  readonly scaleUp: number;
}

/** (1 − down) ≤ ratio ≤ (1 + up), both ends inclusive. */
export function isWithin(t: Tolerances, ratio: number): boolean {
  return 1 - t.scaleDown <= ratio && ratio <= 1 + t.scaleUp;
}

/**
 * resource.Quantity.AsApproximateFloat64 as the controller evaluates it. The HPA arrives from the API server,
 * so the quantity is in canonical form: a mantissa without trailing zeros, scaled to a power of ten that is
 * a multiple of three (0.118 → 118m, 0.3 → 300m). The result is float64(mantissa) × math.Pow10(exponent),
 * two rounded steps, so it can differ in the last bit from the decimal (118m → 0.11800000000000001), and
 * 1 ± tolerance is the band edge the ratio is compared with.
 */
export function quantityApproximateFloat64(q: string | number): number {
  let mantissa = parseQuantity(q).nanos;
  if (mantissa === 0n) return 0;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  // Go's % keeps the sign of the dividend: -2 and 1 step down by one, -1 and 2 by two.
  const r = exponent % 3;
  if (r === 1 || r === -2) {
    mantissa *= 10n;
    exponent -= 1;
  } else if (r === 2 || r === -1) {
    mantissa *= 100n;
    exponent -= 2;
  }
  const base = Number(mantissa);
  if (exponent === 0) return base;
  // math.Pow10: 10ⁿ is exact up to 10²², and a negative power is 1 / 10⁻ⁿ rounded once.
  return exponent > 0 ? base * 10 ** exponent : base * (1 / 10 ** -exponent);
}

/** The controller flag for both directions, overridden per direction by behavior when the gate is on. */
export function tolerancesFor(hpa: HorizontalPodAutoscaler, options: HpaOptions): Tolerances {
  const behavior = hpa.spec.behavior;
  const base = { scaleDown: options.tolerance, scaleUp: options.tolerance };
  if (behavior === undefined || !options.configurableTolerance) return base;
  const down = behavior.scaleDown?.tolerance;
  const up = behavior.scaleUp?.tolerance;
  return {
    scaleDown: down === undefined ? base.scaleDown : quantityApproximateFloat64(down),
    scaleUp: up === undefined ? base.scaleUp : quantityApproximateFloat64(up),
  };
}
