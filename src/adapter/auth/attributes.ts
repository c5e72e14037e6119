// The authorization attributes of a request, derived from its path the way the API server's RequestInfo
// does, so RBAC rules written for other metrics adapters mean the same thing here. For example
// GET /apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/pods/*/ttft → namespace ns, resource pods,
// name *, subresource ttft, verb get; GET /apis/external.metrics.k8s.io/v1beta1/namespaces/ns/queue →
// resource queue, verb list; GET /apis/custom.metrics.k8s.io/v1beta2 → non-resource path, verb get.
import { boundedMemo } from '../memo.ts';
import type { AccessAttributes, ResourceAttributes } from './kube-auth-client.ts';

const verbsByMethod: Readonly<Record<string, string>> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

const namespaceSubresources = new Set(['status', 'finalize']);

/** `path` is the decoded path; `segments` its non-empty-trimmed split (see routes.parseRequestTarget). */
export function accessAttributes(method: string, path: string, segments: readonly string[]): AccessAttributes {
  const nonResource: AccessAttributes = { kind: 'nonResource', attributes: { path, verb: method.toLowerCase() } };
  // Only /apis/<group>/<version>/<something> is a resource request.
  if (segments.length < 4 || segments[0] !== 'apis') return nonResource;
  const group = segments[1] ?? '';
  const version = segments[2] ?? '';
  let parts = segments.slice(3);
  let verb = verbsByMethod[method] ?? '';
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    if (parts.length > 2 && !namespaceSubresources.has(parts[2] ?? '')) parts = parts.slice(2);
  }
  const [resource = '', name, subresource] = parts;
  if (name === undefined && verb === 'get') verb = 'list';
  if (name === undefined && verb === 'delete') verb = 'deletecollection';
  const attributes: { -readonly [K in keyof ResourceAttributes]: ResourceAttributes[K] } = { verb, group, version, resource };
  if (namespace !== undefined) attributes.namespace = namespace;
  if (name !== undefined) attributes.name = name;
  if (subresource !== undefined) attributes.subresource = subresource;
  return { kind: 'resource', attributes };
}

/**
 * `accessAttributes`, remembered per method and path (the segments are the path's own split), and frozen:
 * the HPA asks for the same few paths on every sync, and a shared object lets the authorizer reuse its
 * cache-key text too.
 */
export const accessAttributesMemo = boundedMemo<[method: string, path: string, segments: readonly string[]], AccessAttributes>(
  1024,
  // An HTTP method is a token (no spaces), so the first space ends it.
  (method: string, path: string) => `${method} ${path}`,
  (method: string, path: string, segments: readonly string[]) => {
    const access = accessAttributes(method, path, segments);
    Object.freeze(access.attributes);
    return Object.freeze(access);
  },
);
