import { describe, it, expect } from 'vitest';
import { isWithin, tolerancesFor } from '../../../../src/scaler/hpa/tolerance.ts';
import { DEFAULT_HPA_OPTIONS } from '../../../../src/scaler/hpa/snapshot.ts';
import { cpuUtilization, hpa } from './fixtures.ts';

describe('tolerance', () => {
  const table: readonly [number, number, number, boolean][] = [
    // [down, up, ratio, within]
    [0.1, 0.1, 0.9, true],
    [0.1, 0.1, 1.1, true],
    [0.1, 0.1, 0.8999, false],
    [0.1, 0.1, 1.1001, false],
    [0, 0, 1, true],
    [0, 0, 1.0000001, false],
    [0.5, 0, 0.5, true],
    [0.5, 0, 1.01, false],
    [0, 0.5, 1.5, true],
    [0, 0.5, 0.99, false],
  ];
  it.each(table)('down %d, up %d: ratio %d within = %s', (scaleDown, scaleUp, ratio, within) => {
    expect(isWithin({ scaleDown, scaleUp }, ratio)).toBe(within);
  });

  it('takes the controller flag for both directions without behavior', () => {
    expect(tolerancesFor(hpa([cpuUtilization(50)]), { ...DEFAULT_HPA_OPTIONS, tolerance: 0.2 })).toEqual({ scaleDown: 0.2, scaleUp: 0.2 });
  });
  it('behavior overrides each direction separately (quantities)', () => {
    const h = hpa([cpuUtilization(50)], { behavior: { scaleUp: { tolerance: '50m' }, scaleDown: { tolerance: 0.25 } } });
    expect(tolerancesFor(h, DEFAULT_HPA_OPTIONS)).toEqual({ scaleDown: 0.25, scaleUp: 0.05 });
  });
  it('an unset direction keeps the flag', () => {
    const h = hpa([cpuUtilization(50)], { behavior: { scaleUp: { tolerance: '0' } } });
    expect(tolerancesFor(h, DEFAULT_HPA_OPTIONS)).toEqual({ scaleDown: 0.1, scaleUp: 0 });
  });
  it('the HPAConfigurableTolerance gate off ignores behavior tolerances', () => {
    const h = hpa([cpuUtilization(50)], { behavior: { scaleUp: { tolerance: '0' } } });
    expect(tolerancesFor(h, { ...DEFAULT_HPA_OPTIONS, configurableTolerance: false })).toEqual({ scaleDown: 0.1, scaleUp: 0.1 });
  });
});
