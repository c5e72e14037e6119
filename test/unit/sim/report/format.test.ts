import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../../src/sim/report/escape.ts';
import { formatCompact, formatDuration, formatLatency, formatNumber, formatPercent } from '../../../../src/sim/report/format.ts';
import { niceCeiling, niceStep, niceTicks } from '../../../../src/sim/report/scale.ts';

describe('number formatting', () => {
  it('keeps three significant digits without exponents or trailing zeros', () => {
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(12.5)).toBe('12.5');
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(1234.4)).toBe('1234');
    expect(formatNumber(0.000001234)).toBe('0.00000123');
    expect(formatNumber(-2.5)).toBe('−2.5');
    expect(formatNumber(-0.0001, 1)).toBe('−0.0001');
  });
  it('prints undefined values as a dash and infinities as ∞', () => {
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(undefined)).toBe('—');
    expect(formatNumber(Infinity)).toBe('∞');
    expect(formatPercent(Number.NaN)).toBe('—');
    expect(formatLatency(Number.NaN)).toBe('—');
    expect(formatLatency(Infinity)).toBe('∞');
  });
  it('shortens large numbers with k / M / G', () => {
    expect(formatCompact(999)).toBe('999');
    expect(formatCompact(1234)).toBe('1.23k');
    expect(formatCompact(50_000)).toBe('50k');
    expect(formatCompact(5_600_000)).toBe('5.6M');
    expect(formatCompact(2e9)).toBe('2G');
  });
  it('formats fractions as percentages with one decimal', () => {
    expect(formatPercent(0.9734)).toBe('97.3 %');
    expect(formatPercent(1)).toBe('100.0 %');
    expect(formatPercent(0)).toBe('0.0 %');
  });
  it('prints latencies in ms below one second, else in s', () => {
    expect(formatLatency(0.0123)).toBe('12.3 ms');
    expect(formatLatency(0.5)).toBe('500 ms');
    expect(formatLatency(1.5)).toBe('1.5 s');
  });
  it('prints durations in the unit that reads best', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(3438)).toBe('57.3 min');
    expect(formatDuration(9000)).toBe('150 min');
    expect(formatDuration(14_400)).toBe('4 h');
  });
});

describe('escaping', () => {
  it('escapes the five HTML-significant characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">'&'</a> µs ≤`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; µs ≤');
  });
});

describe('axis ticks', () => {
  it('steps along 1–2–5', () => {
    expect(niceStep(0.37)).toBe(0.5);
    expect(niceStep(13)).toBe(20);
    expect(niceStep(100)).toBe(100);
    expect(niceStep(0.15)).toBe(0.2);
  });
  it('covers the range with round values that print exactly', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 57.3, 8)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceTicks(0.1, 0.35, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(niceTicks(1, 0)).toEqual([]);
  });
  it('rounds an axis top up to a step multiple', () => {
    expect(niceCeiling(0.52)).toBe(0.6);
    expect(niceCeiling(23.4)).toBe(25);
    expect(niceCeiling(0)).toBe(1);
  });
});
