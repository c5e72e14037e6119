// The live loop end to end against an in-memory API server: the real decide(), plan, actuation and status.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/telemetry/log.ts';
import { SignalsMetricsProvider, signalView } from '../../../../src/signals/provider.ts';
import { isDue, readSignals, ScalerLoop } from '../../../../src/scaler/live/loop.ts';
import type { SignalSnapshot } from '../../../../src/signals/index.ts';
import { FakeCluster, group, groveObjects, podCliqueSet, policyObject, recordingSink, settleStatus, signalSnapshot, T0, TWO_ROLES } from './fixtures.ts';
import { toLegacyStatus } from './legacy-fixture.ts';

interface Load {
  fePrompt?: number;
  decGeneration?: number;
}

function harness() {
  const cluster = new FakeCluster();
  groveObjects(cluster, podCliqueSet(1), { fe: [1], dec: [1] });
  cluster.putPolicy(policyObject(TWO_ROLES));
  const sink = recordingSink();
  const logs: string[] = [];
  const h = {
    cluster,
    sink,
    logs,
    clock: T0,
    load: {} as Load,
    fail: undefined as string | undefined,
    source: (): SignalSnapshot => {
      if (h.fail !== undefined) throw new Error(h.fail);
      const groups = [];
      if (h.load.fePrompt !== undefined) groups.push(group('podclique', 'svc-0-fe', { prompt_tokens_per_second: h.load.fePrompt }));
      if (h.load.decGeneration !== undefined) groups.push(group('podcliquescalinggroup', 'svc-0-dec', { generation_tokens_per_second: h.load.decGeneration }));
      return signalSnapshot(groups, h.clock / 1000);
    },
    loop: (): ScalerLoop =>
      new ScalerLoop({
        kube: cluster,
        scale: cluster,
        events: sink,
        signals: h.source,
        now: () => h.clock,
        retry: { sleep: () => Promise.resolve() },
        logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
      }),
    /** One decision at `t` seconds after T0 with this load, then Grove catches up (every pod ready). */
    async step(loop: ScalerLoop, t: number, load: Load) {
      h.clock = T0 + t * 1000;
      h.load = load;
      const reports = await loop.syncOnce();
      settleStatus(cluster);
      return reports;
    },
    role(name: string): Record<string, unknown> | undefined {
      const roles = cluster.policyStatus('svc')?.['roles'] as Record<string, unknown>[] | undefined;
      return roles?.find((r) => r['name'] === name);
    },
    condition(type: string): Record<string, unknown> | undefined {
      const conditions = cluster.policyStatus('svc')?.['conditions'] as Record<string, unknown>[] | undefined;
      return conditions?.find((c) => c['type'] === type);
    },
  };
  return h;
}

describe('ScalerLoop', () => {
  it('drives /scale on a PodClique, a PodCliqueScalingGroup and the PodCliqueSet, with Events and status', async () => {
    const h = harness();
    const loop = h.loop();

    // 2500 prompt tokens/s at 1000 per replica → 3 frontend pods; decode's 500 output tokens/s fit 1 instance.
    await h.step(loop, 0, { fePrompt: 2500, decGeneration: 500 });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(3);
    expect(h.cluster.replicas('PodCliqueScalingGroup', 'svc-0-dec')).toBe(1);
    expect(h.sink.events).toEqual([
      {
        target: { apiVersion: 'grove.io/v1alpha1', kind: 'PodClique', namespace: 'team-a', name: 'svc-0-fe', uid: 'fe-0' },
        type: 'Normal',
        reason: 'SuccessfulRescale',
        message: 'New size: 3; reason: role frontend: predicted demand needs this capacity',
      },
    ]);
    expect(h.role('frontend')).toMatchObject({ current: 1, desired: 3, reason: 'PredictedDemand', lastScaleTime: '2026-11-21T00:00:00.000Z' });
    expect((h.role('frontend')?.['inputs'] as Record<string, number>)['ttftLoad']).toBe(2500);
    expect(h.condition('ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
    expect(h.condition('AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededRescale' });

    // 1500 output tokens/s → 2 decode instances, still within one set replica's maximum.
    await h.step(loop, 15, { fePrompt: 2500, decGeneration: 1500 });
    expect(h.cluster.replicas('PodCliqueScalingGroup', 'svc-0-dec')).toBe(2);
    expect(h.sink.events.at(-1)).toMatchObject({ target: { kind: 'PodCliqueScalingGroup', name: 'svc-0-dec' }, reason: 'SuccessfulRescale' });

    // 3500 output tokens/s → 4 instances, more than one set replica holds (max 2): the set grows to 2.
    await h.step(loop, 30, { fePrompt: 2500, decGeneration: 3500 });
    expect(h.cluster.replicas('PodCliqueSet', 'svc')).toBe(2);
    expect(h.sink.events.at(-1)).toMatchObject({ target: { kind: 'PodCliqueSet', name: 'svc', uid: 'pcs-uid' }, reason: 'SuccessfulRescale' });
    expect(h.cluster.policyStatus('svc')?.['set']).toEqual({ current: 1, desired: 2, reason: 'SetResized', lastScaleTime: '2026-11-21T00:00:30.000Z' });
    // The log line of each change carries decide()'s sentences: here, why the set grew.
    const rescaled = h.logs.map((l) => JSON.parse(l) as { msg: string; kind?: string; explanation?: string[] }).filter((l) => l.msg === 'rescaled');
    expect(rescaled.find((l) => l.kind === 'PodCliqueSet')?.explanation?.join(' ')).toMatch(/set/i);
    expect(rescaled.find((l) => l.kind === 'PodCliqueScalingGroup')?.explanation?.join(' ')).toMatch(/output tokens\/s/);
  });

  it('does not patch in advisory mode; Events and status say what it would do', async () => {
    const h = harness();
    h.cluster.putPolicy(policyObject({ ...TWO_ROLES, actuation: 'advisory' }));
    await h.step(h.loop(), 0, { fePrompt: 2500, decGeneration: 500 });
    expect(h.cluster.patches).toEqual([]);
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(1);
    expect(h.sink.events.map((e) => [e.reason, e.target.name, e.message])).toEqual([
      ['AdvisoryRescale', 'svc-0-fe', 'New size: 3; reason: role frontend: predicted demand needs this capacity'],
    ]);
    expect(h.role('frontend')).toMatchObject({ current: 1, desired: 3 });
    expect(h.condition('AbleToScale')).toMatchObject({ reason: 'Advisory' });
  });

  it('keeps its stabilization window across a restart (the history lives in the status)', async () => {
    const h = harness();
    const first = h.loop();
    await h.step(first, 0, { fePrompt: 2500, decGeneration: 500 });
    await h.step(first, 15, { fePrompt: 2500, decGeneration: 500 });
    // Demand drops: one replica would do, but the 60 s scale-down window still holds recommendations of 3.
    await h.step(first, 30, { fePrompt: 500, decGeneration: 500 });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(3);
    expect(h.role('frontend')).toMatchObject({ current: 3, desired: 3, reason: 'Stabilized' });

    // Restart: a new loop with empty memory.
    const second = h.loop();
    await h.step(second, 45, { fePrompt: 500, decGeneration: 500 });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(3);
    // At 80 s the last recommendation of 3 (at 15 s) is older than 60 s: released to 1. A scaler that had
    // forgotten would have recorded 3 at its first sight (45 s) and hold until 105 s (see the next test).
    await h.step(second, 80, { fePrompt: 500, decGeneration: 500 });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(1);
    expect(h.sink.events.at(-1)).toMatchObject({ target: { name: 'svc-0-fe' }, message: 'New size: 1; reason: role frontend: load fits fewer replicas with headroom' });
  });

  it('control: with the persisted recommendations wiped, the restarted scaler still holds at 80 s', async () => {
    const h = harness();
    const first = h.loop();
    await h.step(first, 0, { fePrompt: 2500, decGeneration: 500 });
    await h.step(first, 15, { fePrompt: 2500, decGeneration: 500 });
    await h.step(first, 30, { fePrompt: 500, decGeneration: 500 });
    const roles = h.cluster.policyStatus('svc')?.['roles'] as Record<string, unknown>[] | undefined;
    expect(roles?.find((r) => r['name'] === 'frontend')?.['history']).toBeDefined();
    for (const r of roles ?? []) Reflect.deleteProperty(r, 'history');
    const second = h.loop();
    await h.step(second, 45, { fePrompt: 500, decGeneration: 500 });
    await h.step(second, 80, { fePrompt: 500, decGeneration: 500 });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(3);
    await h.step(second, 110, { fePrompt: 500, decGeneration: 500 });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(1);
  });

  it('keeps the stabilization window of a status the previous version wrote, and rewrites it in the typed layout', async () => {
    const h = harness();
    const first = h.loop();
    await h.step(first, 0, { fePrompt: 2500, decGeneration: 500 });
    await h.step(first, 15, { fePrompt: 2500, decGeneration: 500 });
    const [report] = await h.step(first, 30, { fePrompt: 500, decGeneration: 500 });
    if (report === undefined) throw new Error('no decision at 30 s');
    // What the previous version would have stored for the same memory: the flat list, no typed history.
    const policy = h.cluster.policies.get('svc');
    if (policy === undefined) throw new Error('no policy');
    policy['status'] = toLegacyStatus(policy['status'] as Record<string, unknown>, report.history);
    expect((policy['status'] as { recommendations: unknown[] }).recommendations).toContainEqual({ role: 'frontend', replicas: 3, time: '2026-11-21T00:00:15.000Z' });

    const second = h.loop();
    await h.step(second, 45, { fePrompt: 500, decGeneration: 500 });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(3);
    expect(h.cluster.policyStatus('svc')).not.toHaveProperty('recommendations');
    expect((h.role('frontend')?.['history'] as { recommendations: unknown[] }).recommendations).toContainEqual({ replicas: 3, time: '2026-11-21T00:00:15.000Z' });
    // Released at 80 s, as without the upgrade (the control test below shows a forgetful scaler holds on).
    await h.step(second, 80, { fePrompt: 500, decGeneration: 500 });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(1);
  });

  it('keeps the persisted recommendations to the stabilization window over a long run', async () => {
    const h = harness();
    const loop = h.loop();
    for (let i = 0; i < 40; i++) await h.step(loop, i * 15, { fePrompt: i % 2 === 0 ? 2500 : 500, decGeneration: 500 });
    const recs = (h.role('frontend')?.['history'] as { recommendations: { time: string; replicas: number }[] }).recommendations;
    // Only the newest record of each size is kept (stabilization asks only whether a size was recommended
    // within the window): the load alternates, so the two sizes' records of the last two decisions, 570 and 585 s.
    expect(recs.map((r) => r.time)).toEqual(['2026-11-21T00:09:30.000Z', '2026-11-21T00:09:45.000Z']);
    const [report] = await h.step(loop, 600, { fePrompt: 500, decGeneration: 500 });
    expect(report?.history.roles['frontend']?.recommendations).toHaveLength(2);
  });

  it('never scales down while the signal source fails, and says so in the status', async () => {
    const h = harness();
    const loop = h.loop();
    await h.step(loop, 0, { fePrompt: 2500, decGeneration: 1500 });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(3);
    h.fail = 'prometheus: connection refused';
    for (const t of [100, 200, 400]) await h.step(loop, t, {});
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(3);
    expect(h.cluster.replicas('PodCliqueScalingGroup', 'svc-0-dec')).toBe(2);
    expect(h.condition('ScalingActive')).toMatchObject({ status: 'False', reason: 'MetricsUnavailable' });
    expect(h.condition('ScalingActive')?.['message']).toMatch(/frontend: signal source failed: prometheus: connection refused/);
    expect(h.role('frontend')).toMatchObject({ current: 3, desired: 3, reason: 'MetricsUnavailable' });
    // Signals return: the scaler decides again (and may now scale down).
    h.fail = undefined;
    await h.step(loop, 500, { fePrompt: 500, decGeneration: 500 });
    expect(h.condition('ScalingActive')).toMatchObject({ status: 'True' });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(1);
  });

  it('holds a role with no data for its driving signals while the others scale', async () => {
    const h = harness();
    const loop = h.loop();
    await h.step(loop, 0, { fePrompt: 2500, decGeneration: 500 });
    await h.step(loop, 100, { decGeneration: 1500 });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(3);
    expect(h.cluster.replicas('PodCliqueScalingGroup', 'svc-0-dec')).toBe(2);
    expect(h.condition('ScalingActive')?.['message']).toMatch(/frontend: no data for promptTokens/);
  });

  it('retries a /scale conflict and writes once', async () => {
    const h = harness();
    h.cluster.conflicts = 2;
    await h.step(h.loop(), 0, { fePrompt: 2500, decGeneration: 500 });
    expect(h.cluster.patches).toEqual([{ target: { kind: 'PodClique', namespace: 'team-a', name: 'svc-0-fe' }, replicas: 3 }]);
  });

  it('a rejected /scale write becomes a FailedRescale event and AbleToScale=False, and is not counted as a scale event', async () => {
    const h = harness();
    h.cluster.patchReplicas = () => Promise.reject(Object.assign(new Error('forbidden: no /scale for you'), { code: 403 }));
    const [report] = await h.step(h.loop(), 0, { fePrompt: 2500, decGeneration: 500 });
    expect(h.sink.events).toEqual([
      {
        target: { apiVersion: 'grove.io/v1alpha1', kind: 'PodClique', namespace: 'team-a', name: 'svc-0-fe', uid: 'fe-0' },
        type: 'Warning',
        reason: 'FailedRescale',
        message: 'New size: 3; reason: role frontend: predicted demand needs this capacity; error: forbidden: no /scale for you',
      },
    ]);
    expect(h.condition('AbleToScale')).toMatchObject({ status: 'False', reason: 'FailedUpdateScale' });
    expect(report?.history.roles['frontend']?.scaleUpEvents).toEqual([]);
    expect(report?.history.roles['frontend']?.lastScaleTime).toBeUndefined();
    expect(h.role('frontend')?.['lastScaleTime']).toBeUndefined();
  });

  it('reads a PodCliqueSet whose status carries fields this version does not know', async () => {
    const h = harness();
    const pcs = h.cluster.objects.get('PodCliqueSet/svc');
    if (pcs !== undefined) pcs.body.status = { replicas: 1, someFutureField: { x: 1 } };
    await h.step(h.loop(), 0, { fePrompt: 2500, decGeneration: 500 });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(3);
  });

  it('refuses to write below a live minAvailable that decide() did not know about', async () => {
    const h = harness();
    const loop = h.loop();
    await h.step(loop, 0, { fePrompt: 2500, decGeneration: 500 });
    // Someone raised the live object's minAvailable to 3 (the template still says 1).
    const fe = h.cluster.objects.get('PodClique/svc-0-fe');
    if (fe !== undefined) fe.body.spec['minAvailable'] = 3;
    await h.step(loop, 100, { fePrompt: 100, decGeneration: 500 });
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(3);
    expect(h.sink.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'FailedRescale', message: 'PodClique svc-0-fe: new size 1 is below minAvailable 3; not written' });
    expect(h.condition('AbleToScale')).toMatchObject({ status: 'False', reason: 'BelowMinAvailable' });
  });

  it('reports a missing PodCliqueSet in the status and writes nothing', async () => {
    const h = harness();
    h.cluster.objects.delete('PodCliqueSet/svc');
    await h.step(h.loop(), 0, { fePrompt: 2500 });
    expect(h.cluster.patches).toEqual([]);
    expect(h.condition('ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetScale', message: 'PodCliqueSet team-a/svc not found' });
  });

  it('skips an invalid policy with a Warning event on it', async () => {
    const h = harness();
    h.cluster.putPolicy(policyObject({ roles: [] }));
    const reports = await h.step(h.loop(), 0, { fePrompt: 2500 });
    expect(reports).toEqual([]);
    expect(h.sink.events).toMatchObject([{ type: 'Warning', reason: 'InvalidPolicy', target: { kind: 'ScalingPolicy', name: 'svc' } }]);
  });

  it('decides a policy again only after its intervalSeconds', async () => {
    const h = harness();
    const loop = h.loop();
    expect(await h.step(loop, 0, { fePrompt: 2500, decGeneration: 500 })).toHaveLength(1);
    expect(await h.step(loop, 14, { fePrompt: 2500, decGeneration: 500 })).toHaveLength(0);
    expect(await h.step(loop, 15, { fePrompt: 2500, decGeneration: 500 })).toHaveLength(1);
    expect(isDue(undefined, 15, 0)).toBe(true);
    expect(isDue({ lastDecision: 1000 }, 15, 15_999)).toBe(false);
    expect(isDue({ lastDecision: 1000 }, 15, 16_000)).toBe(true);
  });

  it('runs on its own timer until stopped, and writes nothing after stop() resolves', async () => {
    const h = harness();
    h.load = { fePrompt: 2500, decGeneration: 500 };
    const loop = new ScalerLoop({ kube: h.cluster, scale: h.cluster, events: h.sink, signals: h.source, now: () => h.clock, syncPeriodMs: 5 });
    loop.start();
    const deadline = Date.now() + 10_000;
    while (loop.syncs < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await loop.stop();
    expect(loop.syncs).toBeGreaterThanOrEqual(3);
    expect(h.cluster.replicas('PodClique', 'svc-0-fe')).toBe(3);
    const after = loop.syncs;
    h.clock += 60_000;
    await new Promise((r) => setTimeout(r, 30));
    expect(loop.syncs).toBe(after);
  });

  it('readSignals turns a throwing or empty source into an outage, never an exception', async () => {
    expect(await readSignals(() => undefined)).toEqual({ ok: false, error: 'no signal snapshot yet' });
    expect(await readSignals(() => Promise.reject(new Error('down')))).toEqual({ ok: false, error: 'down' });
    const s = signalSnapshot([]);
    expect(await readSignals(() => s)).toEqual({ ok: true, snapshot: s });
  });

  it('a provider-backed source treats a stale snapshot as an outage', async () => {
    const s = signalSnapshot([], 1000);
    let now = 1030;
    const provider = new SignalsMetricsProvider({ maxAgeSeconds: 30, clock: () => now });
    const source = () => provider.latestSnapshot();
    expect(await readSignals(source)).toEqual({ ok: false, error: 'no signal snapshot yet' });
    provider.update(signalView(s, { targets: new Map() }));
    expect(await readSignals(source)).toEqual({ ok: true, snapshot: s });
    now = 1031;
    expect(await readSignals(source)).toEqual({ ok: false, error: 'signals are 31 s old' });
    provider.setUnavailable('prometheus: down');
    expect(await readSignals(source)).toEqual({ ok: false, error: 'prometheus: down' });
  });
});
