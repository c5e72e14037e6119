import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { Agent } from 'node:https';
import { FakeKubeAuthClient } from '../../../src/adapter/auth/fake-kube-auth-client.ts';
import { handleMetricsRequest } from '../../../src/adapter/handler.ts';
import { startAdapter, type RunningAdapter } from '../../../src/adapter/start.ts';
import { call } from './support/client.ts';
import { fixtureProvider } from './support/fixture.ts';
import { mintTestPki, type TestPki } from './support/pki.ts';

const words = [
  'apis', 'custom.metrics.k8s.io', 'external.metrics.k8s.io', 'v1beta1', 'v1beta2', 'v1', 'namespaces', 'serving', 'other',
  'pods', '*', '%2A', '%2a', 'metrics', 'ttft_p90_seconds', 'queue_waiting', 'request_rate_per_second', 'podcliques.grove.io',
  'podcliquescalinggroups.grove.io', 'podcliquesets.grove.io', 'llm', 'llm-0-prefill', 'llm-0-prefill-a', 'nodes', '..', '.', '',
];
const malformed = ['%', '%z', '%zz', '%E0%A4', '%C0%AF', '%00', '%2F', '%FF'];

const segment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...words) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)) },
  { weight: 1, arbitrary: fc.constantFrom(...malformed) },
);

const selectorText = fc.oneof(
  fc.constantFrom('role=prefill', 'role in (prefill,decode)', '!canary', 'a!=b', 'x notin ()', 'model=llama', 'a>1', '', 'a=b,', 'in in (in)'),
  fc.array(fc.constantFrom('a', 'b', '=', '==', '!=', '!', '(', ')', ',', ' ', 'in', 'notin', 'x/y', 'é', '<', '>', '-'), { maxLength: 12 }).map((p) => p.join('')),
  fc.string({ maxLength: 30 }),
);

const query = fc
  .array(
    fc.tuple(
      fc.constantFrom('labelSelector', 'metricLabelSelector', 'fieldSelector', 'x', 'labelSelector'),
      selectorText.map((s) => encodeURIComponent(s)),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

const rawQuery = fc.oneof(query, fc.constantFrom('?%', '?labelSelector=%zz', '?&&=', '?labelSelector', '?=a'));

const target = fc
  .tuple(fc.boolean(), fc.array(segment, { maxLength: 8 }), rawQuery)
  .map(([anchored, segs, q]) => `/${anchored ? 'apis/custom.metrics.k8s.io/v1beta2/' : ''}${segs.join('/')}${q}`);

const method = fc.oneof({ weight: 5, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') });

describe('pure handler never fails on hostile input', () => {
  it('any method and request target yields a JSON document with a status below 500', async () => {
    const provider = fixtureProvider();
    await fc.assert(
      fc.asyncProperty(method, fc.oneof(target, fc.string({ maxLength: 60 })), async (m, url) => {
        const r = await handleMetricsRequest({ method: m, url }, provider);
        expect(r.status).toBeLessThan(500);
        expect(r.body).toHaveProperty('kind');
        expect(r.body).toHaveProperty('apiVersion');
        expect(JSON.stringify(r.body)).not.toMatch(/NaN|Infinity/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('HTTPS server never crashes or answers 5xx on hostile input', () => {
  let pki: TestPki;
  let adapter: RunningAdapter;
  let agent: Agent;

  beforeAll(async () => {
    pki = mintTestPki();
    const client = new FakeKubeAuthClient({ configMap: pki.configMap, policy: (r) => r.user.username === 'hpa' });
    adapter = await startAdapter({ provider: fixtureProvider(), kubeAuthClient: client, tls: pki.serving, port: 0 });
    agent = new Agent({ keepAlive: true, maxSockets: 4, key: pki.frontProxyClient.key, cert: pki.frontProxyClient.cert });
  });

  afterAll(async () => {
    agent.destroy();
    await adapter.stop();
    pki.cleanup();
  });

  it('random paths, selectors and query strings, as an authorized and an unauthorized caller', async () => {
    await fc.assert(
      fc.asyncProperty(method, target, fc.constantFrom('hpa', 'nobody', 'admin'), async (m, path, user) => {
        const headers: Record<string, string | string[]> =
          user === 'admin' ? { 'X-Remote-User': 'admin', 'X-Remote-Group': 'system:masters' } : { 'X-Remote-User': user };
        const r = await call(adapter.address.port, pki.servingCA.cert, path, { method: m, headers, agent, identity: pki.frontProxyClient });
        expect(r.status).toBeGreaterThanOrEqual(200);
        expect(r.status).toBeLessThan(500);
        if (r.status !== 200 || r.headers['content-type'] === 'application/json') {
          const body = JSON.parse(r.text) as { kind?: string };
          if (r.status >= 400) expect(body.kind).toBe('Status');
        }
      }),
      { numRuns: 300 },
    );
    // Still alive and correct afterwards.
    const ok = await call(adapter.address.port, pki.servingCA.cert, '/apis/custom.metrics.k8s.io/v1beta2', {
      headers: { 'X-Remote-User': 'admin', 'X-Remote-Group': 'system:masters' },
      agent,
      identity: pki.frontProxyClient,
    });
    expect(ok.status).toBe(200);
  });
});
