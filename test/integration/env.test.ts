import { readFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { testKubeConfig } from '../env/kube.ts';
import { integrationSkipped } from '../env/skip.ts';

async function getWithKubeconfig(path: string): Promise<{ status: number; body: string }> {
  const kc = testKubeConfig();
  const server = kc.getCurrentCluster()?.server;
  if (server === undefined) throw new Error('kubeconfig has no current cluster');
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server), { ...options, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(integrationSkipped)('the shared test cluster', () => {
  it('is reachable through the provided kubeconfig and the environment variable alike', () => {
    const provided = inject('kubeconfig');
    expect(provided).toMatch(/kubeconfig$/);
    expect(process.env['CANOPY_TEST_KUBECONFIG']).toBe(provided);
  });

  it('answers /readyz with ok', async () => {
    const res = await getWithKubeconfig('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.trim()).toBe('ok');
  });

  it('serves kube-apiserver 1.20.2', async () => {
    const res = await getWithKubeconfig('/version');
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { gitVersion: string }).gitVersion).toMatch(/^v1\.20\.2/);
  });

  it('lists the system namespaces', async () => {
    const core = testKubeConfig().makeApiClient(CoreV1Api);
    const list = await core.listNamespace();
    const names = list.items.map((ns) => ns.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']));
  });

  it('publishes the aggregator request-header settings in kube-system/extension-apiserver-authentication', async () => {
    const core = testKubeConfig().makeApiClient(CoreV1Api);
    const cm = await core.readNamespacedConfigMap({ namespace: 'kube-system', name: 'extension-apiserver-authentication' });
    const data = cm.data ?? {};
    const env = inject('canopyEnv');
    // Lists are JSON arrays inside strings.
    expect(JSON.parse(data['requestheader-allowed-names'] ?? 'null')).toEqual(['front-proxy-client']);
    expect(JSON.parse(data['requestheader-username-headers'] ?? 'null')).toEqual(['X-Remote-User']);
    expect(JSON.parse(data['requestheader-group-headers'] ?? 'null')).toEqual(['X-Remote-Group']);
    expect(JSON.parse(data['requestheader-extra-headers-prefix'] ?? 'null')).toEqual(['X-Remote-Extra-']);
    expect(data['requestheader-client-ca-file']?.trim()).toBe(readFileSync(env.certs.frontProxyCa.cert, 'utf8').trim());
    expect(data['client-ca-file']?.trim()).toBe(readFileSync(env.certs.ca.cert, 'utf8').trim());
  });

  it('runs the service-account controllers: the default ServiceAccount has a token secret', async () => {
    const core = testKubeConfig().makeApiClient(CoreV1Api);
    const sa = await core.readNamespacedServiceAccount({ namespace: 'default', name: 'default' });
    const secretName = sa.secrets?.[0]?.name;
    expect(secretName).toBeDefined();
    const secret = await core.readNamespacedSecret({ namespace: 'default', name: secretName ?? '' });
    expect(secret.type).toBe('kubernetes.io/service-account-token');
    expect(Object.keys(secret.data ?? {})).toEqual(expect.arrayContaining(['ca.crt', 'token', 'namespace']));
  });
});
