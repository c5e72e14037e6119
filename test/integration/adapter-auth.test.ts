import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { grovePods } from '../../src/sim/engine-server/fleet.ts';
import { mintCert } from '../env/certs.ts';
import { waitFor } from '../env/net.ts';
import { integrationSkipped } from '../env/skip.ts';
import {
  createReadyPod,
  createServiceAccount,
  createTestContext,
  grantMetricsRead,
  httpsCall,
  registerApiServices,
  startAdapterInNetns,
  startHostEngine,
  type AdapterInNetns,
  type HttpReply,
  type TestContext,
  type Tls,
} from '../support/aggregated-adapter.ts';

/*
 * Delegated authentication and authorization of `canopy adapter` against the real kube-apiserver:
 * directly (the adapter's own 401/403 from TokenReview, client certificates, request headers and
 * SubjectAccessReview) and through the aggregator (the API server authenticates the caller, the
 * adapter authenticates the front proxy and reviews the user it vouches for).
 */

interface Status {
  kind: string;
  apiVersion: string;
  status: string;
  reason: string;
  code: number;
  message: string;
}

function expectStatus(reply: HttpReply, code: number, reason: string): Status {
  expect(reply.status, reply.text).toBe(code);
  expect(reply.contentType).toMatch(/^application\/json/);
  const body = reply.json() as Status;
  expect(body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code });
  return body;
}

function expectValues(reply: HttpReply): void {
  expect(reply.status, reply.text).toBe(200);
  expect(reply.json()).toMatchObject({ kind: 'MetricValueList', apiVersion: 'custom.metrics.k8s.io/v1beta2' });
}

describe.skipIf(integrationSkipped)('adapter authentication and authorization', () => {
  const env = inject('canopyEnv');
  let ctx: TestContext;
  let adapter: AdapterInNetns;
  let valuesPath = '';
  let readerName = '';
  let nobodyName = '';
  let creds: Record<'reader' | 'nobody' | 'admin' | 'frontProxy', { cert: Buffer; key: Buffer }>;
  const tokens = { reader: '', intruder: '' };
  let clusterCa: Buffer;

  beforeAll(async () => {
    ctx = await createTestContext(env, 'canopy-auth');
    try {
      const ns = ctx.namespace;
      const [pod] = grovePods(1, { podCliqueSet: 'auth', clique: 'worker' });
      if (pod === undefined) throw new Error('no pod');
      const engine = await startHostEngine(ctx.netns.hostAddress, {
        dialect: 'vllm',
        model: 'model',
        seed: 7,
        load: { rps: 2, ttftSeconds: { kind: 'constant', value: 0.05 }, itlSeconds: { kind: 'constant', value: 0.01 }, waiting: 4, running: 1, kv: 0.5 },
      });
      ctx.defer(() => engine.close());
      // This adapter discovers its engine as a pod (--scrape-pods): the pod's IP is the host end of the
      // veth, where the simulated engine listens, and its annotation names the port.
      await createReadyPod(ctx, pod.name, pod.labels, {
        podIP: ctx.netns.hostAddress,
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': new URL(engine.url).port },
      });
      adapter = await startAdapterInNetns(ctx, { targets: 'pods' });
      await registerApiServices(ctx, adapter);
      valuesPath = `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${ns}/pods/*/queue_waiting?labelSelector=${encodeURIComponent(`grove.io/podclique=${pod.labels['grove.io/podclique'] ?? ''}`)}`;

      readerName = `canopy-reader-${ns}`;
      nobodyName = `canopy-nobody-${ns}`;
      const pki = join(ctx.dir, 'users');
      const [reader, nobody] = await Promise.all([
        mintCert(env.certs.ca, pki, { name: 'reader', commonName: readerName, usage: 'client' }),
        mintCert(env.certs.ca, pki, { name: 'nobody', commonName: nobodyName, usage: 'client' }),
      ]);
      const load = async (pair: { cert: string; key: string }): Promise<{ cert: Buffer; key: Buffer }> => ({
        cert: await readFile(pair.cert),
        key: await readFile(pair.key),
      });
      creds = { reader: await load(reader), nobody: await load(nobody), admin: await load(env.certs.admin), frontProxy: await load(env.certs.frontProxyClient) };
      clusterCa = await readFile(env.certs.ca.cert);
      tokens.reader = await createServiceAccount(ctx, 'reader');
      tokens.intruder = await createServiceAccount(ctx, 'intruder');
      await grantMetricsRead(ctx, `canopy-${ns}-reader`, [
        { kind: 'User', name: readerName, apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'ServiceAccount', name: 'reader', namespace: ns },
      ]);
      // Data must be there, or a permitted read would be a 404 instead of a 200.
      await waitFor(
        'a value for the engine pod',
        async () => ((await ctx.api.call('GET', valuesPath)).status === 200 ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    } catch (error) {
      await ctx.close().catch(() => undefined);
      throw error;
    }
  });

  afterAll(async () => {
    await ctx.close();
  });

  describe('directly to the adapter', () => {
    const direct = (tls: Tls = {}, headers: Record<string, string | string[]> = {}): Promise<HttpReply> =>
      httpsCall(`${adapter.url}${valuesPath}`, { tls: { ...adapter.tls, ...tls }, headers });

    it('answers 401 Status without credentials or with a token the API server rejects', async () => {
      expectStatus(await direct(), 401, 'Unauthorized');
      expectStatus(await direct({}, { authorization: 'Bearer not-a-real-token' }), 401, 'Unauthorized');
    });

    it('answers 403 Status to authenticated users RBAC does not allow (client cert and ServiceAccount token)', async () => {
      const byCert = expectStatus(await direct(creds.nobody), 403, 'Forbidden');
      expect(byCert.message).toContain(nobodyName);
      const byToken = expectStatus(await direct({}, { authorization: `Bearer ${tokens.intruder}` }), 403, 'Forbidden');
      expect(byToken.message).toContain(`system:serviceaccount:${ctx.namespace}:intruder`);
    });

    it('answers 200 to permitted users (client cert, ServiceAccount token, system:masters)', async () => {
      expectValues(await direct(creds.reader));
      expectValues(await direct({}, { authorization: `Bearer ${tokens.reader}` }));
      expectValues(await direct(creds.admin));
    });

    it('trusts identity headers only from the front proxy', async () => {
      // The front proxy's certificate vouches for the user in X-Remote-User.
      expectValues(await direct(creds.frontProxy, { 'x-remote-user': readerName, 'x-remote-group': 'system:authenticated' }));
      expectStatus(await direct(creds.frontProxy, { 'x-remote-user': nobodyName }), 403, 'Forbidden');
      // The front proxy's certificate alone names no user.
      expectStatus(await direct(creds.frontProxy), 401, 'Unauthorized');
      // Any other certificate is its own user: forged headers are ignored.
      const forged = expectStatus(await direct(creds.nobody, { 'x-remote-user': readerName, 'x-remote-group': 'system:masters' }), 403, 'Forbidden');
      expect(forged.message).toContain(nobodyName);
    });

    it('leaves the health endpoints open', async () => {
      expect((await httpsCall(`${adapter.url}/healthz`, { tls: adapter.tls })).status).toBe(200);
      expect((await httpsCall(`${adapter.url}/readyz`, { tls: adapter.tls })).status).toBe(200);
    });
  });

  describe('through the kube-apiserver aggregator', () => {
    const viaAggregator = (tls: Tls = {}, headers: Record<string, string | string[]> = {}): Promise<HttpReply> =>
      httpsCall(`${env.server}${valuesPath}`, { tls: { ca: clusterCa, ...tls }, headers });

    it('answers 401 Status to a token the API server rejects', async () => {
      expectStatus(await viaAggregator({}, { authorization: 'Bearer not-a-real-token' }), 401, 'Unauthorized');
    });

    it('answers 403 Status without credentials: the API server allows anonymous requests as system:anonymous, which RBAC denies', async () => {
      const s = expectStatus(await viaAggregator(), 403, 'Forbidden');
      expect(s.message).toContain('system:anonymous');
    });

    it('answers 403 Status to authenticated users RBAC does not allow', async () => {
      expectStatus(await viaAggregator(creds.nobody), 403, 'Forbidden');
      expectStatus(await viaAggregator({}, { authorization: `Bearer ${tokens.intruder}` }), 403, 'Forbidden');
    });

    it('answers 200 to permitted users, the adapter accepting the front proxy and reviewing the user', async () => {
      expectValues(await viaAggregator(creds.reader));
      expectValues(await viaAggregator({}, { authorization: `Bearer ${tokens.reader}` }));
    });
  });
});
