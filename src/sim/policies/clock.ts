// The controllers Canopy reuses keep epoch-millisecond clocks; the simulation counts seconds from 0.
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 1);

export function simMillis(seconds: number): number {
  return SIM_EPOCH_MS + Math.round(seconds * 1000);
}

export function simTimestamp(seconds: number): string {
  return new Date(simMillis(seconds)).toISOString();
}

/** A non-negative metric value as the int64 milli-value the HPA holds. */
export function milli(value: number): bigint {
  return BigInt(Math.max(0, Math.round(value * 1000)));
}
