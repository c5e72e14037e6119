// Keep prefill:decode replicas inside a band without reversing either pool.
//
// Each pool may only move inside its own direction's box: a pool scaling up stays at or above its current size
// (it may grow further or be trimmed back toward current), a pool scaling down stays at or below its current
// size, and a pool holding may only grow. Inside the two boxes we pick the in-band point closest to the
// proposals, where going below a proposal (less capacity than the SLO model asked for) costs ten times more
// than going above it. If no in-band point exists, both pools move as far toward the band as their boxes allow.
import { fmt } from './format.ts';

export interface RatioPool {
  readonly current: number;
  readonly proposed: number;
  readonly min: number;
  readonly max: number;
  /** GPUs per replica, for the budget constraint. */
  readonly gpus: number;
}

export interface RatioInput {
  readonly prefill: RatioPool;
  readonly decode: RatioPool;
  readonly band: { readonly min: number; readonly max: number };
  /** GPUs the two pools may use together; Infinity when there is no budget. */
  readonly gpuRoom: number;
}

export interface RatioResult {
  readonly prefill: number;
  readonly decode: number;
  readonly inBand: boolean;
  /** False when the band cannot be met without reversing a pool (or breaking bounds or budget). */
  readonly feasible: boolean;
  readonly explanation: readonly string[];
}

const EPS = 1e-9;

export function inRatioBand(prefill: number, decode: number, band: { readonly min: number; readonly max: number }): boolean {
  return prefill >= band.min * decode - EPS && prefill <= band.max * decode + EPS;
}

/** The range a pool may end in without reversing its direction. */
export function directionBox(p: RatioPool): { lo: number; hi: number } {
  if (p.proposed < p.current) return { lo: p.min, hi: Math.min(p.current, p.max) };
  return { lo: Math.max(p.current, p.min), hi: p.max };
}

function cost(value: number, proposed: number): number {
  return value < proposed ? 10 * (proposed - value) : value - proposed;
}

/** How far a point is from the band, as a distance between ratios (0 inside). */
function bandDistance(prefill: number, decode: number, band: { readonly min: number; readonly max: number }): number {
  if (inRatioBand(prefill, decode, band)) return 0;
  if (decode === 0) return Number.MAX_VALUE;
  const r = prefill / decode;
  return r < band.min ? band.min - r : r - band.max;
}

export function applyRatioBand(input: RatioInput): RatioResult {
  const { prefill: p, decode: d, band } = input;
  const room = input.gpuRoom;
  if (inRatioBand(p.proposed, d.proposed, band)) {
    return { prefill: p.proposed, decode: d.proposed, inBand: true, feasible: true, explanation: [] };
  }
  const bp = directionBox(p);
  const bd = directionBox(d);
  // Lexicographic: distance to the band first (0 when inside), then the cost of leaving the proposals, then size.
  let best: { x: number; y: number; dist: number; c: number } | undefined;
  for (let x = bp.lo; x <= bp.hi; x++) {
    let hiY = bd.hi;
    if (Number.isFinite(room)) {
      if (d.gpus > 0) hiY = Math.min(hiY, Math.floor((room - x * p.gpus) / d.gpus + EPS));
      else if (x * p.gpus > room + EPS) continue;
    }
    if (hiY < bd.lo) continue;
    const clampY = (y: number): number => Math.min(hiY, Math.max(bd.lo, y));
    // The distance is convex in y and the cost is convex in y: the optimum sits at a band edge or the proposal.
    const inBandLo = Math.ceil(x / band.max - EPS);
    const inBandHi = band.min > 0 ? Math.floor(x / band.min + EPS) : hiY;
    const candidates = new Set([clampY(inBandLo), clampY(inBandHi), clampY(inBandLo - 1), clampY(inBandHi + 1), clampY(Math.min(inBandHi, Math.max(inBandLo, d.proposed)))]);
    for (const y of candidates) {
      const dist = bandDistance(x, y, band);
      const c = cost(x, p.proposed) + cost(y, d.proposed);
      if (
        best === undefined ||
        dist < best.dist - EPS ||
        (Math.abs(dist - best.dist) <= EPS && (c < best.c - EPS || (Math.abs(c - best.c) <= EPS && (x + y < best.x + best.y || (x + y === best.x + best.y && x < best.x)))))
      ) {
        best = { x, y, dist, c };
      }
    }
  }
  const ratioText = (x: number, y: number): string => (y === 0 ? 'undefined (no decode replicas)' : fmt(x / y));
  const head = `Prefill:decode ${p.proposed}:${d.proposed} (ratio ${ratioText(p.proposed, d.proposed)}) is outside the band ${fmt(band.min)}–${fmt(band.max)}`;
  if (best === undefined) {
    // Not even the GPU room allows a point in the boxes: leave the proposals as they are.
    return { prefill: p.proposed, decode: d.proposed, inBand: false, feasible: false, explanation: [`${head}; no sizes within the pools' bounds and the GPU budget are allowed, so neither moves.`] };
  }
  if (best.dist === 0) {
    return { prefill: best.x, decode: best.y, inBand: true, feasible: true, explanation: [`${head}; moved to ${best.x}:${best.y} without reversing either pool.`] };
  }
  return {
    prefill: best.x,
    decode: best.y,
    inBand: false,
    feasible: false,
    explanation: [
      `${head} and no point inside it is reachable without reversing a pool or breaking its bounds or the GPU budget; ` +
        `moved as close as allowed, to ${best.x}:${best.y} (ratio ${ratioText(best.x, best.y)}).`,
    ],
  };
}
