import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../src/sim/events/queue.ts';

describe('EventQueue', () => {
  it('pops in time order, and in push order among equal times', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const q = new EventQueue<number>();
        times.forEach((t, i) => {
          q.push(t, i);
        });
        const popped: number[] = [];
        for (let e = q.pop(); e !== undefined; e = q.pop()) popped.push(e.item);
        // A stable sort by time of the push indices is the specification.
        const expected = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
        expect(popped).toEqual(expected);
        expect(q.size).toBe(0);
      }),
    );
  });

  it('reports Infinity when empty and the earliest time otherwise', () => {
    const q = new EventQueue<string>();
    expect(q.peekTime()).toBe(Infinity);
    q.push(3, 'c');
    q.push(1, 'a');
    expect(q.peekTime()).toBe(1);
    expect(q.peek()).toBe('a');
  });

  it('rejects NaN times', () => {
    expect(() => {
      new EventQueue<number>().push(Number.NaN, 1);
    }).toThrow(RangeError);
  });
});
