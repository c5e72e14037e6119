import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { apiserverArgs } from '../env/apiserver.ts';
import type { ClusterCerts } from '../env/certs.ts';
import { controllerManagerArgs, controllerManagerOptionsFromEnv } from '../env/controller-manager.ts';
import { etcdArgs } from '../env/etcd.ts';
import { kubeconfigDocument } from '../env/kubeconfig.ts';
import { prometheusArgs, prometheusConfig } from '../env/prometheus.ts';

const pair = (n: string): { cert: string; key: string } => ({ cert: `/pki/${n}.crt`, key: `/pki/${n}.key` });
const certs: ClusterCerts = {
  dir: '/pki',
  ca: pair('ca'),
  apiserver: pair('apiserver'),
  admin: pair('admin'),
  controllerManager: pair('controller-manager'),
  frontProxyCa: pair('front-proxy-ca'),
  frontProxyClient: pair('front-proxy-client'),
  serviceAccount: { publicKey: '/pki/sa.pub', privateKey: '/pki/sa.key' },
};

/** `--name=value` flags as a map (the last one wins, as with pflag). */
function flags(args: readonly string[]): Map<string, string> {
  return new Map(args.map((a) => /^--([^=]+)=(.*)$/.exec(a)).flatMap((m) => (m?.[1] === undefined ? [] : [[m[1], m[2] ?? ''] as const])));
}

describe('component command lines', () => {
  it('kube-apiserver: loopback only, RBAC, service accounts and the aggregation layer', () => {
    const f = flags(apiserverArgs({ certs, etcdUrl: 'http://127.0.0.1:2379', port: 6443, runDir: '/run' }));
    expect(f.get('bind-address')).toBe('127.0.0.1');
    expect(f.get('advertise-address')).toBe('127.0.0.1');
    expect(f.get('secure-port')).toBe('6443');
    expect(f.get('insecure-port')).toBe('0');
    expect(f.get('authorization-mode')).toBe('Node,RBAC');
    expect(f.get('client-ca-file')).toBe('/pki/ca.crt');
    expect(f.get('service-cluster-ip-range')).toBe('10.0.0.0/24');
    expect(f.get('service-account-key-file')).toBe('/pki/sa.pub');
    expect(f.get('service-account-signing-key-file')).toBe('/pki/sa.key');
    expect(f.get('service-account-issuer')).toMatch(/^https:\/\//);
    expect(f.get('requestheader-client-ca-file')).toBe('/pki/front-proxy-ca.crt');
    expect(f.get('requestheader-allowed-names')).toBe('front-proxy-client');
    expect(f.get('requestheader-username-headers')).toBe('X-Remote-User');
    expect(f.get('requestheader-group-headers')).toBe('X-Remote-Group');
    expect(f.get('requestheader-extra-headers-prefix')).toBe('X-Remote-Extra-');
    expect(f.get('proxy-client-cert-file')).toBe('/pki/front-proxy-client.crt');
    expect(f.get('proxy-client-key-file')).toBe('/pki/front-proxy-client.key');
    expect(f.get('enable-aggregator-routing')).toBe('true');
    // Its own cert dir, never the default /var/run/kubernetes shared between runs.
    expect(f.get('cert-dir')).toMatch(/^\/run\//);
  });

  it('kube-controller-manager: HPA timings configurable, leader election off, no insecure port', () => {
    const base = { certs, kubeconfig: '/run/kcm.kubeconfig', port: 10257, runDir: '/run' };
    const f = flags(controllerManagerArgs({ ...base, options: {} }));
    expect(f.get('leader-elect')).toBe('false');
    expect(f.get('port')).toBe('0');
    expect(f.get('bind-address')).toBe('127.0.0.1');
    expect(f.get('horizontal-pod-autoscaler-sync-period')).toBe('2s');
    expect(f.get('horizontal-pod-autoscaler-downscale-stabilization')).toBe('10s');
    expect(f.get('service-account-private-key-file')).toBe('/pki/sa.key');
    expect(f.get('root-ca-file')).toBe('/pki/ca.crt');
    expect(f.get('controllers')?.split(',')).toEqual(
      expect.arrayContaining(['horizontalpodautoscaling', 'garbagecollector', 'namespace', 'serviceaccount', 'serviceaccount-token']),
    );
    const g = flags(
      controllerManagerArgs({ ...base, options: { hpaSyncPeriod: '1s', hpaDownscaleStabilization: '30s', controllers: ['namespace'] } }),
    );
    expect(g.get('horizontal-pod-autoscaler-sync-period')).toBe('1s');
    expect(g.get('horizontal-pod-autoscaler-downscale-stabilization')).toBe('30s');
    expect(g.get('controllers')).toBe('namespace');
  });

  it('reads HPA timing overrides for the shared cluster from the environment', () => {
    expect(controllerManagerOptionsFromEnv({})).toEqual({});
    expect(controllerManagerOptionsFromEnv({ CANOPY_HPA_SYNC_PERIOD: '5s', CANOPY_HPA_DOWNSCALE_STABILIZATION: '1m' })).toEqual({
      hpaSyncPeriod: '5s',
      hpaDownscaleStabilization: '1m',
    });
    expect(controllerManagerOptionsFromEnv({ CANOPY_HPA_SYNC_PERIOD: '' })).toEqual({});
  });

  it('etcd: one member, every URL on loopback', () => {
    const f = flags(etcdArgs('/run/etcd', { client: 2379, peer: 2380 }));
    expect(f.get('data-dir')).toBe('/run/etcd');
    expect(f.get('listen-client-urls')).toBe('http://127.0.0.1:2379');
    expect(f.get('listen-peer-urls')).toBe('http://127.0.0.1:2380');
    expect(f.get('initial-cluster')).toBe('canopy-test=http://127.0.0.1:2380');
  });

  it('prometheus: loopback listener, scrape configs passed through with the interval', () => {
    const f = flags(prometheusArgs('/p/prometheus.yml', '/p/data', 9090));
    expect(f.get('web.listen-address')).toBe('127.0.0.1:9090');
    expect(f.get('storage.tsdb.path')).toBe('/p/data');
    const config = parse(
      prometheusConfig([{ job_name: 'engines', static_configs: [{ targets: ['127.0.0.1:8000'], labels: { clique: 'decode' } }] }], 2),
    ) as { global: Record<string, string>; scrape_configs: unknown[] };
    expect(config.global['scrape_interval']).toBe('2s');
    expect(config.scrape_configs).toEqual([
      { job_name: 'engines', static_configs: [{ targets: ['127.0.0.1:8000'], labels: { clique: 'decode' } }] },
    ]);
  });

  it('kubeconfig: one context with the credentials embedded', () => {
    const doc = parse(
      kubeconfigDocument({ server: 'https://127.0.0.1:6443', user: 'admin', caPem: 'CA', certPem: 'CERT', keyPem: 'KEY' }),
    ) as {
      'current-context': string;
      clusters: { cluster: Record<string, string> }[];
      users: { name: string; user: Record<string, string> }[];
    };
    expect(doc['current-context']).toBe('canopy-test');
    expect(doc.clusters[0]?.cluster['server']).toBe('https://127.0.0.1:6443');
    expect(Buffer.from(doc.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString()).toBe('CA');
    expect(Buffer.from(doc.users[0]?.user['client-certificate-data'] ?? '', 'base64').toString()).toBe('CERT');
    expect(Buffer.from(doc.users[0]?.user['client-key-data'] ?? '', 'base64').toString()).toBe('KEY');
  });
});
