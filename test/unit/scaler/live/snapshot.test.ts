import { describe, expect, it } from 'vitest';
import { buildScalerSnapshot, milli, roleObjectNames, type LiveObject, type LiveState } from '../../../../src/scaler/live/snapshot.ts';
import { liveObjectFrom, podFromV1 } from '../../../../src/scaler/live/objects.ts';
import type { Pod } from '../../../../src/scaler/hpa/types.ts';
import { roleSignals } from '../../../../src/api/scaling-policy.ts';
import { PodCliqueSetSchema } from '../../../../src/api/index.ts';
import { decide } from '../../../../src/scaler/decide.ts';
import { roleTraffic, sampleMeans } from '../../../../src/scaler/slo/demand.ts';
import { EMPTY_HISTORY } from '../../../../src/scaler/types.ts';
import { group, NS, podCliqueSet, scalingPolicy, signalSnapshot, T0, TWO_ROLES } from './fixtures.ts';

const fe = (i: number, n: number, ready = n): LiveObject => ({ kind: 'PodClique', name: `svc-${i}-fe`, specReplicas: n, statusReplicas: n, ready, minAvailable: 1, selector: `grove.io/podclique=svc-${i}-fe` });
const dec = (i: number, n: number, ready = n): LiveObject => ({ kind: 'PodCliqueScalingGroup', name: `svc-${i}-dec`, specReplicas: n, statusReplicas: n, ready, minAvailable: 1, selector: '' });

function state(replicas: number, objects: LiveObject[], pods: [string, Pod[]][] = []): LiveState {
  return { namespace: NS, pcs: podCliqueSet(replicas), objects: new Map(objects.map((o) => [o.name, o])), pods: new Map(pods) };
}

const policy = scalingPolicy(TWO_ROLES);

describe('buildScalerSnapshot', () => {
  it('names the role objects per set replica as Grove does', () => {
    expect(roleObjectNames(podCliqueSet(2), 'svc', { target: { podClique: 'fe' } })).toEqual(['svc-0-fe', 'svc-1-fe']);
    expect(roleObjectNames(podCliqueSet(2), 'svc', { target: { podCliqueScalingGroup: 'dec' } })).toEqual(['svc-0-dec', 'svc-1-dec']);
  });

  it('sums rates and queues over the set replicas and reads sizes from the live objects', () => {
    const signals = signalSnapshot([
      group('podclique', 'svc-0-fe', { prompt_tokens_per_second: 1200, queue_waiting: 3, kv_cache_utilization: 0.2 }, 1),
      group('podclique', 'svc-1-fe', { prompt_tokens_per_second: 800, queue_waiting: 1, kv_cache_utilization: 0.8 }, 3),
      group('podcliquescalinggroup', 'svc-0-dec', { generation_tokens_per_second: 500 }),
      group('podcliquescalinggroup', 'svc-1-dec', { generation_tokens_per_second: 700 }),
    ]);
    const built = buildScalerSnapshot(policy, state(2, [fe(0, 1), fe(1, 3, 2), dec(0, 2), dec(1, 1, 0)]), { ok: true, snapshot: signals }, T0);
    expect(built.outages).toEqual([]);
    expect(built.snapshot.time).toBe(T0);
    const f = built.snapshot.roles['frontend'];
    expect(f).toMatchObject({ replicas: [1, 3], readyReplicas: 3, promptTokensPerSecond: 2000, queue: 4 });
    // Mean KV use weighted by reporting pods: (0.2·1 + 0.8·3) / 4.
    expect(f?.kvCacheUsage).toBeCloseTo(0.65, 12);
    expect(built.snapshot.roles['decode']).toMatchObject({ replicas: [2, 1], readyReplicas: 2, generationTokensPerSecond: 1200 });
  });

  it('adds histogram buckets across replicas before taking a percentile', () => {
    const bounds = [0.1, 0.5, 1, Number.POSITIVE_INFINITY];
    const fast = { ...group('podclique', 'svc-0-fe', { prompt_tokens_per_second: 1 }), histograms: { ttft: { bounds, counts: [10, 10, 10, 10], sum: 0.5, count: 10 } } };
    const slow = { ...group('podclique', 'svc-1-fe', { prompt_tokens_per_second: 1 }), histograms: { ttft: { bounds, counts: [0, 0, 10, 10], sum: 8, count: 10 } } };
    const built = buildScalerSnapshot(policy, state(2, [fe(0, 1), fe(1, 1)]), { ok: true, snapshot: signalSnapshot([fast, slow]) }, T0);
    // Merged cumulative counts [10, 10, 20, 20]: p50 is the 10th of 20 (top of the first bucket, 0.1 s);
    // p90 is the 18th, 8 of the 10 observations into (0.5, 1] → 0.9 s. Averaging the two p90s would say 0.55.
    const ttft = built.snapshot.roles['frontend']?.ttft;
    expect(ttft?.['p50']).toBeCloseTo(0.1, 12);
    expect(ttft?.['p90']).toBeCloseTo(0.9, 12);
  });

  it('a failing signal source holds every role and reports the outage', () => {
    const built = buildScalerSnapshot(policy, state(1, [fe(0, 3), dec(0, 2)]), { ok: false, error: 'prometheus: connection refused' }, T0);
    expect(built.snapshot.roles).toEqual({});
    expect(built.outages).toEqual([
      { role: 'frontend', message: 'signal source failed: prometheus: connection refused' },
      { role: 'decode', message: 'signal source failed: prometheus: connection refused' },
    ]);
    expect(built.undecided).toEqual([
      { role: 'frontend', kind: 'PodClique', target: 'fe', current: 3 },
      { role: 'decode', kind: 'PodCliqueScalingGroup', target: 'dec', current: 2 },
    ]);
  });

  it('a role whose driving signals are all absent is an outage even if other signals are there', () => {
    // frontend is driven by promptTokens only; a queue reading does not make it informed.
    const signals = signalSnapshot([group('podclique', 'svc-0-fe', { queue_waiting: 9 }), group('podcliquescalinggroup', 'svc-0-dec', { generation_tokens_per_second: 10 })]);
    const built = buildScalerSnapshot(policy, state(1, [fe(0, 3), dec(0, 2)]), { ok: true, snapshot: signals }, T0);
    expect(built.outages).toEqual([{ role: 'frontend', message: 'no data for promptTokens' }]);
    expect(Object.keys(built.snapshot.roles)).toEqual(['decode']);
  });

  it('stops at the first set replica whose object does not exist yet', () => {
    const signals = signalSnapshot([group('podclique', 'svc-0-fe', { prompt_tokens_per_second: 5 }), group('podcliquescalinggroup', 'svc-0-dec', { generation_tokens_per_second: 5 })]);
    const built = buildScalerSnapshot(policy, state(3, [fe(0, 2), fe(2, 2), dec(0, 1)]), { ok: true, snapshot: signals }, T0);
    expect(built.snapshot.roles['frontend']?.replicas).toEqual([2]);
  });
});

describe('buildScalerSnapshot for a scaling group of prefill and decode workers (slo.phaseCliques)', () => {
  // svc: scaling group `pd` of one prefill and one decode clique, 2 set replicas × 2 group instances.
  const pcs = PodCliqueSetSchema.parse({
    apiVersion: 'grove.io/v1alpha1',
    kind: 'PodCliqueSet',
    metadata: { name: 'svc', namespace: NS },
    spec: {
      replicas: 2,
      template: {
        cliques: ['prefill', 'decode'].map((name) => ({ name, spec: { roleName: name, replicas: 1, podSpec: { containers: [{ name: 'vllm', image: 'engine' }] } } })),
        podCliqueScalingGroups: [{ name: 'pd', cliqueNames: ['prefill', 'decode'], replicas: 2, minAvailable: 1 }],
      },
    },
  });
  const pdRole = (slo: Record<string, unknown>) =>
    scalingPolicy({
      roles: [
        {
          name: 'pd',
          target: { podCliqueScalingGroup: 'pd' },
          mode: 'slo',
          maxReplicas: 8,
          slo: { ttft: { targetSeconds: 0.5 }, itl: { targetSeconds: 0.05 }, phaseEngines: 'separate', ...slo },
          profile: { promptTokensPerSecond: 33_000, outputTokensPerSecond: 1_700 },
        },
      ],
    });
  const split = pdRole({ phaseCliques: { prefill: ['prefill'], decode: ['decode'] } });
  const pd = (i: number, n: number): LiveObject => ({ kind: 'PodCliqueScalingGroup', name: `svc-${i}-pd`, specReplicas: n, statusReplicas: n, ready: n, minAvailable: 1, selector: '' });
  const live: LiveState = { namespace: NS, pcs, objects: new Map([pd(0, 2), pd(1, 2)].map((o) => [o.name, o])), pods: new Map() };

  // Requests per second through instance j of set replica i, 3000-token prompts and 150-token outputs. vLLM on
  // both workers counts every request and its prompt; the prefill worker generates the first token.
  const rates = [[5, 7], [3, 9]];
  const members = rates.flatMap((row, i) =>
    row.flatMap((r, j) => [
      group('podclique', `svc-${i}-pd-${j}-prefill`, { request_rate_per_second: r, prompt_tokens_per_second: 3000 * r, generation_tokens_per_second: r }),
      group('podclique', `svc-${i}-pd-${j}-decode`, { request_rate_per_second: r, prompt_tokens_per_second: 3000 * r, generation_tokens_per_second: 150 * r }),
    ]),
  );
  // The group sums, as the signals aggregate every pod carrying the group's label.
  const groups = rates.map((row, i) => {
    const r = row.reduce((a, b) => a + b, 0);
    return group('podcliquescalinggroup', `svc-${i}-pd`, { request_rate_per_second: 2 * r, prompt_tokens_per_second: 6000 * r, generation_tokens_per_second: 151 * r, queue_waiting: 2, kv_cache_utilization: 0.5 }, 4);
  });
  // A third instance's prefill worker still reporting after the group went down to 2 instances.
  const leaving = group('podclique', 'svc-1-pd-2-prefill', { request_rate_per_second: 100, prompt_tokens_per_second: 300_000, generation_tokens_per_second: 100 });
  const signals = { ok: true as const, snapshot: signalSnapshot([...members, ...groups, leaving]) };

  it('sums each phase over its member PodCliques of every instance in every set replica', () => {
    const built = buildScalerSnapshot(split, live, signals, T0);
    expect(built.outages).toEqual([]);
    const s = built.snapshot.roles['pd'];
    expect(s?.phases).toEqual({
      prefill: { requestRate: 24, promptTokensPerSecond: 72_000, generationTokensPerSecond: 24 },
      decode: { requestRate: 24, promptTokensPerSecond: 72_000, generationTokensPerSecond: 3_600 },
    });
    // Group-level readings stay as they were: the doubled sums, and the queue and KV use of the whole group.
    expect(s).toMatchObject({ replicas: [2, 2], requestRate: 48, promptTokensPerSecond: 144_000, generationTokensPerSecond: 3_624, queue: 4, kvCacheUsage: 0.5 });
  });

  it('arrivals, prompt and output lengths are counted once, not once per phase', () => {
    const s = buildScalerSnapshot(split, live, signals, T0).snapshot.roles['pd'];
    if (s === undefined) throw new Error('pd missing from the snapshot');
    const role = split.spec.roles[0];
    if (role === undefined) throw new Error('no role');
    expect(roleTraffic(s)).toEqual({ requestRate: 24, promptTokensPerSecond: 72_000, generationTokensPerSecond: 3_600, generationRequestRate: 24 });
    expect(sampleMeans(s, roleSignals(role))).toEqual({ requestRate: 24, promptTokens: 3_000, outputTokens: 150 });
    const sized = decide(split, pcs, { time: T0, roles: { pd: s } }, EMPTY_HISTORY, T0).roles.find((o) => o.role === 'pd');
    expect(sized?.inputs['ttftLoad']).toBe(72_000);
    expect(sized?.inputs['itlLoad']).toBe(3_600);
    // The same group without phaseCliques sizes prefill for twice the prompts.
    const plain = pdRole({});
    const doubled = buildScalerSnapshot(plain, live, signals, T0).snapshot.roles['pd'];
    expect(doubled?.phases).toBeUndefined();
    if (doubled === undefined) throw new Error('pd missing from the snapshot');
    expect(decide(plain, pcs, { time: T0, roles: { pd: doubled } }, EMPTY_HISTORY, T0).roles.find((o) => o.role === 'pd')?.inputs['ttftLoad']).toBe(144_000);
  });

  it('counts only the instances the group has (its spec.replicas) and only the set replicas that exist', () => {
    const one: LiveState = { ...live, objects: new Map([pd(0, 1)].map((o) => [o.name, o])) };
    const s = buildScalerSnapshot(split, one, signals, T0).snapshot.roles['pd'];
    expect(s?.phases?.prefill).toEqual({ requestRate: 5, promptTokensPerSecond: 15_000, generationTokensPerSecond: 5 });
    expect(s?.phases?.decode?.generationTokensPerSecond).toBe(750);
  });

  it('is an outage when the rates it reads are missing, even though the doubled group sums are there', () => {
    const role = split.spec.roles[0];
    if (role === undefined) throw new Error('no role');
    const driven = scalingPolicy({ roles: [{ ...role, signals: ['requestRate', 'promptTokens', 'generationTokens'] }] });
    const built = buildScalerSnapshot(driven, live, { ok: true, snapshot: signalSnapshot(groups) }, T0);
    expect(built.outages).toEqual([{ role: 'pd', message: 'no data for requestRate, promptTokens, generationTokens' }]);
    // Decode members alone inform the output side only; the role is decided on what it has.
    const decodeOnly = signalSnapshot([...groups, ...members.filter((g) => g.name.endsWith('-decode'))]);
    const partial = buildScalerSnapshot(driven, live, { ok: true, snapshot: decodeOnly }, T0);
    expect(partial.outages).toEqual([]);
    expect(partial.snapshot.roles['pd']?.phases).toEqual({ prefill: {}, decode: { requestRate: 24, promptTokensPerSecond: 72_000, generationTokensPerSecond: 3_600 } });
  });
});

describe('buildScalerSnapshot for hpa roles', () => {
  const hpaPolicy = scalingPolicy({
    roles: [
      {
        name: 'frontend',
        target: { podClique: 'fe' },
        mode: 'hpa',
        maxReplicas: 8,
        metrics: [
          { type: 'Pods', pods: { metric: { name: 'queue_waiting' }, target: { type: 'AverageValue', averageValue: '5' } } },
          { type: 'Object', object: { describedObject: { kind: 'PodClique', name: 'fe' }, metric: { name: 'kv_cache_utilization' }, target: { type: 'Value', value: '800m' } } },
        ],
      },
    ],
  });
  const pod = (name: string): Pod => ({ metadata: { name }, status: { phase: 'Running' } });

  it('gives each object’s HPA its pods, per-pod samples in milli-units and the object metric of its own PodClique', () => {
    const signals = signalSnapshot([
      group('pod', 'svc-0-fe-a', { queue_waiting: 4 }),
      group('pod', 'svc-0-fe-b', { queue_waiting: 7.0004 }),
      group('podclique', 'svc-0-fe', { kv_cache_utilization: 0.5 }),
    ]);
    const built = buildScalerSnapshot(hpaPolicy, state(1, [fe(0, 2)], [['svc-0-fe', [pod('svc-0-fe-a'), pod('svc-0-fe-b'), pod('svc-0-fe-c')]]]), { ok: true, snapshot: signals }, T0);
    const inputs = built.snapshot.roles['frontend']?.hpa?.[0];
    expect(inputs?.pods.map((p) => p.metadata.name)).toEqual(['svc-0-fe-a', 'svc-0-fe-b', 'svc-0-fe-c']);
    // The pod without a reading gets no sample: the HPA's missing-pod rules apply to it.
    expect(inputs?.podMetrics).toEqual([
      { pod: 'svc-0-fe-a', metric: 'queue_waiting', value: 4000n, timestamp: T0, windowSeconds: 60 },
      { pod: 'svc-0-fe-b', metric: 'queue_waiting', value: 7001n, timestamp: T0, windowSeconds: 60 },
    ]);
    expect(inputs?.objectMetrics).toEqual([{ metric: 'kv_cache_utilization', value: 500n }]);
    expect(inputs?.statusReplicas).toBe(2);
  });

  it('is an outage when no metric has a single sample', () => {
    const built = buildScalerSnapshot(hpaPolicy, state(1, [fe(0, 2)], [['svc-0-fe', [pod('svc-0-fe-a')]]]), { ok: true, snapshot: signalSnapshot([]) }, T0);
    expect(built.outages).toEqual([{ role: 'frontend', message: 'no data for queue_waiting, kv_cache_utilization' }]);
  });

  it('rounds milli-values up like MilliValue()', () => {
    expect(milli(0.0001)).toBe(1n);
    expect(milli(2)).toBe(2000n);
    expect(milli(0.25)).toBe(250n);
  });
});

describe('reading live objects', () => {
  it('takes a clique’s ready pods and a group’s available instances, and the selector each publishes', () => {
    const pclq = liveObjectFrom('PodClique', {
      metadata: { name: 'svc-0-fe', uid: 'u1', managedFields: [] },
      spec: { replicas: 3, minAvailable: 2, podSpec: {} },
      status: { replicas: 3, readyReplicas: 2, availableReplicas: 9, hpaPodSelector: 'a=b', selector: 'wrong' },
    });
    expect(pclq).toEqual({ kind: 'PodClique', name: 'svc-0-fe', uid: 'u1', specReplicas: 3, statusReplicas: 3, ready: 2, minAvailable: 2, selector: 'a=b' });
    const pcsg = liveObjectFrom('PodCliqueScalingGroup', { metadata: { name: 'svc-0-dec' }, spec: { replicas: 2 }, status: { availableReplicas: 1, selector: 'c=d', hpaPodSelector: 'wrong' } });
    expect(pcsg).toMatchObject({ ready: 1, selector: 'c=d', specReplicas: 2, statusReplicas: 0 });
    expect(pcsg?.minAvailable).toBeUndefined();
    expect(liveObjectFrom('PodClique', undefined)).toBeUndefined();
    expect(liveObjectFrom('PodClique', { metadata: { name: 'x' } })).toMatchObject({ specReplicas: 0, ready: 0, selector: '' });
  });

  it('turns client-node pods (Date fields) into the HPA core’s pods (RFC 3339 strings)', () => {
    const p = podFromV1({
      metadata: { name: 'p', deletionTimestamp: new Date(T0) },
      spec: { containers: [{ name: 'c', resources: { requests: { cpu: '500m' } } }] },
      status: { phase: 'Running', startTime: new Date(T0 - 1000), conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(T0 - 500) }] },
    });
    expect(p).toEqual({
      metadata: { name: 'p', deletionTimestamp: '2026-11-21T00:00:00.000Z' },
      spec: { containers: [{ name: 'c', resources: { requests: { cpu: '500m' } } }] },
      status: { phase: 'Running', startTime: '2026-11-20T23:59:59.000Z', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-20T23:59:59.500Z' }] },
    });
  });
});
