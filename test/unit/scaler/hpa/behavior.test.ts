import { describe, it, expect } from 'vitest';
import { recordScaleEvent, replicasChangePerPeriod } from '../../../../src/scaler/behavior/events.ts';
import { normalizeWithBehavior } from '../../../../src/scaler/behavior/normalize.ts';
import { scaleDownLimit, scaleUpLimit, type EventHistory } from '../../../../src/scaler/behavior/rate.ts';
import { resolveBehavior, type ResolvedRules } from '../../../../src/scaler/behavior/rules.ts';
import { stabilizeWithBehavior } from '../../../../src/scaler/behavior/stabilize.ts';
import type { HPAScalingPolicy } from '../../../../src/scaler/hpa/types.ts';
import { at } from './fixtures.ts';

const rec = (replicas: number, secondsAgo: number) => ({ replicas, timestamp: at(-secondsAgo) });
const ev = (replicaChange: number, secondsAgo: number) => ({ replicaChange, timestamp: at(-secondsAgo) });
const rules = (policies: HPAScalingPolicy[], selectPolicy: ResolvedRules['selectPolicy'] = 'Max'): ResolvedRules => ({
  stabilizationWindowSeconds: 0,
  selectPolicy,
  policies,
});
const noEvents: EventHistory = { scaleUpEvents: [], scaleDownEvents: [], now: at(0) };

describe('behavior defaults', () => {
  it('fills unset fields with the API defaults and the controller window', () => {
    const b = resolveBehavior({}, 300);
    expect(b.scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
    });
    expect(b.scaleDown).toEqual({ stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  });
  it('a given policies list replaces the default list; an unset scale-down window takes the flag', () => {
    const b = resolveBehavior({ scaleDown: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } }, 120);
    expect(b.scaleDown).toEqual({ stabilizationWindowSeconds: 120, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] });
  });
});

describe('stabilization with behavior', () => {
  const table: readonly [string, ReturnType<typeof rec>[], number, number, number, number, number, string][] = [
    // [name, history, current, desired, up window, down window, expected, reason]
    ['scale-up window holds the lowest recent recommendation', [rec(5, 30)], 4, 10, 60, 300, 5, 'ScaleUpStabilized'],
    ['scale-up window 0: nothing holds a scale-up', [rec(5, 0)], 4, 10, 0, 300, 10, 'ScaleUpStabilized'],
    ['a record older than the up window does not hold', [rec(5, 61)], 4, 10, 60, 300, 10, 'ScaleUpStabilized'],
    ['scale-down window holds the highest recent recommendation', [rec(5, 100)], 6, 2, 0, 300, 5, 'ScaleDownStabilized'],
    ['a record older than the down window does not hold', [rec(5, 301)], 6, 2, 0, 300, 2, 'ScaleDownStabilized'],
    // up limit min(8, 7) = 7; down limit max(8, 9) = 9; from current 4 → raised to 7
    ['both windows bound the move from current', [rec(7, 10), rec(9, 10)], 4, 8, 60, 300, 7, 'ScaleUpStabilized'],
    // up limit min(3, 2) = 2, down limit max(3, 5) = 5; current 4 lies inside → stays 4
    ['current inside both limits stays', [rec(2, 10), rec(5, 10)], 4, 3, 60, 300, 4, 'ScaleDownStabilized'],
  ];
  it.each(table)('%s', (_name, history, current, desired, up, down, expected, reason) => {
    const s = stabilizeWithBehavior(history, at(0), current, desired, up, down);
    expect(s.recommendation).toBe(expected);
    expect(s.reason).toBe(reason);
  });
  it('records desired over the last record older than both windows', () => {
    const s = stabilizeWithBehavior([rec(9, 400), rec(8, 100), rec(7, 10)], at(0), 4, 5, 60, 300);
    expect(s.recommendations).toEqual([{ replicas: 5, timestamp: at(0) }, rec(8, 100), rec(7, 10)]);
  });
});

describe('rate limits', () => {
  const pods4 = { type: 'Pods' as const, value: 4, periodSeconds: 15 };
  const pct100 = { type: 'Percent' as const, value: 100, periodSeconds: 15 };
  const upTable: readonly [string, ResolvedRules, number, EventHistory, number][] = [
    // [name, rules, current, history, expected limit]
    ['Pods policy: current + value', rules([pods4]), 3, noEvents, 7],
    // ceil(3 × 2) = 6
    ['Percent policy: ceil(current × (1 + value/100))', rules([pct100]), 3, noEvents, 6],
    // ceil(3 × 1.1) = ceil(3.3) = 4
    ['Percent rounds up', rules([{ type: 'Percent', value: 10, periodSeconds: 15 }]), 3, noEvents, 4],
    ['Max picks the larger limit', rules([pods4, pct100]), 10, noEvents, 20],
    ['Min picks the smaller limit', rules([pods4, pct100], 'Min'), 10, noEvents, 14],
    ['Disabled: limit is current', rules([pods4, pct100], 'Disabled'), 10, noEvents, 10],
    // 5 added 10 s ago within 15 s: period start 10 − 5 = 5 → 5 + 4 = 9
    ['scale-ups within the period lower the period start', rules([pods4]), 10, { ...noEvents, scaleUpEvents: [ev(5, 10)] }, 9],
    // the event is 20 s old, outside 15 s
    ['events outside the period do not count', rules([pods4]), 10, { ...noEvents, scaleUpEvents: [ev(5, 20)] }, 14],
    // exactly 15 s old: not strictly after the cutoff
    ['an event exactly one period old does not count', rules([pods4]), 10, { ...noEvents, scaleUpEvents: [ev(5, 15)] }, 14],
    // 3 removed within the period: start 10 + 3 = 13 → 17
    ['scale-downs within the period raise the period start', rules([pods4]), 10, { ...noEvents, scaleDownEvents: [ev(3, 5)] }, 17],
  ];
  it.each(upTable)('scale-up: %s', (_name, r, current, history, expected) => {
    expect(scaleUpLimit(current, r, history).limit).toBe(expected);
  });

  const pods2 = { type: 'Pods' as const, value: 2, periodSeconds: 60 };
  const pct50 = { type: 'Percent' as const, value: 50, periodSeconds: 60 };
  const downTable: readonly [string, ResolvedRules, number, EventHistory, number][] = [
    ['Pods policy: current − value', rules([pods2]), 10, noEvents, 8],
    // trunc(10 × 0.5) = 5
    ['Percent policy: trunc(current × (1 − value/100))', rules([pct50]), 10, noEvents, 5],
    // trunc(5 × 0.5) = trunc(2.5) = 2
    ['Percent truncates', rules([pct50]), 5, noEvents, 2],
    ['Max picks the lowest floor (the biggest change)', rules([pods2, pct50]), 10, noEvents, 5],
    ['Min picks the highest floor', rules([pods2, pct50], 'Min'), 10, noEvents, 8],
    ['Disabled: limit is current', rules([pods2, pct50], 'Disabled'), 10, noEvents, 10],
    // 4 removed 30 s ago within 60 s: start 10 + 4 = 14 → 14 − 2 = 12 (above current; the caller keeps current)
    ['scale-downs within the period raise the period start', rules([pods2]), 10, { ...noEvents, scaleDownEvents: [ev(4, 30)] }, 12],
    ['events outside the period do not count', rules([pods2]), 10, { ...noEvents, scaleDownEvents: [ev(4, 61)] }, 8],
    // 2 added within the period: start 10 − 2 = 8 → 6
    ['scale-ups within the period lower the period start', rules([pods2]), 10, { ...noEvents, scaleUpEvents: [ev(2, 30)] }, 6],
  ];
  it.each(downTable)('scale-down: %s', (_name, r, current, history, expected) => {
    expect(scaleDownLimit(current, r, history).limit).toBe(expected);
  });

  it('sums only events strictly inside the period', () => {
    expect(replicasChangePerPeriod(60, [ev(1, 10), ev(2, 59), ev(4, 60), ev(8, 100)], at(0))).toBe(3);
  });
});

describe('normalizeWithBehavior', () => {
  const base = { now: at(0), minReplicas: 1, maxReplicas: 50, scaleUpEvents: [], scaleDownEvents: [] };
  const table: readonly [string, Parameters<typeof normalizeWithBehavior>[0], number, string, string][] = [
    // [name, input, expected, AbleToScale reason, ScalingLimited reason]
    // defaults: up limit max(4 + 4, ceil(4 × 2)) = 8
    ['default scale-up rate', { ...base, current: 4, desired: 20, recommendations: [], behavior: resolveBehavior({}, 300) }, 8, 'ReadyForNewScale', 'ScaleUpLimit'],
    // max 6 below the rate limit 8
    ['max replicas below the rate limit', { ...base, maxReplicas: 6, current: 4, desired: 20, recommendations: [], behavior: resolveBehavior({}, 300) }, 6, 'ReadyForNewScale', 'TooManyReplicas'],
    // down window 300 s holds 10 (recorded 60 s ago): desired 2 → stabilized 10 = current
    ['default scale-down stabilization holds', { ...base, current: 10, desired: 2, recommendations: [rec(10, 60)], behavior: resolveBehavior({}, 300) }, 10, 'ScaleDownStabilized', 'DesiredWithinRange'],
    // window 0 and Pods 1 per 60 s: 10 → 9
    ['scale-down Pods policy', {
      ...base, current: 10, desired: 2, recommendations: [],
      behavior: resolveBehavior({ scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } }, 300),
    }, 9, 'ReadyForNewScale', 'ScaleDownLimit'],
    // min 5 above the rate floor trunc(10 × 0) = 0
    ['min replicas above the rate floor', {
      ...base, minReplicas: 5, current: 10, desired: 2, recommendations: [],
      behavior: resolveBehavior({ scaleDown: { stabilizationWindowSeconds: 0 } }, 300),
    }, 5, 'ReadyForNewScale', 'TooFewReplicas'],
    // already removed 1 within 60 s: start 11 → limit 10 = current → stays 10
    ['scale-down budget used up', {
      ...base, current: 10, desired: 2, recommendations: [], scaleDownEvents: [{ replicaChange: 1, timestamp: at(-30) }],
      behavior: resolveBehavior({ scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } }, 300),
    }, 10, 'ReadyForNewScale', 'ScaleDownLimit'],
    ['selectPolicy Disabled blocks scale-up', {
      ...base, current: 4, desired: 9, recommendations: [],
      behavior: resolveBehavior({ scaleUp: { selectPolicy: 'Disabled' } }, 300),
    }, 4, 'ReadyForNewScale', 'ScaleUpLimit'],
    ['no change: DesiredWithinRange', { ...base, current: 4, desired: 4, recommendations: [], behavior: resolveBehavior({}, 300) }, 4, 'ReadyForNewScale', 'DesiredWithinRange'],
  ];
  it.each(table)('%s', (_name, input, expected, able, limitedReason) => {
    const n = normalizeWithBehavior(input);
    expect(n.desired).toBe(expected);
    expect(n.ableToScale.reason).toBe(able);
    expect(n.scalingLimited.reason).toBe(limitedReason);
  });
});

describe('scale events', () => {
  const behavior = resolveBehavior({}, 300); // longest period 15 s both ways
  it('appends a scale-up event', () => {
    const h = recordScaleEvent({ scaleUpEvents: [ev(2, 5)], scaleDownEvents: [] }, behavior, 4, 7, at(0));
    expect(h.scaleUpEvents).toEqual([ev(2, 5), { replicaChange: 3, timestamp: at(0) }]);
  });
  it('reuses the last event older than the longest period', () => {
    const h = recordScaleEvent({ scaleUpEvents: [], scaleDownEvents: [ev(1, 100), ev(2, 20), ev(3, 5)] }, behavior, 7, 4, at(0));
    // markScaleEventsOutdated marks both old events; the later one is overwritten, the other keeps the mark.
    expect(h.scaleDownEvents).toEqual([{ ...ev(1, 100), outdated: true }, { replicaChange: 3, timestamp: at(0) }, ev(3, 5)]);
  });
});
