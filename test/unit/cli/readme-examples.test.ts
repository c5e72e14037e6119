import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runHpaExplain } from '../../../src/cli/commands/hpa-explain.ts';

// The README shows this example's output; pin what it says.
describe('README: canopy hpa explain examples/hpa/queue-depth.json', () => {
  const input = readFileSync(new URL('../../../examples/hpa/queue-depth.json', import.meta.url), 'utf8');

  it('proposes 3 from the pods metric and is held at 4 by the downscale stabilization window', () => {
    const out = runHpaExplain(input, 'json', Date.parse('2026-11-21T10:00:00Z'));
    expect(out.exitCode).toBe(0);
    const doc = JSON.parse(out.stdout) as { desiredReplicas: number; metrics: { proposal: number }[]; conditions: { type: string; reason: string }[] };
    expect(doc.desiredReplicas).toBe(4);
    expect(doc.metrics.map((m) => m.proposal)).toEqual([3]);
    expect(doc.conditions.find((c) => c.type === 'AbleToScale')?.reason).toBe('ScaleDownStabilized');
  });
});
