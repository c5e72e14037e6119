import { describe, expect, it } from 'vitest';
import { builtinProfile } from '../../../../src/sim/engine/profiles.ts';
import { loadTrace } from '../../../../src/sim/loop/traces.ts';
import { POLICY_NAMES, runExperiment } from '../../../../src/sim/policies/experiment.ts';
import { loadScenario } from '../../../../src/sim/policies/setup.ts';
import { DEFAULT_SLO } from '../../../../src/sim/score/slo.ts';

describe('the hindsight oracle on a small trace', () => {
  it('uses no more GPU-hours than any policy that meets the SLO as well, and a policy below it misses windows', () => {
    const profile = builtinProfile();
    const scenario = loadScenario({ policy: 'default', profile, slo: DEFAULT_SLO, startupSeconds: 60 });
    const trace = loadTrace('azure-conv', { scale: 3, seed: 3, durationSeconds: 360 });
    const result = runExperiment({ requests: trace.requests, scenario, slo: DEFAULT_SLO, seed: 3, startupSeconds: 60 }, POLICY_NAMES);
    expect(result.runs.map((r) => r.summary.policy)).toEqual([...POLICY_NAMES]);
    const replay = result.runs.find((r) => r.summary.policy === 'oracle');
    expect(replay?.summary.windowAttainment).toBe(1);
    for (const run of result.runs) {
      const s = run.summary;
      if (s.windowAttainment >= 1) expect(result.oracleGpuHours.ideal).toBeLessThanOrEqual(s.gpuHours + 1e-9);
      if (s.gpuHours < result.oracleGpuHours.ideal) expect(s.windowAttainment).toBeLessThan(1);
    }
    // The static fleets meet every window here and pay more than the oracle.
    for (const name of ['static-peak', 'static-mean']) {
      const s = result.runs.find((r) => r.summary.policy === name)?.summary;
      expect(s?.windowAttainment).toBe(1);
      expect(s?.gpuHours ?? 0).toBeGreaterThanOrEqual(result.oracleGpuHours.ideal);
    }
    expect(result.oracleGpuHours.ideal).toBeLessThanOrEqual(result.oracleGpuHours.achievable);
  }, 30_000);
});
