import { ceilInt32, MAX_INT32, MIN_INT32, truncInt32 } from '../hpa/int32.ts';
import type { ScaleEvent } from '../hpa/snapshot.ts';
import { replicasChangePerPeriod } from './events.ts';
import type { ResolvedRules } from './rules.ts';

export interface EventHistory {
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  readonly now: number;
}

export interface PolicyLimit {
  readonly policy: string;
  readonly periodStart: number;
  readonly limit: number;
}

export interface RateLimit {
  readonly limit: number;
  readonly perPolicy: readonly PolicyLimit[];
}

// The replica count at the start of a policy's period: current, minus what was added and plus what was
// removed within it.
function periodStart(current: number, periodSeconds: number, history: EventHistory): number {
  const added = replicasChangePerPeriod(periodSeconds, history.scaleUpEvents, history.now);
  const removed = replicasChangePerPeriod(periodSeconds, history.scaleDownEvents, history.now);
  return current - added + removed;
}

/** calculateScaleUpLimitWithScalingRules: Max takes the largest policy limit, Min the smallest. */
export function scaleUpLimit(current: number, rules: ResolvedRules, history: EventHistory): RateLimit {
  if (rules.selectPolicy === 'Disabled') return { limit: current, perPolicy: [] };
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let limit = rules.selectPolicy === 'Min' ? MAX_INT32 : MIN_INT32;
  const perPolicy: PolicyLimit[] = [];
  for (const p of rules.policies) {
    const start = periodStart(current, p.periodSeconds, history);
    const proposed = p.type === 'Pods' ? start + p.value : ceilInt32(start * (1 + p.value / 100));
    perPolicy.push({ policy: `${p.type} ${p.value} per ${p.periodSeconds}s`, periodStart: start, limit: proposed });
    limit = pick(limit, proposed);
  }
  return { limit, perPolicy };
}

/** calculateScaleDownLimitWithBehaviors: Max takes the lowest floor (biggest change), Min the highest. */
export function scaleDownLimit(current: number, rules: ResolvedRules, history: EventHistory): RateLimit {
  if (rules.selectPolicy === 'Disabled') return { limit: current, perPolicy: [] };
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let limit = rules.selectPolicy === 'Min' ? MIN_INT32 : MAX_INT32;
  const perPolicy: PolicyLimit[] = [];
  for (const p of rules.policies) {
    const start = periodStart(current, p.periodSeconds, history);
    const proposed = p.type === 'Pods' ? start - p.value : truncInt32(start * (1 - p.value / 100));
    perPolicy.push({ policy: `${p.type} ${p.value} per ${p.periodSeconds}s`, periodStart: start, limit: proposed });
    limit = pick(limit, proposed);
  }
  return { limit, perPolicy };
}
