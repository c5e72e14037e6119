// Go's int32 conversions as the controller applies them. Out-of-range conversions are undefined in Go;
// newer controllers clamp them, and so does this.

const MAX_INT32 = 2_147_483_647;
const MIN_INT32 = -2_147_483_648;

export function clampInt32(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.min(MAX_INT32, Math.max(MIN_INT32, x));
}

/** int32(math.Ceil(x)) */
export function ceilInt32(x: number): number {
  return clampInt32(Math.ceil(x));
}

/** int32(x): truncation toward zero. */
export function truncInt32(x: number): number {
  return clampInt32(Math.trunc(x));
}

export { MAX_INT32, MIN_INT32 };
