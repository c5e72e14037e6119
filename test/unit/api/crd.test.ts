import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { crdSchemaProblems, structural, toJsonSchema, type JsonSchema } from '../../../src/api/crd/schema.ts';
import { renderCRDs } from '../../../src/cli/commands/gen-crds.ts';

const CRD_DIR = join(import.meta.dirname, '../../../charts/canopy/crds');

type Node = Record<string, unknown>;
const asNode = (v: unknown): Node => v as Node;

function walk(node: unknown, visit: (n: Node, at: string) => void, at = ''): void {
  if (typeof node !== 'object' || node === null) return;
  const n = asNode(node);
  visit(n, at);
  for (const [k, v] of Object.entries(asNode(n['properties'] ?? {}))) walk(v, visit, `${at}.${k}`);
  if (n['items'] !== undefined) walk(n['items'], visit, `${at}[]`);
  if (typeof n['additionalProperties'] === 'object') walk(n['additionalProperties'], visit, `${at}{}`);
}

function version(crd: Node): Node {
  const spec = asNode(crd['spec']);
  return asNode((spec['versions'] as unknown[])[0]);
}

function rootSchema(crd: Node): Node {
  return asNode(asNode(version(crd)['schema'])['openAPIV3Schema']);
}

describe('generated CRDs', () => {
  const rendered = renderCRDs();

  it('match the committed files in charts/canopy/crds', () => {
    expect([...rendered.keys()].sort()).toEqual([
      'canopy.dev_scalingpolicies.yaml',
      'grove.io_clustertopologybindings.yaml',
      'grove.io_podcliques.yaml',
      'grove.io_podcliquescalinggroups.yaml',
      'grove.io_podcliquesets.yaml',
      'scheduler.grove.io_podgangs.yaml',
    ]);
    for (const [name, text] of rendered) expect(readFileSync(join(CRD_DIR, name), 'utf8'), name).toBe(text);
  });

  const crds = new Map([...rendered].map(([name, text]) => [name, asNode(parse(text))]));
  const crd = (name: string): Node => {
    const c = crds.get(name);
    if (c === undefined) throw new Error(name);
    return c;
  };

  it("use Grove's names, short names and scopes", () => {
    const expected: [string, string, string, string, string][] = [
      ['grove.io_podcliquesets.yaml', 'podcliquesets.grove.io', 'PodCliqueSet', 'pcs', 'Namespaced'],
      ['grove.io_podcliques.yaml', 'podcliques.grove.io', 'PodClique', 'pclq', 'Namespaced'],
      ['grove.io_podcliquescalinggroups.yaml', 'podcliquescalinggroups.grove.io', 'PodCliqueScalingGroup', 'pcsg', 'Namespaced'],
      ['grove.io_clustertopologybindings.yaml', 'clustertopologybindings.grove.io', 'ClusterTopologyBinding', 'ct', 'Cluster'],
      ['scheduler.grove.io_podgangs.yaml', 'podgangs.scheduler.grove.io', 'PodGang', 'pg', 'Namespaced'],
    ];
    for (const [file, name, kind, short, scope] of expected) {
      const c = crd(file);
      expect(c['apiVersion']).toBe('apiextensions.k8s.io/v1');
      expect(asNode(c['metadata'])['name']).toBe(name);
      const spec = asNode(c['spec']);
      expect(asNode(spec['names'])).toMatchObject({ kind, shortNames: [short], listKind: `${kind}List` });
      expect(spec['scope']).toBe(scope);
      expect(version(c)).toMatchObject({ name: 'v1alpha1', served: true, storage: true });
    }
  });

  it('give every kind a status subresource and the scalable kinds a /scale with their selector path', () => {
    const scale = (file: string): unknown => asNode(version(crd(file))['subresources'])['scale'];
    for (const file of crds.keys()) expect(asNode(version(crd(file))['subresources'])['status']).toEqual({});
    const paths = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' };
    expect(scale('grove.io_podcliquesets.yaml')).toEqual({ ...paths, labelSelectorPath: '.status.hpaPodSelector' });
    expect(scale('grove.io_podcliques.yaml')).toEqual({ ...paths, labelSelectorPath: '.status.hpaPodSelector' });
    expect(scale('grove.io_podcliquescalinggroups.yaml')).toEqual({ ...paths, labelSelectorPath: '.status.selector' });
    expect(scale('grove.io_clustertopologybindings.yaml')).toBeUndefined();
    expect(scale('scheduler.grove.io_podgangs.yaml')).toBeUndefined();
  });

  it('are structural: every node typed, no additionalProperties: false, no anyOf/const, no CEL', () => {
    for (const [file, c] of crds) {
      walk(rootSchema(c), (n, at) => {
        const where = `${file}${at}`;
        expect(n['additionalProperties'], where).not.toBe(false);
        for (const k of ['anyOf', 'oneOf', 'allOf', 'not', 'const', '$ref', 'x-kubernetes-validations', 'nullable']) {
          expect(n, where).not.toHaveProperty([k]);
        }
        const typed = typeof n['type'] === 'string' || n['x-kubernetes-int-or-string'] === true;
        expect(typed, where).toBe(true);
      });
    }
  });

  it('keep podSpec open and typed where Grove validation reads it', () => {
    const pcs = rootSchema(crd('grove.io_podcliquesets.yaml'));
    const spec = asNode(asNode(pcs['properties'])['spec']);
    const template = asNode(asNode(spec['properties'])['template']);
    const cliques = asNode(asNode(template['properties'])['cliques']);
    expect(cliques['x-kubernetes-list-type']).toBe('map');
    expect(cliques['x-kubernetes-list-map-keys']).toEqual(['name']);
    const cliqueSpec = asNode(asNode(asNode(cliques['items'])['properties'])['spec']);
    const podSpec = asNode(asNode(cliqueSpec['properties'])['podSpec']);
    expect(podSpec['type']).toBe('object');
    expect(podSpec['x-kubernetes-preserve-unknown-fields']).toBe(true);
    const containers = asNode(asNode(podSpec['properties'])['containers']);
    const container = asNode(containers['items']);
    expect(container['x-kubernetes-preserve-unknown-fields']).toBe(true);
    const requests = asNode(asNode(asNode(asNode(container['properties'])['resources'])['properties'])['requests']);
    expect(requests['additionalProperties']).toEqual({ 'x-kubernetes-int-or-string': true });
    const startup = asNode(asNode(template['properties'])['cliqueStartupType']);
    expect(startup).toMatchObject({
      type: 'string',
      enum: ['CliqueStartupTypeAnyOrder', 'CliqueStartupTypeInOrder', 'CliqueStartupTypeExplicit'],
      default: 'CliqueStartupTypeAnyOrder',
    });
    const replicas = asNode(asNode(spec['properties'])['replicas']);
    expect(replicas).toEqual({ type: 'integer', format: 'int32', minimum: 0, default: 0 });
    expect(asNode(template['properties'])['cliques']).toMatchObject({ minItems: 1 });
  });

  it('express the ClusterTopologyBinding level rules as schema', () => {
    const ctb = rootSchema(crd('grove.io_clustertopologybindings.yaml'));
    const levels = asNode(asNode(asNode(asNode(ctb['properties'])['spec'])['properties'])['levels']);
    expect(levels['minItems']).toBe(1);
    const domain = asNode(asNode(asNode(levels['items'])['properties'])['domain']);
    expect(domain).toMatchObject({ type: 'string', pattern: '^[a-z][a-z0-9-]*$', maxLength: 63, minLength: 1 });
  });
});

describe('crdSchemaProblems', () => {
  it('rejects the constructs CRDs forbid', () => {
    const bad: JsonSchema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        a: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        b: { type: 'string', const: 'x' },
        c: { type: 'array' },
        d: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.x > 0' }] },
      },
    };
    expect(crdSchemaProblems(bad)).toEqual([
      '/: additionalProperties: false is not allowed',
      '/: properties and additionalProperties are mutually exclusive',
      '/properties/a: anyOf is not allowed',
      '/properties/a: type is required',
      '/properties/b: const is not allowed',
      '/properties/c: array without items',
      '/properties/d: x-kubernetes-validations is not allowed',
    ]);
  });

  it("turns zod's strict, loose, int-or-string and literal-union output into Kubernetes' dialect", () => {
    const schema = z.strictObject({
      open: z.looseObject({ a: z.string() }),
      size: z.union([z.int(), z.string()]).meta({ 'x-kubernetes-int-or-string': true }),
      mode: z.enum(['A', 'B']),
      n: z.int32().meta({ format: 'int32' }),
    });
    const out = structural(toJsonSchema(schema));
    expect(crdSchemaProblems(out)).toEqual([]);
    expect(out).toEqual({
      type: 'object',
      properties: {
        open: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], 'x-kubernetes-preserve-unknown-fields': true },
        size: { 'x-kubernetes-int-or-string': true },
        mode: { type: 'string', enum: ['A', 'B'] },
        n: { type: 'integer', format: 'int32' },
      },
      required: ['open', 'size', 'mode', 'n'],
    });
  });
});
