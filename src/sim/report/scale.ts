import { formatCompact, formatNumber } from './format.ts';

/** A step of the 1–2–5 series at least `raw` wide: 0.37 → 0.5, 13 → 20. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * Ticks covering [min, max] at a 1–2–5 step, about `target` of them, all within the range. Values are
 * rounded to the step's decimals, so that 0.1 + 0.2 prints as 0.3.
 */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  if (max === min) return [min];
  const step = niceStep((max - min) / Math.max(1, target));
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const first = Math.ceil(min / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k * step <= max + step * 1e-9; k++) ticks.push(Number((k * step).toFixed(decimals)));
  return ticks;
}

/** The upper end of an axis that starts at 0: the smallest nice step multiple ≥ max (1 when max ≤ 0). */
export function niceCeiling(max: number, target = 5): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const step = niceStep(max / target);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number((Math.ceil(max / step - 1e-9) * step).toFixed(decimals));
}

/** How an axis prints its values: the unit shown on ticks and in the axis title. */
export interface AxisUnit {
  /** Axis title, unit included, e.g. "TTFT (ms)". */
  readonly title: string;
  /** Multiplies a data value into the unit the ticks are counted in (seconds → minutes: 1/60). */
  readonly scale: number;
  /** Tick label of a value already in tick units. */
  readonly label: (tickValue: number) => string;
}

/** Time since the start of the run, in s, min or h depending on how long the run is. */
export function timeUnit(durationSeconds: number): AxisUnit {
  if (durationSeconds < 180) return { title: 'time since start (s)', scale: 1, label: (v) => `${formatNumber(v)} s` };
  if (durationSeconds < 3 * 3600) return { title: 'time since start (min)', scale: 1 / 60, label: (v) => `${formatNumber(v)} min` };
  return { title: 'time since start (h)', scale: 1 / 3600, label: (v) => `${formatNumber(v)} h` };
}

/** Latencies: ms when the axis tops out below 2 s, else s. */
export function latencyUnit(name: string, maxSeconds: number): AxisUnit {
  if (maxSeconds < 2) return { title: `${name} (ms)`, scale: 1000, label: (v) => `${formatNumber(v)} ms` };
  return { title: `${name} (s)`, scale: 1, label: (v) => `${formatNumber(v)} s` };
}

/** A rate or count with a fixed unit suffix, large values shortened (12k tok/s). */
export function countUnit(title: string, suffix: string): AxisUnit {
  return { title, scale: 1, label: (v) => (suffix === '' ? formatCompact(v) : `${formatCompact(v)} ${suffix}`) };
}
