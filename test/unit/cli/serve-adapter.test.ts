import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeKubeAuthClient } from '../../../src/adapter/auth/fake-kube-auth-client.ts';
import { adapterComponent, servingKeyPair, startAdapterComponent } from '../../../src/serve/adapter-component.ts';
import { parseServeArgs } from '../../../src/serve/flags.ts';
import { startServeSignals, type ServeSignals } from '../../../src/serve/signals.ts';
import type { ServeContext } from '../../../src/serve/types.ts';
import type { SignalsLoop } from '../../../src/adapter/wiring.ts';
import { httpGet, type HttpResult } from '../../env/net.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SERVICE = 'canopy.canopy-system.svc';

function get(port: number, path: string, ca: string | Buffer, token?: string): Promise<HttpResult> {
  return httpGet(`https://127.0.0.1:${port}${path}`, { servername: SERVICE, ca, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
}

async function engineSignals(): Promise<ServeSignals> {
  const pod: V1Pod = {
    metadata: { namespace: 'ns', name: 'decode-0', labels: { 'grove.io/podclique': 'pcs-0-decode', 'app.kubernetes.io/part-of': 'pcs' }, annotations: { 'prometheus.io/port': '8000' } },
    status: { phase: 'Running', podIP: '10.0.0.1' },
  };
  const signals = await startServeSignals(new KubeConfig(), {
    choice: { source: 'scrape' },
    windowSeconds: 60,
    intervalMs: 3_600_000,
    lister: { list: () => Promise.resolve([pod]) },
    fetch: () => Promise.resolve({ ok: true, status: 200, text: 'vllm:num_requests_waiting{model_name="m"} 4\n' }),
    log: () => undefined,
  });
  cleanups.push(() => {
    signals.stop();
  });
  return signals;
}

function context(args: readonly string[], signals: ServeSignals, lines: string[]): ServeContext {
  const options = parseServeArgs(args, {});
  if (typeof options === 'string') throw new Error(options);
  return { kc: new KubeConfig(), options, log: (l) => lines.push(l), signals: () => Promise.resolve(signals) };
}

describe('serve: the adapter component', () => {
  it('is started on every replica', () => {
    expect(adapterComponent).toMatchObject({ name: 'adapter', leaderOnly: false });
  });

  it('without a certificate: serves HTTPS with a self-signed one for the service names, probes and metrics from the shared signals', async () => {
    const signals = await engineSignals();
    const lines: string[] = [];
    const auth = new FakeKubeAuthClient({
      tokens: { 'hpa-token': { username: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler', groups: ['system:serviceaccounts'], extra: {} } },
      policy: (r) => r.user.username.endsWith(':horizontal-pod-autoscaler'),
    });
    const running = await startAdapterComponent(context(['--secure-port=0', `--tls-san=${SERVICE},127.0.0.1`], signals, lines), { kubeAuthClient: auth });
    cleanups.push(() => running.stop());
    const { port } = running.adapter.address;

    expect(running.tls.origin).toBe(`self-signed certificate for ${SERVICE}, 127.0.0.1`);
    expect(lines).toEqual([`adapter: serving the metrics APIs on https://127.0.0.1:${String(port)} with a self-signed certificate for ${SERVICE}, 127.0.0.1`]);
    // The client trusts exactly the minted certificate and checks the service name against it.
    expect(await get(port, '/readyz', running.tls.cert)).toMatchObject({ status: 200 });
    const path = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/pods/decode-0/queue_waiting';
    expect((await get(port, path, running.tls.cert)).status).toBe(401);
    const answer = await get(port, path, running.tls.cert, 'hpa-token');
    expect(answer.status).toBe(200);
    const doc = JSON.parse(answer.body) as { items: { value: string; describedObject: { name: string } }[] };
    expect(doc.items.map((i) => [i.describedObject.name, i.value])).toEqual([['decode-0', '4']]);
  });

  it('reports not ready while the shared loop has not finished a cycle', async () => {
    const signals = await engineSignals();
    const cold: ServeSignals = { ...signals, loop: { ...signals.loop, ready: () => false } satisfies SignalsLoop };
    const running = await startAdapterComponent(context(['--secure-port=0', `--tls-san=${SERVICE}`], cold, []), { kubeAuthClient: new FakeKubeAuthClient() });
    cleanups.push(() => running.stop());
    const answer = await get(running.adapter.address.port, '/readyz', running.tls.cert);
    expect(answer.status).not.toBe(200);
    expect((await get(running.adapter.address.port, '/livez', running.tls.cert)).status).toBe(200);
  });

  it('with --tls-cert-file: reads the mounted pair instead of minting one', () => {
    const read: string[] = [];
    const pair = servingKeyPair({ kind: 'files', certFile: '/var/run/canopy/tls/tls.crt', keyFile: '/var/run/canopy/tls/tls.key' }, (p) => {
      read.push(p);
      return Buffer.from(`pem of ${p}`);
    });
    expect(read).toEqual(['/var/run/canopy/tls/tls.crt', '/var/run/canopy/tls/tls.key']);
    expect(String(pair.cert)).toBe('pem of /var/run/canopy/tls/tls.crt');
    expect(String(pair.key)).toBe('pem of /var/run/canopy/tls/tls.key');
    expect(pair.origin).toBe('certificate /var/run/canopy/tls/tls.crt');
  });
});
