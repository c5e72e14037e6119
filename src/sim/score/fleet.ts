/**
 * Cost and stability of a replica timeline. A timeline is a list of (time, value) steps: the value
 * holds from its time until the next step (or the end). Replicas that are starting count: their GPUs
 * are allocated from pod start.
 */
export interface Step {
  readonly time: number;
  readonly value: number;
}

/** ∫ value dt over [start, end) of a step timeline; before its first step the value is 0. */
export function integrateSteps(steps: readonly Step[], start: number, end: number): number {
  checkOrdered(steps);
  let total = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s === undefined) continue;
    const from = Math.max(start, s.time);
    const to = Math.min(end, steps[i + 1]?.time ?? end);
    if (to > from) total += s.value * (to - from);
  }
  return total;
}

export interface Pool {
  /** Replica count over time (including replicas still starting). */
  readonly replicas: readonly Step[];
  readonly gpusPerReplica: number;
}

/** GPU-hours of a fleet of pools over [start, end): ∫ Σ replicas × GPUs per replica dt / 3600. */
export function gpuHours(pools: readonly Pool[], start: number, end: number): number {
  return pools.reduce((sum, pool) => sum + (integrateSteps(pool.replicas, start, end) * pool.gpusPerReplica) / 3600, 0);
}

export interface ScalingAction {
  readonly time: number;
  /** What was scaled (a PodClique, PCSG or PCS name). Flaps are counted per target. */
  readonly target: string;
  readonly from: number;
  readonly to: number;
}

export interface Stability {
  readonly actions: number;
  readonly actionsPerHour: number;
  /** Direction reversals of the same target within `flapWindowSeconds` of the previous action. */
  readonly flaps: number;
}

export function scalingStability(actions: readonly ScalingAction[], durationSeconds: number, flapWindowSeconds = 600): Stability {
  const real = actions.filter((a) => a.to !== a.from).slice().sort((a, b) => a.time - b.time);
  const last = new Map<string, ScalingAction>();
  let flaps = 0;
  for (const action of real) {
    const previous = last.get(action.target);
    if (previous !== undefined && action.time - previous.time <= flapWindowSeconds && Math.sign(action.to - action.from) !== Math.sign(previous.to - previous.from)) flaps++;
    last.set(action.target, action);
  }
  return { actions: real.length, actionsPerHour: durationSeconds > 0 ? (real.length * 3600) / durationSeconds : Number.NaN, flaps };
}

/**
 * Seconds in [start, end) during which prefill / decode replicas lie outside [minRatio, maxRatio].
 * With no decode replicas the ratio is undefined: counted as outside unless prefill is 0 too.
 */
export function timeOutsideRatioBand(prefill: readonly Step[], decode: readonly Step[], band: { readonly minRatio: number; readonly maxRatio: number }, start: number, end: number): number {
  checkOrdered(prefill);
  checkOrdered(decode);
  const times = [...new Set([start, ...prefill.map((s) => s.time), ...decode.map((s) => s.time)])].filter((t) => t >= start && t < end).sort((a, b) => a - b);
  let outside = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i] ?? start;
    const next = times[i + 1] ?? end;
    const p = valueAt(prefill, t);
    const d = valueAt(decode, t);
    const inBand = d === 0 ? p === 0 : p / d >= band.minRatio && p / d <= band.maxRatio;
    if (!inBand) outside += next - t;
  }
  return outside;
}

function valueAt(steps: readonly Step[], t: number): number {
  let value = 0;
  for (const s of steps) {
    if (s.time > t) break;
    value = s.value;
  }
  return value;
}

function checkOrdered(steps: readonly Step[]): void {
  for (let i = 1; i < steps.length; i++) {
    if ((steps[i]?.time ?? 0) < (steps[i - 1]?.time ?? 0)) throw new RangeError('timeline steps must be in time order');
  }
}
