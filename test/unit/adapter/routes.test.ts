import { describe, it, expect } from 'vitest';
import { parseRequestTarget, routeFor } from '../../../src/adapter/routes.ts';

function segments(url: string): readonly string[] {
  const t = parseRequestTarget(url);
  if (!t.ok) throw new Error(t.error);
  return t.target.segments;
}

describe('parseRequestTarget', () => {
  it('decodes the whole path before splitting, as the API server does', () => {
    expect(segments('/apis/g/v/namespaces/ns/pods/%2A/m')).toEqual(['apis', 'g', 'v', 'namespaces', 'ns', 'pods', '*', 'm']);
    expect(segments('/apis/g/v/a%2Fb')).toEqual(['apis', 'g', 'v', 'a', 'b']);
  });

  it('trims leading and trailing slashes but keeps empty inner segments', () => {
    expect(segments('//apis/g/v//')).toEqual(['apis', 'g', 'v']);
    expect(segments('/apis//v')).toEqual(['apis', '', 'v']);
    expect(segments('/')).toEqual([]);
  });

  it('separates the query and ignores a fragment; + in the query is a space', () => {
    const t = parseRequestTarget('/x?labelSelector=a+in+(b)&metricLabelSelector=c%3Dd#frag');
    expect(t.ok).toBe(true);
    if (t.ok) {
      expect(t.target.query.get('labelSelector')).toBe('a in (b)');
      expect(t.target.query.get('metricLabelSelector')).toBe('c=d');
      expect(t.target.path).toBe('/x');
    }
  });

  it('accepts absolute-form targets', () => {
    expect(segments('https://host:443/apis/g/v?x=1')).toEqual(['apis', 'g', 'v']);
  });

  it('rejects malformed escapes', () => {
    expect(parseRequestTarget('/a%E0%A4%A').ok).toBe(false);
    expect(parseRequestTarget('/%').ok).toBe(false);
  });
});

describe('routeFor', () => {
  const cm = ['apis', 'custom.metrics.k8s.io'];
  it('classifies every custom metrics path shape', () => {
    expect(routeFor([...cm, 'v1beta2'])).toEqual({ kind: 'discovery', group: 'custom.metrics.k8s.io', version: 'v1beta2' });
    expect(routeFor([...cm, 'v1beta1', 'namespaces', 'ns', 'metrics', 'm'])).toEqual({
      kind: 'namespace',
      version: 'v1beta1',
      namespace: 'ns',
      metric: 'm',
    });
    expect(routeFor([...cm, 'v1beta2', 'namespaces', 'ns', 'pods', '*', 'm'])).toEqual({
      kind: 'selector',
      version: 'v1beta2',
      namespace: 'ns',
      resource: 'pods',
      metric: 'm',
    });
    expect(routeFor([...cm, 'v1beta2', 'namespaces', 'ns', 'podcliques.grove.io', 'pc', 'm'])).toEqual({
      kind: 'object',
      version: 'v1beta2',
      namespace: 'ns',
      resource: 'podcliques.grove.io',
      name: 'pc',
      metric: 'm',
    });
    expect(routeFor([...cm, 'v1beta2', 'namespaces', 'n1', 'm'])).toEqual({
      kind: 'object',
      version: 'v1beta2',
      namespace: undefined,
      resource: 'namespaces',
      name: 'n1',
      metric: 'm',
    });
    expect(routeFor([...cm, 'v1beta2', 'nodes', '*', 'm'])).toMatchObject({ kind: 'selector', namespace: undefined, resource: 'nodes' });
  });

  it('classifies external paths', () => {
    expect(routeFor(['apis', 'external.metrics.k8s.io', 'v1beta1'])).toMatchObject({ kind: 'discovery' });
    expect(routeFor(['apis', 'external.metrics.k8s.io', 'v1beta1', 'namespaces', 'ns', 'q'])).toEqual({
      kind: 'external',
      namespace: 'ns',
      metric: 'q',
    });
  });

  it('rejects everything else', () => {
    const bad: readonly (readonly string[])[] = [
      [],
      ['apis'],
      ['apis', 'custom.metrics.k8s.io'],
      ['api', 'v1', 'pods'],
      [...cm, 'v1'],
      [...cm, 'v1beta2', 'pods'],
      [...cm, 'v1beta2', 'namespaces', 'ns', 'pods', 'x'],
      [...cm, 'v1beta2', 'namespaces', 'ns', 'pods', 'x', 'm', 'extra'],
      [...cm, 'v1beta2', 'namespaces', '', 'pods', 'x', 'm'],
      ['apis', 'external.metrics.k8s.io', 'v1beta1', 'q'],
      ['apis', 'external.metrics.k8s.io', 'v1beta1', 'namespaces', 'ns', 'q', 'x'],
      ['apis', 'external.metrics.k8s.io', 'v1beta2', 'namespaces', 'ns', 'q'],
    ];
    for (const s of bad) expect(routeFor(s).kind).toBe('notFound');
  });
});
