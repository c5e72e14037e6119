// Where a request goes, decided from the request target alone. Path decoding and splitting follow the
// Kubernetes API server (Go decodes the whole path, so `%2A` is `*` and `%2F` is a separator; leading and
// trailing slashes are trimmed) so that the same URL means the same thing here and upstream.
import { boundedMemo } from './memo.ts';

export const customGroup = 'custom.metrics.k8s.io';
export const externalGroup = 'external.metrics.k8s.io';
export const customVersions = ['v1beta1', 'v1beta2'] as const;
export type CustomVersion = (typeof customVersions)[number];

export interface RequestTarget {
  /** The decoded path, as the API server's authorizer sees it. */
  readonly path: string;
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
}

export type TargetResult = { ok: true; target: RequestTarget } | { ok: false; error: string };

/** Splits an HTTP request target (origin-form or absolute-form) into decoded path segments and query. */
export function parseRequestTarget(rawUrl: string): TargetResult {
  let rest = rawUrl;
  const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
  if (absolute !== null) rest = rest.slice(absolute[0].length);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const rawPath = q >= 0 ? rest.slice(0, q) : rest;
  const rawQuery = q >= 0 ? rest.slice(q + 1) : '';
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, error: `invalid URL escape in path ${JSON.stringify(rawPath.slice(0, 200))}` };
  }
  if (!path.startsWith('/')) path = `/${path}`;
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const segments = trimmed === '' ? [] : trimmed.split('/');
  return { ok: true, target: { path, segments, query: new URLSearchParams(rawQuery) } };
}

export type Route =
  | { readonly kind: 'discovery'; readonly group: string; readonly version: string }
  /** `/namespaces/{ns}/{resource}/{name}/{metric}` or root-scoped `/{resource}/{name}/{metric}`. */
  | {
      readonly kind: 'object';
      readonly version: CustomVersion;
      readonly namespace: string | undefined;
      readonly resource: string;
      readonly name: string;
      readonly metric: string;
    }
  /** The same paths with name `*`: every object the `labelSelector` selects. */
  | {
      readonly kind: 'selector';
      readonly version: CustomVersion;
      readonly namespace: string | undefined;
      readonly resource: string;
      readonly metric: string;
    }
  /** `/namespaces/{ns}/metrics/{metric}`: a metric describing the namespace itself. */
  | { readonly kind: 'namespace'; readonly version: CustomVersion; readonly namespace: string; readonly metric: string }
  | { readonly kind: 'external'; readonly namespace: string; readonly metric: string }
  | { readonly kind: 'notFound' };

export type RouteKind = Route['kind'];

function isCustomVersion(v: string): v is CustomVersion {
  return (customVersions as readonly string[]).includes(v);
}

export function routeFor(segments: readonly string[]): Route {
  if (segments.length < 3 || segments[0] !== 'apis' || segments.some((s) => s === '')) return { kind: 'notFound' };
  const [, group = '', version = '', ...rest] = segments;
  if (group === customGroup && isCustomVersion(version)) return customRoute(version, rest);
  if (group === externalGroup && version === 'v1beta1') return externalRoute(rest);
  return { kind: 'notFound' };
}

function customRoute(version: CustomVersion, rest: readonly string[]): Route {
  if (rest.length === 0) return { kind: 'discovery', group: customGroup, version };
  const [a = '', b = '', c = '', d = '', e = ''] = rest;
  if (rest.length === 4 && a === 'namespaces' && c === 'metrics') return { kind: 'namespace', version, namespace: b, metric: d };
  if (rest.length === 5 && a === 'namespaces') {
    return d === '*'
      ? { kind: 'selector', version, namespace: b, resource: c, metric: e }
      : { kind: 'object', version, namespace: b, resource: c, name: d, metric: e };
  }
  if (rest.length === 3) {
    return b === '*'
      ? { kind: 'selector', version, namespace: undefined, resource: a, metric: c }
      : { kind: 'object', version, namespace: undefined, resource: a, name: b, metric: c };
  }
  return { kind: 'notFound' };
}

function externalRoute(rest: readonly string[]): Route {
  if (rest.length === 0) return { kind: 'discovery', group: externalGroup, version: 'v1beta1' };
  const [a = '', b = '', c = ''] = rest;
  if (rest.length === 3 && a === 'namespaces') return { kind: 'external', namespace: b, metric: c };
  return { kind: 'notFound' };
}

/** What the transport needs from a request target before it knows who is asking. */
export interface TargetInfo {
  readonly parsed: TargetResult;
  /** The path as sent (still escaped), without the query. */
  readonly rawPath: string;
  /** The route kind, for the telemetry label until the answer names its own. */
  readonly routeKind: RouteKind;
}

function targetInfo(rawUrl: string): TargetInfo {
  const parsed = parseRequestTarget(rawUrl);
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const routeKind = parsed.ok ? routeFor(parsed.target.segments).kind : 'notFound';
  if (parsed.ok) Object.freeze(Object.freeze(parsed.target).segments);
  return Object.freeze({ parsed: Object.freeze(parsed), rawPath, routeKind });
}

/**
 * `parseRequestTarget` and `routeFor`, remembered per raw target: the HPA and the aggregator send the
 * same few targets on every sync. The result is shared between requests, so readers must not change it
 * (segments are frozen; the query's URLSearchParams is only ever read).
 */
export const targetInfoMemo: (rawUrl: string) => TargetInfo = boundedMemo(
  1024,
  (rawUrl: string) => rawUrl,
  (rawUrl: string) => targetInfo(rawUrl),
);
