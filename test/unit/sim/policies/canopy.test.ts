import { describe, expect, it } from 'vitest';
import { decide } from '../../../../src/scaler/decide.ts';
import { buildScalerSnapshot } from '../../../../src/scaler/live/snapshot.ts';
import { EMPTY_HISTORY } from '../../../../src/scaler/types.ts';
import { builtinProfile } from '../../../../src/sim/engine/profiles.ts';
import { scenarioFromManifests } from '../../../../src/sim/loop/scenario.ts';
import { canopyDriver, liveStateFromView } from '../../../../src/sim/policies/canopy.ts';
import { SIM_EPOCH_MS } from '../../../../src/sim/policies/clock.ts';
import { defaultPodCliqueSet, defaultPolicy } from '../../../../src/sim/policies/default-scenario.ts';
import { DEFAULT_SLO } from '../../../../src/sim/score/slo.ts';
import { NS, PCS, view } from './fixtures.ts';

const profile = builtinProfile();
const policy = defaultPolicy({ profile, slo: DEFAULT_SLO, startupSeconds: 60 });
const pcs = { ...defaultPodCliqueSet(), metadata: { name: PCS, namespace: NS } };
const scenario = scenarioFromManifests(pcs, policy, profile);

describe('liveStateFromView', () => {
  it('shows each role as the Grove object the live scaler reads', () => {
    const v = view(30, { prefill: { current: 3, ready: 1, starting: 2 }, decode: { current: 2 } }, {});
    const state = liveStateFromView(v, policy, pcs, scenario.roles, NS);
    expect(state.objects.get('svc-0-prefill')).toEqual({ kind: 'PodClique', name: 'svc-0-prefill', specReplicas: 3, statusReplicas: 3, ready: 1, minAvailable: 1, selector: '' });
    expect(state.objects.get('svc-0-decode')?.specReplicas).toBe(2);
    expect(state.namespace).toBe(NS);
  });
});

describe('canopyDriver', () => {
  const signals = {
    cliques: {
      prefill: { ttft_p90_seconds: 0.9, request_rate_per_second: 20, prompt_tokens_per_second: 60000 },
      decode: { itl_p90_seconds: 0.02, request_rate_per_second: 20, prompt_tokens_per_second: 60000, generation_tokens_per_second: 3000 },
    },
  };

  it('answers with what the live path (buildScalerSnapshot → decide) answers for the same objects and signals', () => {
    const driver = canopyDriver({ policy, pcs, roles: scenario.roles, namespace: NS });
    const v = view(15, { prefill: { current: 1 }, decode: { current: 2 } }, signals);
    const got = driver.decide(v);

    const scalePolicy = { ...policy, spec: { ...policy.spec, actuation: 'scale' as const } };
    const now = SIM_EPOCH_MS + 15000;
    const built = buildScalerSnapshot(scalePolicy, liveStateFromView(v, scalePolicy, pcs, scenario.roles, NS), { ok: true, snapshot: v.signals }, now);
    const expected = decide(scalePolicy, pcs, built.snapshot, EMPTY_HISTORY, now);
    const changed: Record<string, number> = {};
    for (const d of expected.decisions) if (d.role !== undefined && d.desired !== d.current) changed[d.role] = d.desired;
    expect(got.desired).toEqual(changed);
    // 60k prompt tokens/s is more than one prefill replica carries within 0.5 s TTFT.
    expect(got.desired['prefill']).toBeGreaterThan(1);
  });

  it('holds a role whose signals are missing, as the live scaler does in an outage', () => {
    const driver = canopyDriver({ policy, pcs, roles: scenario.roles, namespace: NS });
    const got = driver.decide(view(15, { prefill: { current: 1 }, decode: { current: 4 } }, { cliques: { prefill: signals.cliques.prefill } }));
    expect(got.desired['decode']).toBeUndefined();
    expect(got.reasons?.['decode']).toMatch(/^held: no data/);
  });
});
