import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { ClientNodeKubeAuthClient } from '../../../../src/adapter/auth/kube-auth-client.ts';

// A loopback stand-in for the API server: records what the client sends and answers like the real one.
interface Seen {
  method: string;
  url: string;
  body: unknown;
}

let server: Server;
let seen: Seen[] = [];

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve(text === '' ? undefined : (JSON.parse(text) as unknown));
    });
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.setHeader('Content-Type', 'application/json');
      if (req.url?.startsWith('/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication') === true) {
        res.end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extension-apiserver-authentication' }, data: { 'client-ca-file': 'PEM' } }));
      } else if (req.url === '/apis/authentication.k8s.io/v1/tokenreviews') {
        const token = (body as { spec: { token: string } }).spec.token;
        const status =
          token === 'good'
            ? { authenticated: true, user: { username: 'dave', uid: 'u1', groups: ['devs'], extra: { scopes: ['a'] } } }
            : { authenticated: false, error: 'invalid bearer token' };
        res.end(JSON.stringify({ ...(body as object), status }));
      } else if (req.url === '/apis/authorization.k8s.io/v1/subjectaccessreviews') {
        const spec = (body as { spec: { user: string } }).spec;
        const status = spec.user === 'dave' ? { allowed: true, reason: 'RBAC: allowed' } : { allowed: false, denied: true, reason: 'nope' };
        res.end(JSON.stringify({ ...(body as object), status }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
});

function client(): ClientNodeKubeAuthClient {
  const kc = new KubeConfig();
  const port = (server.address() as AddressInfo).port;
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'adapter-sa-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new ClientNodeKubeAuthClient(kc);
}

describe('ClientNodeKubeAuthClient (against a loopback API server stand-in)', () => {
  it('reads the extension-apiserver-authentication ConfigMap data', async () => {
    seen = [];
    expect(await client().readAuthenticationConfig()).toEqual({ 'client-ca-file': 'PEM' });
    expect(seen[0]).toMatchObject({ method: 'GET' });
  });

  it('posts a TokenReview and maps the user', async () => {
    seen = [];
    expect(await client().reviewToken('good', ['api'])).toEqual({
      authenticated: true,
      user: { username: 'dave', uid: 'u1', groups: ['devs'], extra: { scopes: ['a'] } },
    });
    expect(seen[0]).toEqual({
      method: 'POST',
      url: '/apis/authentication.k8s.io/v1/tokenreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'good', audiences: ['api'] } },
    });
    expect(await client().reviewToken('bad')).toEqual({ authenticated: false, error: 'invalid bearer token' });
  });

  it('posts a SubjectAccessReview with resource or non-resource attributes', async () => {
    seen = [];
    const c = client();
    const allowed = await c.reviewAccess({
      user: { username: 'dave', groups: ['devs'], extra: { scopes: ['a'] } },
      access: {
        kind: 'resource',
        attributes: { namespace: 'ns', verb: 'get', group: 'custom.metrics.k8s.io', version: 'v1beta2', resource: 'pods', name: '*', subresource: 'm' },
      },
    });
    expect(allowed).toEqual({ allowed: true, reason: 'RBAC: allowed' });
    expect(seen[0]?.body).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: 'dave',
        groups: ['devs'],
        extra: { scopes: ['a'] },
        resourceAttributes: { namespace: 'ns', verb: 'get', group: 'custom.metrics.k8s.io', version: 'v1beta2', resource: 'pods', name: '*', subresource: 'm' },
      },
    });
    const denied = await c.reviewAccess({
      user: { username: 'eve', groups: [], extra: {} },
      access: { kind: 'nonResource', attributes: { path: '/apis/custom.metrics.k8s.io/v1beta2', verb: 'get' } },
    });
    expect(denied).toEqual({ allowed: false, denied: true, reason: 'nope' });
    expect((seen[1]?.body as { spec: unknown }).spec).toEqual({
      user: 'eve',
      groups: [],
      extra: {},
      nonResourceAttributes: { path: '/apis/custom.metrics.k8s.io/v1beta2', verb: 'get' },
    });
  });
});
