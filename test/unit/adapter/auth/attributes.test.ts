import { describe, it, expect } from 'vitest';
import { accessAttributes } from '../../../../src/adapter/auth/attributes.ts';
import { parseRequestTarget } from '../../../../src/adapter/routes.ts';

function attrs(method: string, url: string): ReturnType<typeof accessAttributes> {
  const t = parseRequestTarget(url);
  if (!t.ok) throw new Error(t.error);
  return accessAttributes(method, t.target.path, t.target.segments);
}

describe('accessAttributes (the API server RequestInfo rules)', () => {
  it('pods metric: resource pods, name *, subresource = metric, verb get', () => {
    expect(attrs('GET', '/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/pods/%2A/ttft?labelSelector=a')).toEqual({
      kind: 'resource',
      attributes: { namespace: 'ns', verb: 'get', group: 'custom.metrics.k8s.io', version: 'v1beta2', resource: 'pods', name: '*', subresource: 'ttft' },
    });
  });

  it('object metric on a Grove kind carries the object name', () => {
    expect(attrs('GET', '/apis/custom.metrics.k8s.io/v1beta1/namespaces/ns/podcliques.grove.io/pc/q')).toMatchObject({
      attributes: { namespace: 'ns', resource: 'podcliques.grove.io', name: 'pc', subresource: 'q', verb: 'get' },
    });
  });

  it('external metric: resource = metric name, verb list', () => {
    expect(attrs('GET', '/apis/external.metrics.k8s.io/v1beta1/namespaces/ns/queue')).toEqual({
      kind: 'resource',
      attributes: { namespace: 'ns', verb: 'list', group: 'external.metrics.k8s.io', version: 'v1beta1', resource: 'queue' },
    });
  });

  it('namespace metric path reads as resource "metrics" named by the metric, in that namespace', () => {
    expect(attrs('GET', '/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/metrics/q')).toMatchObject({
      attributes: { namespace: 'ns', resource: 'metrics', name: 'q', verb: 'get' },
    });
  });

  it('discovery and anything outside /apis/<g>/<v>/… is a non-resource request', () => {
    expect(attrs('GET', '/apis/custom.metrics.k8s.io/v1beta2')).toEqual({
      kind: 'nonResource',
      attributes: { path: '/apis/custom.metrics.k8s.io/v1beta2', verb: 'get' },
    });
    expect(attrs('GET', '/metrics')).toEqual({ kind: 'nonResource', attributes: { path: '/metrics', verb: 'get' } });
  });

  it('maps other methods to their API verbs', () => {
    expect(attrs('POST', '/apis/g/v/namespaces/ns/pods/x/m')).toMatchObject({ attributes: { verb: 'create' } });
    expect(attrs('DELETE', '/apis/g/v/namespaces/ns/pods')).toMatchObject({ attributes: { verb: 'deletecollection' } });
  });
});
