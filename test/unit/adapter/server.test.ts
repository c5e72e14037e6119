import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { connect } from 'node:tls';
import { FakeKubeAuthClient } from '../../../src/adapter/auth/fake-kube-auth-client.ts';
import type { AccessReviewRequest } from '../../../src/adapter/auth/kube-auth-client.ts';
import { startAdapter, type RunningAdapter } from '../../../src/adapter/start.ts';
import type { StaticMetricsProvider } from '../../../src/adapter/static-provider.ts';
import { call, json, type CallOptions } from './support/client.ts';
import { fixtureProvider } from './support/fixture.ts';
import { mintTestPki, type TestPki } from './support/pki.ts';

const hpaUser = 'system:serviceaccount:kube-system:horizontal-pod-autoscaler';
const podsPath = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/serving/pods/%2A/ttft_p90_seconds?labelSelector=role%3Dprefill';

let pki: TestPki;
let client: FakeKubeAuthClient;
let provider: StaticMetricsProvider;
let adapter: RunningAdapter;
let ready = true;

function allowHpa(r: AccessReviewRequest): boolean {
  return r.user.username === hpaUser || r.user.username === 'alice' || r.user.username === 'dave';
}

beforeAll(async () => {
  pki = mintTestPki();
  client = new FakeKubeAuthClient({ configMap: pki.configMap, policy: allowHpa, tokens: { 'dave-token': { username: 'dave', groups: [], extra: {} } } });
  provider = fixtureProvider();
  adapter = await startAdapter({ provider, kubeAuthClient: client, tls: pki.serving, port: 0, ready: () => ready });
});

afterAll(async () => {
  await adapter.stop();
  pki.cleanup();
});

function get(path: string, options: CallOptions = {}): ReturnType<typeof call> {
  return call(adapter.address.port, pki.servingCA.cert, path, options);
}

const asProxy = (user: string, groups: string[] = [], extra: Record<string, string> = {}): CallOptions => ({
  identity: pki.frontProxyClient,
  headers: { 'X-Remote-User': user, 'X-Remote-Group': groups, ...extra },
});

describe('adapter over HTTPS', () => {
  it('serves the probes without authentication', async () => {
    for (const p of ['/healthz', '/livez', '/readyz']) {
      const r = await get(p);
      expect(r.status).toBe(200);
      expect(r.text).toBe('ok');
    }
    ready = false;
    expect((await get('/readyz')).status).toBe(500);
    ready = true;
  });

  it('answers 401 Status JSON without credentials', async () => {
    const r = await get('/apis/custom.metrics.k8s.io/v1beta2');
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toBe('application/json');
    expect(json(r)).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('lets the aggregator (system:masters via the front proxy) read discovery without a review', async () => {
    const before = client.accessReviews.length;
    const r = await get('/apis/custom.metrics.k8s.io/v1beta1', asProxy('system:kube-aggregator', ['system:masters']));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(json(r)).toMatchObject({ kind: 'APIResourceList', groupVersion: 'custom.metrics.k8s.io/v1beta1' });
    expect(client.accessReviews.length).toBe(before);
  });

  it('uses the front-proxy identity (user, groups, extra) in the SubjectAccessReview', async () => {
    const r = await get(podsPath, asProxy(hpaUser, ['system:serviceaccounts', 'system:serviceaccounts:kube-system'], { 'X-Remote-Extra-Scopes': 'a' }));
    expect(r.status).toBe(200);
    expect((json(r) as { items: unknown[] }).items.length).toBe(2);
    const review = client.accessReviews.at(-1);
    expect(review).toEqual({
      user: {
        username: hpaUser,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
        extra: { scopes: ['a'] },
      },
      access: {
        kind: 'resource',
        attributes: { namespace: 'serving', verb: 'get', group: 'custom.metrics.k8s.io', version: 'v1beta2', resource: 'pods', name: '*', subresource: 'ttft_p90_seconds' },
      },
    });
  });

  it('answers 403 Status when the review denies', async () => {
    const r = await get(podsPath, asProxy('mallory'));
    expect(r.status).toBe(403);
    const body = json(r) as { reason: string; code: number; message: string };
    expect(body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
    expect(body.message).toContain('User "mallory" cannot get resource "pods/ttft_p90_seconds" in API group "custom.metrics.k8s.io"');
  });

  it('does not trust X-Remote-* headers from a certificate of the wrong CA', async () => {
    const r = await get(podsPath, { identity: pki.rogueFrontProxy, headers: { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters' } });
    expect(r.status).toBe(401);
    expect(json(r)).toMatchObject({ reason: 'Unauthorized' });
  });

  it('does not trust headers from a front-proxy-CA certificate whose CN is not allowed', async () => {
    const r = await get(podsPath, { identity: pki.otherProxy, headers: { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters' } });
    expect(r.status).toBe(401);
  });

  it('authenticates a client-CA certificate as CN / O, ignoring X-Remote-* headers', async () => {
    const r = await get(podsPath, { identity: pki.alice, headers: { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters' } });
    expect(r.status).toBe(200);
    expect(client.accessReviews.at(-1)?.user).toEqual({ username: 'alice', groups: ['team-a', 'team-b', 'system:authenticated'], extra: {} });
  });

  it('does not authenticate a certificate whose issuer is only presented, not in the CA bundle', async () => {
    // Node does not expose the intermediates a client sends to a server, so the chain must end in the bundle.
    const r = await get(podsPath, { identity: pki.carol });
    expect(r.status).toBe(401);
  });

  it('authenticates a bearer token through TokenReview, cached across requests', async () => {
    const before = client.tokenReviews.length;
    const headers = { Authorization: 'Bearer dave-token' };
    expect((await get(podsPath, { headers })).status).toBe(200);
    expect((await get(podsPath, { headers })).status).toBe(200);
    expect(client.tokenReviews.length - before).toBe(1);
    expect((await get(podsPath, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('405 Status for methods other than GET', async () => {
    const r = await get('/apis/custom.metrics.k8s.io/v1beta2', { ...asProxy('admin', ['system:masters']), method: 'POST' });
    expect(r.status).toBe(405);
    expect(json(r)).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
  });

  it('500 Status when the SubjectAccessReview cannot be made', async () => {
    client.failure = new Error('apiserver unreachable');
    try {
      const r = await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/serving/request_rate_per_second', asProxy('someone-new'));
      expect(r.status).toBe(500);
      expect(json(r)).toMatchObject({ kind: 'Status', reason: 'InternalError' });
    } finally {
      client.failure = undefined;
    }
  });

  it('503 Status while the provider is down', async () => {
    provider.setUnavailable(true);
    try {
      const r = await get(podsPath, asProxy(hpaUser));
      expect(r.status).toBe(503);
      expect(json(r)).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    } finally {
      provider.setUnavailable(false);
    }
  });

  it('serves external metrics and 404 Status for unknown ones', async () => {
    const ok = await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/serving/request_rate_per_second?labelSelector=model%3Dllama', asProxy(hpaUser));
    expect(ok.status).toBe(200);
    expect(json(ok)).toMatchObject({ kind: 'ExternalMetricValueList', items: [{ value: '3500m' }] });
    const missing = await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/serving/unknown', asProxy(hpaUser));
    expect(missing.status).toBe(404);
    expect(json(missing)).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it('exposes request counts and latency on /metrics to authorized callers only', async () => {
    expect((await get('/metrics')).status).toBe(401);
    const r = await get('/metrics', asProxy('prometheus', ['system:masters']));
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/canopy_adapter_requests_total\{code="200",verb="GET",route="selector"\} \d+/);
    expect(r.text).toMatch(/canopy_adapter_requests_total\{code="401",verb="GET",route="discovery"\} \d+/);
    expect(r.text).toContain('canopy_adapter_request_duration_seconds_bucket');
  });

  it('answers a request the HTTP parser rejects with a 400 Status', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: adapter.address.port, ca: pki.servingCA.cert, servername: 'localhost' }, () => {
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n');
      });
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
      socket.on('end', () => {
        resolve(text);
      });
      socket.on('error', reject);
    });
    expect(raw.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
    expect(raw).toContain('Content-Type: application/json');
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as unknown;
    expect(body).toMatchObject({ kind: 'Status', apiVersion: 'v1', reason: 'BadRequest', code: 400 });
  });

  it('negotiates HTTP/1.1 only', async () => {
    const alpn = await new Promise<string | false>((resolve, reject) => {
      const socket = connect(
        { host: '127.0.0.1', port: adapter.address.port, ca: pki.servingCA.cert, ALPNProtocols: ['h2', 'http/1.1'], servername: 'localhost' },
        () => {
          resolve(socket.alpnProtocol ?? false);
          socket.end();
        },
      );
      socket.on('error', reject);
    });
    expect(alpn).toBe('http/1.1');
  });
});
