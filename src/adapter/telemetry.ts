// The adapter's own Prometheus metrics, on its own Registry (so several adapters in one process, as in
// tests, never collide). Labels are bounded: status code, HTTP method from a fixed set, route kind.
import { Counter, Histogram, Registry } from 'prom-client';

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function methodLabel(method: string): string {
  return knownMethods.has(method) ? method : 'OTHER';
}

export interface AdapterMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'code' | 'verb' | 'route'>;
  readonly duration: Histogram<'verb' | 'route'>;
}

export function createAdapterMetrics(registry: Registry = new Registry()): AdapterMetrics {
  const requests = new Counter({
    name: 'canopy_adapter_requests_total',
    help: 'Requests served by the metrics adapter, by HTTP status code, method and route kind.',
    labelNames: ['code', 'verb', 'route'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'canopy_adapter_request_duration_seconds',
    help: 'Time from request arrival to the end of the response, in seconds.',
    labelNames: ['verb', 'route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, requests, duration };
}

/** Counts one finished request and observes its duration. */
export type RequestRecorder = (method: string, code: number, route: string, seconds: number) => void;

/**
 * A recorder that resolves each label combination to its prom-client child once (the label sets are few
 * and bounded: methods are folded by `methodLabel`, routes and codes are the adapter's own).
 */
export function requestRecorder(metrics: AdapterMetrics): RequestRecorder {
  const children = new Map<string, { readonly count: () => void; readonly observe: (seconds: number) => void }>();
  return (method, code, route, seconds) => {
    const verb = methodLabel(method);
    const key = `${String(code)} ${verb} ${route}`;
    let child = children.get(key);
    if (child === undefined) {
      const counter = metrics.requests.labels({ code: String(code), verb, route });
      const histogram = metrics.duration.labels({ verb, route });
      child = {
        count: () => {
          counter.inc();
        },
        observe: (s) => {
          histogram.observe(s);
        },
      };
      children.set(key, child);
    }
    child.count();
    child.observe(seconds);
  };
}
