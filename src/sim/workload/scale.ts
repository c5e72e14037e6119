import type { Rng } from '../random/rng.ts';
import type { SimRequest } from './request.ts';

/**
 * Scales a trace's load by `factor` without touching its timestamps, so that its gaps and bursts stay
 * real. Below 1 each request is kept with probability `factor` (thinning); above 1 each request is
 * emitted ⌊factor⌋ times plus once more with probability frac(factor) (replication). Copies arrive at
 * the same instant as the original and get ids `<id>#<k>`. The expected rate is exactly factor × rate.
 */
export function scaleLoad(rng: Rng, requests: readonly SimRequest[], factor: number): SimRequest[] {
  if (!(factor >= 0) || !Number.isFinite(factor)) throw new RangeError(`factor must be a finite number ≥ 0, got ${factor}`);
  const whole = Math.floor(factor);
  const extra = factor - whole;
  const out: SimRequest[] = [];
  for (const request of requests) {
    // One draw per request whatever the outcome keeps later draws aligned across factors.
    const copies = whole + (rng.next() < extra ? 1 : 0);
    for (let k = 0; k < copies; k++) out.push(k === 0 ? request : { ...request, id: `${request.id}#${k}` });
  }
  return out;
}
