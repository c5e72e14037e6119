import { describe, it, expect } from 'vitest';
import { clampWithoutBehavior, normalizeWithoutBehavior, stabilize } from '../../../../src/scaler/hpa/normalize.ts';
import { at } from './fixtures.ts';

// Normalization without spec.behavior: stabilization over the downscale window (300 s), then the bounds
// and the scale-up cap max(2 × current, 4).
const rec = (replicas: number, secondsAgo: number) => ({ replicas, timestamp: at(-secondsAgo) });

describe('stabilize (no behavior)', () => {
  const table: readonly [string, ReturnType<typeof rec>[], number, number][] = [
    ['no history: desired stands', [], 3, 3],
    ['a higher recommendation inside the window holds the value', [rec(6, 100)], 3, 6],
    ['a higher recommendation older than the window is ignored', [rec(6, 301)], 3, 3],
    ['a recommendation exactly at the window edge still counts', [rec(6, 300)], 3, 6],
    ['lower recommendations never lower it', [rec(1, 10), rec(2, 20)], 5, 5],
    ['the highest of several wins', [rec(4, 10), rec(7, 200), rec(5, 250)], 2, 7],
  ];
  it.each(table)('%s', (_name, history, desired, expected) => {
    expect(stabilize(history, at(0), desired, 300).recommendation).toBe(expected);
  });

  it('records desired by overwriting the last record older than the window', () => {
    const next = stabilize([rec(9, 500), rec(8, 400), rec(4, 10)], at(0), 3, 300).recommendations;
    expect(next).toEqual([rec(9, 500), { replicas: 3, timestamp: at(0) }, rec(4, 10)]);
  });
  it('appends when nothing is old', () => {
    const next = stabilize([rec(4, 10)], at(0), 3, 300).recommendations;
    expect(next).toEqual([rec(4, 10), { replicas: 3, timestamp: at(0) }]);
  });
});

describe('clamp (no behavior)', () => {
  const table: readonly [string, number, number, number, number, number, string][] = [
    // [name, current, desired, min, max, expected, reason]
    ['within range', 4, 6, 1, 10, 6, 'DesiredWithinRange'],
    // cap max(2 × 4, 4) = 8 is tighter than max 20
    ['scale-up cap 2 × current', 4, 12, 1, 20, 8, 'ScaleUpLimit'],
    // cap max(2 × 1, 4) = 4
    ['scale-up cap at least 4', 1, 12, 1, 20, 4, 'ScaleUpLimit'],
    // max 6 is tighter than the cap 8
    ['max replicas', 4, 12, 1, 6, 6, 'TooManyReplicas'],
    // cap equal to max: TooManyReplicas (max is not above the cap)
    ['cap equal to max reports TooManyReplicas', 4, 12, 1, 8, 8, 'TooManyReplicas'],
    ['min replicas', 4, 1, 2, 10, 2, 'TooFewReplicas'],
    ['scale-down has no rate limit', 10, 1, 1, 10, 1, 'DesiredWithinRange'],
  ];
  it.each(table)('%s', (_name, current, desired, min, max, expected, reason) => {
    const r = clampWithoutBehavior(current, desired, min, max);
    expect(r.replicas).toBe(expected);
    expect(r.reason).toBe(reason);
  });
});

describe('normalizeWithoutBehavior conditions', () => {
  it('ScaleDownStabilized when history holds the value, ScalingLimited False within range', () => {
    const n = normalizeWithoutBehavior({ now: at(0), current: 5, desired: 2, minReplicas: 1, maxReplicas: 10, recommendations: [rec(5, 60)] }, 300);
    expect(n.desired).toBe(5);
    expect(n.ableToScale.reason).toBe('ScaleDownStabilized');
    expect(n.scalingLimited).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
  });
  it('ReadyForNewScale when stabilization changes nothing; ScalingLimited True when clamped', () => {
    const n = normalizeWithoutBehavior({ now: at(0), current: 2, desired: 9, minReplicas: 1, maxReplicas: 10, recommendations: [] }, 300);
    expect(n.desired).toBe(4);
    expect(n.ableToScale.reason).toBe('ReadyForNewScale');
    expect(n.scalingLimited).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
  });
});
