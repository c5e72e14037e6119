// The request-handling core: request target → plan (pure) → provider read → document (pure).
// Transport, authentication and authorization live elsewhere; this file never sees a socket.
import { formatSelector, selectorToLabelSelector, type LabelSelector, type Selector } from '../kube/selector.ts';
import {
  describedObject,
  discoveryDocument,
  externalMetricValueList,
  isNamespacedResource,
  metricValueList,
  serveSample,
  type CustomItem,
} from './documents.ts';
import {
  isMetricResource,
  MetricsUnavailableError,
  type ExternalMetricQuery,
  type MetricDescriptor,
  type MetricResource,
  type MetricsProvider,
  type ObjectMetricQuery,
  type SelectorMetricQuery,
} from './provider.ts';
import { parseRequestTarget, routeFor, type CustomVersion, type RouteKind, type TargetResult } from './routes.ts';
import { parseSelectorMemo } from './selector-memo.ts';
import { failure, type Status } from './status.ts';

export interface AdapterRequest {
  readonly method: string;
  /** The raw request target, e.g. `/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/pods/%2A/m?labelSelector=a%3Db`. */
  readonly url: string;
}

export interface AdapterResponse {
  readonly status: number;
  readonly body: unknown;
  /** Low-cardinality route label for telemetry. */
  readonly routeKind: RouteKind | 'invalid';
}

/** What to do for a request, decided without reading any metric. */
export type Plan =
  | { readonly kind: 'respond'; readonly response: AdapterResponse }
  | {
      readonly kind: 'object';
      readonly version: CustomVersion;
      readonly query: ObjectMetricQuery;
      readonly metricSelector: LabelSelector | undefined;
      readonly routeKind: 'object' | 'namespace';
    }
  | {
      readonly kind: 'selector';
      readonly version: CustomVersion;
      readonly query: SelectorMetricQuery;
      readonly metricSelector: LabelSelector | undefined;
    }
  | { readonly kind: 'external'; readonly query: ExternalMetricQuery };

function respond(status: Status, routeKind: AdapterResponse['routeKind']): Plan {
  return { kind: 'respond', response: { status: status.code, body: status, routeKind } };
}

const notFoundPath = (kind: AdapterResponse['routeKind']): Plan =>
  respond(failure('NotFound', 'the server could not find the requested resource'), kind);

function selectorParam(query: URLSearchParams, param: string): { ok: true; selector: Selector } | { ok: false; status: Status } {
  const raw = query.get(param) ?? '';
  const parsed = parseSelectorMemo(raw);
  if (parsed.ok) return parsed;
  return { ok: false, status: failure('BadRequest', `invalid ${param} ${JSON.stringify(raw)}: ${parsed.error}`) };
}

/** The metricLabelSelector as served back in items: its object form, or undefined when empty. */
function metricSelectorObject(selector: Selector): { ok: true; value: LabelSelector | undefined } | { ok: false; status: Status } {
  if (selector.requirements.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: selectorToLabelSelector(selector) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, status: failure('BadRequest', `invalid metricLabelSelector: ${message}`) };
  }
}

function customMetricServed(metrics: readonly MetricDescriptor[], resource: MetricResource, metric: string): boolean {
  return metrics.some((m) => m.kind === 'custom' && m.name === metric && m.resources.includes(resource));
}

function metricNotFound(metric: string, resource: string, suffix = ''): Status {
  return failure('NotFound', `the server could not find the metric ${metric} for ${resource}${suffix}`, {
    name: metric,
    kind: resource,
  });
}

/** Decides the response or the provider query for a request. Pure. */
export function planRequest(req: AdapterRequest, metrics: readonly MetricDescriptor[]): Plan {
  return planTarget(req.method, parseRequestTarget(req.url), metrics);
}

/** `planRequest` for a request target the caller has already parsed (the transport parses it once). Pure. */
export function planTarget(method: string, parsed: TargetResult, metrics: readonly MetricDescriptor[]): Plan {
  if (!parsed.ok) return respond(failure('BadRequest', parsed.error), 'invalid');
  const route = routeFor(parsed.target.segments);
  if (method !== 'GET')
    return respond(failure('MethodNotAllowed', `the server does not allow the method ${method} here; only GET`), route.kind);
  const query = parsed.target.query;

  switch (route.kind) {
    case 'notFound':
      return notFoundPath('notFound');
    case 'discovery':
      return {
        kind: 'respond',
        response: { status: 200, body: discoveryDocument(route.group, route.version, metrics), routeKind: 'discovery' },
      };
    case 'external': {
      const sel = selectorParam(query, 'labelSelector');
      if (!sel.ok) return respond(sel.status, 'external');
      if (!metrics.some((m) => m.kind === 'external' && m.name === route.metric))
        return respond(failure('NotFound', `the server could not find the external metric ${route.metric}`, { name: route.metric }), 'external');
      return { kind: 'external', query: { namespace: route.namespace, metric: route.metric, selector: sel.selector } };
    }
    case 'namespace':
    case 'object': {
      // A named object ignores labelSelector, but a malformed one is still a bad request, as upstream.
      const sel = selectorParam(query, 'labelSelector');
      if (!sel.ok) return respond(sel.status, route.kind);
      const msel = selectorParam(query, 'metricLabelSelector');
      if (!msel.ok) return respond(msel.status, route.kind);
      const mobj = metricSelectorObject(msel.selector);
      if (!mobj.ok) return respond(mobj.status, route.kind);
      // `/namespaces/{ns}/metrics/{m}` describes the namespace object {ns}, which is cluster-scoped.
      const resource = route.kind === 'namespace' ? 'namespaces' : route.resource;
      const name = route.kind === 'namespace' ? route.namespace : route.name;
      const namespace = route.kind === 'namespace' ? undefined : route.namespace;
      if (!isMetricResource(resource) || isNamespacedResource(resource) !== (namespace !== undefined))
        return notFoundPath(route.kind);
      if (!customMetricServed(metrics, resource, route.metric))
        return respond(metricNotFound(route.metric, resource, ` ${name}`), route.kind);
      return {
        kind: 'object',
        version: route.version,
        query: { namespace, resource, name, metric: route.metric, metricSelector: msel.selector },
        metricSelector: mobj.value,
        routeKind: route.kind,
      };
    }
    case 'selector': {
      const sel = selectorParam(query, 'labelSelector');
      if (!sel.ok) return respond(sel.status, 'selector');
      const msel = selectorParam(query, 'metricLabelSelector');
      if (!msel.ok) return respond(msel.status, 'selector');
      const mobj = metricSelectorObject(msel.selector);
      if (!mobj.ok) return respond(mobj.status, 'selector');
      const resource = route.resource;
      if (!isMetricResource(resource) || isNamespacedResource(resource) !== (route.namespace !== undefined))
        return notFoundPath('selector');
      if (!customMetricServed(metrics, resource, route.metric)) return respond(metricNotFound(route.metric, resource), 'selector');
      return {
        kind: 'selector',
        version: route.version,
        query: { namespace: route.namespace, resource, selector: sel.selector, metric: route.metric, metricSelector: msel.selector },
        metricSelector: mobj.value,
      };
    }
  }
}

function providerFailure(err: unknown, routeKind: RouteKind): AdapterResponse {
  const status =
    err instanceof MetricsUnavailableError
      ? failure('ServiceUnavailable', `metrics source unavailable: ${err.message}`)
      : failure('InternalError', `metrics provider failed: ${err instanceof Error ? err.message : String(err)}`);
  return { status: status.code, body: status, routeKind };
}

function withSelector(selector: Selector): string {
  const s = formatSelector(selector);
  return s === '' ? '' : ` with selector ${s}`;
}

/** Runs a plan against the provider and renders the document. Failures become Status bodies. */
export async function executePlan(plan: Plan, provider: MetricsProvider): Promise<AdapterResponse> {
  switch (plan.kind) {
    case 'respond':
      return plan.response;
    case 'object': {
      const q = plan.query;
      let found;
      try {
        found = await provider.getObjectMetric(q);
      } catch (err) {
        return providerFailure(err, plan.routeKind);
      }
      const sample = found === undefined ? undefined : serveSample(found);
      if (sample === undefined) {
        const s = metricNotFound(q.metric, q.resource, ` ${q.name}${withSelector(q.metricSelector)}`);
        return { status: s.code, body: s, routeKind: plan.routeKind };
      }
      const item: CustomItem = {
        describedObject: describedObject(q.resource, q.namespace, q.name),
        metric: q.metric,
        metricSelector: plan.metricSelector,
        sample,
      };
      return { status: 200, body: metricValueList(plan.version, [item]), routeKind: plan.routeKind };
    }
    case 'selector': {
      const q = plan.query;
      let found;
      try {
        found = await provider.getMetricsBySelector(q);
      } catch (err) {
        return providerFailure(err, 'selector');
      }
      const items: CustomItem[] = [];
      for (const f of found) {
        const sample = serveSample(f);
        if (sample === undefined) continue;
        items.push({ describedObject: describedObject(q.resource, q.namespace, f.name), metric: q.metric, metricSelector: plan.metricSelector, sample });
      }
      if (items.length === 0) {
        // An empty list reads as "no metrics" to the HPA anyway; a 404 says why.
        const s = metricNotFound(q.metric, q.resource, withSelector(q.selector));
        return { status: s.code, body: s, routeKind: 'selector' };
      }
      return { status: 200, body: metricValueList(plan.version, items), routeKind: 'selector' };
    }
    case 'external': {
      const q = plan.query;
      let found;
      try {
        found = await provider.getExternalMetric(q);
      } catch (err) {
        return providerFailure(err, 'external');
      }
      const items = [];
      for (const f of found) {
        const sample = serveSample(f);
        if (sample !== undefined) items.push({ metricLabels: f.metricLabels, sample });
      }
      if (items.length === 0) {
        const s = failure('NotFound', `the server could not find the external metric ${q.metric} in namespace ${q.namespace}${withSelector(q.selector)}`, {
          name: q.metric,
        });
        return { status: s.code, body: s, routeKind: 'external' };
      }
      return { status: 200, body: externalMetricValueList(q.metric, items), routeKind: 'external' };
    }
  }
}

/** Plan, read, render. The discovery document is built from `provider.listMetrics()` on every call. */
export function handleMetricsRequest(req: AdapterRequest, provider: MetricsProvider): Promise<AdapterResponse> {
  return handleRequestTarget(req.method, parseRequestTarget(req.url), provider);
}

/** `handleMetricsRequest` for a request target the caller has already parsed. */
export async function handleRequestTarget(method: string, parsed: TargetResult, provider: MetricsProvider): Promise<AdapterResponse> {
  let metrics: readonly MetricDescriptor[];
  try {
    metrics = provider.listMetrics();
  } catch (err) {
    return providerFailure(err, 'discovery');
  }
  return executePlan(planTarget(method, parsed, metrics), provider);
}
