import { describe, it, expect } from 'vitest';
import { countReadyPods, groupPods } from '../../../../src/scaler/hpa/grouping.ts';
import { at, pod, sample, type PodOptions } from './fixtures.ts';

// Timing: now = T0, CPU initialization period 300 s, initial readiness delay 30 s. Times are seconds from T0.
const timing = { now: at(0), cpuInitializationPeriodMs: 300_000, initialReadinessDelayMs: 30_000 };

type Group = 'ignored' | 'unready' | 'missing' | 'ready';

function groupOf(o: PodOptions, opts: { hasSample?: boolean; isCpu?: boolean; takenAt?: number; window?: number } = {}): Group {
  const p = pod('x', o);
  const samples = new Map(opts.hasSample === false ? [] : [['x', sample(100n, opts.takenAt ?? 0, opts.window ?? 60)] as const]);
  const g = groupPods([p], samples, opts.isCpu ?? true, timing);
  if (g.ignored.has('x')) return 'ignored';
  if (g.unready.has('x')) return 'unready';
  if (g.missing.has('x')) return 'missing';
  expect(g.readyPodCount).toBe(1);
  return 'ready';
}

describe('groupPods: one group per pod, checked in order', () => {
  const table: readonly [string, PodOptions, Parameters<typeof groupOf>[1], Group][] = [
    ['deletion timestamp set → ignored (even when ready with a sample)', { deleted: true }, {}, 'ignored'],
    ['phase Failed → ignored', { phase: 'Failed' }, {}, 'ignored'],
    ['phase Pending → unready, sample dropped', { phase: 'Pending' }, {}, 'unready'],
    ['Pending wins over missing', { phase: 'Pending' }, { hasSample: false }, 'unready'],
    ['Running without a sample → missing', {}, { hasSample: false }, 'missing'],
    ['Succeeded without a sample → missing (not excluded)', { phase: 'Succeeded' }, { hasSample: false }, 'missing'],
    ['Succeeded with a sample, non-CPU → ready', { phase: 'Succeeded' }, { isCpu: false }, 'ready'],
    // CPU readiness rules
    ['CPU: no Ready condition → unready', { ready: 'none' }, {}, 'unready'],
    ['CPU: no start time → unready', { startedAt: 'none' }, {}, 'unready'],
    ['CPU, inside init period (started -60): Ready=False → unready', { startedAt: -60, ready: 'False', readySince: -50 }, {}, 'unready'],
    // ready since -100, window 60: sample at 0 ≥ -100 + 60 → the sample covers only ready time
    ['CPU, inside init period: ready long enough before the sample → ready', { startedAt: -120, readySince: -100 }, {}, 'ready'],
    // ready since -30: sample at 0 < -30 + 60 = 30 → window began before readiness
    ['CPU, inside init period: sample window began before readiness → unready', { startedAt: -120, readySince: -30 }, {}, 'unready'],
    // sample at 0 == -60 + 60: not before → kept
    ['CPU, inside init period: sample exactly one window after readiness → ready', { startedAt: -120, readySince: -60 }, {}, 'ready'],
    ['CPU, inside init period: Ready=Unknown is not False → timestamp rule only', { startedAt: -120, ready: 'Unknown', readySince: -100 }, {}, 'ready'],
    // started -600 (period over); went unready at -590: start + 30 = -570 > -590 → never became ready
    ['CPU, after init period: Ready=False and never ready → unready', { startedAt: -600, ready: 'False', readySince: -590 }, {}, 'unready'],
    // went unready at -500: -570 > -500 is false → it was ready once, sample kept
    ['CPU, after init period: Ready=False but was ready once → ready', { startedAt: -600, ready: 'False', readySince: -500 }, {}, 'ready'],
    // start + delay == lastTransition (-570): not after → kept
    ['CPU, after init period: transition exactly at start + delay → ready', { startedAt: -600, ready: 'False', readySince: -570 }, {}, 'ready'],
    // start + 300 s == now: not after now → the after-period rule applies, so a fresh readiness does not matter
    ['CPU: init period ends exactly now → after-period rule', { startedAt: -300, readySince: -10 }, {}, 'ready'],
    ['CPU: 1 ms before the period ends → inside rule', { startedAt: -299.999, readySince: -10 }, {}, 'unready'],
    ['non-CPU metrics ignore readiness (Ready=False)', { ready: 'False', readySince: -10 }, { isCpu: false }, 'ready'],
    ['non-CPU metrics ignore a missing Ready condition', { ready: 'none' }, { isCpu: false }, 'ready'],
  ];
  it.each(table)('%s', (_name, o, opts, expected) => {
    expect(groupOf(o, opts)).toBe(expected);
  });

  it('counts ready pods and leaves stray samples alone', () => {
    const g = groupPods(
      [pod('a'), pod('b'), pod('c', { phase: 'Pending' }), pod('d', { deleted: true })],
      new Map([['a', sample(1n)], ['b', sample(1n)], ['stray', sample(1n)]]),
      false,
      timing,
    );
    expect(g.readyPodCount).toBe(2);
    expect([...g.unready]).toEqual(['c']);
    expect([...g.ignored]).toEqual(['d']);
    expect(g.missing.size).toBe(0);
  });
});

describe('countReadyPods (Object/External Value targets)', () => {
  it('counts Running pods with Ready=True, terminating ones included', () => {
    const list = [
      pod('a'),
      pod('b', { deleted: true }),
      pod('c', { ready: 'False' }),
      pod('d', { phase: 'Pending' }),
      pod('e', { ready: 'none' }),
      pod('f', { phase: 'Failed' }),
    ];
    expect(countReadyPods(list)).toBe(2); // a and b
  });
});
