import type { ScaleEvent } from '../hpa/snapshot.ts';
import { longestPolicyPeriod, type ResolvedBehavior } from './rules.ts';

/** Σ replicaChange of the events strictly newer than now − period (getReplicasChangePerPeriod). */
export function replicasChangePerPeriod(periodSeconds: number, events: readonly ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.reduce((sum, e) => (e.timestamp > cutoff ? sum + e.replicaChange : sum), 0);
}

export interface StoredEvents {
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
}

// storeScaleEvent / markScaleEventsOutdated: events older than the direction's longest policy period are
// marked outdated, and the mark sticks even if the period later grows; the new event overwrites the last
// outdated one, else it is appended, so the history stays bounded.
function store(events: readonly ScaleEvent[], event: ScaleEvent, longestPeriodSeconds: number): ScaleEvent[] {
  const cutoff = event.timestamp - longestPeriodSeconds * 1000;
  const next = events.map((e) => (e.outdated !== true && e.timestamp < cutoff ? { ...e, outdated: true } : e));
  const reuse = next.findLastIndex((e) => e.outdated === true);
  if (reuse >= 0) next[reuse] = event;
  else next.push(event);
  return next;
}

/** The event history after a successful rescale from `previous` to `next` replicas. */
export function recordScaleEvent(
  history: StoredEvents,
  behavior: ResolvedBehavior,
  previous: number,
  next: number,
  now: number,
): StoredEvents {
  if (next > previous) {
    const event = { replicaChange: next - previous, timestamp: now };
    return { ...history, scaleUpEvents: store(history.scaleUpEvents, event, longestPolicyPeriod(behavior.scaleUp)) };
  }
  const event = { replicaChange: previous - next, timestamp: now };
  return { ...history, scaleDownEvents: store(history.scaleDownEvents, event, longestPolicyPeriod(behavior.scaleDown)) };
}
