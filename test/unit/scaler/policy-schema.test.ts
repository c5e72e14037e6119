import { describe, expect, it } from 'vitest';
import { crdSchemaProblems } from '../../../src/api/crd/schema.ts';
import { formatFieldPath, parseScalingPolicy, rolePhase, roleSignals, SCALING_POLICY_DEFAULTS } from '../../../src/api/scaling-policy.ts';
import { scalingPolicyCustomResourceDefinition } from '../../../src/api/scaling-policy-crd.ts';
import { untypedNodes } from './live/crd-validate.ts';

const doc = (spec: Record<string, unknown>) => ({ apiVersion: 'canopy.dev/v1alpha1', kind: 'ScalingPolicy', metadata: { name: 'p' }, spec: { targetRef: { name: 'svc' }, ...spec } });
const sloRole = { name: 'decode', target: { podClique: 'decode' }, mode: 'slo', maxReplicas: 4, slo: { itl: { targetSeconds: 0.05 } } };

function issues(spec: Record<string, unknown>): string[] {
  const r = parseScalingPolicy(doc(spec));
  return r.ok ? [] : r.issues.map((i) => `${formatFieldPath(i.path)}: ${i.message}`);
}

describe('ScalingPolicy schema', () => {
  it('fills the documented defaults', () => {
    const r = parseScalingPolicy(doc({ roles: [sloRole] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = r.value.spec;
    expect(s.targetRef).toEqual({ apiVersion: 'grove.io/v1alpha1', kind: 'PodCliqueSet', name: 'svc' });
    expect(s.actuation).toBe(SCALING_POLICY_DEFAULTS.actuation);
    expect(s.intervalSeconds).toBe(15);
    expect(s.set).toEqual({ minReplicas: 1, scaleWhen: 'Never' });
    expect(s.prediction).toEqual({ predictor: 'constant', horizonSeconds: 60, startupSeconds: 120, historySeconds: 600, alpha: 0.5, beta: 0.3 });
    expect(s.scaleIn).toEqual({ headroom: 0.8, minObservations: 5 });
    expect(s.roles[0]?.slo?.itl?.percentile).toBe(90);
    expect(s.roles[0]?.slo?.phaseEngines).toBe('shared');
  });

  it('derives the phase and the default signals from the SLO targets', () => {
    expect(rolePhase({ slo: { ttft: { percentile: 90, targetSeconds: 1 }, phaseEngines: 'shared' } })).toBe('prefill');
    expect(rolePhase({ slo: { itl: { percentile: 90, targetSeconds: 1 }, phaseEngines: 'shared' } })).toBe('decode');
    expect([...roleSignals({ slo: { itl: { percentile: 90, targetSeconds: 1 }, phaseEngines: 'shared' } })]).toEqual(['itl', 'requestRate', 'generationTokens', 'kvCacheUsage']);
  });

  it.each([
    [{ roles: [{ ...sloRole, target: { podClique: 'a', podCliqueScalingGroup: 'b' } }] }, 'spec.roles[0].target: set exactly one of podClique or podCliqueScalingGroup'],
    [{ roles: [{ ...sloRole, slo: {} }] }, 'spec.roles[0].slo: slo mode needs slo.ttft, slo.itl or both'],
    [{ roles: [{ ...sloRole, minReplicas: 5 }] }, 'spec.roles[0].minReplicas: minReplicas 5 is above maxReplicas 4'],
    [{ roles: [sloRole, { ...sloRole, name: 'decode' }] }, 'spec.roles[1].name: duplicate role name "decode" (also roles[0])'],
    [{ roles: [sloRole, { ...sloRole, name: 'other' }] }, 'spec.roles[1].target: roles[0] already scales this target: one writer per target'],
    [{ roles: [{ ...sloRole, mode: 'hpa' }] }, 'spec.roles[0].slo: slo applies to slo mode only'],
    [{ roles: [sloRole], ratio: { prefillRole: 'prefill', decodeRole: 'decode', min: 1, max: 2 } }, 'spec.ratio.prefillRole: no role named "prefill"'],
    [{ roles: [sloRole], ratio: { prefillRole: 'decode', decodeRole: 'decode', min: 3, max: 2 } }, 'spec.ratio.min: ratio.min 3 is above ratio.max 2'],
    [{ roles: [{ ...sloRole, slo: { itl: { targetSeconds: 0 } } }] }, 'spec.roles[0].slo.itl.targetSeconds: must be greater than 0'],
    [{ roles: [{ ...sloRole, slo: { itl: { percentile: 100, targetSeconds: 1 } } }] }, 'spec.roles[0].slo.itl.percentile: must be between 0 and 100, both excluded'],
    [{ roles: [sloRole], scaleIn: { headroom: 1.5 } }, 'spec.scaleIn.headroom: Too big: expected number to be <=1'],
    [{ roles: [sloRole], set: { minReplicas: 3, maxReplicas: 2 } }, 'spec.set.maxReplicas: set.maxReplicas 2 is below set.minReplicas 3'],
  ])('rejects %j', (spec, message) => {
    expect(issues(spec)).toContain(message);
  });

  describe('slo.phaseCliques', () => {
    const pdRole = (phaseCliques: unknown, target: Record<string, string> = { podCliqueScalingGroup: 'pd' }) => ({
      name: 'pd',
      target,
      mode: 'slo',
      maxReplicas: 4,
      slo: { ttft: { targetSeconds: 0.5 }, itl: { targetSeconds: 0.05 }, phaseEngines: 'separate', phaseCliques },
    });

    it('takes member clique names per phase on a scaling-group role, and is absent unless written', () => {
      const r = parseScalingPolicy(doc({ roles: [pdRole({ prefill: ['pleader', 'pworker'], decode: ['decode'] })] }));
      expect(r.ok && r.value.spec.roles[0]?.slo?.phaseCliques).toEqual({ prefill: ['pleader', 'pworker'], decode: ['decode'] });
      const plain = parseScalingPolicy(doc({ roles: [sloRole] }));
      expect(plain.ok && plain.value.spec.roles[0]?.slo).not.toHaveProperty('phaseCliques');
    });

    it.each([
      [pdRole({ prefill: ['prefill'], decode: ['decode'] }, { podClique: 'pd' }), ['spec.roles[0].slo.phaseCliques: phaseCliques applies to a podCliqueScalingGroup target only']],
      [pdRole({ prefill: [], decode: ['decode'] }), ['spec.roles[0].slo.phaseCliques.prefill: Too small: expected array to have >=1 items']],
      [pdRole({ prefill: ['prefill'], decode: [] }), ['spec.roles[0].slo.phaseCliques.decode: Too small: expected array to have >=1 items']],
      [pdRole({ prefill: ['prefill'] }), ['spec.roles[0].slo.phaseCliques.decode: Invalid input: expected array, received undefined']],
      [pdRole({ prefill: ['prefill', 'prefill'], decode: ['decode'] }), ['spec.roles[0].slo.phaseCliques.prefill[1]: duplicate clique "prefill" (also prefill[0])']],
      [pdRole({ prefill: ['prefill'], decode: ['decode', 'prefill'] }), ['spec.roles[0].slo.phaseCliques.decode[1]: clique "prefill" is also a prefill clique (prefill[0]): a clique serves one phase']],
      [pdRole({ prefill: ['Prefill'], decode: ['decode'] }), ['spec.roles[0].slo.phaseCliques.prefill[0]: must be a lowercase DNS name (a-z, 0-9, "-", ".")']],
      [pdRole({ prefill: ['prefill'], decode: ['decode'], encode: ['e'] }), ['spec.roles[0].slo.phaseCliques.encode: unknown field "encode"']],
    ])('rejects %j', (role, expected) => {
      expect(issues({ roles: [role] })).toEqual(expected);
    });
  });

  it('rejects unknown fields (a misspelled key is an error, not silently ignored)', () => {
    expect(issues({ roles: [{ ...sloRole, maxReplica: 3 }] })).toEqual(['spec.roles[0].maxReplica: unknown field "maxReplica"']);
  });

  it('checks HPA metric specs like the API server', () => {
    const hpa = { name: 'fe', target: { podClique: 'fe' }, mode: 'hpa', maxReplicas: 3 };
    expect(issues({ roles: [{ ...hpa, metrics: [{ type: 'Pods', pods: { metric: { name: 'q' }, target: { type: 'Utilization', averageUtilization: 50 } } }] }] })).toContain(
      'spec.roles[0].metrics[0].pods.target.type: must be one of AverageValue for a Pods metric',
    );
    expect(issues({ roles: [{ ...hpa, metrics: [{ type: 'External' }] }] })).toContain('spec.roles[0].metrics[0].external: must be set when type is External');
  });

  it('generates a structural CRD from the same schema', () => {
    const crd = scalingPolicyCustomResourceDefinition() as { metadata: { name: string }; spec: { names: { kind: string }; versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] } };
    expect(crd.metadata.name).toBe('scalingpolicies.canopy.dev');
    expect(crd.spec.names.kind).toBe('ScalingPolicy');
    const schema = crd.spec.versions[0]?.schema.openAPIV3Schema ?? {};
    expect(crdSchemaProblems(schema)).toEqual([]);
    expect(JSON.stringify(schema)).toContain('"actuation"');
  });

  it('types every status field in the CRD, the persisted history included (nothing kept as unknown fields)', () => {
    const crd = scalingPolicyCustomResourceDefinition() as { spec: { versions: { schema: { openAPIV3Schema: { properties: { status: Record<string, unknown> } } } }[] } };
    const status = crd.spec.versions[0]?.schema.openAPIV3Schema.properties.status ?? {};
    expect(untypedNodes(status)).toEqual([]);
    const at = (path: string[]): unknown => path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], status);
    const role = ['properties', 'roles', 'items', 'properties'];
    const event = { type: 'object', properties: { replicaChange: { type: 'integer', minimum: 1 }, time: { type: 'string', format: 'date-time' }, outdated: { type: 'boolean' } }, required: ['replicaChange', 'time'] };
    expect(at([...role, 'history', 'properties', 'recommendations', 'items'])).toEqual({
      type: 'object',
      properties: { replicas: { type: 'integer', minimum: 0 }, time: { type: 'string', format: 'date-time' } },
      required: ['replicas', 'time'],
    });
    expect(at([...role, 'history', 'properties', 'scaleUpEvents', 'items'])).toEqual(event);
    expect(at([...role, 'objects', 'items', 'properties', 'scaleDownEvents', 'items'])).toEqual(event);
    expect(at([...role, 'objects', 'items', 'required'])).toEqual(['name', 'pcsReplicaIndex']);
    expect(at(['properties', 'set', 'properties', 'lastScaleTime'])).toEqual({ type: 'string', format: 'date-time' });
  });
});
