// Static fleets: the baseline every autoscaler must beat on cost. Sized at the peak or at the mean of the
// per-window replica counts the hindsight oracle found (see oracle/plan.ts), so both are sized with the
// same capacity model as everything else.
import type { ScalingPolicyDriver } from '../loop/types.ts';

export function staticDriver(name: string, replicas: Readonly<Record<string, number>>): ScalingPolicyDriver {
  const desired = { ...replicas };
  const reasons = Object.fromEntries(Object.keys(desired).map((r) => [r, 'static']));
  return { name, decide: () => ({ desired, reasons }) };
}

/** Per role: the largest count over the windows (static at peak). */
export function peakCounts(perWindow: Readonly<Record<string, readonly number[]>>): Record<string, number> {
  return Object.fromEntries(Object.entries(perWindow).map(([role, counts]) => [role, counts.reduce((m, c) => Math.max(m, c), 0)]));
}

/** Per role: the mean count over the windows, rounded up (static at mean). */
export function meanCounts(perWindow: Readonly<Record<string, readonly number[]>>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(perWindow).map(([role, counts]) => [role, counts.length === 0 ? 0 : Math.ceil(counts.reduce((s, c) => s + c, 0) / counts.length - 1e-9)]),
  );
}
