import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeKubeAuthClient } from '../../../src/adapter/auth/fake-kube-auth-client.ts';
import type { MetricsProvider } from '../../../src/adapter/provider.ts';
import { startAdapter } from '../../../src/adapter/start.ts';
import { call, json } from './support/client.ts';
import { fixtureProvider, fixtureTables } from './support/fixture.ts';
import { mintTestPki, type TestPki } from './support/pki.ts';

let pki: TestPki;
beforeAll(() => {
  pki = mintTestPki();
});
afterAll(() => {
  pki.cleanup();
});

const discovery = '/apis/custom.metrics.k8s.io/v1beta2';

describe('startAdapter', () => {
  it('picks up a rotated client CA on reload, for TLS and for authentication', async () => {
    const rogueCA = readFileSync(join(pki.dir, 'rogue-ca.crt'), 'utf8');
    const client = new FakeKubeAuthClient({ configMap: { ...pki.configMap, 'client-ca-file': rogueCA }, policy: () => true });
    const adapter = await startAdapter({ provider: fixtureProvider(), kubeAuthClient: client, tls: pki.serving, port: 0, reloadIntervalMs: 0 });
    try {
      const get = (): ReturnType<typeof call> => call(adapter.address.port, pki.servingCA.cert, discovery, { identity: pki.alice });
      expect((await get()).status).toBe(401);
      expect(await adapter.reloadAuthenticationConfig()).toBe(false);
      client.configMap = { ...pki.configMap };
      expect(await adapter.reloadAuthenticationConfig()).toBe(true);
      expect((await get()).status).toBe(200);
      expect(adapter.authenticationConfig().clientCA?.pem).toBe(pki.clientCA.cert);
    } finally {
      await adapter.stop();
    }
  });

  it('authenticates a certificate issued by an intermediate that the CA bundle carries', async () => {
    const client = new FakeKubeAuthClient({
      configMap: { ...pki.configMap, 'client-ca-file': pki.clientCA.cert + pki.clientIntermediate.cert },
      policy: (r) => r.user.username === 'carol',
    });
    const adapter = await startAdapter({ provider: fixtureProvider(), kubeAuthClient: client, tls: pki.serving, port: 0, reloadIntervalMs: 0 });
    try {
      const r = await call(adapter.address.port, pki.servingCA.cert, discovery, { identity: pki.carol });
      expect(r.status).toBe(200);
      expect(client.accessReviews.at(-1)?.user).toEqual({ username: 'carol', groups: ['team-c', 'system:authenticated'], extra: {} });
    } finally {
      await adapter.stop();
    }
  });

  it('keeps the current configuration when the ConfigMap cannot be read or parsed', async () => {
    const client = new FakeKubeAuthClient({ configMap: { ...pki.configMap }, policy: () => true });
    const adapter = await startAdapter({ provider: fixtureProvider(), kubeAuthClient: client, tls: pki.serving, port: 0, reloadIntervalMs: 0 });
    try {
      client.configMap = { ...pki.configMap, 'requestheader-group-headers': 'X-Remote-Group' };
      await expect(adapter.reloadAuthenticationConfig()).rejects.toThrow(/JSON array/);
      client.failure = new Error('apiserver down');
      await expect(adapter.reloadAuthenticationConfig()).rejects.toThrow(/apiserver down/);
      client.failure = undefined;
      const r = await call(adapter.address.port, pki.servingCA.cert, discovery, { identity: pki.alice });
      expect(r.status).toBe(200);
    } finally {
      await adapter.stop();
    }
  });

  it('answers 503 when the provider does not answer in time', async () => {
    const hanging: MetricsProvider = {
      listMetrics: () => fixtureTables().metrics,
      getObjectMetric: () => new Promise(() => undefined),
      getMetricsBySelector: () => new Promise(() => undefined),
      getExternalMetric: () => new Promise(() => undefined),
    };
    const client = new FakeKubeAuthClient({ configMap: pki.configMap, policy: () => true });
    const adapter = await startAdapter({ provider: hanging, kubeAuthClient: client, tls: pki.serving, port: 0, reloadIntervalMs: 0, providerTimeoutMs: 20 });
    try {
      const r = await call(adapter.address.port, pki.servingCA.cert, `${discovery}/namespaces/serving/pods/*/ttft_p90_seconds`, { identity: pki.alice });
      expect(r.status).toBe(503);
      expect(json(r)).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable' });
      expect((json(r) as { message: string }).message).toContain('did not answer within 20 ms');
    } finally {
      await adapter.stop();
    }
  });
});
