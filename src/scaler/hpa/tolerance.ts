import { approximateFloat } from '../../api/quantity.ts';
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

/** The controller flag for both directions, overridden per direction by behavior when the gate is on. */
export function tolerancesFor(hpa: HorizontalPodAutoscaler, options: HpaOptions): Tolerances {
  const behavior = hpa.spec.behavior;
  const base = { scaleDown: options.tolerance, scaleUp: options.tolerance };
  if (behavior === undefined || !options.configurableTolerance) return base;
  const down = behavior.scaleDown?.tolerance;
  const up = behavior.scaleUp?.tolerance;
  return {
    scaleDown: down === undefined ? base.scaleDown : approximateFloat(down),
    scaleUp: up === undefined ? base.scaleUp : approximateFloat(up),
  };
}
