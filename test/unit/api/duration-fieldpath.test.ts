import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { childPath, formatGoDuration, formatPath, parseGoDuration, parsePath, type PathSegment } from '../../../src/api/index.ts';

describe('Go durations', () => {
  it('parses the forms metav1.Duration accepts', () => {
    expect(parseGoDuration('4h')).toBe(4 * 3_600_000);
    expect(parseGoDuration('4h0m0s')).toBe(4 * 3_600_000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('250ms')).toBe(250);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('-5m')).toBe(-300_000);
  });

  it('rejects what Go rejects', () => {
    for (const bad of ['', '4', 'h', '4 hours', '1d', '5m ', 'PT4H']) expect(parseGoDuration(bad)).toBeUndefined();
  });

  it('round-trips whole seconds through Go formatting', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
        expect(parseGoDuration(formatGoDuration(seconds * 1000))).toBe(seconds * 1000);
      }),
    );
    expect(formatGoDuration(4 * 3_600_000)).toBe('4h0m0s');
  });
});

describe('field paths', () => {
  it('formats Kubernetes-style paths', () => {
    expect(formatPath(['spec', 'template', 'cliques', 1, 'spec', 'minAvailable'])).toBe('spec.template.cliques[1].spec.minAvailable');
    expect(formatPath(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe('metadata.labels["app.kubernetes.io/name"]');
    expect(childPath('spec.cliques', 0, 'name')).toBe('spec.cliques[0].name');
    expect(childPath('', 'spec')).toBe('spec');
  });

  it('parses what it formats', () => {
    const segment: fc.Arbitrary<PathSegment> = fc.oneof(fc.nat({ max: 50 }), fc.string({ minLength: 1, maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (segments) => {
        fc.pre(typeof segments[0] !== 'number');
        expect(parsePath(formatPath(segments))).toEqual(segments);
      }),
    );
  });
});
